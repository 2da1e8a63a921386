// `alexnet convert` and its readers against files PyTorch and a Caffe-layout
// writer produced (tools/gen_fixtures_pretrained.py): values bit for bit,
// and hostile or damaged files refused with a message that names the problem.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { scratchDir } from '../helpers/interop.js';
import { torchZip } from '../helpers/zip.js';
import { readSafetensors } from '../../src/io/safetensors-file.js';
import { convertWeights } from '../../src/weights/convert.js';
import { readTorchStateDict } from '../../src/io/torch-file.js';
import { readCaffeModel } from '../../src/io/caffemodel.js';
import { unpickle } from '../../src/io/pickle.js';
import { INPUT_KEY, PRESET_KEY } from '../../src/weights/weights.js';
import { getPreset } from '../../src/models/presets.js';

const F = path.join(FIXTURE_DIR, 'pretrained');
const dir = scratchDir();

/** Every tensor of `file` equals the oracle's, bit for bit, in the oracle's order. */
function assertSameTensors(file: string, oracle: string): void {
  const got = readSafetensors(file).tensors;
  const want = readSafetensors(oracle).tensors;
  assert.deepEqual([...got.keys()], [...want.keys()]);
  for (const [name, w] of want) {
    const g = got.get(name)!;
    assert.deepEqual(g.shape, w.shape, name);
    assert.equal(g.dtype, 'F32', name);
    assert.deepEqual(new Uint8Array((g.data as Float32Array).buffer.slice(0)), new Uint8Array((w.data as Float32Array).buffer.slice(0)), `${name}: values differ`);
  }
}

function convert(input: string, o: Parameters<typeof convertWeights>[2] = { checkShapes: false }): { out: string; r: ReturnType<typeof convertWeights> } {
  const out = path.join(dir, `${path.basename(input)}.safetensors`);
  return { out, r: convertWeights(input, out, o) };
}

