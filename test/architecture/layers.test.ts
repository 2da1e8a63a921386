// The layering docs/architecture.md draws, checked by dependency-cruiser with
// the rules in .dependency-cruiser.cjs: layer order, no import cycles (type
// imports included), backends behind the registry, a browser-safe browser
// entry. A probe file with an upward import shows the check can fail.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot(import.meta.url);
const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(...paths: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('architecture', () => {
  it('src/ keeps the layer rules and has no import cycle', () => {
    const r = cruise('src');
    assert.equal(r.status, 0, r.out);
  });

  it('an upward import (tensor → api) is reported', () => {
    const probe = join(root, 'src', 'tensor', 'upward-import-probe.ts');
    writeFileSync(probe, "import type { Network } from '../api/network.js';\nexport type Probe = Network<string>;\n");
    try {
      const r = cruise('src/tensor/upward-import-probe.ts');
      assert.notEqual(r.status, 0);
      assert.match(r.out, /layer-tensor: src\/tensor\/upward-import-probe\.ts → src\/api\/network\.ts/);
    } finally {
      rmSync(probe, { force: true });
    }
  });
});
