// What the trainer needs from data-parallel training (docs/cluster.md). The
// MPI implementation lives in src/parallel; the trainer only calls these
// hooks, so a single-process run runs no data-parallel code.
import type { Layer, Param } from '../nn/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import type { EvalResult } from '../eval/evaluate.js';
import type { GradientReducer } from './step.js';
import type { Position } from './checkpoint.js';

export interface DistributedTraining extends GradientReducer {
  readonly rank: number;
  readonly size: number;
  /** The gradients of `params` are summed as `layers` finish their backward pass. */
  attach(layers: readonly Layer[], params: readonly Param[]): void;
  /**
   * Every process takes rank 0's weights, velocities and dropout generator
   * state, and all must stand at the same position (else an error).
   */
  syncState(params: readonly Param[], velocity: ReadonlyMap<string, Tensor>, rng: Rng, position: Position): void;
  /** Sums the validation counts of every process's share of the split. */
  reduceEval(local: EvalResult): EvalResult;
  /** True on every process when `flag` is true on any (e.g. a Ctrl-C seen by one). */
  anyRank(flag: boolean): boolean;
  /** Throws when a process's weights differ from rank 0's (they must stay identical). */
  checkInSync(params: readonly Param[]): void;
}
