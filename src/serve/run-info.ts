// What `alexnet serve --run` tells the page about the run (pure types).
import type { Config } from '../config/config.js';
import type { ClassInfo } from '../data/types.js';
import type { EpochMetrics } from '../train/position.js';

/** The JSON the page reads at /api/run. */
export interface RunInfo {
  readonly name: string;
  readonly config: Config;
  readonly classes: readonly ClassInfo[];
  readonly preprocessing: {
    readonly size: number;
    readonly cropSize: number;
    readonly resize: 'square' | 'shorter' | 'warp';
    readonly resizeTo?: number;
    readonly mean: { readonly mode: 'pixel' | 'channel' | 'none'; readonly meanChannel: readonly number[]; readonly gain?: readonly number[]; readonly bgr?: boolean };
  };
  readonly history: readonly EpochMetrics[];
  readonly report: boolean;
}
