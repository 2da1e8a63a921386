// SGD with momentum and weight decay over a network's parameters (docs/paper.md §4).
import type { Tensor } from '../tensor/tensor.js';
import { deviceOf } from '../tensor/device.js';
import { sgdUpdate, type MomentumForm } from '../ops/sgd.js';
import type { Param } from '../nn/layer.js';

export interface SgdOptions {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly form: MomentumForm;
  /** Caffe and cuda-convnet: biases at 2× the learning rate and without decay. Default 1 and decay on. */
  readonly biasLrMultiplier?: number;
  readonly biasDecay?: boolean;
}

export class Sgd {
  readonly velocity: Map<string, Tensor>;

  constructor(readonly params: readonly Param[], readonly options: SgdOptions) {
    // Velocities live where the weights do (a GPU keeps them on the device for the whole run).
    this.velocity = new Map(params.map((p) => [p.name, deviceOf(p.value).zeros(p.value.shape)]));
  }

  step(learningRate: number): void {
    const o = this.options;
    for (const p of this.params) {
      const bias = p.kind === 'bias';
      sgdUpdate(p.value, this.velocity.get(p.name)!, p.grad, {
        learningRate: bias ? learningRate * (o.biasLrMultiplier ?? 1) : learningRate,
        momentum: o.momentum,
        weightDecay: bias && o.biasDecay === false ? 0 : o.weightDecay,
        form: o.form,
      });
    }
  }
}
