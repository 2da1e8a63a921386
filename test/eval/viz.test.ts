// Pictures: the conv1 grid's pixels are the weights (Figure 3), the
// contact sheet's layout, the curves mark learning-rate drops.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { buildAlexNet, initAlexNet } from '../../src/models/alexnet.js';
import { getPreset } from '../../src/models/presets.js';
import { Rng } from '../../src/tensor/random.js';
import { conv1Weights, kernelOrigin, kernelRange } from '../../src/viz/filters.js';
import { filterGrid } from '../../src/viz/filters-png.js';
import { curvesSvg } from '../../src/viz/curves.js';
import { svgToPng } from '../../src/viz/png.js';
import type { EpochMetrics } from '../../src/train/checkpoint.js';

async function rawPixels(png: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const r = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data: r.data, width: r.info.width, height: r.info.height, channels: r.info.channels };
}

describe('conv1 kernels (Figure 3)', () => {
  for (const [presetName, scaling] of [['paper', 'kernel'], ['mini', 'joint']] as const) {
    it(`${presetName}, scaled per ${scaling}: each tap's pixel is its weight mapped to 0–255`, async () => {
      const model = buildAlexNet(getPreset(presetName));
      initAlexNet(model, new Rng(3));
      const { data: w, shape } = await conv1Weights(model);
      const [count, , size] = shape;
      const { png, layout } = await filterGrid(model, { scaling });
      const img = await rawPixels(png);
      assert.equal(img.width, layout.width);
      assert.equal(img.height, layout.height);
      assert.equal(img.channels, 3);
      // paper: 96 kernels in two blocks of 3 rows × 16; column 2 lies below the gap.
      if (presetName === 'paper') {
        assert.deepEqual([layout.perRow, layout.rowsPerColumn], [16, 3]);
        assert.ok(kernelOrigin(48, layout).y > kernelOrigin(47, layout).y + size * layout.zoom + layout.columnGap - 1);
      }
      for (const k of [0, 1, count / 2 - 1, count / 2, count - 1]) {
        const [lo, hi] = kernelRange(w, k, size, scaling);
        const o = kernelOrigin(k, layout);
        for (const [ty, tx] of [[0, 0], [size - 1, size - 1], [2, 3]]) {
          for (let c = 0; c < 3; c++) {
            const want = Math.round((255 * (w[((k * 3 + c) * size + ty) * size + tx] - lo)) / (hi - lo));
            // Every screen pixel of the tap's zoom×zoom block.
            for (const [dy, dx] of [[0, 0], [layout.zoom - 1, layout.zoom - 1]]) {
              const p = ((o.y + ty * layout.zoom + dy) * img.width + o.x + tx * layout.zoom + dx) * 3 + c;
              assert.equal(img.data[p], want, `kernel ${k} tap (${ty},${tx}) channel ${c}`);
            }
          }
        }
      }
      // Per-kernel scaling: every kernel reaches 0 and 255 somewhere.
      if (scaling === 'kernel') {
        const o = kernelOrigin(5, layout);
        let min = 255, max = 0;
        for (let y = 0; y < size * layout.zoom; y++) for (let x = 0; x < size * layout.zoom; x++) for (let c = 0; c < 3; c++) {
          const v = img.data[((o.y + y) * img.width + o.x + x) * 3 + c];
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        assert.deepEqual([min, max], [0, 255]);
      }
    });
  }
});

describe('training curves', () => {
  const epoch = (e: number, dropped: boolean): EpochMetrics => ({
    epoch: e, trainLoss: 2 / e, trainTop1Error: 0.8 / e, valLoss: 2.2 / e, valTop1Error: 0.85 / e, valTop5Error: 0.5 / e,
    learningRate: e <= 3 ? 0.01 : 0.001, lrDropped: dropped, seconds: 1, images: 100,
  });
  const history = [1, 2, 3, 4, 5].map((e) => epoch(e, e === 3));
  it('draws three panels with one dashed drop line each, after the epoch that dropped', () => {
    const svg = curvesSvg(history);
    assert.equal((svg.match(/class="lr-drop"/g) ?? []).length, 3);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 5); // loss ×2, top-1 ×2, top-5 ×1
    assert.match(svg, /after epoch 3/);
  });
  it('renders to a non-blank PNG', async () => {
    const img = await rawPixels(await svgToPng(curvesSvg(history), 72));
    assert.equal(img.width, 900);
    let dark = 0;
    for (let i = 0; i < img.data.length; i += img.channels) if (img.data[i] < 128) dark++;
    assert.ok(dark > 500, `${dark} dark pixels`);
  });
});
