// What a run's configuration holds: the preset's name, a seed, the model
// options that reshape the preset (../models/ablations.ts), the SGD recipe
// and the data settings. One JSON object describes a run; ./schema.ts checks
// it, ./config.ts builds it from a preset and overrides.
import type { AugmentConfig } from '../data/types.js';
import type { ModelOptions } from '../models/ablations.js';
import type { Recipe } from '../models/presets.js';

export type { ModelOptions };

/** A JSON value: what config files and `--set` values hold. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The preset's SGD recipe (batch, epochs, rates, momentum form, schedule) plus fine-tuning. */
export interface TrainOptions extends Omit<Recipe, 'imageSize' | 'augment'> {
  /** Weights to start from (fine-tuning); the classifier is re-initialised when its class count differs. */
  readonly initFrom: string | null;
  /** Layers whose parameters stay fixed (fine-tuning), e.g. ["conv1", "conv2"]. */
  readonly freeze: readonly string[];
}

/** Every {@link ValViews}. */
export const VAL_VIEWS = [1, 10] as const;
/** Validation crops per image: 1 (centre) or 10 (the paper's 10 views, docs/paper.md §5). */
export type ValViews = (typeof VAL_VIEWS)[number];

/** The augmentation settings (the loader's AugmentConfig; `input` is the preset's, and a stored config may lack it), and where the images come from. */
export interface DataOptions extends AugmentConfig {
  readonly imageSize: number;
  /** Loader worker threads. */
  readonly workers: number;
  /** Train on the first n images of the split only (class-balanced order); null: all. */
  readonly limit: number | null;
  /** Validate on the first n images only; null: all. */
  readonly valLimit: number | null;
  /** Validation crops per image: 1 (centre) or 10 (the paper's 10 views, docs/paper.md §5). */
  readonly valViews: ValViews;
}

export interface Config {
  readonly preset: string;
  readonly seed: number;
  readonly model: ModelOptions;
  readonly train: TrainOptions;
  readonly data: DataOptions;
}
