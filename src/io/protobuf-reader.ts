// The protocol-buffers wire format, read side: the counterpart of the
// exporter's writer (src/export/protobuf.ts), for Caffe's .caffemodel and
// .binaryproto files. Schemaless: a message is a list of (field, wire type,
// value) records and each reader picks the fields it knows, as generated code
// would, skipping the rest. Every length is checked against the bytes left,
// so a truncated file is an error naming the offset, never a short array.

export class ProtobufError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'ProtobufError';
  }
}

export const WIRE = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;

export interface ProtoField {
  readonly field: number;
  readonly wire: number;
  /** varint: the value (bigint when above 2^53); fixed64/fixed32: the raw bytes; len: the payload. */
  readonly varint?: bigint;
  readonly bytes?: Uint8Array;
  /** Offset of the record in the outermost buffer (for messages). */
  readonly offset: number;
}

/** The records of one message. `base` is the message's offset in the file (for error messages). */
export function readMessage(buf: Uint8Array, source: string, base = 0): ProtoField[] {
  const out: ProtoField[] = [];
  let p = 0;
  const fail = (at: number, m: string): never => {
    throw new ProtobufError(source, `protobuf byte ${base + at}: ${m}; the file is truncated or not this format`);
  };
  const varint = (): bigint => {
    let v = 0n, shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (p >= buf.length) fail(p, 'varint runs past the end');
      const b = buf[p++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
    return fail(p, 'varint longer than 10 bytes');
  };
  while (p < buf.length) {
    const at = p;
    const key = varint();
    const field = Number(key >> 3n), wire = Number(key & 7n);
    if (field === 0) fail(at, 'field number 0');
    switch (wire) {
      case WIRE.varint: out.push({ field, wire, varint: varint(), offset: base + at }); break;
      case WIRE.fixed64:
      case WIRE.fixed32: {
        const n = wire === WIRE.fixed64 ? 8 : 4;
        if (p + n > buf.length) fail(at, `field ${field} runs past the end`);
        out.push({ field, wire, bytes: buf.subarray(p, p + n), offset: base + at });
        p += n;
        break;
      }
      case WIRE.len: {
        const len = varint();
        if (len > BigInt(buf.length - p)) fail(at, `field ${field} claims ${len} bytes, ${buf.length - p} are left`);
        const n = Number(len);
        out.push({ field, wire, bytes: buf.subarray(p, p + n), offset: base + p });
        p += n;
        break;
      }
      default:
        fail(at, `field ${field} has wire type ${wire} (groups and unknown types are not read)`);
    }
  }
  return out;
}

/** A string field's text. */
export function fieldString(f: ProtoField): string {
  return new TextDecoder().decode(f.bytes ?? new Uint8Array(0));
}

/** A repeated float field's values: packed (one len record) or one fixed32 record (little-endian host, as everywhere here). */
export function readFloats(f: ProtoField, source: string): Float32Array {
  const b = f.bytes!;
  if (f.wire === WIRE.fixed32) return new Float32Array([new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true)]);
  if (f.wire !== WIRE.len || b.length % 4) throw new ProtobufError(source, `protobuf byte ${f.offset}: a float array of ${b.length} bytes (not a multiple of 4)`);
  // Copy: the payload may sit at an offset that is not a multiple of 4.
  const copy = new Uint8Array(b);
  return new Float32Array(copy.buffer);
}

/** A repeated double field (packed or not). */
export function readDoubles(f: ProtoField, source: string): Float64Array {
  const b = f.bytes!;
  if (f.wire === WIRE.fixed64) return new Float64Array([new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true)]);
  if (f.wire !== WIRE.len || b.length % 8) throw new ProtobufError(source, `protobuf byte ${f.offset}: a double array of ${b.length} bytes (not a multiple of 8)`);
  return new Float64Array(new Uint8Array(b).buffer);
}

/** A repeated integer field (packed varints or single varints). */
export function readVarints(f: ProtoField, source: string): number[] {
  if (f.wire === WIRE.varint) return [Number(f.varint!)];
  const out: number[] = [];
  for (const r of readMessageVarints(f.bytes!, source, f.offset)) out.push(r);
  return out;
}

function readMessageVarints(buf: Uint8Array, source: string, base: number): number[] {
  const out: number[] = [];
  let p = 0;
  while (p < buf.length) {
    let v = 0n, shift = 0n, done = false;
    for (let i = 0; i < 10 && p < buf.length; i++) {
      const b = buf[p++];
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) { done = true; break; }
    }
    if (!done) throw new ProtobufError(source, `protobuf byte ${base + p}: a packed varint runs past the end`);
    out.push(Number(BigInt.asIntN(64, v)));
  }
  return out;
}
