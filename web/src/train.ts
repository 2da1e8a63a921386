// The page's training settings: mini with the form's settings, as
// `alexnet train --limit --val-limit --epochs --batch-size --lr --seed` sets
// them (the trainer itself is the library's: createTrainer).
import type { TrainerOptions } from 'alexnet-ts';

export interface TrainSettings {
  readonly limit: number;
  readonly valLimit: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export function trainerSettings(s: TrainSettings): Pick<TrainerOptions, 'preset' | 'epochs' | 'batchSize' | 'learningRate' | 'seed' | 'limit' | 'validationLimit'> {
  return { preset: 'mini', epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed, limit: s.limit, validationLimit: s.valLimit };
}
