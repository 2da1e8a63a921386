import '../../src/backend/reference/index.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drawAugmentation, lightingOffset } from '../../src/data/augment.js';
import { balancedOrder, openLoader } from '../../src/data/loader.js';
import { prepareDataset } from '../../src/data/prepare.js';
import { readDatasetInfo } from '../../src/data/shards.js';
import type { AugmentConfig, Batch, DataLoader, LoaderOptions } from '../../src/data/types.js';
import { inTempDir, patternPng, PHOTOS, tempDir } from './images.js';

// Ten 8×8 images in two classes; image k's pixel (c, y, x) is known exactly.
const S = 8, CROP = 6, N = 10;
const value = (k: number, c: number, y: number, x: number) => (k * 37 + c * 64 + y * 8 + x) % 256;
const NONE: AugmentConfig = { randomCrop: false, flip: false, pcaStd: 0, pcaUnits: 'paper', mean: 'none' };
const base = (o: Partial<LoaderOptions> = {}): LoaderOptions => ({ batchSize: 4, mode: 'center', cropSize: CROP, augment: NONE, seed: 7, shuffle: false, dropLast: false, workers: 0, ...o });

async function all(loader: DataLoader, epoch = 0, start = 0): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of loader.epoch(epoch, start)) out.push(b);
  return out;
}

async function collect(dir: string, o: LoaderOptions, epoch = 0, start = 0): Promise<Batch[]> {
  const l = await openLoader(dir, 'train', o);
  try {
    return await all(l, epoch, start);
  } finally {
    await l.close();
  }
}

/** Image k seen through window (y, x), mirrored or not, as CHW crop×crop. */
function expectedView(k: number, y: number, x: number, flip: boolean): number[] {
  const out: number[] = [];
  for (let c = 0; c < 3; c++) for (let yy = 0; yy < CROP; yy++) for (let xx = 0; xx < CROP; xx++) out.push(value(k, c, y + yy, x + (flip ? CROP - 1 - xx : xx)));
  return out;
}

const per = 3 * CROP * CROP;
const viewOf = (b: Batch, j: number) => Array.from(b.x.data.subarray(j * per, (j + 1) * per));
/** Image number k of split index i: files are sorted a/0..4, b/5..9. */
const kOf = (i: number) => i;

