import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('alexnet info', () => {
  it('paper preset: 60,965,224 parameters and 724,406,816 multiply-adds (docs/paper.md §1)', () => {
    const r = run('info', '--preset', 'paper', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { params: number; macs: number; layers: { name: string; output: number[]; params: number; macs: number }[] };
    assert.equal(j.params, 60_965_224);
    assert.equal(j.macs, 724_406_816);
    const conv = Object.fromEntries(j.layers.map((l) => [l.name, l]));
    assert.equal(conv.conv1.macs, 105_415_200);
    assert.equal(conv.conv2.params, 307_456);
    assert.deepEqual(conv.pool5.output, [256, 6, 6]);
    assert.equal(conv.fc6.params, 37_752_832);
  });
  it('torchvision preset: 61,100,840 parameters', () => {
    const j = JSON.parse(run('info', '--preset', 'torchvision', '--json').stdout) as { params: number };
    assert.equal(j.params, 61_100_840);
  });
  it('prints a table with totals', () => {
    const r = run('info', '--preset', 'paper');
    assert.match(r.stdout, /total\s+60,965,224\s+724,406,816/);
  });
  it('rejects unknown options and presets with a suggestion', () => {
    const a = run('info', '--preset', 'papr');
    assert.equal(a.status, 2);
    assert.match(a.stderr, /did you mean 'paper'/);
    const b = run('info', '--jsn');
    assert.equal(b.status, 2);
    assert.match(b.stderr, /unknown option '--jsn' \(did you mean '--json'\?\)/);
    const c = run('infoo');
    assert.match(c.stderr, /Did you mean 'info'/);
  });
});
