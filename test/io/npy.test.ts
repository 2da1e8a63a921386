// .npy: files numpy wrote (tools/gen_fixtures_interop.py) in every layout it
// writes, our writer round-tripping through our reader, and hostile files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { decodeNpy, encodeNpy, MAX_NPY_HEADER_BYTES, NpyError, readNpy, writeNpy, type NpyArray } from '../../src/io/npy.js';
import { f16ToF32 } from '../../src/io/halffloat.js';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { scratchDir } from '../helpers/interop.js';

const NPY = path.join(FIXTURE_DIR, 'interop', 'npy');

function values(a: NpyArray): number[] {
  const d = a.dtype === 'f2' ? f16ToF32(a.data as Uint16Array) : a.data;
  return Array.from(d as ArrayLike<number | bigint>, Number);
}

/** A .npy file with a hand-written header (padded like numpy's) and data. */
function npy(dict: string, data: Uint8Array = new Uint8Array(0), version = 1, declared?: number): Buffer {
  const pre = version === 1 ? 10 : 12;
  const text = dict + ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(declared ?? text.length, 8);
  else head.writeUInt32LE(declared ?? text.length, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1'), data]);
}

function rejects(bytes: Uint8Array, fragment: string): void {
  assert.throws(() => decodeNpy(bytes, 'bad.npy'), (e: unknown) => {
    assert.ok(e instanceof NpyError, String(e));
    assert.ok(e.message.startsWith('bad.npy: not a valid .npy file: '), e.message);
    assert.ok(e.message.includes(fragment), `"${e.message}" lacks "${fragment}"`);
    return true;
  });
}

const f4 = (shape: string, bytes: number) => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`, new Uint8Array(bytes));

describe('.npy written by numpy', () => {
  const arange = (n: number) => Array.from({ length: n }, (_, i) => i);
  for (const [file, dtype, shape, want] of [
    ['f4_2x3x4', 'f4', [2, 3, 4], arange(24)],
    ['f8_be_3x5', 'f8', [3, 5], arange(15)],
    ['i4_fortran_2x3x4', 'i4', [2, 3, 4], arange(24)],
    ['i8_v2_7', 'i8', [7], arange(7)],
    ['u1_v3_4x4', 'u1', [4, 4], arange(16)],
    ['u2_be_fortran_3x2', 'u2', [3, 2], arange(6)],
    ['f2_5', 'f2', [5], arange(5)],
    ['b1_2x5', 'b1', [2, 5], arange(10).map((i) => (i % 3 === 0 ? 1 : 0))],
    ['f4_scalar', 'f4', [], [0]],
    ['f4_empty_0x3', 'f4', [0, 3], []],
  ] as const) {
    it(`${file}: ${dtype} [${shape.join(', ')}] in C order, little-endian`, () => {
      const a = readNpy(path.join(NPY, `${file}.npy`));
      assert.equal(a.dtype, dtype);
      assert.deepEqual(a.shape, shape);
      assert.deepEqual(values(a), want);
    });
  }
});

describe('.npy writer', () => {
  it('round-trips every dtype, with numpy-style headers (64-byte aligned, newline-terminated)', () => {
    const dir = scratchDir();
    const cases: NpyArray[] = [
      { dtype: 'f4', shape: [2, 3], data: Float32Array.of(1.5, -2, 3, 4, 5, 6e-8) },
      { dtype: 'f8', shape: [3], data: Float64Array.of(Math.PI, -0, 1e300) },
      { dtype: 'i8', shape: [2], data: BigInt64Array.of(-(2n ** 62n), 5n) },
      { dtype: 'u8', shape: [1], data: BigUint64Array.of(2n ** 64n - 1n) },
      { dtype: 'i1', shape: [2], data: Int8Array.of(-128, 127) },
      { dtype: 'i2', shape: [], data: Int16Array.of(-300) },
      { dtype: 'u4', shape: [0], data: new Uint32Array(0) },
      { dtype: 'f2', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) },
      { dtype: 'b1', shape: [2, 1], data: Uint8Array.of(1, 0) },
    ];
    for (const a of cases) {
      const bytes = encodeNpy(a);
      const hlen = bytes.readUInt16LE(8);
      assert.equal((10 + hlen) % 64, 0);
      assert.equal(bytes[10 + hlen - 1], 0x0a);
      const file = path.join(dir, `${a.dtype}.npy`);
      writeNpy(file, a);
      assert.deepEqual(readNpy(file), a);
    }
    assert.equal(encodeNpy({ shape: [3], data: new Float32Array(3) }).subarray(10, 67).toString('latin1'), "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
    assert.deepEqual(readFileSync(path.join(NPY, 'f4_2x3x4.npy')), encodeNpy({ shape: [2, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => i) }), 'byte-identical to numpy');
  });
  it('refuses ambiguous or inconsistent arrays', () => {
    assert.throws(() => encodeNpy({ shape: [1], data: new Uint16Array(1) }), /ambiguous/);
    assert.throws(() => encodeNpy({ shape: [2, 2], data: new Float32Array(3) }), /has 4 elements, data has 3/);
    assert.throws(() => encodeNpy({ shape: [1], dtype: 'f8', data: new Float32Array(1) }), /f8 needs 8-byte elements/);
  });
});

describe('.npy hostile and malformed files', () => {
  it('rejects bad preambles', () => {
    rejects(new Uint8Array(5), 'shorter than the 10-byte preamble');
    rejects(Buffer.from('PK\x03\x04 not numpy at all'), 'missing the \\x93NUMPY magic');
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new Uint8Array(4), 4), 'format version 4.0');
    const v11 = f4('()', 4);
    v11[7] = 1;
    rejects(v11, 'format version 1.1');
    rejects(npy('{}', undefined, 2).subarray(0, 11), 'shorter than the 12-byte preamble of version 2.0');
  });
  it('bounds the header length before reading it', () => {
    rejects(npy('{}', undefined, 2, 0xffffffff), `declared header length 4294967295 exceeds the ${MAX_NPY_HEADER_BYTES}-byte limit`);
    rejects(npy('{}', undefined, 1, 5000), 'declared header length 5000 runs past the end');
    rejects(f4('(2, 2)', 16).subarray(0, 40), 'runs past the end');
  });
  it('parses the header dict strictly, without evaluating it', () => {
    rejects(npy("__import__('os').system('rm -rf /')"), "header: expected '{' at offset 0");
    rejects(npy("{'descr': '<f4', 'fortran_order': False}"), 'header keys are {descr, fortran_order}, expected exactly {descr, fortran_order, shape}');
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'extra': 1}"), "'extra' has an unsupported value '1'");
    rejects(npy("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': ()}"), "duplicate key 'descr'");
    rejects(npy("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}"), "'fortran_order' has an unsupported value '0'");
    rejects(npy("{'descr': '<f4', 'fortran_order': 'no', 'shape': ()}"), "'fortran_order' must be True or False");
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), } junk"), "unexpected text after the dict: 'junk'");
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)"), "expected ',' or '}'");
    rejects(npy("{'descr': '<f4\\x00', 'fortran_order': False, 'shape': ()}"), 'escape sequences are not supported');
    rejects(npy("{'descr: '<f4', 'fortran_order': False, 'shape': ()}"), "header: expected ':'");
  });
  it('accepts only tuples of non-negative integers as shapes', () => {
    rejects(f4('(nan, 2)', 0), "'shape' entry 'nan' is not a non-negative integer");
    rejects(f4('(inf,)', 0), "'shape' entry 'inf'");
    rejects(f4('(-1, 2)', 0), "'shape' entry '-1'");
    rejects(f4('(1.5,)', 0), "'shape' entry '1.5'");
    rejects(f4('(1e3,)', 0), "'shape' entry '1e3'");
    rejects(f4('(0x10,)', 0), "'shape' entry '0x10'");
    rejects(f4('(99999999999999999999,)', 0), "'shape' entry '99999999999999999999'");
    rejects(f4('(3)', 12), "'shape' must be a tuple, got (3) (a 1-D shape is written (n,))");
    rejects(f4('[3]', 12), "'shape' is a list");
    rejects(f4("'3'", 12), "'shape' must be a tuple");
  });
  it('accepts only plain numeric dtypes', () => {
    const with_ = (descr: string, n = 4) => npy(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(n));
    rejects(with_("'<c8'", 8), "unsupported dtype '<c8'");
    rejects(with_("'|O'", 8), 'object arrays would need pickle');
    rejects(with_("'<U3'", 12), "unsupported dtype '<U3'");
    rejects(with_("'<f16'", 16), "unsupported dtype '<f16'");
    rejects(with_("[('a', '<f4')]"), "'descr' is a list: structured dtypes are not supported");
    rejects(with_("'|f4'"), "byte order '|' on a 4-byte type");
  });
  it('requires the data to be exactly shape × itemsize, and never allocates from the header alone', () => {
    rejects(f4('(2, 3)', 20), 'shape (2, 3) of <f4 needs 24 bytes but 20 follow the header (truncated?)');
    rejects(f4('(2, 3)', 28), 'needs 24 bytes but 28 follow the header');
    rejects(f4('(4294967296, 4294967296, 4294967296)', 8), 'needs more than 2^53 bytes but 8 follow the header');
    rejects(f4('(1000000000, 1000000000)', 0), 'needs more than 2^53 bytes but 0 follow');
    rejects(f4('(0, 1000000000000)', 4), 'needs 0 bytes but 4 follow');
  });
  it('rejects an invalid UTF-8 header in version 3', () => {
    const b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new Uint8Array(4), 3);
    b[14] = 0xff;
    rejects(b, 'header is not valid UTF-8');
  });
  it('names an unreadable file', () => {
    assert.throws(() => readNpy('/nonexistent/x.npy'), /\/nonexistent\/x\.npy: cannot read \(ENOENT\)/);
  });
});
