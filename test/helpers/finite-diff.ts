// Central finite differences of a loss against the analytic gradients of a
// network's parameters, at a few random coordinates of each parameter.
import '../../src/backend/reference/index.js';
import assert from 'node:assert/strict';
import type { Sequential } from '../../src/nn/sequential.js';
import type { Rng } from '../../src/tensor/random.js';

export interface FiniteDiffOptions {
  /** Step of the central difference. */
  readonly h: number;
  /** Coordinates checked per parameter. */
  readonly samples: number;
  /** Draws the coordinates. */
  readonly rng: Rng;
}

/** Asserts each sampled coordinate within 5e-3 (relative, floored at 1e-2); returns the worst error. */
export function checkFiniteDifferences(net: Sequential, loss: () => number, grads: ReadonlyMap<string, Float32Array>, o: FiniteDiffOptions): number {
  let worst = 0;
  for (const p of net.params()) {
    for (let t = 0; t < o.samples; t++) {
      const i = o.rng.int(p.value.size);
      const v = p.value.data[i];
      p.value.data[i] = v + o.h;
      const up = loss();
      p.value.data[i] = v - o.h;
      const down = loss();
      p.value.data[i] = v;
      const numeric = (up - down) / (2 * o.h);
      const analytic = grads.get(p.name)![i];
      const err = Math.abs(numeric - analytic) / Math.max(1e-2, Math.abs(analytic) + Math.abs(numeric));
      worst = Math.max(worst, err);
      assert.ok(err < 5e-3, `${p.name}[${i}]: numeric ${numeric} vs analytic ${analytic}`);
    }
  }
  return worst;
}
