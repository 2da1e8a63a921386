import '../../src/backend/reference/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEmbeddedDataset } from '../../src/data/embedded.js';
import { openLoader } from '../../src/data/loader.js';
import { inTempDir, tempDir } from './images.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

describe('embedded Fashion-MNIST subset', () => {
  const t = tempDir('embedded');
  after(t.cleanup);
  it('prepares once into the target folder (28×28 RGB, 8,000 + 2,000 images) and is reused', async () => {
    const dir = await ensureEmbeddedDataset(path.join(t.dir, 'fm'));
    const stamp = statSync(path.join(dir, 'dataset.json')).mtimeMs;
    assert.equal(await ensureEmbeddedDataset(path.join(t.dir, 'fm')), dir);
    assert.equal(statSync(path.join(dir, 'dataset.json')).mtimeMs, stamp);
    const l = await openLoader(dir, 'val', { batchSize: 500, mode: 'center', cropSize: 28, augment: { randomCrop: false, flip: false, pcaStd: 0, pcaUnits: 'paper', mean: 'pixel' }, seed: 0, shuffle: false, dropLast: false });
    assert.equal(l.size, 2000);
    assert.equal(l.classes[9].name, 'Ankle boot');
    assert.deepEqual(l.viewShape, [3, 28, 28]);
    const counts = new Array<number>(10).fill(0);
    for await (const b of l.epoch(0)) for (const y of b.labels) counts[y]++;
    await l.close();
    assert.deepEqual(counts, new Array(10).fill(200));
  });
});

describe('alexnet prepare (command line)', () => {
  it('prints git-style help: synopsis, options, examples', () => {
    const r = spawnSync(process.execPath, [CLI, 'prepare', '--help'], { encoding: 'utf-8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: alexnet prepare \[options\] <images> <out>/);
    assert.match(r.stdout, /\noptions:\n {6}--size <pixels>/);
    assert.match(r.stdout, /\nexamples:\n {2}alexnet prepare /);
  });
  it('rejects a misspelt option with a suggestion, and a bad source with the path', async () => {
    const r = spawnSync(process.execPath, [CLI, 'prepare', '--szie', '32', 'a', 'b'], { encoding: 'utf-8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option '--szie' \(did you mean '--size'\?\)/);
    await inTempDir('cli', async (dir) => {
      const s = spawnSync(process.execPath, [CLI, 'prepare', '-q', path.join(dir, 'missing'), path.join(dir, 'out')], { encoding: 'utf-8' });
      assert.equal(s.status, 1);
      assert.match(s.stderr, /missing: no such file or folder/);
    });
  });
});
