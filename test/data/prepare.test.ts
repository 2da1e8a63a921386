import '../../src/backend/reference/index.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeSquare } from '../../src/data/image.js';
import { prepareDataset, PrepareInterrupted } from '../../src/data/prepare.js';
import { readDatasetInfo, readShardIndex, readSplitIndex } from '../../src/data/shards.js';
import { inTempDir, mixedFolder, PHOTOS, tempDir, writeIdx } from './images.js';

/** CHW bytes of image i of a split. */
async function pixelsOf(dir: string, split: 'train' | 'val', i: number): Promise<Uint8Array> {
  const info = readDatasetInfo(dir);
  const idx = readSplitIndex(info, split);
  const bytes = readFileSync(idx.files[idx.shardOf[i]]).subarray(idx.offsets[i], idx.offsets[i] + idx.sizes[i]);
  const out = new Uint8Array(3 * info.size * info.size);
  await decodeSquare(bytes, info.size, info.encoding, out);
  return out;
}

const sourcesOf = (dir: string, split: 'train' | 'val') => readDatasetInfo(dir).splits[split]!.shards.flatMap((s) => readShardIndex(dir, s).sources);

describe('prepare: real photos and odd files', () => {
  const src = tempDir('src'), out = tempDir('out');
  before(() => mixedFolder(src.dir));
  after(() => { src.cleanup(); out.cleanup(); });

  it('keeps every decodable image as a 3-channel square and skips bad files with the reason', async () => {
    const r = await prepareDataset(src.dir, out.dir, { size: 48, encoding: 'jpeg', shardSize: 3, workers: 2, progress: false });
    assert.deepEqual(r.info.classes.map((c) => c.id), ['broken', 'cat', 'nothing', 'person']);
    assert.equal(r.info.channels, 3);
    assert.deepEqual(sourcesOf(out.dir, 'train'), ['cat/chelsea.jpg', 'cat/cmyk.jpg', 'cat/coffee.jpg', 'person/astronaut.jpg', 'person/grey.png', 'person/odd.webp', 'person/rgba.png', 'person/tiny.png']);
    assert.equal(r.skipped, 3);
    assert.deepEqual(r.emptyClasses, ['train/broken', 'train/nothing']);
    const report = readFileSync(r.report, 'utf-8');
    assert.match(report, /skipped\ttrain\tbroken\/empty\.jpg\tempty file \(0 bytes\)/);
    assert.match(report, /skipped\ttrain\tbroken\/garbage\.jpg\tcannot decode/);
    assert.match(report, /skipped\ttrain\tbroken\/truncated\.jpg\tcannot decode/);
    assert.match(report, /empty-class\ttrain\tbroken\t/);
    assert.match(report, /empty-class\ttrain\tnothing\t/);
    assert.match(report, /ignored\t-\t.*notes\.txt\tnot an image file name/);
    // A valid tar for any tool (WebDataset layout: key.jpg + key.cls).
    // Shard 0 held the three broken files: an empty archive. Shard 1 starts at input 3.
    const tar = spawnSync('tar', ['-tf', path.join(out.dir, 'train/00001.tar')], { encoding: 'utf-8' });
    assert.equal(tar.status, 0, tar.stderr);
    assert.deepEqual(tar.stdout.trim().split('\n').slice(0, 2), ['00000003.jpg', '00000003.cls']);
  });

  it('replicates greyscale, converts CMYK to RGB and flattens alpha over white', async () => {
    const S = 48 * 48;
    const grey = await pixelsOf(out.dir, 'train', 4);
    for (let p = 0; p < S; p += 97) assert.ok(grey[p] === grey[S + p] && grey[p] === grey[2 * S + p], 'grey channels equal');
    const rgb = await pixelsOf(out.dir, 'train', 0), cmyk = await pixelsOf(out.dir, 'train', 1);
    let diff = 0;
    for (let i = 0; i < rgb.length; i++) diff += Math.abs(rgb[i] - cmyk[i]);
    assert.ok(diff / rgb.length < 12, `CMYK image close to its RGB source (mean |Δ| ${diff / rgb.length})`);
    const rgba = await pixelsOf(out.dir, 'train', 6); // blue at alpha 1/2 over white ≈ (128, 128, 255)
    assert.ok(Math.abs(rgba[0] - 128) <= 2 && Math.abs(rgba[S] - 128) <= 2 && rgba[2 * S] >= 253, `${rgba[0]} ${rgba[S]} ${rgba[2 * S]}`);
    const tiny = await pixelsOf(out.dir, 'train', 7); // 1×1 upscaled to a flat square
    assert.ok(Math.abs(tiny[100] - 10) <= 2 && Math.abs(tiny[S + 100] - 20) <= 2 && Math.abs(tiny[2 * S + 100] - 30) <= 2);
  });

  it('resumes: completed shards are kept, missing ones rebuilt, the result identical', async () => {
    const before = readFileSync(path.join(out.dir, 'dataset.json'), 'utf-8');
    const kept = statSync(path.join(out.dir, 'train/00000.tar')).mtimeMs;
    for (const f of ['00002.json', '00002.tar', '00002.stats.safetensors']) rmSync(path.join(out.dir, 'train', f));
    rmSync(path.join(out.dir, 'dataset.json'));
    const r = await prepareDataset(src.dir, out.dir, { size: 48, encoding: 'jpeg', shardSize: 3, workers: 2, progress: false });
    assert.equal(r.resumedShards, 3);
    assert.equal(readFileSync(path.join(out.dir, 'dataset.json'), 'utf-8'), before);
    assert.equal(statSync(path.join(out.dir, 'train/00000.tar')).mtimeMs, kept);
  });

  it('stops on abort with the shards done so far, and refuses to mix other options into the folder', async () => {
    await inTempDir('abort', async (dir) => {
      const ctl = new AbortController();
      ctl.abort();
      await assert.rejects(prepareDataset(src.dir, dir, { size: 48, shardSize: 2, progress: false, signal: ctl.signal }), PrepareInterrupted);
      assert.ok(!existsSync(path.join(dir, 'dataset.json')));
      await assert.rejects(prepareDataset(src.dir, dir, { size: 64, shardSize: 2, progress: false }), /holds a prepare of other inputs or options \(size differs\)\. Use another output folder/);
      const r = await prepareDataset(src.dir, dir, { size: 48, shardSize: 2, progress: false });
      assert.equal(r.info.splits.train!.count, 8);
    });
  });
});

