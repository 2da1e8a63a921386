// `alexnet export` end to end: the file it writes runs in onnxruntime, the
// preset comes from the weights' metadata, and mistakes exit 2 with a message.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildAlexNet, initAlexNet } from '../../src/models/alexnet.js';
import { getPreset } from '../../src/models/presets.js';
import { saveWeights } from '../../src/weights/weights-file.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { scratchDir } from '../helpers/interop.js';
import { runOnnx } from '../helpers/onnxruntime.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const dir = scratchDir();

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [MAIN, ...args], { maxBuffer: 1 << 20 });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('alexnet export', () => {
  it('writes a model onnxruntime runs, at the batch asked for', async () => {
    const out = path.join(dir, 'tv.onnx');
    const r = await cli('export', '--onnx', out, '--preset', 'torchvision', '--batch', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*tv\.onnx: preset torchvision, batch 1, 244\.\d MB/);
    assert.match(r.stderr, /no --weights given/);
    const y = await runOnnx(readFileSync(out), Tensor.zeros([1, 3, 224, 224]));
    assert.deepEqual(y.shape, [1, 1000]);
  });

  it("takes the preset from the weights file's metadata", async () => {
    const model = buildAlexNet(getPreset('caffe'));
    initAlexNet(model, new Rng(5));
    const weights = path.join(dir, 'caffe.safetensors');
    saveWeights(model, weights);
    const out = path.join(dir, 'caffe.onnx');
    const r = await cli('export', '--onnx', out, '-w', weights);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /preset caffe, batch dynamic/);
    const wrong = await cli('export', '--onnx', path.join(dir, 'x.onnx'), '--weights', weights, '--preset', 'paper');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /caffe\.safetensors: saved from preset 'caffe', but the network is 'paper'/);
    assert.ok(!existsSync(path.join(dir, 'x.onnx')));
  });

  it('rejects bad usage with exit code 2 and a hint', async () => {
    for (const [args, msg] of [
      [['--preset', 'paper'], /missing --onnx <file>/],
      [['--onnx', 'a.onnx', '--batch', '0'], /--batch expects a positive integer or 'dynamic', got '0'/],
      [['--onnx', 'a.onnx', '--preset', 'papr'], /did you mean 'paper'/],
      [['--onx', 'a.onnx'], /unknown option '--onx' \(did you mean '--onnx'\?\)/],
    ] as const) {
      const r = await cli('export', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.match(r.stderr, /See 'alexnet export --help'/);
    }
  });

  it('help lists the synopsis, options and examples', async () => {
    const r = await cli('export', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: alexnet export --onnx <file>/);
    for (const s of ['--weights <file>', '--preset <name>', '--batch <n>|dynamic', 'examples:']) assert.ok(r.stdout.includes(s), s);
  });
});
