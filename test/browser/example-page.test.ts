// examples/web in a real browser (headless Chromium): the page is bundled
// with `esbuild --bundle --platform=browser` from its import of
// 'alexnet-ts' (the package's browser entry), loads a torchvision .pth over
// HTTP, and classifies a photo chosen in its file input, once on WebGPU
// (SwiftShader) and once on the reference kernels (?backend=reference). Its
// top-5 must be Node's top-5 for the same photo and weights: the same
// classes, in the same order where the probabilities are further apart than
// the two JPEG decoders move them (Chromium's against libvips; both resize with the same filters).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { browserOrSkip } from '../helpers/browser.js';
import { scratchDir } from '../helpers/interop.js';
import { hashRecipeTorchvisionPth } from '../helpers/torch-writer.js';
import { loadNetwork, type Classification } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PHOTO = join(ROOT, 'test/fixtures/images/dog.jpg');
/** Probability differences from the two decoders (Chromium against libvips), the same resampling: measured ≤ 0.005 on this photo. */
const PROB_TOLERANCE = 0.01;

const browser: Browser | null = await browserOrSkip();

describe('examples/web: a page that imports alexnet-ts', { skip: browser ? false : 'no browser' }, () => {
  let server: Server;
  let url = '';
  let node: Classification[] = [];
  const out = scratchDir();

  before(async () => {
    // The acceptance command itself: no unresolved Node modules, no errors.
    execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), ['examples/web/main.ts', '--bundle', '--platform=browser', '--format=esm', `--outfile=${join(out, 'main.js')}`, '--log-level=error'], { cwd: ROOT });
    const pth = hashRecipeTorchvisionPth();
    const files: Record<string, [string, Uint8Array]> = {
      '/': ['text/html', readFileSync(join(ROOT, 'examples/web/index.html'))],
      '/main.js': ['text/javascript', readFileSync(join(out, 'main.js'))],
      '/alexnet.pth': ['application/octet-stream', pth],
    };
    server = createServer((req, res) => {
      const f = files[new URL(req.url ?? '/', 'http://x').pathname];
      if (!f) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': f[0], 'content-length': f[1].length }).end(f[1]);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    node = await (await loadNetwork(pth, { name: 'alexnet.pth' })).classify(PHOTO);
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  for (const backend of ['webgpu', 'reference'] as const) {
    it(`classifies a chosen photo with Node's top-5 (${backend})`, { timeout: 600_000 }, async () => {
      const page = await browser!.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`${url}?weights=alexnet.pth${backend === 'reference' ? '&backend=reference' : ''}`);
      await page.waitForFunction(() => (window as unknown as { example: { ready: boolean } }).example?.ready, null, { timeout: 300_000 });
      await page.setInputFiles('#file', PHOTO);
      await page.waitForFunction(() => { const e = (window as unknown as { example: { top5: unknown; error: unknown } }).example; return e.top5 || e.error; }, null, { timeout: 300_000 });
      const state = await page.evaluate(() => (window as unknown as { example: { backend: string; top5: Classification[] | null; error: string | null } }).example);
      await page.close();
      assert.deepEqual(errors, []);
      assert.equal(state.error, null);
      assert.equal(state.backend, backend);
      const got = state.top5!;
      assert.deepEqual(new Set(got.map((c) => c.index)), new Set(node.map((c) => c.index)), `page ${JSON.stringify(got)} vs Node ${JSON.stringify(node)}`);
      for (const [i, c] of node.entries()) {
        const g = got.find((x) => x.index === c.index)!;
        assert.ok(Math.abs(g.probability - c.probability) <= PROB_TOLERANCE, `${c.label}: page ${g.probability} vs Node ${c.probability}`);
        assert.equal(g.label, c.label);
        if (i < 4 && c.probability - node[i + 1].probability > 2 * PROB_TOLERANCE) assert.equal(got[i].index, c.index, `rank ${i + 1}`);
      }
      console.log(`# ${backend}: page ${got.map((c) => `${c.index}:${c.probability.toFixed(4)}`).join(' ')}; Node ${node.map((c) => `${c.index}:${c.probability.toFixed(4)}`).join(' ')}`);
    });
  }
});
