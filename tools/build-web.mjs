// Bundles the browser app (web/) into dist/web with esbuild: web/src/main.ts
// and the library it imports as 'alexnet-ts' (the package's browser entry,
// resolved by name: the same modules the CLI runs) as one ES module, plus
// the page and its stylesheet. The web
// tsconfig type-checks it first with browser types only (no @types/node), so
// a Node-only global in that code fails the build; esbuild's browser
// platform fails on any Node module it would have to bundle.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web`;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${root}web/src/main.ts`],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome113', 'safari17', 'firefox121'],
  outfile: `${out}/app.js`,
  sourcemap: true,
  minify: false,
  logLevel: 'warning',
  // The Node WebGPU binding is only ever loaded by src/backend/webgpu/gpu.ts, which the page never imports.
  external: [],
});
for (const f of ['index.html', 'style.css']) copyFileSync(`${root}web/${f}`, `${out}/${f}`);
