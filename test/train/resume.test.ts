// Exact resume: a run killed with SIGKILL mid-epoch, or stopped by
// Ctrl-C, and resumed ends with bit-identical weights to an uninterrupted run
// (same thread count). Runs the real CLI on the embedded Fashion-MNIST subset.
import '../../src/backend/reference/index.js';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEmbeddedDataset } from '../../src/data/embedded.js';
import { interruptMidEpoch } from '../helpers/interrupt.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'alexnet-resume-'));
let data = '';
const common = () => ['--data', data, '--limit', '640', '--val-limit', '200', '--batch-size', '64', '--epochs', '2', '--checkpoint-every', '3', '--no-progress', '--seed', '5'];

function cli(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ALEXNET_THREADS: '2' } });
  return { code: r.status, out: r.stdout + r.stderr };
}

function weights(run: string): Buffer {
  return readFileSync(join(run, 'model.safetensors'));
}

/** Starts a run and sends `signal` once a checkpoint exists in the middle of an epoch. */
function interrupted(run: string, signal: NodeJS.Signals) {
  return interruptMidEpoch(CLI, common(), run, signal, { ...process.env, ALEXNET_THREADS: '2' });
}

describe('exact resume', () => {
  let reference: Buffer;
  before(async () => {
    data = await ensureEmbeddedDataset(join(root, 'data'));
    const r = cli(['train', ...common(), '--run', join(root, 'straight')]);
    assert.equal(r.code, 0, r.out);
    reference = weights(join(root, 'straight'));
  });

  it('after SIGKILL mid-epoch: bit-identical final weights', async () => {
    const run = join(root, 'killed');
    const k = await interrupted(run, 'SIGKILL');
    assert.equal(k.signal, 'SIGKILL', `the run ended before it could be killed: ${k.out}`);
    assert.ok(!existsSync(join(run, 'model.safetensors')), 'killed before the end');
    const r = cli(['train', '--resume', run, '--no-progress']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /resumed from .*ckpt-\d+\.json: epoch \d, step [1-9]/);
    assert.ok(weights(run).equals(reference), 'weights differ from the uninterrupted run');
    // The metrics read as one run: every step once, in order.
    const steps = readFileSync(join(run, 'metrics', 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step as number);
    assert.deepEqual(steps, Array.from({ length: 20 }, (_, i) => i + 1));
    const straight = readFileSync(join(root, 'straight', 'metrics', 'epochs.csv'), 'utf8').split('\n').map((l) => l.split(',').slice(0, 7).join(','));
    const resumed = readFileSync(join(run, 'metrics', 'epochs.csv'), 'utf8').split('\n').map((l) => l.split(',').slice(0, 7).join(','));
    assert.deepEqual(resumed, straight, 'epoch losses and errors equal the uninterrupted run');
  });

  it('after Ctrl-C: a checkpoint, a clean exit, and bit-identical final weights', async () => {
    const run = join(root, 'sigint');
    const k = await interrupted(run, 'SIGINT');
    assert.equal(k.code, 0, k.out);
    assert.match(k.out, /continue with: alexnet train --resume/);
    const r = cli(['train', '--resume', run, '--no-progress']);
    assert.equal(r.code, 0, r.out);
    assert.ok(weights(run).equals(reference));
  });

  it('a damaged newest checkpoint is skipped with a warning; the one before is used', () => {
    const run = join(root, 'damaged');
    const first = cli(['train', ...common(), '--epochs', '1', '--run', run]);
    assert.equal(first.code, 0, first.out);
    const dir = join(run, 'checkpoints');
    const newest = readdirSync(dir).filter((f) => /^ckpt-\d+\.safetensors$/.test(f)).sort().pop()!;
    truncateSync(join(dir, newest), 100);
    const r = cli(['train', '--resume', run, '--epochs', '2', '--no-progress']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /skipping .*truncated or corrupt/);
    assert.ok(weights(run).equals(reference), 'resuming from the older checkpoint reproduces the run');
  });

  it('resume refuses config changes and names the fix', () => {
    const r = cli(['train', '--resume', join(root, 'straight'), '--batch-size', '32']);
    assert.equal(r.code, 2);
    assert.match(r.out, /--batch-size cannot change a run being resumed/);
  });
});
