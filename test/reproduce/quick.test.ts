// End to end: `alexnet reproduce --quick` runs the whole
// suite, writes claims.json and report.html with real figures, resumes
// without repeating finished experiments, and continues a half-done one
// from its checkpoint. About 2 minutes on 2 cores.
import '../../src/backend/reference/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClaimResult } from '../../src/reproduce/claims.js';
import type { ExperimentEval } from '../../src/reproduce/evaluate.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });

const CLAIMS = ['relu-vs-tanh', 'lrn', 'overlapping-pooling', 'two-columns', 'dropout', 'augmentation', 'pca-lighting', 'ten-views', 'ensembles'];

describe('alexnet reproduce --quick', () => {
  const root = mkdtempSync(join(tmpdir(), 'reproduce-'));
  const suite = join(root, 'suite');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs the suite: one claims.json entry per claim with figures that match the evaluations, and the HTML report', () => {
    const r = cli('reproduce', '--quick', '--run', suite, '--no-progress');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /estimated time: \d+:\d\d/);
    const j = JSON.parse(readFileSync(join(suite, 'claims.json'), 'utf8')) as { suite: { mode: string; commands: Record<string, string> }; claims: ClaimResult[] };
    assert.equal(j.suite.mode, 'quick');
    assert.deepEqual(j.claims.map((c) => c.id), CLAIMS);
    for (const c of j.claims) {
      assert.ok(c.section.startsWith('§') && c.paper.length > 0, c.id);
      assert.ok(['reproduced', 'not reproduced', 'within noise'].includes(c.verdict), `${c.id}: ${c.verdict}`);
      assert.equal(c.verdict, c.measures[0].verdict);
      for (const seeds of Object.values(c.seeds)) assert.deepEqual(seeds, [1, 2]);
      for (const m of c.measures) {
        assert.ok(Number.isFinite(m.gain.mean) && Number.isFinite(m.gain.se), `${c.id} ${m.name}`);
        for (const g of Object.values(m.groups)) for (const v of g.values) assert.ok(Number.isFinite(v) && v >= (m.name.includes('gap') ? -100 : 0) && v <= (m.unit === 'points' ? 100 : 1e6), `${c.id} ${m.name}: ${v}`);
      }
    }
    // The LRN claim's figures are the evaluations of the networks, in points.
    const evals = (variant: string) => [1, 2].map((s) => JSON.parse(readFileSync(join(suite, `${variant}-s${s}`, 'eval.json'), 'utf8')) as ExperimentEval);
    const lrn = j.claims.find((c) => c.id === 'lrn')!.measures[0];
    assert.deepEqual(lrn.groups.baseline.values, evals('baseline').map((e) => 100 * e.test.top1Error));
    assert.deepEqual(lrn.groups['no-lrn'].values, evals('no-lrn').map((e) => 100 * e.test.top1Error));
    assert.ok(Math.abs(lrn.gain.mean - (lrn.groups['no-lrn'].mean - lrn.groups.baseline.mean)) < 1e-9);
    assert.equal(evals('baseline')[0].test.images, 400);
    // Two baseline networks: every one alone, and both averaged (one ensemble).
    const ens = j.claims.find((c) => c.id === 'ensembles')!.measures[0];
    assert.equal(ens.groups['2 CNNs'].n, 1);
    assert.deepEqual(ens.groups['1 CNN'].values, evals('baseline').map((e) => 100 * e.test.top5Error));
    assert.match(j.suite.commands.tanh4, /^alexnet train --preset convnet4 .*--set model.activation=tanh --set train.learningRate=0.01$/);
    const html = readFileSync(join(suite, 'report.html'), 'utf8');
    for (const id of CLAIMS) assert.ok(html.includes(`<b>${id}</b>`), id);
    assert.ok((html.match(/<svg /g) ?? []).length >= 7, 'learning curves');
    assert.doesNotMatch(html, /<script|src="http|href="http/);
  });

  it('a rerun repeats nothing; a half-done experiment continues from its checkpoint', () => {
    const weights = join(suite, 'no-lrn-s1', 'model.safetensors');
    const stamp = statSync(join(suite, 'baseline-s1', 'model.safetensors')).mtimeMs;
    rmSync(weights); // as if killed after its last checkpoint, before writing the weights
    const r = cli('reproduce', '--quick', '--run', suite, '--no-progress');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /17 of 18 experiments already finished/);
    assert.ok(existsSync(weights));
    assert.match(readFileSync(join(suite, 'no-lrn-s1', 'train.log'), 'utf8'), /resumed from .*ckpt-/);
    assert.equal(statSync(join(suite, 'baseline-s1', 'model.safetensors')).mtimeMs, stamp);
  });

  it('refuses to mix a quick and a full suite, and data without a test split', () => {
    const r = cli('reproduce', '--run', suite, '--no-progress');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /holds a quick suite; resume it with --quick/);
    const d = cli('reproduce', '--quick', '--run', join(root, 'other'), '--data', join(root, 'nowhere'), '--no-progress');
    assert.notEqual(d.status, 0);
    assert.match(d.stderr, /nowhere/);
  });
});
