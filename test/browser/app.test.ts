// The browser app in a real browser (headless chromium, WebGPU on
// SwiftShader), served by `alexnet serve`: it trains mini in the page with
// the losses of the Node webgpu backend on the same data and seed (and
// pause/resume does not change them), its downloaded weights are the CLI's
// weights and load with the CLI, it evaluates like `alexnet eval`, and a
// photo opened in the page gets the top-5 of `alexnet predict`. Any console
// error in the page fails the suite. With ALEXNET_SCREENSHOTS=<dir> the page
// is photographed there (the pictures in docs/browser.md).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { browserOrSkip } from '../helpers/browser.js';
import { SWIFTSHADER_ICD, swiftShaderInstalled } from '../../src/backend/webgpu/gpu.js';
import { readSafetensors } from '../../src/io/safetensors-file.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const PHOTOS = fileURLToPath(new URL('../../../test/fixtures/images/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'alexnet-browser-'));
const shots = process.env.ALEXNET_SCREENSHOTS;
// What `alexnet train` takes without --data: the server prepares the same folder under its working directory.
const data = join(root, 'runs', '.data', 'fashion-mnist-mini');
// 48 images in batches of 16: 3 steps, small enough for a CPU Vulkan driver; the page's form takes the same settings.
const SETTINGS = { limit: 48, valLimit: 32, epochs: 1, batchSize: 16, learningRate: 0.001, seed: 3 };
const trainArgs = ['--limit', '48', '--val-limit', '32', '--epochs', '1', '--batch-size', '16', '--lr', '0.001', '--seed', '3', '--no-progress'];
const env = (backend: string) => ({
  ...process.env, ALEXNET_BACKEND: backend, ALEXNET_THREADS: '2',
  ...(swiftShaderInstalled() && !process.env.VK_ICD_FILENAMES ? { VK_ICD_FILENAMES: SWIFTSHADER_ICD } : {}),
});

