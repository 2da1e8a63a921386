// Evaluation, prediction, features, neighbours and the report on a network
// trained here on real data (mini on the embedded Fashion-MNIST subset, one
// short epoch): eval reproduces what the trainer logged, images from files
// are preprocessed exactly like the dataset's, and the outputs are checked.
import { getPreset } from '../../src/models/presets.js';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { selectDefaultBackend } from '../../src/backend/select.js';
import { ensureEmbeddedDataset, embeddedSourceDir } from '../../src/data/embedded.js';
import { openLoader } from '../../src/data/loader.js';
import { readIdx } from '../../src/data/idx.js';
import { evaluateRun, evaluateModels } from '../../src/runs/run-eval.js';
import { loadModels } from '../../src/runs/model-source.js';
import { preprocessImage, resolvePreprocessing } from '../../src/eval/preprocess.js';
import { ensembleProbabilities } from '../../src/eval/predict.js';
import { softmaxRows } from '../../src/eval/metrics.js';
import { writeReport } from '../../src/viz/report.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { EpochMetrics } from '../../src/train/checkpoint.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'alexnet-eval-'));
const VAL = 200;
let data = '';
const runA = join(root, 'centre');
const runB = join(root, 'tenviews');

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ALEXNET_THREADS: '2' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const logged = (run: string): EpochMetrics[] => readFileSync(join(run, 'metrics', 'epochs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);

/** Image i of an IDX split of the embedded source as a greyscale PNG file, as a user would have it. */
async function idxPng(split: 'train' | 't10k', i: number): Promise<string> {
  const a = readIdx(join(embeddedSourceDir(), `${split}-images-idx3-ubyte.gz`));
  const [, h, w] = a.dims;
  const file = join(root, `${split}-${i}.png`);
  writeFileSync(file, await sharp(Buffer.from(a.data.subarray(i * h * w, (i + 1) * h * w)), { raw: { width: w, height: h, channels: 1 } }).png().toBuffer());
  return file;
}

describe('on a trained mini network', () => {
  before(async () => {
    selectDefaultBackend();
    data = await ensureEmbeddedDataset(join(root, 'data'));
    // Same seed and training: the two runs differ only in how they validate.
    for (const [run, views] of [[runA, '1'], [runB, '10']]) {
      const r = cli(['train', '--data', data, '--limit', '1280', '--val-limit', String(VAL), '--val-views', views, '--batch-size', '64', '--epochs', '1', '--seed', '3', '--no-progress', '--run', run]);
      assert.equal(r.code, 0, r.out + r.err);
    }
  });

  it('eval reproduces the logged validation error, centre crop and 10 views', async (t) => {
    const r = await evaluateRun(runA, { limit: VAL });
    const [centre, ten] = r.results;
    const a = logged(runA)[0], b = logged(runB)[0];
    assert.equal(centre.images, VAL);
    assert.equal(centre.top1Error, a.valTop1Error);
    assert.equal(centre.top5Error, a.valTop5Error);
    assert.ok(Math.abs(centre.loss - a.valLoss!) < 1e-12);
    assert.equal(ten.top1Error, b.valTop1Error);
    assert.equal(ten.top5Error, b.valTop5Error);
    assert.ok(Math.abs(ten.loss - b.valLoss!) < 1e-12);
    t.diagnostic(`centre: top-1 ${centre.top1Error}, top-5 ${centre.top5Error}, loss ${centre.loss.toFixed(4)}; 10 views: top-1 ${ten.top1Error}, top-5 ${ten.top5Error}, loss ${ten.loss.toFixed(4)}`);
    // Per-class figures add up to the total.
    const correct = centre.perClass.reduce((s, c) => s + c.accuracy * c.images, 0);
    assert.ok(Math.abs(correct / VAL - (1 - centre.top1Error)) < 1e-12);
  });

  it('the CLI prints the same figures as JSON and as a table', () => {
    const j = cli(['eval', '--run', runA, '--limit', String(VAL), '--views', '1', '--json']);
    assert.equal(j.code, 0, j.err);
    const report = JSON.parse(j.out) as { results: { top1Error: number; confusions: unknown[] }[] };
    assert.equal(report.results[0].top1Error, logged(runA)[0].valTop1Error);
    const table = cli(['eval', '--run', runA, '--limit', String(VAL), '--views', '1']);
    assert.match(table.out, new RegExp(`1 \\(centre\\)\\s+${VAL}\\s+[\\d.]+\\s+${(100 * logged(runA)[0].valTop1Error!).toFixed(2)}%`));
    assert.match(table.out, /most confused \(true → predicted\):\n {2}\S/);
  });

  it('an ensemble averages the networks\' softmax outputs (§6)', async () => {
    const one = loadModels({ run: runA });
    const two = loadModels({ weights: [join(runA, 'model.safetensors'), join(runA, 'model.safetensors')], data });
    // Perturb the second network so the two differ.
    for (const p of two.models[1].params()) for (let i = 0; i < p.value.data.length; i += 7) p.value.data[i] *= 0.5;
    const x = new Tensor(Float32Array.from({ length: 3 * 3 * 28 * 28 }, (_, i) => Math.sin(i) * 60), [3, 3, 28, 28]);
    const avg = await ensembleProbabilities(two.models, x);
    const p0 = softmaxRows(Float32Array.from(two.models[0].forward(x).data), 3, 10);
    const p1 = softmaxRows(Float32Array.from(two.models[1].forward(x).data), 3, 10);
    for (let i = 0; i < avg.length; i++) assert.ok(Math.abs(avg[i] - (p0[i] + p1[i]) / 2) < 1e-12);
    const r1 = await evaluateModels(one, { views: [1], limit: 40 });
    const same = loadModels({ weights: [join(runA, 'model.safetensors'), join(runA, 'model.safetensors')], data });
    const r2 = await evaluateModels(same, { views: [1], limit: 40 });
    assert.equal(r2.results[0].top1Error, r1.results[0].top1Error);
    assert.ok(Math.abs(r2.results[0].loss - r1.results[0].loss) < 1e-12);
  });

  it('an image file is preprocessed exactly like the dataset\'s own copy', async () => {
    const loaded = loadModels({ run: runA });
    const prep = resolvePreprocessing({ dataDir: loaded.dataDir, runDir: runA, cropSize: 28, mean: 'pixel' });
    assert.ok(existsSync(join(runA, 'mean.safetensors')), 'the run keeps the mean for later');
    const loader = await openLoader(data, 'val', {
      batchSize: 2, mode: 'center', cropSize: 28, seed: 1, shuffle: false, dropLast: false, workers: 0,
      augment: { randomCrop: false, flip: false, pcaStd: 0, pcaUnits: 'paper', mean: 'pixel' },
    });
    const first = (await loader.epoch(0).next()).value!;
    await loader.close();
    assert.equal(first.indices[1], 1);
    const x = await preprocessImage(readFileSync(await idxPng('t10k', 1)), prep);
    const want = first.x.data.subarray(x.length, 2 * x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - want[i]));
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
  });

  it('predict: top-5 with names; a bad file is named with the reason, the others still predicted', async () => {
    const good = await idxPng('t10k', 0);
    const bad = join(root, 'broken.jpg');
    writeFileSync(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const r = cli(['predict', '--run', runA, '--json', good, bad, join(root, 'missing.png')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /broken\.jpg: cannot decode: .*; give a JPEG, PNG or WebP image/);
    assert.match(r.err, /missing\.png: no such file/);
    const out = JSON.parse(r.out) as { predictions: { file: string; top: { name: string; probability: number }[] }[] };
    assert.equal(out.predictions.length, 1);
    const top = out.predictions[0].top;
    assert.equal(top.length, 5);
    assert.ok(top.every((c, i) => i === 0 || c.probability <= top[i - 1].probability));
    assert.ok(top.every((c) => typeof c.name === 'string' && c.name.length > 1), 'class names, not bare ids');
    const text = cli(['predict', '--run', runA, good]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^\S+t10k-0\.png\n( +\d+\.\d\d% +\S.*\n){5}$/);
  });

  it('predict: a WebP of another size and aspect ratio is rescaled and cropped like the data', async () => {
    const webp = join(root, 'wide.webp');
    const grey = Buffer.alloc(60 * 40 * 3);
    for (let i = 0; i < grey.length; i++) grey[i] = (i * 7) % 251;
    writeFileSync(webp, await sharp(grey, { raw: { width: 60, height: 40, channels: 3 } }).webp().toBuffer());
    const r = cli(['predict', '--run', runA, '--top', '3', '--json', webp]);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { predictions: { top: { probability: number }[] }[] };
    assert.equal(out.predictions[0].top.length, 3);
  });

  it('a run without model.safetensors (still training) is evaluated from its newest checkpoint', async () => {
    const copy = join(root, 'unfinished');
    cpSync(runA, copy, { recursive: true });
    rmSync(join(copy, 'model.safetensors'));
    const notes: string[] = [];
    const loaded = loadModels({ run: copy, log: (l) => notes.push(l) });
    assert.match(notes.join('\n'), /no model\.safetensors .*using .*ckpt-\d+\.json/);
    const r = await evaluateModels(loaded, { views: [1], limit: VAL });
    assert.equal(r.results[0].top1Error, logged(runA)[0].valTop1Error);
  });

  it('features: fc8 of an input tensor are its logits, exactly; fc7 of images has the preset\'s fc7 width', async () => {
    const loaded = loadModels({ run: runA });
    const x = new Tensor(Float32Array.from({ length: 2 * 3 * 28 * 28 }, (_, i) => Math.cos(i / 3) * 50), [2, 3, 28, 28]);
    writeNpy(join(root, 'x.npy'), { shape: x.shape, data: x.data });
    const r = cli(['features', '--weights', join(runA, 'model.safetensors'), '--preset', 'mini', '--input', join(root, 'x.npy'), '--layer', 'fc8', '--out', join(root, 'logits.npy')]);
    assert.equal(r.code, 0, r.err);
    const y = readNpy(join(root, 'logits.npy'));
    assert.deepEqual(y.shape, [2, 10]);
    assert.deepEqual(Array.from(y.data as Float32Array), Array.from(loaded.models[0].forward(x).data));
    const img = cli(['features', '--run', runA, '--layer', 'fc7', '--out', join(root, 'fc7.npy'), await idxPng('t10k', 0), await idxPng('t10k', 1)]);
    assert.equal(img.code, 0, img.err);
    const fc7 = getPreset('mini').layers.find((l) => l.name === 'fc7');
    assert.deepEqual(readNpy(join(root, 'fc7.npy')).shape, [2, fc7 && fc7.kind === 'linear' ? fc7.out : -1]);
  });

  it('neighbors: a training image finds itself first; sheet and JSON agree', async () => {
    const query = await idxPng('train', 0);
    const sheet = join(root, 'nb.png');
    const r = cli(['neighbors', '--run', runA, '--out', sheet, '--k', '4', '--json', '-', query]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { queries: { neighbors: { index: number; distance: number }[] }[] };
    const n = j.queries[0].neighbors;
    assert.equal(n.length, 4);
    assert.equal(n[0].index, 0);
    assert.ok(n[0].distance < 1e-3, `distance to itself ${n[0].distance}`);
    assert.ok(n.every((x, i) => i === 0 || x.distance >= n[i - 1].distance));
    const meta = await sharp(sheet).metadata();
    assert.deepEqual([meta.width, meta.height], [4 + 5 * (28 * 3 + 6 + 4) + 12, 4 + (28 * 3 + 6 + 4)]);
  });

  it('report: one self-contained HTML file with curves, tables and pictures', async () => {
    const path = await writeReport(runA, { evalLimit: VAL, neighbors: { queries: 3, k: 3, limit: 300 } });
    const html = readFileSync(path, 'utf8');
    assert.match(html, /<svg[^>]*>[\s\S]*class="lr-drop"|<svg/);
    assert.match(html, /centre crop<\/td><td>200<\/td>/);
    assert.match(html, /10 views \(§5\)<\/td><td>200<\/td>/);
    assert.match(html, /Most confused pairs/);
    assert.doesNotMatch(html, /(src|href)="(?!data:)/, 'no external resources');
    const pngs = [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
    assert.equal(pngs.length, 2);
    for (const png of pngs) {
      const { data: px, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      assert.ok(info.width > 100 && info.height > 50);
      const distinct = new Set<number>();
      for (let i = 0; i < px.length; i += 3) distinct.add(px[i]);
      assert.ok(distinct.size > 20, `only ${distinct.size} grey levels: blank picture`);
    }
  });

  it('bad input: errors name the file and the fix', () => {
    const noRun = cli(['eval', '--run', join(root, 'nope')]);
    assert.equal(noRun.code, 1);
    assert.match(noRun.err, /nope: not a run folder \(no config\.json\); give the folder 'alexnet train --run <dir>' wrote/);
    const noFile = cli(['eval', '--weights', join(root, 'absent.safetensors'), '--preset', 'mini']);
    assert.match(noFile.err, /absent\.safetensors: no such file; give a \.safetensors weights file/);
    writeNpy(join(root, 'wrong.npy'), { shape: [1, 3, 32, 32], data: new Float32Array(3 * 32 * 32) });
    const shape = cli(['features', '--run', runA, '--input', join(root, 'wrong.npy'), '--layer', 'fc8', '--out', join(root, 'o.npy')]);
    assert.match(shape.err, /wrong\.npy: shape \[1, 3, 32, 32\], but the network takes \[N, 3, 28, 28\]/);
    const layer = cli(['features', '--run', runA, '--input', join(root, 'x.npy'), '--layer', 'fc9', '--out', join(root, 'o.npy')]);
    assert.match(layer.err, /no layer 'fc9' in preset mini \(did you mean 'fc\d'\?\); layers: conv1/);
    const none = cli(['predict', join(root, 'a.png')]);
    assert.equal(none.code, 2);
    assert.match(none.err, /no network: give --run <dir>/);
  });
});
