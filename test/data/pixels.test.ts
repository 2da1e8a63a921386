// The browser's in-memory split (data/pixels.ts) against the CLI's shard
// loader on the embedded dataset: the same batches, byte for byte, for
// training (shuffled, flipped, limited) and for the 10 views; and its
// safetensors form round-trips and rejects what it cannot be.
import '../../src/backend/reference/index.js';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddedDataset } from '../../src/data/embedded.js';
import { openLoader } from '../../src/data/loader.js';
import { decodePixelSplit, encodePixelSplit, openPixelLoader, type PixelSplit } from '../../src/data/pixels.js';
import { readPixelSplit } from '../../src/data/pixels-file.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { resolveConfig } from '../../src/config/config.js';
import { testLoaderOptions, trainLoaderOptions } from '../../src/config/split-options.js';
import type { DataLoader, LoaderOptions } from '../../src/data/types.js';

async function batches(l: DataLoader, epoch: number): Promise<{ x: Float32Array; labels: Int32Array; pixels?: Uint8Array; views?: Float64Array }[]> {
  const out = [];
  for await (const b of l.epoch(epoch)) out.push({ x: Float32Array.from(b.x.data), labels: b.labels, pixels: b.raw?.pixels, views: b.raw?.views });
  await l.close();
  return out;
}

describe('in-memory image splits', () => {
  let dir = '';
  let train: PixelSplit;
  before(async () => {
    dir = await ensureEmbeddedDataset(join(mkdtempSync(join(tmpdir(), 'alexnet-pixels-')), 'data'));
    train = await readPixelSplit(dir, 'train');
  });

  it('reads the whole split', () => {
    assert.equal(train.labels.length, 8000);
    assert.equal(train.size, 28);
    assert.equal(train.images.length, 8000 * 3 * 28 * 28);
    assert.equal(train.classes.length, 10);
  });

  const config = resolveConfig('mini', [['seed', 7]]);
  const cases: [string, 'train' | 'val', LoaderOptions][] = [
    ['training batches (shuffled, flipped, class-balanced limit)', 'train', trainLoaderOptions(config, { batchSize: 24, cropSize: 28, limit: 100, workers: 0 })],
    ['10-view validation batches', 'val', testLoaderOptions(config, { mode: 'tenViews', batchSize: 7, cropSize: 24, limit: 30, workers: 0 })],
    ['raw batches for a GPU (bytes and view table)', 'train', trainLoaderOptions(config, { batchSize: 24, cropSize: 28, limit: 100, workers: 0, deviceViews: true })],
  ];
  for (const [name, split, o] of cases) {
    it(`gives the shard loader's ${name}`, async () => {
      const mem = split === 'train' ? train : await readPixelSplit(dir, 'val');
      for (const epoch of [0, 3]) {
        const a = await batches(openPixelLoader(mem, o), epoch);
        const b = await batches(await openLoader(dir, split, o), epoch);
        assert.equal(a.length, b.length);
        assert.ok(a.length >= 4);
        a.forEach((x, i) => {
          assert.deepEqual(x.labels, b[i].labels);
          assert.deepEqual(x.x, b[i].x);
          assert.deepEqual(x.pixels, b[i].pixels);
          assert.deepEqual(x.views, b[i].views);
          assert.equal(x.pixels !== undefined, o.deviceViews === true);
        });
      }
    });
  }

  it('round-trips through safetensors bytes', () => {
    const back = decodePixelSplit(encodePixelSplit(train), 'train');
    assert.deepEqual(back.images, train.images);
    assert.deepEqual(back.labels, train.labels);
    assert.deepEqual(back.classes, train.classes);
    assert.deepEqual(back.stats, train.stats);
  });

  it('rejects files that are not image splits, naming the problem', () => {
    assert.throws(() => decodePixelSplit(encodeSafetensors([['x', { shape: [1], data: Float32Array.of(1) }]]), 'f'), /not an image split/);
    const bad = { ...train, labels: Int32Array.from(train.labels, (l, i) => (i === 5 ? 10 : l)) };
    assert.throws(() => decodePixelSplit(encodePixelSplit(bad), 'f'), /label 10 of image 5 is not one of the 10 classes/);
    assert.throws(() => decodePixelSplit(new Uint8Array(4), 'f'), /f: not a valid safetensors file/);
  });
});
