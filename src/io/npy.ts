/**
 * NumPy `.npy` read and write (format versions 1.0, 2.0 and 3.0, see
 * numpy/lib/format.py), with strict validation in the spirit of
 * safetensors.ts: a malformed or hostile file fails with a message that names
 * it, and never causes an allocation larger than the file itself.
 * - magic `\x93NUMPY`, version 1.0/2.0/3.0, header length within the file and
 *   at most MAX_NPY_HEADER_BYTES (numpy's own np.load limit);
 * - the header is parsed as the Python dict literal it is (never evaluated):
 *   exactly the keys descr, fortran_order, shape; shape a tuple of
 *   non-negative integers;
 * - plain numeric dtypes only (no objects, which need pickle, no structured
 *   or string types); big-endian data is byte-swapped, Fortran order is
 *   reordered, so what comes back is always little-endian C order;
 * - shape × itemsize equals the bytes after the header exactly.
 */
import { readWholeFile } from './readfile.js';
import { writeFileAtomic } from './atomic.js';

export type NpyDtype = 'f2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

/** f2 comes back as raw Uint16Array bits (halffloat.ts widens them); b1 as Uint8Array of 0/1. */
export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

export interface NpyArray {
  readonly dtype: NpyDtype;
  /** C order (row-major), whatever order the file used. */
  readonly shape: readonly number[];
  readonly data: NpyData;
}

/** np.load refuses longer headers by default (max_header_size); so do we. */
export const MAX_NPY_HEADER_BYTES = 10_000;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const ITEMSIZE: Record<NpyDtype, number> = { f2: 2, f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1 };

export class NpyError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: not a valid .npy file: ${message}`);
    this.name = 'NpyError';
  }
}

// ---------------------------------------------------------------- header: a Python dict literal
type PyValue = string | boolean | number[] | { readonly notTuple: string };

/** Parses `{'key': value, ...}` with string, True/False and integer-tuple values; nothing else is accepted. */
function parseHeaderDict(text: string, bad: (m: string) => never): Map<string, PyValue> {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) bad(`header: expected '${c}' at offset ${i}, found ${text[i] === undefined ? 'the end' : `'${text[i]}'`}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') bad(`header: expected a string at offset ${i}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) bad('header: unterminated string');
    const s = text.slice(i + 1, end);
    if (s.includes('\\')) bad(`header: escape sequences are not supported in '${s}'`);
    i = end + 1;
    return s;
  };
  const word = (): string => {
    ws();
    const m = /^[^\s,:(){}[\]]+/.exec(text.slice(i));
    return m ? m[0] : '';
  };
  const value = (key: string): PyValue => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (c === '[') bad(`'${key}' is a list: structured dtypes are not supported`);
    if (c === '(') {
      i++;
      const items: number[] = [];
      let commas = 0;
      for (;;) {
        ws();
        if (text[i] === ')') { i++; break; }
        const w = word();
        if (!/^\d+$/.test(w) || !Number.isSafeInteger(Number(w))) bad(`'${key}' entry '${w || text[i] || 'end of header'}' is not a non-negative integer`);
        items.push(Number(w));
        i += w.length;
        ws();
        if (text[i] === ',') { i++; commas++; continue; }
        if (text[i] !== ')') bad(`'${key}': expected ',' or ')' at offset ${i}`);
      }
      // In Python, (3) is the integer 3, not a tuple: a 1-D shape is written (3,).
      if (items.length === 1 && commas === 0) return { notTuple: `(${items[0]})` };
      return items;
    }
    const w = word();
    i += w.length;
    if (w === 'True') return true;
    if (w === 'False') return false;
    return bad(`'${key}' has an unsupported value '${w || c || 'end of header'}'`);
  };
  const out = new Map<string, PyValue>();
  expect('{');
  for (;;) {
    ws();
    if (text[i] === '}') { i++; break; }
    const key = str();
    if (out.has(key)) bad(`header: duplicate key '${key}'`);
    expect(':');
    out.set(key, value(key));
    ws();
    if (text[i] === ',') { i++; continue; }
    if (text[i] !== '}') bad(`header: expected ',' or '}' at offset ${i}`);
  }
  if (text.slice(i).trim() !== '') bad(`header: unexpected text after the dict: '${text.slice(i).trim().slice(0, 20)}'`);
  return out;
}

