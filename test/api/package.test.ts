// The package as a user's import sees it: one entry per platform through the
// exports map, internals not importable by path, the native kernels chosen
// when a network is made whatever was imported first, and a published
// tarball without tests, fixtures or scratch files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeOrSkip } from '../helpers/native.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs an ES module placed inside the package (so 'alexnet-ts' resolves to this package, as for a user), returning its stdout. */
function runInPackage(name: string, code: string): string {
  const file = path.join(ROOT, 'dist', `${name}.mjs`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, ALEXNET_BACKEND: '' } });
}

describe('the alexnet-ts package', () => {
  it('exposes its API, and no internals, by the package name', () => {
    const out = runInPackage('package-probe', `
      const api = await import('alexnet-ts');
      let deep = 'importable';
      try { await import('alexnet-ts/dist/src/models/alexnet.js'); } catch (e) { deep = e.code; }
      console.log(JSON.stringify({ names: Object.keys(api).sort(), deep }));
    `);
    const r = JSON.parse(out) as { names: string[]; deep: string };
    assert.equal(r.deep, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
    for (const n of ['createNetwork', 'loadNetwork', 'train', 'fineTune', 'evaluate', 'Network', 'prepareDataset', 'convertWeights', 'OptionError', 'VERSION']) assert.ok(r.names.includes(n), n);
    assert.ok(!r.names.includes('conv2dBackward') && !r.names.includes('registerKernels'), 'kernels are not part of the API');
  });

  it('runs a network made first thing on the native kernels', { skip: nativeOrSkip() ? false : 'no native addon' }, () => {
    const out = runInPackage('package-backend', `
      const { createNetwork } = await import('alexnet-ts');
      const net = await createNetwork({ preset: 'mini' });
      const ref = await createNetwork({ preset: 'mini', backend: 'reference' });
      const again = await createNetwork({ preset: 'mini' });
      console.log(JSON.stringify([net.backend, ref.backend, again.backend]));
    `);
    assert.deepEqual(JSON.parse(out), ['native', 'reference', 'native']);
  });

  it("builds the command line on the public API: src/cli imports only the package's entry (and its own files)", () => {
    const cli = path.join(ROOT, 'src', 'cli');
    const files = readdirSync(cli, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(cli, f));
    assert.ok(files.length > 15, 'the command files');
    const wrong: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
        const spec = m[1];
        if (spec.startsWith('node:')) continue;
        const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
        // The entry, the command line's own files, and string helpers (did-you-mean suggestions).
        if (target === path.join(ROOT, 'src', 'index.ts') || target.startsWith(cli + path.sep) || target.startsWith(path.join(ROOT, 'src', 'util') + path.sep)) continue;
        wrong.push(`${path.relative(ROOT, file)}: ${spec}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("builds the browser app on the browser entry: web/src imports the library only as 'alexnet-ts'", () => {
    const web = path.join(ROOT, 'web', 'src');
    const wrong: string[] = [];
    for (const f of readdirSync(web).filter((x) => x.endsWith('.ts'))) {
      for (const m of readFileSync(path.join(web, f), 'utf8').matchAll(/^(import|export)( type)?[^'"]*from '([^']+)'/gm)) {
        const [, , typeOnly, spec] = m;
        if (spec === 'alexnet-ts' || spec.startsWith('./')) continue;
        // The app's contract with its own server and test: types only, erased from the bundle.
        if (typeOnly && /^\.\.\/\.\.\/src\/serve\/(run-info|app-state)\.js$/.test(spec)) continue;
        wrong.push(`web/src/${f}: ${spec}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('has an API reference that TypeDoc builds from the TSDoc comments without a warning', () => {
    // Every type a public signature mentions is exported and documented; --emit none: checked, not written.
    execFileSync(path.join(ROOT, 'node_modules/.bin/typedoc'), ['--emit', 'none'], { cwd: ROOT, encoding: 'utf8' });
  });

  it('packs what users need and nothing else', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as [{ files: { path: string }[]; size: number }];
    const files = pack.files.map((f) => f.path);
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/browser.js', 'dist/src/browser.d.ts', 'binding.gyp', 'tools/build-native.mjs', 'examples/classify.ts', 'README.md', 'package.json']) assert.ok(files.includes(f), f);
    assert.ok(files.some((f) => f.startsWith('native/src/')), 'native sources (built on install)');
    assert.ok(files.some((f) => f.startsWith('data/fashion-mnist-mini/')), 'the embedded dataset');
    const unwanted = files.filter((f) => /^(test|dist\/test|dist\/bench|bench|scratch|dist\/examples)\//.test(f) || f.includes('fixtures'));
    assert.deepEqual(unwanted, []);
  });
});
