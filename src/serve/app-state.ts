// The page's state as `window.alexnetApp` (web/src/main.ts keeps it): the
// contract between the browser app and its test (test/browser), which reads
// it instead of scraping the screen.
import type { ClassScore } from '../eval/predict.js';
import type { EpochMetrics } from '../train/position.js';

/** What the page has done, for people (the screen) and for the browser test (this object). */
export interface AppState {
  ready: boolean;
  backend: string;
  gpu: boolean;
  trainState: string;
  steps: { step: number; epoch: number; loss: number; correct: number; images: number }[];
  epochs: EpochMetrics[];
  model: string | null;
  top5: { source: string; top: ClassScore[] } | null;
  evaluations: { model: string; views: number; images: number; loss: number; top1Error: number; top5Error: number }[];
  errors: string[];
}

declare global {
  interface Window {
    alexnetApp: AppState;
  }
}
