// Learning-rate schedules (docs/paper.md §4): the paper divides the rate by 10
// when the validation error stops improving (three times in ~90 epochs);
// Caffe and torchvision use fixed steps. The state is plain JSON so a
// checkpoint resumes it, and `--lr` on resume replaces the current rate
// (a manual drop, as Krizhevsky did by hand).
import type { ScheduleConfig } from '../models/presets.js';

export interface ScheduleState {
  readonly learningRate: number;
  readonly drops: number;
  /** Best validation top-1 error so far (plateau). */
  readonly best: number | null;
  /** Epochs since the best improved by more than the threshold. */
  readonly badEpochs: number;
  /** Epochs completed. */
  readonly epochs: number;
}

export interface EpochDecision {
  readonly learningRate: number;
  readonly dropped: boolean;
  readonly reason: string | null;
}

export class LrSchedule {
  private s: ScheduleState;

  constructor(readonly config: ScheduleConfig, baseLearningRate: number, state?: ScheduleState) {
    this.s = state ?? { learningRate: baseLearningRate, drops: 0, best: null, badEpochs: 0, epochs: 0 };
  }

  get learningRate(): number {
    return this.s.learningRate;
  }

  get state(): ScheduleState {
    return this.s;
  }

  /** Manual override (resume with --lr): later drops start from this rate. */
  setLearningRate(lr: number): void {
    this.s = { ...this.s, learningRate: lr };
  }

  /** Call once after each epoch with its validation top-1 error (null when there is no validation set). */
  endEpoch(valError: number | null): EpochDecision {
    const c = this.config;
    let { learningRate, drops, best, badEpochs } = this.s;
    const epochs = this.s.epochs + 1;
    let reason: string | null = null;
    if (c.kind === 'step') {
      if (epochs % c.every === 0) reason = `step: ${epochs} epochs`;
    } else if (c.kind === 'plateau' && valError !== null) {
      if (best === null || valError < best - c.threshold) {
        best = valError;
        badEpochs = 0;
      } else if (++badEpochs > c.patience && drops < c.maxDrops) {
        reason = `plateau: validation error ${(valError * 100).toFixed(2)}% has not improved on ${(best * 100).toFixed(2)}% for ${badEpochs} epochs`;
        badEpochs = 0;
      }
    }
    if (reason !== null) {
      learningRate *= c.kind === 'constant' ? 1 : c.factor;
      drops++;
    }
    this.s = { learningRate, drops, best, badEpochs, epochs };
    return { learningRate, dropped: reason !== null, reason };
  }
}
