// prepare --val-split: a validation split carved from the training images,
// class-balanced and deterministic; the source's own held-out images become
// the test split, and the statistics come from the remaining training images.
import '../../src/backend/reference/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { carveValidation } from '../../src/data/val-split.js';
import type { Item, Sources } from '../../src/data/sources.js';
import { ensureEmbeddedDataset } from '../../src/data/embedded.js';
import { readDatasetInfo, readSplitIndex } from '../../src/data/shards.js';
import { tempDir } from './images.js';

const item = (i: number, label: number): Item => ({ source: `img${i}.png`, label, file: `/x/img${i}.png` });

describe('validation split carved from training images', () => {
  const t = tempDir('val-split');
  after(t.cleanup);

  it('takes the first n of the class-balanced order; the rest keep their order; val becomes test', () => {
    // labels 0 0 0 1 1 2 2 2 2: balanced order 0 3 5 1 4 6 2 7 8
    const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const src: Sources = {
      root: '/x', layout: 'folders', ignored: [],
      classes: [{ id: 'a', name: 'a' }, { id: 'b', name: 'b' }, { id: 'c', name: 'c' }],
      splits: { train: labels.map((l, i) => item(i, l)), val: [item(100, 1)] },
    };
    const c = carveValidation(src, 4);
    assert.deepEqual(c.splits.val!.map((it) => it.source), ['img0.png', 'img1.png', 'img3.png', 'img5.png']);
    assert.deepEqual(c.splits.train!.map((it) => it.source), ['img2.png', 'img4.png', 'img6.png', 'img7.png', 'img8.png']);
    assert.deepEqual(c.splits.test!.map((it) => it.source), ['img100.png']);
    assert.equal(carveValidation({ ...src, splits: { train: src.splits.train } }, 2).splits.test, undefined);
    assert.throws(() => carveValidation(src, 9), /--val-split must be an integer in 1\.\.8 \(the training split has 9 images\), got 9/);
    assert.throws(() => carveValidation(src, 0), /--val-split must be an integer in 1\.\.8/);
  });

  it('embedded subset with 1,000 validation images: 7,000 / 1,000 (100 a class) / 2,000, statistics over the 7,000', async () => {
    const dir = await ensureEmbeddedDataset(path.join(t.dir, 'fm'), { valSplit: 1000 });
    const info = readDatasetInfo(dir);
    assert.equal(info.splits.train!.count, 7000);
    assert.equal(info.splits.val!.count, 1000);
    assert.equal(info.splits.test!.count, 2000);
    assert.equal(info.stats.images, 7000);
    const perClass = new Array<number>(10).fill(0);
    for (const l of readSplitIndex(info, 'val').labels) perClass[l]++;
    assert.deepEqual(perClass, new Array(10).fill(100));
    // The same folder asked for without a split is another dataset: refused, not mixed.
    await assert.rejects(ensureEmbeddedDataset(dir), /holds another prepared dataset .*splits train\/val\/test/);
  });
});