describe('alexnet convert: torch.save files', () => {
  it('a state dict with views, offsets, transposes and float16 converts exactly, preset and input recorded', () => {
    const { out, r } = convert(path.join(F, 'tiny-torchvision.pth'));
    assertSameTensors(out, path.join(F, 'tiny-torchvision.safetensors'));
    assert.equal(r.preset, 'torchvision');
    assert.deepEqual([...r.converted], [['classifier.6.bias', 'F16']]);
    const meta = readSafetensors(out).metadata;
    assert.equal(meta[PRESET_KEY], 'torchvision');
    assert.deepEqual(JSON.parse(meta[INPUT_KEY]), getPreset('torchvision').input);
  });

  it("a checkpoint's state_dict (nn.Parameter values) converts to the same tensors", () => {
    const { out, r } = convert(path.join(F, 'tiny-checkpoint.pth'));
    assert.equal(r.path, 'state_dict');
    assertSameTensors(out, path.join(F, 'tiny-torchvision.safetensors'));
  });

  it('shapes are checked against the preset unless told not to', () => {
    assert.throws(() => convert(path.join(F, 'tiny-torchvision.pth'), {}), /features\.0\.weight is \[4, 3, 3, 3\], expected \[64, 3, 11, 11\].*is this an AlexNet of preset torchvision\?/);
  });

  it('names that do not fit the preset are all reported, with the preset they do fit', () => {
    assert.throws(() => convert(path.join(F, 'tiny-torchvision.pth'), { preset: 'caffe', checkShapes: false }), /do not fit preset caffe \(missing: conv1\.weight.*unexpected: features\.0\.weight.*they fit preset torchvision: pass --preset torchvision/);
  });

  it('refuses a pickle that calls os.system, without running it', () => {
    assert.throws(() => convert(path.join(F, 'hostile-os-system.pth')), /pickle byte 18: refused global 'posix\.system'.*it was not run/);
  });

  it('refuses a whole pickled model and says how to save a state dict', () => {
    assert.throws(() => convert(path.join(F, 'tiny-module.pth')), /refused global 'torch\.nn\.modules\.linear\.Linear'.*torch\.save\(model\.state_dict\(\), 'weights\.pth'\)/);
  });

  it('refuses other globals, unknown and disallowed opcodes, and malformed pickles', () => {
    const cases: [number[] | string, RegExp][] = [
      ['\x80\x02cbuiltins\neval\nX\x01\x00\x00\x001\x85R.', /refused global 'builtins\.eval'/],
      ['\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93.', /refused global 'os\.system'/],
      ['\x80\x02(cos\nsystem\ni.', /refused global 'os\.system'/],
      ['\x80\x02(X\x01\x00\x00\x00ai.', /refused opcode 0x69 \(unknown\)|refused opcode/],
      [[0x80, 0x02, 0xff, 0x2e], /pickle byte 2: refused opcode 0xff \(unknown\)/],
      ['\x80\x02X\x10\x00\x00\x00ab', /truncated pickle/],
      ['\x80\x02ccollections\nOrderedDict\n)R\x81.', /refused opcode NEWOBJ|refused opcode 0x81/],
      ['\x80\x02h\x05.', /memo entry 5 read before it was written/],
    ];
    for (const [src, re] of cases) {
      const bytes = typeof src === 'string' ? Buffer.from(src, 'latin1') : Uint8Array.from(src);
      const file = path.join(dir, 'crafted.pth');
      writeFileSync(file, torchZip(bytes));
      assert.throws(() => readTorchStateDict(readFileSync(file), file), re, JSON.stringify(src));
    }
  });

  it('unpickles plain values as Python does', () => {
    // pickle.dumps({'a': [1, -2, 2**40, 1.5, None, True, 'é', (3, 'x'), 2**70]}, protocol=2)
    const v = unpickle(Buffer.from('80027d710058010000006171015d7102284b014afeffffff8a06000000000001473ff80000000000004e885802000000c3a971034b0358010000007871048671058a0900000000000000004065732e', 'hex'), { source: 't', globals: new Map() });
    assert.ok(typeof v === 'object' && v !== null && 'kind' in v && v.kind === 'dict');
    const a = v.entries.get('a');
    assert.ok(typeof a === 'object' && a !== null && 'kind' in a && a.kind === 'list');
    assert.deepEqual(a.items, [1, -2, 2 ** 40, 1.5, null, true, 'é', { kind: 'tuple', items: [3, 'x'] }, 2n ** 70n]);
  });

  it('refuses truncated and damaged archives with a message', () => {
    const good = readFileSync(path.join(F, 'tiny-torchvision.pth'));
    const cut = path.join(dir, 'cut.pth');
    for (const n of [good.length - 10, Math.floor(good.length / 2), 100, 10]) {
      writeFileSync(cut, good.subarray(0, n));
      assert.throws(() => convert(cut), /truncated|no end-of-central-directory|too short|not a torch\.save/, `cut at ${n}`);
    }
    const damaged = Buffer.from(good);
    // Flip one byte inside the storage of classifier.1.weight (the largest), found by its first float's bytes.
    const first = readSafetensors(path.join(F, 'tiny-torchvision.safetensors')).tensors.get('classifier.1.weight')!.data as Float32Array;
    const at = damaged.indexOf(Buffer.from(first.buffer, first.byteOffset, 8));
    assert.ok(at > 0);
    damaged[at + 5] ^= 0xff;
    writeFileSync(cut, damaged);
    assert.throws(() => convert(cut), /data\/\d+: CRC-32 mismatch; the file is damaged/);
  });

  it('the legacy (before 1.6) format converts to the same tensors; cut short, it is refused', () => {
    const { out } = convert(path.join(F, 'tiny-torchvision-legacy.pth'));
    assertSameTensors(out, path.join(F, 'tiny-torchvision.safetensors'));
    const good = readFileSync(path.join(F, 'tiny-torchvision-legacy.pth'));
    const f = path.join(dir, 'legacy.pth');
    writeFileSync(f, good.subarray(0, good.length - 20));
    assert.throws(() => convert(f), /truncated: storage \d+ \(\d+ elements\) runs past the end of the file/);
    writeFileSync(f, good.subarray(0, 300));
    assert.throws(() => convert(f), /truncated pickle/);
    writeFileSync(f, 'hello');
    assert.throws(() => convert(f), /neither a torch\.save file \(zip\) nor a \.caffemodel/);
  });
});

describe('alexnet convert: .caffemodel', () => {
  it('V1 (BVLC AlexNet\'s 2014 layout) and current layers convert exactly to the caffe preset', () => {
    for (const f of ['tiny-caffe-v1.caffemodel', 'tiny-caffe.caffemodel']) {
      const { out, r } = convert(path.join(F, f));
      assert.equal(r.preset, 'caffe', f);
      assertSameTensors(out, path.join(F, 'tiny-caffe.safetensors'));
      assert.deepEqual(JSON.parse(readSafetensors(out).metadata[INPUT_KEY]), getPreset('caffe').input);
    }
    const net = readCaffeModel(readFileSync(path.join(F, 'tiny-caffe-v1.caffemodel')), 'v1');
    assert.equal(net.name, 'AlexNet');
    assert.deepEqual(net.layers.filter((l) => l.blobs.length).map((l) => l.name), ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    assert.deepEqual(net.layers.find((l) => l.name === 'fc6')!.blobs[0].shape, [1, 1, 16, 24]); // legacy num, channels, height, width
  });

  it('an unknown layer name is refused by name, with the names the preset has', () => {
    assert.throws(() => convert(path.join(F, 'tiny-caffe-unknown.caffemodel')), /unknown layer names with weights: conv6 \(2 blobs\); the caffe preset has conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8/);
  });

  it('a truncated caffemodel is refused with the offset', () => {
    const good = readFileSync(path.join(F, 'tiny-caffe.caffemodel'));
    const cut = path.join(dir, 'cut.caffemodel');
    writeFileSync(cut, good.subarray(0, good.length - 100));
    assert.throws(() => convert(cut), /protobuf byte \d+: field \d+ claims \d+ bytes, \d+ are left; the file is truncated/);
  });
});

describe('alexnet convert on the command line', () => {
  const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [main, 'convert', ...args], { encoding: 'utf8' });

  it('says what it wrote; a hostile file exits non-zero with the reason on stderr', () => {
    const out = path.join(dir, 'cli.safetensors');
    const ok = run(path.join(F, 'tiny-checkpoint.pth'), out, '--no-shape-check');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /wrote .*cli\.safetensors: preset torchvision, 16 tensors, 2,384 parameters \(from torch\.save, 'state_dict'\)/);
    const bad = run(path.join(F, 'hostile-os-system.pth'), out);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /refused global 'posix\.system'/);
    assert.doesNotMatch(bad.stdout + bad.stderr, /this pickle ran a shell command/);
    const usage = run(path.join(F, 'tiny-checkpoint.pth'));
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /missing <in> <out\.safetensors>/);
  });
});
