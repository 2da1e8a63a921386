// bench/webgpu-cuda.sh, the GPU machine's benchmark, exercised on every
// commit: its dry run packs the payload, checks it fits the 64 MiB carry
// limit, unpacks it into a folder with nothing else (no node_modules, no
// sharp, no native addon) and runs both halves there on SwiftShader and
// PyTorch's CPU; a run in GPU mode on a machine with only a CPU adapter
// refuses it instead of timing it, and still prints the table. Without
// Debian's python3-torch (CI does not install it) the PyTorch half fails on
// its own and the test checks that ours still reaches the table.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { swiftShaderInstalled } from '../../src/backend/webgpu/gpu.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'bench', 'webgpu-cuda.sh');
// The script's dry run takes $PYTHON, else Debian's /usr/bin/python3.
const python = process.env.PYTHON ?? '/usr/bin/python3';
const torchHere = existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const why = swiftShaderInstalled() ? false : 'no SwiftShader (apt-get install chromium)';

function script(args: string[], env: Record<string, string>): { code: number | null; out: string } {
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('bench/webgpu-cuda.sh', { skip: process.env.CI === 'true' ? false : why }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'alexnet-gpu-script-'));
  const payload = join(dir, 'payload');
  let dry = { code: null as number | null, out: '' };
  before(() => {
    dry = script(['--dry-run'], { OUT: join(dir, 'dry'), ALEXNET_GPU_PAYLOAD: payload, ALEXNET_GPU_WORK: join(dir, 'work') });
  });

  it('dry run: a payload under 64 MiB, both halves from it alone, one table', () => {
    assert.equal(dry.code, torchHere ? 0 : 1, dry.out);
    const size = /payload .*— (\d+) MiB \((\d+) bytes, limit 67108864\)/.exec(dry.out);
    assert.ok(size, dry.out);
    assert.ok(Number(size[2]) < 64 * 2 ** 20, `payload of ${size[2]} bytes`);
    console.log(`# device script payload: ${size[1]} MiB`);
    // Nothing beside the payload was reachable: the unpacked folder has only what it carries.
    assert.ok(!existsSync(join(dir, 'work', 'node_modules', 'sharp')));
    assert.ok(!existsSync(join(dir, 'work', 'build')));
    const table = readFileSync(join(dir, 'dry', 'table.md'), 'utf8');
    const torchColumns = torchHere ? ' \\| PyTorch fp32 \\| ratio \\| PyTorch amp \\| ratio' : '';
    assert.match(table, new RegExp(`^\\| preset \\| measure \\| ours img/s${torchColumns} \\|$`, 'm'));
    if (!torchHere) assert.match(dry.out, /PyTorch failed/);
    for (const measure of ['train', 'infer b1', 'infer b4']) {
      const torchCells = torchHere ? ' \\| (\\d+\\.\\d) \\| (\\d+\\.\\d\\d) \\| (\\d+\\.\\d) \\| (\\d+\\.\\d\\d)' : '';
      const row = new RegExp(`^\\| mini \\| ${measure} \\| (\\d+\\.\\d)${torchCells} \\|$`, 'm').exec(table);
      assert.ok(row, `no mini ${measure} row with figures on ${torchHere ? 'both sides' : 'our side'}:\n${table}`);
      assert.ok(row.slice(1).every((v) => Number(v) > 0), row[0]);
    }
  });

  it('GPU mode refuses a CPU adapter, and a failed half still leaves the table', () => {
    const r = script([], {
      OUT: join(dir, 'gpu-mode'), ALEXNET_GPU_PAYLOAD: payload, ALEXNET_GPU_WORK: join(dir, 'work-gpu'),
      VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', PYTHON: '/usr/bin/python3',
    });
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /refusing a CPU adapter on the GPU machine/);
    // PyTorch's half ran first and failed on its own (no CUDA here); the table is still written.
    assert.match(r.out, /PyTorch failed/);
    assert.match(readFileSync(join(dir, 'gpu-mode', 'table.md'), 'utf8'), /^\| preset \| measure \| ours img\/s \|/m);
  });
});
