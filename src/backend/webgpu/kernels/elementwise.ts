// Elementwise kernels on the GPU: ReLU (§3.1), dropout (§4.2, masks drawn on
// the host by the shared generator and uploaded, so every backend drops the
// same units), and the SGD update (§5) in both momentum forms. Each runs in
// chunks of elements that fit the binding limit.
import type { ReluKernels } from '../../../ops/relu.js';
import type { TanhKernels } from '../../../ops/tanh.js';
import type { DropoutKernels } from '../../../ops/dropout.js';
import type { SgdKernels } from '../../../ops/sgd.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { DeviceArray } from '../../../tensor/tensor.js';
import type { WebGpuDevice } from '../device.js';
import { chunkItems, grid, linearId, runKernel, type Scalar } from '../shader.js';

interface Elementwise {
  readonly key: string;
  readonly n: number;
  readonly inputs: readonly (readonly [string, DeviceArray])[];
  readonly outputs: readonly (readonly [string, DeviceArray])[];
  readonly params?: Readonly<Record<string, readonly [number, Scalar]>>;
  /** WGSL statements for element `i` (inputs read as `name[p.o_name + i]`). */
  readonly body: string;
}

function elementwise(dev: WebGpuDevice, e: Elementwise): void {
  const per = chunkItems(dev, e.n, [1]);
  for (let s = 0; s < e.n; s += per) {
    const c = Math.min(per, e.n - s);
    runKernel(dev, {
      key: e.key,
      params: { n: [c, 'u32'], ...e.params },
      operands: [
        ...e.inputs.map(([name, array]) => ({ name, array, start: s, count: c })),
        ...e.outputs.map(([name, array]) => ({ name, array, start: s, count: c, write: true })),
      ],
      main: `
  let i = ${linearId()};
  if (i >= p.n) { return; }
${e.body}`,
      workgroupSize: [256, 1, 1],
      workgroups: grid(c),
    });
  }
}

/** The same range of the same buffer: an in-place call, bound once as read_write. */
function aliases(a: DeviceArray, b: DeviceArray): boolean {
  return a.buffer === b.buffer && a.offset === b.offset;
}

export function webgpuRelu(dev: WebGpuDevice): ReluKernels<DeviceMemory> {
  return {
    forward(n, x, y) {
      if (aliases(x, y)) elementwise(dev, { key: 'relu-inplace', n, inputs: [], outputs: [['y', y]], body: '  y[p.o_y + i] = max(y[p.o_y + i], 0.0);' });
      else elementwise(dev, { key: 'relu', n, inputs: [['x', x]], outputs: [['y', y]], body: '  y[p.o_y + i] = max(x[p.o_x + i], 0.0);' });
    },
    backward(n, y, dy, dx) {
      const body = (src: string) => `  let d = ${src}[p.o_${src} + i];\n  dx[p.o_dx + i] = select(0.0, d, y[p.o_y + i] > 0.0);`;
      if (aliases(dy, dx)) elementwise(dev, { key: 'relu-backward-inplace', n, inputs: [['y', y]], outputs: [['dx', dx]], body: body('dx') });
      else elementwise(dev, { key: 'relu-backward', n, inputs: [['y', y], ['dy', dy]], outputs: [['dx', dx]], body: body('dy') });
    },
  };
}

/** §3.1 Figure 1's saturating unit. WGSL's tanh may lose accuracy for large |x|, so it is written with exp of −2|x|. */
export function webgpuTanh(dev: WebGpuDevice): TanhKernels<DeviceMemory> {
  const value = (src: string) => `  let v = ${src}[p.o_${src} + i];
  let e = exp(-2.0 * abs(v));
  y[p.o_y + i] = sign(v) * (1.0 - e) / (1.0 + e);`;
  return {
    forward(n, x, y) {
      if (aliases(x, y)) elementwise(dev, { key: 'tanh-inplace', n, inputs: [], outputs: [['y', y]], body: value('y') });
      else elementwise(dev, { key: 'tanh', n, inputs: [['x', x]], outputs: [['y', y]], body: value('x') });
    },
    backward(n, y, dy, dx) {
      const body = (src: string) => `  let t = y[p.o_y + i];\n  dx[p.o_dx + i] = ${src}[p.o_${src} + i] * (1.0 - t * t);`;
      if (aliases(dy, dx)) elementwise(dev, { key: 'tanh-backward-inplace', n, inputs: [['y', y]], outputs: [['dx', dx]], body: body('dx') });
      else elementwise(dev, { key: 'tanh-backward', n, inputs: [['y', y], ['dy', dy]], outputs: [['dx', dx]], body: body('dy') });
    },
  };
}

export function webgpuDropout(dev: WebGpuDevice): DropoutKernels<DeviceMemory> {
  return {
    apply(n, x, mask, scale, y) {
      const inplace = aliases(x, y);
      const src = inplace ? 'y' : 'x';
      const inputs: [string, DeviceArray][] = inplace ? [] : [['x', x]];
      if (mask) inputs.push(['mask', mask]);
      const m = mask ? ' * mask[p.o_mask + i]' : '';
      elementwise(dev, {
        key: `dropout${inplace ? '-inplace' : ''}${mask ? '-mask' : ''}`, n, inputs, outputs: [['y', y]], params: { scale: [scale, 'f32'] },
        body: `  y[p.o_y + i] = ${src}[p.o_${src} + i]${m} * p.scale;`,
      });
    },
  };
}

export function webgpuSgd(dev: WebGpuDevice): SgdKernels<DeviceMemory> {
  return {
    update(n, w, v, g, { learningRate, momentum, weightDecay, form }) {
      // Same arithmetic, in the same order, as the reference kernel (src/backend/reference/sgd.ts).
      const body = form === 'pytorch'
        ? `  let nv = p.mu * v[p.o_v + i] + g[p.o_g + i] + p.decay * w[p.o_w + i];
  v[p.o_v + i] = nv;
  w[p.o_w + i] = w[p.o_w + i] - p.lr * nv;`
        : `  let nv = p.mu * v[p.o_v + i] - p.decayLr * w[p.o_w + i] - p.lr * g[p.o_g + i];
  v[p.o_v + i] = nv;
  w[p.o_w + i] = w[p.o_w + i] + nv;`;
      elementwise(dev, {
        key: `sgd-${form}`, n, inputs: [['g', g]], outputs: [['w', w], ['v', v]],
        params: { lr: [learningRate, 'f32'], mu: [momentum, 'f32'], decay: [weightDecay, 'f32'], decayLr: [Math.fround(weightDecay * learningRate), 'f32'] },
        body,
      });
    },
  };
}
