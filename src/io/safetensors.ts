/**
 * Safetensors (https://huggingface.co/docs/safetensors) decode and encode, with
 * strict validation. Written here rather than taken from npm because the
 * packages there either only parse headers or trust the file; we need every
 * check below so that a malformed or hostile file fails with a message and
 * never triggers a huge allocation:
 * - header length within the file and ≤ 100 MB;
 * - the header is a JSON object of {dtype, shape, data_offsets} entries
 *   (plus an optional string→string `__metadata__`);
 * - known dtypes; shapes of non-negative integers whose byte size equals
 *   the entry's range; ranges inside the data section, non-overlapping and
 *   covering it without holes.
 * Pure (no Node modules): the browser app uses it; files: safetensors-file.ts.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** Headers beyond this are rejected before parsing (the format's own limit). */
export const MAX_HEADER_BYTES = 100_000_000;

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Float32Array for F32, Int32Array for I32, etc.; F16/BF16 as raw Uint16Array. */
  readonly data: TensorData;
}

export interface SafetensorsFile {
  readonly tensors: Map<string, SafetensorsEntry>;
  readonly metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: not a valid safetensors file: ${message}`);
    this.name = 'SafetensorsError';
  }
}

function isDtype(v: unknown): v is SafetensorsDtype {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, v);
}

function typedView(dtype: SafetensorsDtype, bytes: Uint8Array): TensorData {
  // Copy so the typed array is aligned and owns its memory. (Not bytes.slice():
  // on a Node Buffer that is a view into the whole, possibly pooled, buffer.)
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const buf = copy.buffer;
  switch (dtype) {
    case 'F64': return new Float64Array(buf);
    case 'F32': return new Float32Array(buf);
    case 'I64': return new BigInt64Array(buf);
    case 'I32': return new Int32Array(buf);
    case 'I16': return new Int16Array(buf);
    case 'F16': case 'BF16': return new Uint16Array(buf);
    case 'I8': return new Int8Array(buf);
    case 'U8': case 'BOOL': return new Uint8Array(buf);
  }
}

/** Parses and validates safetensors bytes; `source` names the file in errors. */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsFile {
  const bad = (m: string): never => { throw new SafetensorsError(source, m); };
  if (bytes.length < 8) bad(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) bad(`declared header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const hlen = Number(headerLen);
  if (8 + hlen > bytes.length) bad(`declared header length ${hlen} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + hlen)));
  } catch (e) {
    bad(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('header is not a JSON object');
  const dataStart = 8 + hlen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const ranges: { name: string; begin: number; end: number }[] = [];
  const parsed: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') bad(`__metadata__.${k} must be a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null) bad(`entry '${name}' is not an object`);
    const e = raw as Record<string, unknown>;
    if (!isDtype(e.dtype)) bad(`tensor '${name}' has unknown dtype ${JSON.stringify(e.dtype)}`);
    const dtype = e.dtype as SafetensorsDtype;
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      bad(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as number[];
    if (begin > end || end > dataLen) bad(`tensor '${name}' range [${begin}, ${end}) lies outside the ${dataLen}-byte data section (truncated?)`);
    let elems = 1;
    for (const d of shape as number[]) elems *= d;
    const need = elems * DTYPE_BYTES[dtype];
    if (need !== end - begin) bad(`tensor '${name}' of shape [${(shape as number[]).join(', ')}] ${dtype} needs ${need} bytes but its range holds ${end - begin}`);
    ranges.push({ name, begin, end });
    parsed.push({ name, dtype, shape: shape as number[], begin, end });
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const r of ranges) {
    if (r.begin < cursor) bad(`tensor '${r.name}' overlaps the previous tensor`);
    if (r.begin > cursor) bad(`hole of ${r.begin - cursor} bytes before tensor '${r.name}'`);
    cursor = r.end;
  }
  if (cursor !== dataLen) bad(`${dataLen - cursor} bytes after the last tensor are not described by the header`);
  const tensors = new Map<string, SafetensorsEntry>();
  for (const p of parsed) {
    tensors.set(p.name, { dtype: p.dtype, shape: p.shape, data: typedView(p.dtype, bytes.subarray(dataStart + p.begin, dataStart + p.end)) });
  }
  return { tensors, metadata };
}

function dtypeOf(data: TensorData): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  if (data instanceof Int16Array) return 'I16';
  if (data instanceof Int8Array) return 'I8';
  if (data instanceof Uint8Array) return 'U8';
  throw new TypeError('encodeSafetensors: Uint16Array is ambiguous (F16 or BF16); pass dtype explicitly');
}

export interface TensorToWrite {
  readonly shape: readonly number[];
  readonly data: TensorData;
  readonly dtype?: SafetensorsDtype;
}

/** Encodes tensors (in the given order) and string metadata as safetensors bytes. */
export function encodeSafetensors(tensors: Iterable<[string, TensorToWrite]>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new Error('encodeSafetensors: "__metadata__" is reserved');
    const dtype = t.dtype ?? dtypeOf(t.data);
    const elems = t.shape.reduce((a, b) => a * b, 1);
    if (elems * DTYPE_BYTES[dtype] !== t.data.byteLength) {
      throw new RangeError(`encodeSafetensors: '${name}' shape [${t.shape.join(', ')}] ${dtype} needs ${elems * DTYPE_BYTES[dtype]} bytes, data has ${t.data.byteLength}`);
    }
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    chunks.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    offset += t.data.byteLength;
  }
  // Plain Uint8Arrays (no Node Buffer): the browser app writes weights with this too.
  const utf8 = new TextEncoder();
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + utf8.encode(json).length) % 8)) % 8); // align the data section to 8 bytes
  const jsonBytes = utf8.encode(json);
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let at = 8 + jsonBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
