// Writes a state dict the way torch.save does (zip format: data.pkl with
// persistent storage ids, one raw little-endian storage per tensor), so tests
// can hand a full-size torchvision .pth to the library without PyTorch.
// Only what a float32 state dict needs: protocol 2, contiguous tensors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { torchZip } from './zip.js';
import { generateFloat, type InputSpec } from './hashfill.js';
import { FIXTURE_DIR } from './fixtures.js';

class PickleWriter {
  private readonly parts: Uint8Array[] = [];
  byte(...b: number[]): this {
    this.parts.push(Uint8Array.from(b));
    return this;
  }
  str(s: string): this {
    const u = Buffer.from(s, 'utf8');
    const h = Buffer.alloc(5);
    h[0] = 0x58; // BINUNICODE
    h.writeUInt32LE(u.length, 1);
    this.parts.push(h, u);
    return this;
  }
  int(n: number): this {
    const h = Buffer.alloc(5);
    h[0] = 0x4a; // BININT
    h.writeInt32LE(n, 1);
    this.parts.push(h);
    return this;
  }
  global(module: string, name: string): this {
    this.parts.push(Buffer.from(`c${module}\n${name}\n`, 'latin1'));
    return this;
  }
  /** MARK ints TUPLE */
  intTuple(xs: readonly number[]): this {
    this.byte(0x28);
    for (const x of xs) this.int(x);
    return this.byte(0x74);
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

/** torch.save(OrderedDict of float32 tensors) as bytes. */
export function torchSave(tensors: readonly [string, { readonly shape: readonly number[]; readonly data: Float32Array }][]): Uint8Array {
  const w = new PickleWriter().byte(0x80, 2).global('collections', 'OrderedDict').byte(0x29, 0x52); // OrderedDict()
  w.byte(0x28); // MARK for SETITEMS
  const storages: [string, Uint8Array][] = [];
  tensors.forEach(([name, t], i) => {
    const key = String(i);
    const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    w.str(name).global('torch._utils', '_rebuild_tensor_v2');
    w.byte(0x28); // MARK: the REDUCE arguments
    w.byte(0x28).str('storage').global('torch', 'FloatStorage').str(key).str('cpu').int(t.data.length).byte(0x74, 0x51); // (…) BINPERSID
    w.int(0).intTuple(t.shape).intTuple(strides).byte(0x89).global('collections', 'OrderedDict').byte(0x29, 0x52);
    w.byte(0x74, 0x52); // TUPLE REDUCE
    storages.push([`archive/data/${key}`, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)]);
  });
  w.byte(0x75, 0x2e); // SETITEMS STOP
  return torchZip(w.bytes(), [['archive/byteorder', Buffer.from('little')], ...storages]);
}

interface PredictFixture {
  readonly weights: Record<string, InputSpec>;
  readonly images: Record<string, { readonly top5: [number, number][]; readonly probs: number[] }>;
}

/** tools/gen_fixtures_pretrained.py's torchvision-pipeline reference: hash-recipe weights and torchvision's probabilities on photos. */
export function torchvisionPredictFixture(): PredictFixture {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'pretrained', 'torchvision-predict.json'), 'utf8')) as PredictFixture;
}

/** The fixture's hash-recipe torchvision AlexNet as a torch.save file (244 MB). */
export function hashRecipeTorchvisionPth(): Uint8Array {
  const ref = torchvisionPredictFixture();
  return torchSave(Object.entries(ref.weights).map(([n, s]) => [n, { shape: s.shape, data: generateFloat(s) }]));
}
