// §5 input views on the GPU (src/ops/render-views.ts): one thread per output
// value reads its source byte from the packed uint8 images, so only bytes
// and a 6-number view table cross the bus. The arithmetic is the reference's
// (pixel − mean + (lighting − channel mean)) · gain, in float32 rather than
// float64 (agreement to float32 rounding). Chunks of rows keep each operand's
// window under the binding limit.
import { VIEW_FIELDS, type RenderViewsKernels } from '../../../ops/render-views.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { WebGpuDevice } from '../device.js';
import { chunkItems, grid, linearId, runKernel } from '../shader.js';

export function webgpuRenderViews(dev: WebGpuDevice): RenderViewsKernels<DeviceMemory> {
  return {
    render(g, pixels, views, meanImage, out) {
      const { images, viewsPerImage: nv, size, crop } = g;
      const plane3 = 3 * size * size;
      const per = 3 * crop * crop;
      const pixelMean = g.mean === 'pixel';
      if (pixelMean && !meanImage) throw new Error('webgpu renderViews: mean \'pixel\' needs the mean image');
      const channel = g.mean === 'channel' ? g.meanChannel : [0, 0, 0];
      // Chunks of rows. Rows r0…r1 read images ⌊r0/nv⌋…⌊(r1−1)/nv⌋: at most as many images as rows
      // (from two rows on), so plane3/4 + 2 values a row bound the pixel window (+2: a chunk's bytes
      // may start and end inside a packed value).
      const rows = images * nv;
      const step = chunkItems(dev, rows, [per, VIEW_FIELDS, Math.ceil(plane3 / 4) + 2]);
      for (let r0 = 0; r0 < rows; r0 += step) {
        const c = Math.min(step, rows - r0);
        const img0 = Math.floor(r0 / nv);
        const img1 = Math.floor((r0 + c - 1) / nv) + 1;
        const firstWord = Math.floor((img0 * plane3) / 4);
        const endWord = Math.ceil((img1 * plane3) / 4);
        runKernel(dev, {
          key: `render-views${pixelMean ? '-pixel-mean' : ''}`,
          params: {
            n: [c * per, 'u32'], size: [size, 'u32'], crop: [crop, 'u32'], nv: [nv, 'u32'], r0: [r0, 'u32'], img0: [img0, 'u32'],
            // Where the chunk's first image starts inside its first packed value.
            byte0: [(img0 * plane3) % 4, 'u32'], bgr: [g.bgr ? 1 : 0, 'u32'],
            m0: [channel[0], 'f32'], m1: [channel[1], 'f32'], m2: [channel[2], 'f32'],
            g0: [g.gain[0], 'f32'], g1: [g.gain[1], 'f32'], g2: [g.gain[2], 'f32'],
          },
          operands: [
            { name: 'pix', array: pixels, start: firstWord, count: endWord - firstWord },
            { name: 'views', array: views, start: r0 * VIEW_FIELDS, count: c * VIEW_FIELDS },
            ...(pixelMean ? [{ name: 'mi', array: meanImage! }] : []),
            { name: 'y', array: out, start: r0 * per, count: c * per, write: true },
          ],
          main: `
  let i = ${linearId()};
  if (i >= p.n) { return; }
  let area = p.crop * p.crop;
  let per = 3u * area;
  let r = i / per;
  let rem = i - r * per;
  let oc = rem / area;
  let yy = (rem - oc * area) / p.crop;
  let xx = rem - oc * area - yy * p.crop;
  let c = select(oc, 2u - oc, p.bgr == 1u);
  let vb = p.o_views + r * ${VIEW_FIELDS}u;
  let vy = u32(views[vb]);
  let vx = u32(views[vb + 1u]);
  let sx = select(vx + xx, vx + p.crop - 1u - xx, views[vb + 2u] != 0.0);
  let plane = p.size * p.size;
  let src = c * plane + (vy + yy) * p.size + sx;
  let b = p.byte0 + ((p.r0 + r) / p.nv - p.img0) * 3u * plane + src;
  let byte = (bitcast<u32>(pix[p.o_pix + b / 4u]) >> (8u * (b % 4u))) & 255u;
  var mc = array<f32, 3>(p.m0, p.m1, p.m2);
  var gain = array<f32, 3>(p.g0, p.g1, p.g2);
  let add = views[vb + 3u + c] - mc[c];
  ${pixelMean ? 'let v = f32(byte) - mi[p.o_mi + src] + add;' : 'let v = f32(byte) + add;'}
  y[p.o_y + i] = v * gain[c];`,
          workgroupSize: [256, 1, 1],
          workgroups: grid(c * per),
        });
      }
    },
  };
}
