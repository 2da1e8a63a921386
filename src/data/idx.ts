// IDX files (the MNIST / Fashion-MNIST format, yann.lecun.com/exdb/mnist):
// a magic number whose third byte is the element type (0x08 = uint8) and
// fourth the rank, big-endian uint32 dimensions, then the data. Gzipped or
// not. Small enough to read by hand; no npm package reads it well.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${path}: corrupt gzip data (${(e as Error).message}); download the file again`);
    }
  }
  const bad = (why: string) => new Error(`${path}: not an IDX file (${why}); expected e.g. train-images-idx3-ubyte[.gz] from Fashion-MNIST`);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw bad('bad magic number');
  if (bytes[2] !== 0x08) throw bad(`element type 0x${bytes[2].toString(16)}, only unsigned bytes (0x08) are supported`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * rank) throw bad('header cut short');
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const n = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length - start !== n) throw bad(`dimensions ${dims.join('×')} need ${n} bytes of data, the file has ${bytes.length - start}`);
  return { dims, data: bytes.subarray(start) };
}
