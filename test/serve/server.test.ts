// `alexnet serve`'s HTTP side: the page and its data, a run's files, and
// nothing else: unknown paths and methods are refused, paths never reach
// the file system, and the CLI binds to loopback unless told otherwise.
import '../../src/backend/reference/index.js';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEmbeddedDataset } from '../../src/data/embedded.js';
import { appServer } from '../../src/serve/server.js';
import { decodePixelSplit } from '../../src/data/pixels.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { readSafetensors } from '../../src/io/safetensors-file.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'alexnet-serve-'));

describe('alexnet serve', () => {
  let server: Server;
  let base = '';
  const run = join(root, 'run');
  before(async () => {
    const data = await ensureEmbeddedDataset(join(root, 'data'));
    const r = spawnSync(process.execPath, [CLI, 'train', '--data', data, '--limit', '32', '--val-limit', '16', '--epochs', '1', '--batch-size', '16', '--no-progress', '--run', run], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    server = appServer({ dataDir: data, runDir: run });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((res) => server.close(() => res())));

  it('serves the page, its script and its data', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(await page.text(), /<script type="module" src="app.js">/);
    const js = await fetch(`${base}/app.js`);
    assert.match(js.headers.get('content-type')!, /javascript/);
    assert.ok((await js.text()).length > 10_000);
    const val = decodePixelSplit(new Uint8Array(await (await fetch(`${base}/data/val`)).arrayBuffer()), 'val');
    assert.equal(val.labels.length, 2000);
  });

  it('serves the run: its info, weights and mean', async () => {
    const info = await (await fetch(`${base}/api/run`)).json() as { name: string; config: { preset: string }; classes: unknown[]; preprocessing: { size: number; mean: { mode: string } } };
    assert.equal(info.name, 'run');
    assert.equal(info.config.preset, 'mini');
    assert.equal(info.classes.length, 10);
    assert.equal(info.preprocessing.size, 28);
    assert.equal(info.preprocessing.mean.mode, 'pixel');
    const w = decodeSafetensors(new Uint8Array(await (await fetch(`${base}/run/model.safetensors`)).arrayBuffer()));
    assert.equal(w.metadata.preset, 'mini');
    const m = decodeSafetensors(new Uint8Array(await (await fetch(`${base}/run/mean.safetensors`)).arrayBuffer()));
    assert.deepEqual(m.tensors.get('mean_image')!.shape, [3, 28, 28]);
  });

  it('serves an unfinished run\'s newest checkpoint as its weights', async () => {
    const unfinished = join(root, 'unfinished');
    cpSync(run, unfinished, { recursive: true });
    rmSync(join(unfinished, 'model.safetensors'));
    const s = appServer({ dataDir: join(root, 'data'), runDir: unfinished });
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', () => res()));
    try {
      const r = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/run/model.safetensors`);
      const w = decodeSafetensors(new Uint8Array(await r.arrayBuffer()));
      const final = readSafetensors(join(run, 'model.safetensors'));
      assert.equal(w.metadata.preset, 'mini');
      // One epoch: the last checkpoint holds the final weights.
      assert.deepEqual(w.tensors.get('conv1.weight')!.data, final.tensors.get('conv1.weight')!.data);
    } finally {
      await new Promise<void>((res) => s.close(() => res()));
    }
  });

  it('refuses other paths and methods', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/dist/web/app.js', '/data/test', '/run/config.json', '/etc/passwd']) {
      const r = await fetch(`${base}${path}`);
      assert.equal(r.status, 404, path);
    }
    const post = await fetch(`${base}/api/info`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('listens on 127.0.0.1 by default and says where', async () => {
    const p = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((res, rej) => {
      let out = '';
      p.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) res(out);
      });
      p.on('exit', (c) => rej(new Error(`exited ${c}: ${out}`)));
    });
    p.kill('SIGTERM');
    assert.match(line, /^alexnet serve: http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('rejects a port that is not one', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '70000'], { encoding: 'utf8', cwd: root });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--port 70000 is not a TCP port/);
  });
});
