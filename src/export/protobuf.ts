// The protocol-buffers wire format, write side only, for the few ONNX
// messages the exporter emits (onnx-proto.ts). Hand-written rather than a
// dependency: the encoder is ~60 lines, the ONNX npm packages either pull a
// full protobuf runtime plus generated code for all of onnx.proto or only
// read models, and we never need to parse. Large payloads (weights) are kept
// as references to the caller's bytes, so a 240 MB model is copied once, at
// the final concatenation.

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private scratch: number[] = [];
  private size = 0;

  get byteLength(): number {
    this.flush();
    return this.size;
  }

  private flush(): void {
    if (this.scratch.length) {
      this.parts.push(Uint8Array.from(this.scratch));
      this.size += this.scratch.length;
      this.scratch = [];
    }
  }

  private varint(v: bigint): void {
    // int64 fields: negative values are their 64-bit two's complement (10 bytes).
    let u = BigInt.asUintN(64, v);
    do {
      let byte = Number(u & 0x7fn);
      u >>= 7n;
      if (u) byte |= 0x80;
      this.scratch.push(byte);
    } while (u);
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  /** int32, int64 or enum field. */
  int(field: number, v: number | bigint): this {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new RangeError(`protobuf: field ${field}: ${v} is not an integer`);
    this.tag(field, WIRE_VARINT);
    this.varint(BigInt(v));
    return this;
  }

  /** float field (fixed32, little-endian). */
  float(field: number, v: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.scratch.push(...b);
    return this;
  }

  /** bytes field; the bytes are referenced, not copied. */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.varint(BigInt(data.byteLength));
    this.flush();
    this.parts.push(data);
    this.size += data.byteLength;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** Embedded message field. */
  message(field: number, m: ProtoWriter): this {
    this.tag(field, WIRE_LEN);
    this.varint(BigInt(m.byteLength));
    this.flush();
    this.parts.push(...m.chunks());
    this.size += m.byteLength;
    return this;
  }

  chunks(): Uint8Array[] {
    this.flush();
    return this.parts;
  }
}