function parseDescr(descr: string, bad: (m: string) => never): { dtype: NpyDtype; bigEndian: boolean } {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const dtype = m ? (`${m[2]}${m[3]}` as NpyDtype) : undefined;
  if (!m || !dtype || !Object.prototype.hasOwnProperty.call(ITEMSIZE, dtype)) {
    bad(`unsupported dtype '${descr}' (supported: ${Object.keys(ITEMSIZE).map((d) => `<${d}`).join(', ')}; '>' also read)${descr.includes('O') ? '; object arrays would need pickle' : ''}`);
  }
  const size = ITEMSIZE[dtype!];
  if (m![1] === '|' && size > 1) bad(`dtype '${descr}': byte order '|' on a ${size}-byte type`);
  return { dtype: dtype!, bigEndian: m![1] === '>' && size > 1 };
}

// ---------------------------------------------------------------- data
function typed(dtype: NpyDtype, buf: ArrayBuffer): NpyData {
  switch (dtype) {
    case 'f4': return new Float32Array(buf);
    case 'f8': return new Float64Array(buf);
    case 'i1': return new Int8Array(buf);
    case 'i2': return new Int16Array(buf);
    case 'i4': return new Int32Array(buf);
    case 'i8': return new BigInt64Array(buf);
    case 'u1': case 'b1': return new Uint8Array(buf);
    case 'u2': case 'f2': return new Uint16Array(buf);
    case 'u4': return new Uint32Array(buf);
    case 'u8': return new BigUint64Array(buf);
  }
}

/** Fortran (column-major) bytes → C (row-major) bytes, item by item. */
function fortranToC(src: Uint8Array, shape: readonly number[], itemsize: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(src.length);
  const n = src.length / itemsize;
  const fStride: number[] = [];
  let s = 1;
  for (const d of shape) { fStride.push(s); s *= d; }
  const idx = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let k = 0; k < shape.length; k++) f += idx[k] * fStride[k];
    out.set(src.subarray(f * itemsize, (f + 1) * itemsize), c * itemsize);
    for (let k = shape.length - 1; k >= 0; k--) { // C-order odometer: last axis fastest
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Parses and validates .npy bytes; `source` names the file in errors. */
export function decodeNpy(bytes: Uint8Array, source = '<buffer>'): NpyArray {
  const bad = (m: string): never => { throw new NpyError(source, m); };
  if (bytes.length < 10) bad(`file is ${bytes.length} bytes, shorter than the 10-byte preamble`);
  if (!MAGIC.every((b, k) => bytes[k] === b)) bad('missing the \\x93NUMPY magic');
  const [major, minor] = [bytes[6], bytes[7]];
  if (![1, 2, 3].includes(major) || minor !== 0) bad(`format version ${major}.${minor} is not 1.0, 2.0 or 3.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) bad(`file is ${bytes.length} bytes, shorter than the ${8 + lenBytes}-byte preamble of version ${major}.0`);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (hlen > MAX_NPY_HEADER_BYTES) bad(`declared header length ${hlen} exceeds the ${MAX_NPY_HEADER_BYTES}-byte limit`);
  const start = 8 + lenBytes;
  if (start + hlen > bytes.length) bad(`declared header length ${hlen} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let text = '';
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(start, start + hlen));
  } catch {
    bad('header is not valid UTF-8');
  }
  const dict = parseHeaderDict(text, bad);
  const keys = [...dict.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') bad(`header keys are {${keys}}, expected exactly {descr, fortran_order, shape}`);
  const descr = dict.get('descr');
  if (typeof descr !== 'string') bad(`'descr' must be a string, got ${JSON.stringify(descr)}`);
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') bad(`'fortran_order' must be True or False, got ${JSON.stringify(fortran)}`);
  const shape = dict.get('shape');
  if (!Array.isArray(shape)) bad(`'shape' must be a tuple, got ${typeof shape === 'object' && 'notTuple' in shape! ? `${shape.notTuple} (a 1-D shape is written (n,))` : JSON.stringify(shape)}`);
  const dims = shape as number[];
  const { dtype, bigEndian } = parseDescr(descr as string, bad);
  const itemsize = ITEMSIZE[dtype];
  const dataStart = start + hlen;
  const dataLen = bytes.length - dataStart;
  // Checked against the file's real size before anything is allocated; the
  // product is exact while it stays below 2^53 and is clamped above that.
  let need = itemsize;
  for (const d of dims) need = Math.min(need * d, Number.MAX_SAFE_INTEGER);
  if (need !== dataLen) {
    bad(`shape (${dims.join(', ')}) of ${descr} needs ${need >= Number.MAX_SAFE_INTEGER ? 'more than 2^53' : need} bytes but ${dataLen} follow the header${need > dataLen ? ' (truncated?)' : ''}`);
  }
  let raw = new Uint8Array(dataLen);
  raw.set(bytes.subarray(dataStart));
  if (bigEndian) {
    for (let o = 0; o < raw.length; o += itemsize) raw.subarray(o, o + itemsize).reverse();
  }
  if (fortran && dims.length > 1) raw = fortranToC(raw, dims, itemsize);
  return { dtype, shape: dims, data: typed(dtype, raw.buffer) };
}

export function readNpy(path: string): NpyArray {
  return decodeNpy(readWholeFile(path), path);
}

// ---------------------------------------------------------------- writing
function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return 'f4';
  if (data instanceof Float64Array) return 'f8';
  if (data instanceof Int8Array) return 'i1';
  if (data instanceof Int16Array) return 'i2';
  if (data instanceof Int32Array) return 'i4';
  if (data instanceof BigInt64Array) return 'i8';
  if (data instanceof Uint8Array) return 'u1';
  if (data instanceof Uint32Array) return 'u4';
  if (data instanceof BigUint64Array) return 'u8';
  throw new TypeError('encodeNpy: Uint16Array is ambiguous (u2 or f2); pass dtype explicitly');
}

