// Where a run stands and its figures so far: what checkpoints store and the
// trainer, the browser app and the metrics files report.
/** Where training stands: the next step to run is (epoch, stepInEpoch). */
export interface Position {
  readonly epoch: number;
  readonly stepInEpoch: number;
  readonly globalStep: number;
}

export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainTop1Error: number;
  readonly valLoss: number | null;
  readonly valTop1Error: number | null;
  readonly valTop5Error: number | null;
  readonly learningRate: number;
  readonly lrDropped: boolean;
  readonly seconds: number;
  readonly images: number;
}

/** Sums over the steps of the current epoch so far (for exact epoch metrics after a resume). */
export interface EpochAccumulator {
  readonly lossSum: number;
  readonly correct: number;
  readonly images: number;
  readonly seconds: number;
}
