import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../src/io/safetensors.js';

function header(obj: unknown, data: Uint8Array = new Uint8Array(0), declared?: bigint): Buffer {
  const json = Buffer.from(JSON.stringify(obj));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(declared ?? BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

function rejects(bytes: Uint8Array, fragment: string): void {
  assert.throws(() => decodeSafetensors(bytes, 'bad.safetensors'), (e: unknown) => {
    assert.ok(e instanceof SafetensorsError);
    assert.ok(e.message.startsWith('bad.safetensors: '), e.message);
    assert.ok(e.message.includes(fragment), `"${e.message}" lacks "${fragment}"`);
    return true;
  });
}

describe('safetensors', () => {
  it('round-trips tensors and metadata', () => {
    const a = Float32Array.of(1, 2, 3, 4, 5, 6);
    const b = Int32Array.of(-7, 8);
    const bytes = encodeSafetensors([['conv1.weight', { shape: [2, 3], data: a }], ['labels', { shape: [2], data: b }]], { preset: 'paper' });
    assert.equal((new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) + 8) % 8, 0, 'data section aligned to 8 bytes');
    const f = decodeSafetensors(bytes);
    assert.deepEqual(f.metadata, { preset: 'paper' });
    assert.deepEqual(f.tensors.get('conv1.weight'), { dtype: 'F32', shape: [2, 3], data: a });
    assert.deepEqual(f.tensors.get('labels'), { dtype: 'I32', shape: [2], data: b });
  });
  it('rejects hostile and malformed files with a clear message', () => {
    rejects(new Uint8Array(3), 'shorter than the 8-byte header length');
    rejects(header({}, new Uint8Array(0), 1n << 60n), 'exceeds');
    rejects(header({}, new Uint8Array(0), 1000n), 'runs past the end');
    rejects(Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a":')]), 'not valid UTF-8 JSON');
    rejects(header([1, 2]), 'not a JSON object');
    rejects(header({ t: { dtype: 'F99', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'unknown dtype');
    rejects(header({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'invalid shape');
    rejects(header({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), 'needs 8 bytes');
    rejects(header({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), 'outside the 4-byte data section');
    rejects(header({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), 'overlaps');
    rejects(header({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), 'hole of 4 bytes');
    rejects(header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), 'after the last tensor');
    rejects(header({ __metadata__: { a: 1 } }), '__metadata__.a must be a string');
  });
  it('rejects hostile numbers, shapes and ranges', () => {
    const raw = (text: string, data = new Uint8Array(0)) => {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
      return Buffer.concat([len, Buffer.from(text), data]);
    };
    // NaN and Infinity are not JSON; 1e400 parses to Infinity and is no integer.
    rejects(raw('{"t":{"dtype":"F32","shape":[NaN],"data_offsets":[0,4]}}', new Uint8Array(4)), 'not valid UTF-8 JSON');
    rejects(raw('{"t":{"dtype":"F32","shape":[1e400],"data_offsets":[0,4]}}', new Uint8Array(4)), 'invalid shape');
    rejects(header({ t: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, new Uint8Array(4)), 'invalid shape');
    rejects(header({ t: { dtype: 'F32', shape: '4', data_offsets: [0, 4] } }, new Uint8Array(4)), 'invalid shape');
    rejects(header({ t: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, new Uint8Array(4)), 'invalid data_offsets');
    rejects(header({ t: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, new Uint8Array(8)), 'invalid data_offsets');
    rejects(header({ t: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, new Uint8Array(4)), 'invalid data_offsets');
    rejects(header({ t: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, new Uint8Array(8)), 'lies outside');
    rejects(header({ t: { dtype: 'F32', shape: [1], data_offsets: [0, 2 ** 60] } }, new Uint8Array(4)), 'invalid data_offsets');
    rejects(header({ t: { dtype: 'F32', shape: [1], data_offsets: [2 ** 52, 2 ** 52 + 4] } }, new Uint8Array(4)), 'range [4503599627370496, 4503599627370500) lies outside the 4-byte data section');
    // A shape whose size overflows 2^53 must be compared, not allocated.
    rejects(header({ t: { dtype: 'F32', shape: [2 ** 31, 2 ** 31, 2 ** 31], data_offsets: [0, 4] } }, new Uint8Array(4)), 'needs 3.961408125713217e+28 bytes but its range holds 4');
    rejects(header({ t: 'F32' }), "entry 't' is not an object");
    rejects(header({ __metadata__: ['a'] }), '__metadata__ must be an object of strings');
    rejects(raw(''), 'not valid UTF-8 JSON');
    const badUtf8 = raw('{"a" :{}}');
    badUtf8[12] = 0xff;
    rejects(badUtf8, 'not valid UTF-8 JSON');
  });
  it('catches overlapping and duplicated ranges, however they are ordered', () => {
    rejects(header({ b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(12)), 'overlaps');
    rejects(header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), "tensor 'b' overlaps");
    // JSON.parse keeps the last of two equal keys; the first one's bytes then show up as a hole.
    const len = Buffer.alloc(8);
    const text = '{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    len.writeBigUInt64LE(BigInt(text.length));
    rejects(Buffer.concat([len, Buffer.from(text), new Uint8Array(8)]), "hole of 4 bytes before tensor 't'");
  });
  it('accepts the edge cases that are valid: scalars, empty tensors, an empty file', () => {
    const f = decodeSafetensors(encodeSafetensors([['s', { shape: [], data: Float32Array.of(7) }], ['e', { shape: [0, 3], data: new Float32Array(0) }]]));
    assert.deepEqual(f.tensors.get('s')?.data, Float32Array.of(7));
    assert.deepEqual(f.tensors.get('e')?.shape, [0, 3]);
    assert.equal(decodeSafetensors(encodeSafetensors([])).tensors.size, 0);
  });
});