describe('loader: views, augmentation and determinism (docs/paper.md §5)', () => {
  const t = tempDir('loader');
  let dir = '';
  before(async () => {
    for (let k = 0; k < N; k++) {
      const cls = path.join(t.dir, 'src', k < 5 ? 'a' : 'b');
      mkdirSync(cls, { recursive: true });
      writeFileSync(path.join(cls, `${k}.png`), await patternPng(S, (c, y, x) => value(k, c, y, x)));
    }
    dir = (await prepareDataset(path.join(t.dir, 'src'), path.join(t.dir, 'out'), { size: S, progress: false, workers: 1 })).info.dir;
  });
  after(t.cleanup);

  it("torchvision's normalisation in training and evaluation alike (fine-tuning its weights), caffe's BGR", async () => {
    const { applyOverrides, defaultConfig } = await import('../../src/config/config.js');
    const { openLoader } = await import('../../src/data/loader.js');
    const { testLoaderOptions, trainLoaderOptions } = await import('../../src/config/split-options.js');
    type Config = Parameters<typeof trainLoaderOptions>[0];
    // A split opened as training (augmentation per the config) or evaluation (centre crop) reads it.
    const openSplit = (d: string, split: 'train', config: Config, o: { mode: 'train' | 'center'; batchSize: number; cropSize: number }) =>
      openLoader(d, split, o.mode === 'train' ? trainLoaderOptions(config, o) : testLoaderOptions(config, { ...o, mode: 'center' }));
    const tv = applyOverrides(defaultConfig('torchvision'), [['data.randomCrop', false], ['data.flip', false], ['data.workers', 0]]);
    const m = [0.485, 0.456, 0.406], s = [0.229, 0.224, 0.225];
    for (const mode of ['train', 'center'] as const) {
      const l = await openSplit(dir, 'train', tv, { mode, batchSize: N, cropSize: CROP });
      const [b] = await all(l);
      await l.close();
      for (let j = 0; j < b.indices.length; j++) {
        const want = expectedView(kOf(b.indices[j]), 1, 1, false).map((v, i) => (v / 255 - m[Math.floor(i / (CROP * CROP))]) / s[Math.floor(i / (CROP * CROP))]);
        viewOf(b, j).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${mode}: image ${b.indices[j]} value ${i}: ${v} vs ${want[i]}`));
      }
    }
    const caffe = applyOverrides(defaultConfig('caffe'), [['data.mean', 'fixed'], ['data.workers', 0]]);
    const l = await openSplit(dir, 'train', caffe, { mode: 'center', batchSize: 1, cropSize: CROP });
    const [b] = await all(l);
    await l.close();
    const rgb = expectedView(kOf(b.indices[0]), 1, 1, false);
    const plane = CROP * CROP;
    assert.deepEqual(viewOf(b, 0), [...rgb.slice(2 * plane).map((v) => v - 104), ...rgb.slice(plane, 2 * plane).map((v) => v - 117), ...rgb.slice(0, plane).map((v) => v - 123)]);
  });

  it('centre crop is pixel-exact at offset ⌊(S − crop)/2⌋, with labels and indices', async () => {
    const batches = await collect(dir, base());
    assert.deepEqual(batches.map((b) => b.x.shape), [[4, 3, 6, 6], [4, 3, 6, 6], [2, 3, 6, 6]]);
    assert.deepEqual(batches.flatMap((b) => Array.from(b.indices)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(batches.flatMap((b) => Array.from(b.labels)), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    batches.forEach((b, bi) => b.indices.forEach((i, j) => assert.deepEqual(viewOf(b, j), expectedView(kOf(i), 1, 1, false), `image ${i} (batch ${bi})`)));
  });

  it('10 views: TL, TR, BL, BR, centre, then the same five mirrored, pixel-exact', async () => {
    const [b] = await collect(dir, base({ mode: 'tenViews', batchSize: 2 }));
    assert.deepEqual(b.x.shape, [20, 3, 6, 6]);
    const e = S - CROP;
    const windows: [number, number][] = [[0, 0], [0, e], [e, 0], [e, e], [1, 1]];
    for (let img = 0; img < 2; img++) {
      for (let v = 0; v < 10; v++) {
        const [y, x] = windows[v % 5];
        assert.deepEqual(viewOf(b, img * 10 + v), expectedView(img, y, x, v >= 5), `image ${img} view ${v}`);
      }
    }
  });

  it('random crops and flips: each output is a window of its image, every position and mirror occurs', async () => {
    const aug: AugmentConfig = { ...NONE, randomCrop: true, flip: true };
    const seen = new Set<string>();
    const info = readDatasetInfo(dir);
    for (let epoch = 0; epoch < 12; epoch++) {
      for (const b of await collect(dir, base({ mode: 'train', augment: aug, shuffle: true }), epoch)) {
        b.indices.forEach((i, j) => {
          const a = drawAugmentation(7, epoch, i, S, CROP, aug, info.stats);
          assert.deepEqual(viewOf(b, j), expectedView(kOf(i), a.y, a.x, a.flip));
          seen.add(`${a.y},${a.x},${a.flip}`);
        });
      }
    }
    assert.equal(seen.size, 3 * 3 * 2);
  });

  it('subtracts the per-pixel mean at the source pixel, or the per-channel mean', async () => {
    const info = readDatasetInfo(dir);
    const meanAt = (c: number, y: number, x: number) => Array.from({ length: N }, (_, k) => value(k, c, y, x)).reduce((a, b) => a + b) / N;
    const [pix] = await collect(dir, base({ augment: { ...NONE, mean: 'pixel', flip: true, randomCrop: true }, mode: 'train' }));
    const a = drawAugmentation(7, 0, 0, S, CROP, { ...NONE, flip: true, randomCrop: true }, info.stats);
    const got = viewOf(pix, 0);
    let o = 0;
    for (let c = 0; c < 3; c++) for (let yy = 0; yy < CROP; yy++) for (let xx = 0; xx < CROP; xx++, o++) {
      const sx = a.x + (a.flip ? CROP - 1 - xx : xx);
      assert.ok(Math.abs(got[o] - (value(0, c, a.y + yy, sx) - meanAt(c, a.y + yy, sx))) < 1e-4);
    }
    const [ch] = await collect(dir, base({ augment: { ...NONE, mean: 'channel' } }));
    const cen = expectedView(0, 1, 1, false);
    viewOf(ch, 0).forEach((v, j) => assert.ok(Math.abs(v - (cen[j] - info.stats.meanChannel[Math.floor(j / (CROP * CROP))])) < 1e-4));
  });

  it('PCA lighting adds one RGB offset per image, in the units asked for', async () => {
    const info = readDatasetInfo(dir);
    const aug: AugmentConfig = { ...NONE, pcaStd: 0.1, pcaUnits: 'cuda-convnet' };
    const [b] = await collect(dir, base({ mode: 'train', augment: aug }));
    const light = drawAugmentation(7, 0, 0, S, CROP, aug, info.stats).lighting;
    assert.ok(Math.hypot(...light) > 0.01);
    const cen = expectedView(0, 1, 1, false);
    viewOf(b, 0).forEach((v, j) => assert.ok(Math.abs(v - cen[j] - light[Math.floor(j / (CROP * CROP))]) < 1e-4));
    // Units: 'paper' scales p_i by λ_i/255 (λ of [0,1] pixels, ×255), 'cuda-convnet' by √λ_i (0–255 pixels).
    const stats = { eigenvalues: [2550, 0, 0] as [number, number, number], eigenvectors: [[0.6, 0.8, 0], [0, 0, 1], [0.8, -0.6, 0]] as [number, number, number][] };
    assert.deepEqual(lightingOffset([0.1, 5, 5], stats, 'paper').map((v) => +v.toFixed(12)), [0.6, 0.8, 0]);
    assert.deepEqual(lightingOffset([0.1, 5, 5], stats, 'cuda-convnet').map((v) => +v.toFixed(12)), [+(0.6 * 0.1 * Math.sqrt(2550)).toFixed(12), +(0.8 * 0.1 * Math.sqrt(2550)).toFixed(12), 0]);
  });

  it('same seed → same bytes with 0 or 2 workers, from a cache or streaming, and when resuming at batch k', async () => {
    const aug: AugmentConfig = { randomCrop: true, flip: true, pcaStd: 0.1, pcaUnits: 'paper', mean: 'pixel' };
    const o = base({ mode: 'train', augment: aug, shuffle: true, batchSize: 3 });
    const ref = await collect(dir, o, 3);
    const bytes = (bs: Batch[]) => bs.map((b) => [Buffer.from(b.x.data.buffer, b.x.data.byteOffset, b.x.data.byteLength).toString('hex'), Array.from(b.indices)]);
    assert.deepEqual(bytes(await collect(dir, { ...o, workers: 2, prefetch: 3 }, 3)), bytes(ref));
    assert.deepEqual(bytes(await collect(dir, { ...o, workers: 2, cacheBytes: 0 }, 3)), bytes(ref));
    assert.deepEqual(bytes(await collect(dir, { ...o, workers: 2 }, 3, 2)), bytes(ref.slice(2)));
    assert.deepEqual(bytes(await collect(dir, o, 3, 1)), bytes(ref.slice(1)));
    const other = await collect(dir, o, 4);
    assert.notDeepEqual(other.flatMap((b) => Array.from(b.indices)), ref.flatMap((b) => Array.from(b.indices)));
    assert.deepEqual(other.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('deviceViews: batches carry the bytes and view table, and x rendered from them is the same bytes', async () => {
    const aug: AugmentConfig = { randomCrop: true, flip: true, pcaStd: 0.1, pcaUnits: 'paper', mean: 'pixel' };
    const bytes = (bs: Batch[]) => bs.map((b) => Buffer.from(b.x.data.buffer, b.x.data.byteOffset, b.x.data.byteLength).toString('hex'));
    for (const o of [base({ mode: 'train', augment: aug, shuffle: true, batchSize: 3 }), base({ mode: 'tenViews', augment: { ...NONE, mean: 'channel' }, batchSize: 4 })]) {
      const ref = await collect(dir, o, 2);
      for (const workers of [0, 2]) {
        const raw = await collect(dir, { ...o, workers, deviceViews: true }, 2);
        assert.deepEqual(bytes(raw), bytes(ref), `${o.mode}, ${workers} workers`);
        const r = raw[0].raw!;
        const nv = o.mode === 'tenViews' ? 10 : 1;
        assert.deepEqual([r.images, r.size, r.crop, r.viewsPerImage, r.views.length, r.pixels.length], [ref[0].labels.length, S, CROP, nv, ref[0].labels.length * nv * 6, Math.ceil((ref[0].labels.length * 3 * S * S) / 4) * 4]);
        assert.deepEqual(Array.from(r.pixels.subarray(0, 3 * S * S)), Array.from({ length: 3 * S * S }, (_, i) => value(kOf(raw[0].indices[0]), Math.floor(i / (S * S)), Math.floor(i / S) % S, i % S)));
      }
    }
  });

  it('limit takes the first n of a class-balanced order; dropLast drops the partial batch', async () => {
    assert.deepEqual(Array.from(balancedOrder(Int32Array.from([0, 0, 0, 1, 2, 2]), 3)), [0, 3, 4, 1, 5, 2]);
    const l = await openLoader(dir, 'train', base({ limit: 4, batchSize: 3, dropLast: true }));
    assert.equal(l.size, 4);
    assert.equal(l.batchesPerEpoch, 1);
    const [b] = await all(l);
    await l.close();
    assert.deepEqual(Array.from(b.indices), [0, 5, 1]);
    assert.deepEqual(Array.from(b.labels), [0, 1, 0]);
  });

  it('rejects a crop larger than the prepared images and a missing split, saying what to do', async () => {
    await assert.rejects(openLoader(dir, 'train', base({ cropSize: 9 })), /cropSize 9 does not fit the prepared 8×8 images \(prepare with --size ≥ 9\)/);
    await assert.rejects(openLoader(dir, 'val', base()), /no 'val' split .*prepare it with a val folder/);
  });
});

describe('loader: JPEG shards of real photos', () => {
  it('streams (decoding in workers) and caches the same bytes', async () => {
    await inTempDir('jpeg', async (dir) => {
      for (const [cls, photo] of [['cat', 'chelsea'], ['cup', 'coffee'], ['person', 'astronaut']]) {
        mkdirSync(path.join(dir, 'src', cls), { recursive: true });
        copyFileSync(path.join(PHOTOS, `${photo}.jpg`), path.join(dir, 'src', cls, `${photo}.jpg`));
      }
      const { info } = await prepareDataset(path.join(dir, 'src'), path.join(dir, 'out'), { size: 96, progress: false, workers: 1 });
      assert.equal(info.encoding, 'jpeg');
      const o = base({ mode: 'train', cropSize: 80, augment: { randomCrop: true, flip: true, pcaStd: 0.1, pcaUnits: 'paper', mean: 'pixel' }, shuffle: true, batchSize: 2 });
      const a = await collect(info.dir, o), b = await collect(info.dir, { ...o, workers: 2, cacheBytes: 0 });
      assert.deepEqual(b.map((x) => Array.from(x.x.data)), a.map((x) => Array.from(x.x.data)));
    });
  });
});
