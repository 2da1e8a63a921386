// The WGSL renderViews kernel against the reference kernel (renderView, what
// the host loader writes): every mean mode, gain, BGR order, mirrored and
// plain crops, lighting offsets, an odd image side (so images start inside a
// packed 4-byte value), at the adapter's limits and under an 8 KiB binding
// limit (chunks of rows).
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { hostDevice, readTensor, toDevice } from '../../src/tensor/device.js';
import { renderGeometry, renderViews, uploadBytes, VIEW_FIELDS, type MeanSource } from '../../src/ops/render-views.js';
import { tenViews } from '../../src/data/augment.js';
import { relativeError } from '../helpers/fixtures.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';

// 3·11·11 floats a row: 5 rows per 8 KiB window, so every case there runs in chunks.
const S = 15;
const CROP = 11;
const IMAGES = 7;

function batch(nv: number): { pixels: Uint8Array; views: Tensor; meanImage: Float32Array } {
  const pixels = Uint8Array.from({ length: IMAGES * 3 * S * S }, (_, i) => (i * 97 + (i >> 3) * 31) & 255);
  const meanImage = Float32Array.from({ length: 3 * S * S }, (_, i) => 100 + 50 * Math.sin(i * 0.3));
  const ten = tenViews(S, CROP);
  const v = new Float32Array(IMAGES * nv * VIEW_FIELDS);
  for (let r = 0; r < IMAGES * nv; r++) {
    const view = nv === 10 ? ten[r % 10] : { y: r % (S - CROP + 1), x: (r * 3) % (S - CROP + 1), flip: r % 2 === 1 };
    v.set([view.y, view.x, view.flip ? 1 : 0, Math.fround(3.7 * Math.sin(r)), Math.fround(-2.1 * Math.cos(r)), Math.fround(0.9 * r)], r * VIEW_FIELDS);
  }
  return { pixels, views: new Tensor(v, [IMAGES * nv, VIEW_FIELDS]), meanImage };
}

const means: [string, (mi: Float32Array) => MeanSource][] = [
  ['pixel mean', (mi) => ({ mode: 'pixel', meanImage: mi, meanChannel: [0, 0, 0] })],
  ['channel mean, gain, BGR', (mi) => ({ mode: 'channel', meanImage: mi, meanChannel: [123.675, 116.28, 103.53], gain: [1 / 58.395, 1 / 57.12, 1 / 57.375], bgr: true })],
  ['no mean', (mi) => ({ mode: 'none', meanImage: mi, meanChannel: [0, 0, 0] })],
];

describe('renderViews on webgpu vs the reference', () => {
  for (const [label, options] of [['adapter limits', {}], ['8 KiB bindings', { maxBindingBytes: 8192 }]] as const) {
    for (const nv of [1, 10]) {
      for (const [name, meanOf] of means) {
        it(`${label}, ${nv} view(s), ${name}`, async (t) => {
          const dev = await webgpuOrSkip(options);
          if (!dev) return t.skip('no WebGPU adapter');
          try {
            const { pixels, views, meanImage } = batch(nv);
            const mean = meanOf(meanImage);
            const g = renderGeometry(IMAGES, nv, S, CROP, mean);
            const shape = [IMAGES * nv, 3, CROP, CROP];
            const ref = Tensor.zeros(shape);
            renderViews(g, pixels, views, mean.mode === 'pixel' ? new Tensor(meanImage, [3, S, S]) : null, ref);
            const out = dev.zeros(shape);
            const before = dev.dispatches;
            renderViews(g, uploadBytes(dev, pixels), toDevice(views, dev), mean.mode === 'pixel' ? toDevice(new Tensor(meanImage, [3, S, S]), dev) : null, out);
            if (options.maxBindingBytes) assert.ok(dev.dispatches - before > 1, 'the 8 KiB pass must render in several chunks');
            const got = (await readTensor(out)).data;
            let worst = 0;
            ref.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i] - v) / Math.max(1, Math.abs(v)))));
            const rel = relativeError(got, ref.data);
            console.log(`# renderViews [${label}, ${nv} view(s), ${name}]: relative ${rel.toExponential(2)}, worst element ${worst.toExponential(2)}`);
            assert.ok(rel <= 1e-6, `relative error ${rel}`);
            assert.ok(worst <= 1e-5, `worst element error ${worst}`);
          } finally {
            await dev.destroy();
          }
        });
      }
    }
  }
});

describe('renderViews op', () => {
  it('rejects bad input naming the problem', () => {
    const { pixels, views, meanImage } = batch(1);
    const mean: MeanSource = { mode: 'pixel', meanImage, meanChannel: [0, 0, 0] };
    const g = renderGeometry(IMAGES, 1, S, CROP, mean);
    const out = hostDevice.zeros([IMAGES, 3, CROP, CROP]);
    assert.throws(() => renderGeometry(IMAGES, 1, S, S + 1, mean), /renderViews: crop 16 is larger than the 15×15 images/);
    assert.throws(() => renderViews(g, pixels.subarray(1), views, new Tensor(meanImage, [3, S, S]), out), /renderViews: 4724 pixel bytes for 7 images of 3×15×15 \(4725\)/);
    assert.throws(() => renderViews(g, pixels, views, null, out), /mean 'pixel' needs a \[3, 15, 15\] mean image, got none/);
    const far = new Tensor(views.data.slice(), views.shape);
    far.data[VIEW_FIELDS] = 5;
    far.data[VIEW_FIELDS + 1] = 3;
    assert.throws(() => renderViews(g, pixels, far, new Tensor(meanImage, [3, S, S]), out), /view 1: crop at \(5, 3\) of side 11 is outside the 15×15 image/);
    assert.throws(() => renderViews(g, pixels, views.reshape([IMAGES * 2, 3]), new Tensor(meanImage, [3, S, S]), out), /views \[14, 3\] must be \[7, 6\]/);
  });
});