export interface NpyToWrite {
  readonly shape: readonly number[];
  readonly data: NpyData;
  /** Needed for Uint16Array (u2 or f2) and to write a Uint8Array as b1. */
  readonly dtype?: NpyDtype;
}

/** Encodes a C-order array as .npy bytes: version 1.0 (2.0 for headers over 64 KiB), header padded to 64 bytes as numpy does. */
export function encodeNpy(a: NpyToWrite): Buffer {
  const dtype = a.dtype ?? dtypeOf(a.data);
  const itemsize = ITEMSIZE[dtype];
  if (itemsize === undefined) throw new TypeError(`encodeNpy: unknown dtype '${dtype}'`);
  if (a.data.BYTES_PER_ELEMENT !== itemsize) throw new TypeError(`encodeNpy: dtype ${dtype} needs ${itemsize}-byte elements, got a ${a.data.constructor.name}`);
  if (!a.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`encodeNpy: invalid shape [${a.shape.join(', ')}]`);
  const n = a.shape.reduce((x, y) => x * y, 1);
  if (n !== a.data.length) throw new RangeError(`encodeNpy: shape [${a.shape.join(', ')}] has ${n} elements, data has ${a.data.length}`);
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  const dict = `{'descr': '${itemsize === 1 ? '|' : '<'}${dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const padded = (pre: number) => dict + ' '.repeat(Math.ceil((pre + dict.length + 1) / 64) * 64 - pre - dict.length - 1) + '\n';
  const v1 = padded(10).length <= 0xffff; // version 1.0 stores the header length in 16 bits
  const pre = v1 ? 10 : 12;
  const header = padded(pre);
  const head = Buffer.alloc(pre);
  head.set(MAGIC);
  head[6] = v1 ? 1 : 2;
  head[7] = 0;
  if (v1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)]);
}

/** Writes a .npy file atomically. */
export function writeNpy(path: string, a: NpyToWrite): void {
  writeFileAtomic(path, encodeNpy(a));
}