function cli(backend: string, args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: env(backend), cwd: root });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout;
}
const losses = (run: string) => readFileSync(join(run, 'metrics', 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss as number);
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

const browser = await browserOrSkip();

describe('the browser app', { skip: browser ? false : 'no browser' }, () => {
  let server: ChildProcess;
  let url = '';
  let page: Page;
  const consoleErrors: string[] = [];
  const gpuRun = join(root, 'gpu');
  const nativeRun = join(root, 'native');
  const photoRun = join(root, 'photo');

  before(async () => {
    // The Node webgpu backend's run (prepares the embedded data at `data` first), and the native one.
    cli('webgpu', ['train', ...trainArgs, '--run', gpuRun]);
    cli('native', ['train', ...trainArgs, '--data', data, '--run', nativeRun]);
    // A run that has learnt something (16 steps at 0.01), for photos: its top-5 is not a near-tie.
    cli('native', ['train', '--data', data, '--limit', '512', '--val-limit', '64', '--epochs', '1', '--batch-size', '32', '--lr', '0.01', '--seed', '2', '--no-progress', '--run', photoRun]);
    server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--run', photoRun], { cwd: root, env: env('native'), stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /http:\/\/[^\s]+\//.exec(out);
        if (m) resolve(m[0]);
      });
      server.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      server.on('exit', (code) => reject(new Error(`alexnet serve exited (${code}): ${out}`)));
    });
    page = await browser!.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    const q = new URLSearchParams(Object.entries(SETTINGS).map(([k, v]) => [k, String(v)]));
    await page.goto(`${url}?${q}`);
    await page.waitForFunction(() => window.alexnetApp?.ready || window.alexnetApp?.errors.length > 0, null, { timeout: 120_000 });
  });

  after(async () => {
    server?.kill('SIGTERM');
    await browser?.close();
  });

  it('finds the WebGPU adapter', async () => {
    const s = await page.evaluate(() => ({ gpu: window.alexnetApp.gpu, backend: window.alexnetApp.backend, errors: window.alexnetApp.errors }));
    assert.deepEqual(s.errors, []);
    assert.ok(s.gpu, s.backend);
    console.log(`# ${s.backend}`);
  });

  it('trains with the Node webgpu backend\'s per-step losses, paused and resumed mid-epoch', async () => {
    await page.click('#train');
    // Pause after the first step; the second may already be under way.
    await page.waitForFunction(() => window.alexnetApp.steps.length >= 1, null, { timeout: 300_000 });
    await page.click('#pause');
    await page.waitForFunction(() => window.alexnetApp.trainState === 'paused', null, { timeout: 300_000 });
    const pausedAt = await page.evaluate(() => window.alexnetApp.steps.length);
    assert.ok(pausedAt < 3, `paused after ${pausedAt} of 3 steps`);
    assert.equal(await page.textContent('#train'), 'Resume');
    await page.click('#train');
    await page.waitForFunction(() => ['done', 'diverged'].includes(window.alexnetApp.trainState) || window.alexnetApp.errors.length > 0, null, { timeout: 600_000 });
    const s = await page.evaluate(() => ({ state: window.alexnetApp.trainState, steps: window.alexnetApp.steps, epochs: window.alexnetApp.epochs, errors: window.alexnetApp.errors }));
    assert.deepEqual(s.errors, []);
    assert.equal(s.state, 'done');
    const ours = s.steps.map((x) => x.loss);
    const node = losses(gpuRun);
    const native = losses(nativeRun);
    assert.equal(ours.length, 3);
    assert.equal(node.length, 3);
    // The same WGSL kernels on the same CPU Vulkan driver: the same numbers, to float rounding.
    const worst = Math.max(...ours.map((l, i) => relative(l, node[i])));
    const worstNative = Math.max(...ours.map((l, i) => Math.abs(l - native[i])));
    console.log(`# page vs Node webgpu: worst relative loss difference ${worst.toExponential(2)}; vs native ${worstNative.toExponential(2)} (paused after step ${pausedAt})`);
    assert.ok(worst <= 1e-6, `page ${ours.join(', ')} vs node ${node.join(', ')}`);
    assert.ok(worstNative <= 1e-3, `page ${ours.join(', ')} vs native ${native.join(', ')}`);
    // The epoch's validation, as the CLI logged it.
    const logged = JSON.parse(readFileSync(join(gpuRun, 'metrics', 'epochs.jsonl'), 'utf8').trim().split('\n')[0]) as { valTop1Error: number; valLoss: number };
    assert.equal(s.epochs.length, 1);
    assert.equal(s.epochs[0].valTop1Error, logged.valTop1Error);
    assert.ok(relative(s.epochs[0].valLoss!, logged.valLoss) <= 1e-6);
    if (shots) await page.screenshot({ path: join(shots, 'browser-trained.png'), fullPage: true });
  });

  it('downloads weights that are the CLI run\'s and that the CLI loads', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(root, 'page.safetensors');
    await dl.saveAs(file);
    const ours = readSafetensors(file);
    const cliWeights = readSafetensors(join(gpuRun, 'model.safetensors'));
    assert.deepEqual([...ours.tensors.keys()], [...cliWeights.tensors.keys()]);
    assert.equal(ours.metadata.preset, 'mini');
    let worst = 0;
    for (const [k, t] of cliWeights.tensors) {
      const a = ours.tensors.get(k)!.data as Float32Array;
      const b = t.data as Float32Array;
      for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    console.log(`# downloaded weights vs the CLI's: worst difference ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-6);
    const out = cli('native', ['eval', '--weights', file, '--data', data, '--limit', '32', '--views', '1', '--json']);
    assert.ok(JSON.parse(out), 'alexnet eval reads the downloaded file');
  });

  it('evaluates with the centre crop and 10 views as alexnet eval does', async () => {
    // 8 validation images (the form's field): 88 forward passes on a CPU Vulkan driver.
    await page.fill('input[name=valLimit]', '8');
    await page.click('#evaluate');
    await page.waitForFunction(() => window.alexnetApp.evaluations.length >= 2 || window.alexnetApp.errors.length > 0, null, { timeout: 600_000 });
    const ev = await page.evaluate(() => window.alexnetApp.evaluations);
    const ref = JSON.parse(cli('webgpu', ['eval', '--run', gpuRun, '--limit', '8', '--json'])) as { results: { views: number; images: number; loss: number; top1Error: number; top5Error: number }[] };
    for (const views of [1, 10]) {
      const page_ = ev.find((e) => e.views === views)!;
      const cli_ = ref.results.find((r) => r.views === views)!;
      console.log(`# ${views} view(s): page top-1 ${page_.top1Error} top-5 ${page_.top5Error} loss ${page_.loss}; alexnet eval ${cli_.top1Error} ${cli_.top5Error} ${cli_.loss}`);
      assert.equal(page_.images, 8);
      assert.equal(page_.top1Error, cli_.top1Error);
      assert.equal(page_.top5Error, cli_.top5Error);
      assert.ok(relative(page_.loss, cli_.loss) <= 1e-5);
    }
  });

  it('classifies a photo of the served run with alexnet predict\'s top-5', async () => {
    // The photo as the run's 28×28 square (sharp, as alexnet predict makes it), and the photo itself.
    const square = join(root, 'dog28.png');
    writeFileSync(square, await sharp(join(PHOTOS, 'dog.jpg')).resize(28, 28, { fit: 'cover' }).png().toBuffer());
    const expected = JSON.parse(cli('native', ['predict', '--run', photoRun, '--json', square, join(PHOTOS, 'dog.jpg')])) as { predictions: { top: { id: string; probability: number }[] }[] };
    await page.click('#open-run');
    await page.waitForFunction(() => window.alexnetApp.model?.startsWith('run ') || window.alexnetApp.errors.length > 0, null, { timeout: 60_000 });
    const top = async (file: string) => {
      await page.evaluate(() => (window.alexnetApp.top5 = null));
      await page.setInputFiles('#photo', file);
      await page.waitForFunction(() => window.alexnetApp.top5 !== null || window.alexnetApp.errors.length > 0, null, { timeout: 60_000 });
      return page.evaluate(() => window.alexnetApp.top5!.top);
    };
    // The square needs no resampling: the page's input is alexnet predict's, so are the probabilities (float rounding).
    const a = await top(square);
    assert.deepEqual(a.map((c) => c.id), expected.predictions[0].top.map((c) => c.id));
    const worst = Math.max(...a.map((c, i) => relative(c.probability, expected.predictions[0].top[i].probability)));
    console.log(`# photo square: top-5 ${a.map((c) => `${c.name} ${c.probability.toFixed(4)}`).join(', ')}; worst relative difference to alexnet predict ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-5);
    // The full photo is resized by the browser, not by sharp: another resampler, so only close (measured: see the log line).
    const b = await top(join(PHOTOS, 'dog.jpg'));
    const diff = Math.max(...b.map((c) => Math.abs(c.probability - (expected.predictions[1].top.find((e) => e.id === c.id)?.probability ?? 0))));
    console.log(`# full photo: top-5 ${b.map((c) => `${c.name} ${c.probability.toFixed(4)}`).join(', ')}; largest probability difference to alexnet predict ${diff.toExponential(2)}`);
    assert.equal(b[0].id, expected.predictions[1].top[0].id);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'browser-photo.png'), fullPage: true });
    }
  });

  it('classifies a drawing', async () => {
    const box = (await page.locator('#drawing').boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + 40);
    await page.mouse.down();
    for (const [x, y] of [[60, 190], [160, 190], [160, 40], [60, 40]]) await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    await page.mouse.up();
    await page.evaluate(() => (window.alexnetApp.top5 = null));
    await page.click('#classify-drawing');
    await page.waitForFunction(() => window.alexnetApp.top5 !== null || window.alexnetApp.errors.length > 0, null, { timeout: 60_000 });
    const t = await page.evaluate(() => window.alexnetApp.top5!);
    assert.equal(t.source, 'drawing');
    assert.equal(t.top.length, 5);
    const sum = t.top.reduce((s, c) => s + c.probability, 0);
    assert.ok(sum > 0 && sum <= 1 + 1e-6, `top-5 probabilities sum to ${sum}`);
    for (let i = 1; i < 5; i++) assert.ok(t.top[i].probability <= t.top[i - 1].probability);
    if (shots) await page.screenshot({ path: join(shots, 'browser-drawing.png'), fullPage: true });
  });

  it('trains on the reference kernels where there is no adapter, with the CLI\'s reference losses', async () => {
    // 2 steps and 8 validation images: the reference kernels are slow.
    const settings = { ...SETTINGS, limit: 32, valLimit: 8 };
    const refRun = join(root, 'reference');
    cli('reference', ['train', '--data', data, '--run', refRun, '--limit', '32', '--val-limit', '8', '--epochs', '1', '--batch-size', '16', '--lr', '0.001', '--seed', '3', '--no-progress']);
    const p = await browser!.newPage();
    p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    p.on('pageerror', (e) => consoleErrors.push(e.message));
    const q = new URLSearchParams([['backend', 'reference'], ...Object.entries(settings).map(([k, v]) => [k, String(v)])]);
    await p.goto(`${url}?${q}`);
    await p.waitForFunction(() => window.alexnetApp?.ready || window.alexnetApp?.errors.length > 0, null, { timeout: 120_000 });
    const said = await p.textContent('#backend');
    assert.match(said ?? '', /reference kernels on the CPU/);
    await p.click('#train');
    await p.waitForFunction(() => ['done', 'diverged'].includes(window.alexnetApp.trainState) || window.alexnetApp.errors.length > 0, null, { timeout: 600_000 });
    const s = await p.evaluate(() => ({ gpu: window.alexnetApp.gpu, steps: window.alexnetApp.steps.map((x) => x.loss), errors: window.alexnetApp.errors }));
    await p.close();
    assert.deepEqual(s.errors, []);
    assert.equal(s.gpu, false);
    const cliLosses = losses(refRun);
    // The same TypeScript kernels in the page's JavaScript engine as in Node's.
    const worst = Math.max(...s.steps.map((l, i) => relative(l, cliLosses[i])));
    console.log(`# page (reference kernels) vs alexnet train on the reference kernels: worst relative loss difference ${worst.toExponential(2)}`);
    assert.equal(s.steps.length, 2);
    assert.ok(worst <= 1e-12, `page ${s.steps.join(', ')} vs CLI ${cliLosses.join(', ')}`);
  });

  it('logs no console error', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
