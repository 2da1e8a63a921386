// `alexnet serve`: the browser app (web/, bundled into dist/web by
// tools/build-web.mjs) over HTTP, with the embedded Fashion-MNIST subset the
// page trains on and, with --run, that run's weights and report. Node's own
// http module: the routes are a fixed list (no file-system paths from the
// URL, so nothing outside them can be reached), GET and HEAD only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePixelSplit } from '../data/pixels.js';
import { readPixelSplit } from '../data/pixels-file.js';
import { ilsvrc2012Classes } from '../data/classes.js';
import { VERSION } from '../version.js';
import { readRunFiles, type RunFiles } from './run-files.js';

/** dist/web, where the build puts the page (from src/serve or dist/src/serve). */
export function webDir(): string {
  const candidates = ['../../web/', '../../dist/web/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((d) => existsSync(join(d, 'index.html')) && existsSync(join(d, 'app.js')));
  if (!found) throw new Error(`the web app is not built (looked in ${candidates.join(' and ')}); run npm run build`);
  return found;
}

const STATIC: Record<string, string> = {
  '/': 'index.html', '/index.html': 'index.html', '/app.js': 'app.js', '/app.js.map': 'app.js.map', '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', map: 'application/json', css: 'text/css; charset=utf-8' };

export interface ServeOptions {
  /** The prepared embedded dataset (ensureEmbeddedDataset). */
  readonly dataDir: string;
  readonly runDir?: string;
  readonly log?: (line: string) => void;
}

/** The routes' answers; loaded once, the dataset splits on first request. */
export function appServer(o: ServeOptions): Server {
  const web = webDir();
  const run: RunFiles | null = o.runDir ? readRunFiles(o.runDir) : null;
  const splits = new Map<string, Promise<Uint8Array>>();
  const split = (name: 'train' | 'val') => {
    let p = splits.get(name);
    if (!p) splits.set(name, (p = readPixelSplit(o.dataDir, name).then(encodePixelSplit)));
    return p;
  };
  const json = (v: unknown) => ({ type: 'application/json', body: new TextEncoder().encode(JSON.stringify(v)) });
  const bytes = (b: Uint8Array, type = 'application/octet-stream') => ({ type, body: b });
  const routes: Record<string, () => Promise<{ type: string; body: Uint8Array } | null>> = {
    '/api/info': async () => json({ version: VERSION, dataset: 'Fashion-MNIST (embedded subset)', run: run ? run.info.name : null }),
    '/api/run': async () => (run ? json(run.info) : null),
    '/api/classes/ilsvrc2012': async () => json(ilsvrc2012Classes().map((c) => ({ id: c.id, name: c.name }))),
    '/data/train': async () => bytes(await split('train')),
    '/data/val': async () => bytes(await split('val')),
    '/run/model.safetensors': async () => (run ? bytes(run.weights) : null),
    '/run/mean.safetensors': async () => (run && run.mean.length ? bytes(run.mean) : null),
    '/run/report.html': async () => (run?.reportFile ? bytes(readFileSync(run.reportFile), TYPES.html) : null),
  };
  for (const [path, file] of Object.entries(STATIC)) {
    routes[path] = async () => (existsSync(join(web, file)) ? bytes(readFileSync(join(web, file)), TYPES[file.split('.').pop()!]) : null);
  }

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET and HEAD\n');
      return;
    }
    const route = Object.prototype.hasOwnProperty.call(routes, path) ? routes[path] : undefined;
    const r = route ? await route() : null;
    if (!r) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`${path}: not found${path.startsWith('/run/') || path === '/api/run' ? ' (start the server with --run <dir>)' : ''}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': r.type, 'content-length': r.body.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : r.body);
  };
  return createServer((req, res) => {
    answer(req, res).catch((e: Error) => {
      o.log?.(`serve: ${req.url}: ${e.message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${e.message}\n`);
    });
  });
}