describe('prepare: ILSVRC layout', () => {
  const src = tempDir('ilsvrc'), out = tempDir('ilsvrc-out');
  after(() => { src.cleanup(); out.cleanup(); });
  before(() => {
    for (const [wnid, photo] of [['n01443537', 'coffee'], ['n01440764', 'chelsea']]) {
      mkdirSync(path.join(src.dir, 'train', wnid), { recursive: true });
      copyFileSync(path.join(PHOTOS, `${photo}.jpg`), path.join(src.dir, 'train', wnid, `${wnid}_1.JPEG`));
    }
    mkdirSync(path.join(src.dir, 'val'));
    ['chelsea', 'coffee', 'astronaut'].forEach((p, i) => copyFileSync(path.join(PHOTOS, `${p}.jpg`), path.join(src.dir, 'val', `ILSVRC2012_val_0000000${i + 1}.JPEG`)));
    // Devkit ids: 449 = tench (n01440764), 450 = goldfish, 1 = kit fox (not a training class here).
    writeFileSync(path.join(src.dir, 'ILSVRC2012_validation_ground_truth.txt'), '449\n450\n1\n');
  });

  it('uses sorted WordNet ids with their names and the devkit ground truth', async () => {
    const r = await prepareDataset(src.dir, out.dir, { size: 80, progress: false, workers: 1 });
    assert.deepEqual(r.info.classes, [{ id: 'n01440764', name: 'tench' }, { id: 'n01443537', name: 'goldfish' }]);
    assert.equal(r.info.encoding, 'jpeg');
    assert.deepEqual(Array.from(readSplitIndex(r.info, 'train').labels), [0, 1]);
    assert.deepEqual(Array.from(readSplitIndex(r.info, 'val').labels), [0, 1]);
    assert.match(readFileSync(r.report, 'utf-8'), /ILSVRC2012_val_00000003\.JPEG\tclass n02119789 is not among the training classes/);
  });

  it('reads a CSV of file,label for the validation split', async () => {
    const csv = path.join(src.dir, 'labels.csv');
    writeFileSync(csv, 'file,label\nILSVRC2012_val_00000002.JPEG,n01440764\nILSVRC2012_val_00000001.JPEG,1\n');
    await inTempDir('csv', async (dir) => {
      const r = await prepareDataset(src.dir, dir, { size: 32, progress: false, workers: 1, valLabels: csv });
      assert.deepEqual(sourcesOf(dir, 'val'), ['val/ILSVRC2012_val_00000001.JPEG', 'val/ILSVRC2012_val_00000002.JPEG']);
      assert.deepEqual(Array.from(readSplitIndex(r.info, 'val').labels), [1, 0]);
    });
  });
});

