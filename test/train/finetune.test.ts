// Fine-tuning: from mini weights trained on five Fashion-MNIST
// classes, fine-tuning on the other five beats training from scratch for the
// same number of steps; frozen layers stay bit-identical.
import '../../src/backend/reference/index.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { setBackend } from '../../src/ops/registry.js';
import { nativeOrSkip } from '../helpers/native.js';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readIdx } from '../../src/data/idx.js';
import { MemoryLoader } from '../../src/data/memory.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { resolveConfig } from '../../src/config/config.js';
import { train, type TrainResult } from '../../src/train/trainer.js';
import { readSafetensors } from '../../src/io/safetensors-file.js';

const dir = fileURLToPath(new URL('../../../data/fashion-mnist-mini/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'alexnet-finetune-'));

/** Images of the given classes as [N,3,28,28] floats (greyscale replicated, mean subtracted), labels renumbered from 0. */
function subset(split: 'train' | 't10k', classes: number[], perClass: number, mean: number): { x: Tensor; y: Int32Array } {
  const im = readIdx(join(dir, `${split}-images-idx3-ubyte.gz`));
  const lb = readIdx(join(dir, `${split}-labels-idx1-ubyte.gz`));
  const picked: number[] = [];
  const count = new Map<number, number>();
  for (let i = 0; i < lb.data.length; i++) {
    const c = lb.data[i];
    if (!classes.includes(c) || (count.get(c) ?? 0) >= perClass) continue;
    count.set(c, (count.get(c) ?? 0) + 1);
    picked.push(i);
  }
  const x = new Float32Array(picked.length * 3 * 784);
  picked.forEach((src, i) => {
    for (let c = 0; c < 3; c++) for (let p = 0; p < 784; p++) x[(i * 3 + c) * 784 + p] = im.data[src * 784 + p] - mean;
  });
  return { x: new Tensor(x, [picked.length, 3, 28, 28]), y: Int32Array.from(picked, (i) => classes.indexOf(lb.data[i])) };
}

const names = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i), name: String(i) }));
const loader = (d: { x: Tensor; y: Int32Array }, batch: number, shuffle: boolean) =>
  new MemoryLoader(d.x, d.y, names(5), { batchSize: batch, shuffle, seed: 3, dropLast: shuffle });

// Whole training runs: on the native kernels (the reference ones would take minutes).
if (nativeOrSkip()) setBackend(NATIVE_BACKEND);

describe('fine-tuning', () => {
  const MEAN = 72.9; // Fashion-MNIST's mean pixel
  const first = [0, 1, 2, 3, 4];
  const second = [5, 6, 7, 8, 9];
  let pretrained = '';
  before(async () => {
    const cfg = resolveConfig('mini', [['train.epochs', 2], ['train.batchSize', 64], ['train.schedule', { kind: 'constant' }], ['model.classes', 5]]);
    const r = await train({ config: cfg, runDir: join(root, 'pretrain'), train: loader(subset('train', first, 800, MEAN), 64, true), val: null, progress: false, log: () => {} });
    assert.equal(r.status, 'completed');
    pretrained = join(root, 'pretrain', 'model.safetensors');
  });

  async function run(name: string, overrides: [string, string | number | string[] | { kind: string }][]): Promise<{ r: TrainResult; err: number }> {
    const cfg = resolveConfig('mini', [['train.epochs', 3], ['train.batchSize', 32], ['train.schedule', { kind: 'constant' }], ...overrides]);
    const val = loader(subset('t10k', second, 200, MEAN), 250, false);
    const r = await train({ config: cfg, runDir: join(root, name), train: loader(subset('train', second, 100, MEAN), 32, true), val, progress: false, log: () => {} });
    return { r, err: r.history[r.history.length - 1].valTop1Error! };
  }

  it('beats training from scratch for the same number of steps', async () => {
    const scratch = await run('scratch', []);
    const tuned = await run('tuned', [['train.initFrom', pretrained]]);
    assert.equal(scratch.r.position.globalStep, tuned.r.position.globalStep);
    console.log(`# fine-tuning: validation top-1 error ${(100 * tuned.err).toFixed(1)}% vs ${(100 * scratch.err).toFixed(1)}% from scratch, ${tuned.r.position.globalStep} steps`);
    assert.ok(tuned.err < scratch.err, `fine-tuned ${tuned.err} vs scratch ${scratch.err}`);
  });

  it('frozen layers keep their pretrained weights bit for bit; the others move', async () => {
    const { r } = await run('frozen', [['train.initFrom', pretrained], ['train.freeze', ['conv1', 'conv2']]]);
    const start = readSafetensors(pretrained).tensors;
    const sd = r.model.stateDict();
    const same = (n: string) => Buffer.from((start.get(n)!.data as Float32Array).buffer).equals(Buffer.from(sd.get(n)!.data.buffer, sd.get(n)!.data.byteOffset, sd.get(n)!.data.byteLength));
    for (const n of ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias']) assert.ok(same(n), `${n} changed`);
    for (const n of ['conv3.weight', 'fc7.weight']) assert.ok(!same(n), `${n} did not train`);
  });

  it('names the problem when the weights do not fit or a layer is unknown', async () => {
    await assert.rejects(run('bad-layer', [['train.initFrom', pretrained], ['train.freeze', ['conv9']]]), /cannot freeze 'conv9': layers with weights are conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8/);
    const other = resolveConfig('paper', [['train.initFrom', pretrained], ['model.classes', 5]]);
    await assert.rejects(train({ config: other, runDir: join(root, 'bad'), train: loader(subset('train', second, 4, MEAN), 4, true), val: null, progress: false, log: () => {} }), /data gives 3×28×28 images but preset paper takes 3×224×224/);
  });
});
