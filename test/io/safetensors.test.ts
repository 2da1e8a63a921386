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
    assert.equal((bytes.readUInt32LE(0) + 8) % 8, 0, 'data section aligned to 8 bytes');
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
});