describe('prepare: IDX (Fashion-MNIST format)', () => {
  it('reads images and labels exactly when no resize is needed', async () => {
    await inTempDir('idx', async (dir) => {
      const n = 5, px = new Uint8Array(n * 28 * 28).map((_, i) => (i * 7) % 256);
      writeIdx(path.join(dir, 'train-images-idx3-ubyte'), [n, 28, 28], px);
      writeIdx(path.join(dir, 'train-labels-idx1-ubyte'), [n], Uint8Array.from([3, 1, 4, 1, 5]));
      const r = await prepareDataset(dir, path.join(dir, 'out'), { size: 28, progress: false, workers: 1 });
      assert.equal(r.info.encoding, 'raw');
      assert.equal(r.info.classes.length, 6); // labels 0..5
      assert.deepEqual(Array.from(readSplitIndex(r.info, 'train').labels), [3, 1, 4, 1, 5]);
      const img = await pixelsOf(path.join(dir, 'out'), 'train', 2);
      const plane = 28 * 28;
      for (const c of [0, 1, 2]) assert.deepEqual(img.subarray(c * plane, (c + 1) * plane), px.subarray(2 * plane, 3 * plane));
    });
  });
});

describe('prepare: bad input gives an error naming the file and the fix', () => {
  it('a folder without class folders', async () => {
    await inTempDir('flat', async (dir) => {
      copyFileSync(path.join(PHOTOS, 'chelsea.jpg'), path.join(dir, 'a.jpg'));
      await assert.rejects(prepareDataset(dir, path.join(dir, 'out'), { progress: false }), (e: Error) => e.message.includes(dir) && /no class sub-folders\. Expected <dir>\/<class>\/<images>/.test(e.message));
    });
  });
  it('a corrupt IDX file and a missing folder', async () => {
    await inTempDir('badidx', async (dir) => {
      writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), 'garbage');
      writeIdx(path.join(dir, 'train-labels-idx1-ubyte'), [1], Uint8Array.from([0]));
      await assert.rejects(prepareDataset(dir, path.join(dir, 'out'), { progress: false }), /train-images-idx3-ubyte: not an IDX file \(bad magic number\)/);
      await assert.rejects(prepareDataset(path.join(dir, 'nope'), path.join(dir, 'out'), { progress: false }), /nope: no such file or folder/);
    });
  });
  it('opening a folder that is not a prepared dataset', () => {
    assert.throws(() => readDatasetInfo(PHOTOS), /not a prepared dataset \(no dataset.json\)\. Run 'alexnet prepare <images>/);
  });
});
