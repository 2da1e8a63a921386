// A read-only ZIP reader for PyTorch's torch.save files (a zip of data.pkl
// and raw storages). Written here rather than taken from npm: the format we
// meet is small (stored or deflated entries, optional ZIP64 records, no
// encryption or multi-disk archives), and the npm readers either pull in stream machinery we do not need
// or (adm-zip, in our tree only through onnxruntime-node) silently accept
// entries that run past the end of a truncated file. Every offset is checked
// against the file before it is read, so a truncated or damaged archive is an
// error that says so, never a short tensor. The reader itself is pure (it
// runs in browsers too); inflating a deflated entry is the caller's
// `inflateRaw` (node:zlib in Node). torch.save stores its entries
// uncompressed, so a .pth never needs it.
import { crc32 } from '../util/crc32.js';

/** Inflates raw DEFLATE data (node:zlib's inflateRawSync in Node). */
export type InflateRaw = (data: Uint8Array) => Uint8Array;

export class ZipError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  readonly name: string;
  /** 0: stored, 8: deflate. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc: number;
  /** Offset of the entry's local header. */
  readonly localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipReader {
  readonly entries: ReadonlyMap<string, ZipEntry>;

  constructor(private readonly bytes: Uint8Array, private readonly source: string, private readonly inflateRaw?: InflateRaw) {
    this.entries = this.readDirectory();
  }

  private fail(message: string): never {
    throw new ZipError(this.source, message);
  }

  private view(offset: number, length: number): DataView {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) this.fail(`truncated or damaged zip: a record at byte ${offset} (${length} bytes) lies past the end of the ${this.bytes.length}-byte file; download or copy it again`);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + offset, length);
  }

  private u64(v: DataView, at: number): number {
    const n = v.getBigUint64(at, true);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('a ZIP64 size or offset is larger than 2^53');
    return Number(n);
  }

  private readDirectory(): Map<string, ZipEntry> {
    const n = this.bytes.length;
    if (n < 22) this.fail(`${n} bytes is too short for a zip archive (truncated?)`);
    // The end-of-central-directory record is in the last 22 + 65535 bytes (it may be followed by a comment).
    let eocd = -1;
    for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
      if (this.bytes[i] === 0x50 && this.bytes[i + 1] === 0x4b && this.view(i, 4).getUint32(0, true) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) this.fail('not a zip archive, or truncated: no end-of-central-directory record at its end');
    const e = this.view(eocd, 22);
    let count = e.getUint16(10, true);
    let dirSize = e.getUint32(12, true);
    let dirOffset = e.getUint32(16, true);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const loc = this.view(eocd - 20, 20);
      if (loc.getUint32(0, true) !== ZIP64_LOCATOR) this.fail('ZIP64 archive without its end-of-central-directory locator');
      const z = this.view(this.u64(loc, 8), 56);
      if (z.getUint32(0, true) !== ZIP64_EOCD) this.fail('damaged ZIP64 end-of-central-directory record');
      count = this.u64(z, 32);
      dirSize = this.u64(z, 40);
      dirOffset = this.u64(z, 48);
    }
    this.view(dirOffset, dirSize);
    const entries = new Map<string, ZipEntry>();
    let p = dirOffset;
    for (let k = 0; k < count; k++) {
      const h = this.view(p, 46);
      if (h.getUint32(0, true) !== CENTRAL) this.fail(`damaged central directory at byte ${p}`);
      const flags = h.getUint16(8, true);
      const method = h.getUint16(10, true);
      const crc = h.getUint32(16, true);
      let compressedSize = h.getUint32(20, true);
      let size = h.getUint32(24, true);
      const nameLen = h.getUint16(28, true), extraLen = h.getUint16(30, true), commentLen = h.getUint16(32, true);
      let localOffset = h.getUint32(42, true);
      const name = new TextDecoder().decode(this.bytes.subarray(p + 46, p + 46 + nameLen));
      this.view(p + 46, nameLen + extraLen + commentLen);
      // ZIP64 extra field (id 1): the 64-bit values of the fields that are 0xffffffff, in this order.
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = this.view(x, 4).getUint16(0, true), len = this.view(x, 4).getUint16(2, true);
        if (id === 1) {
          const z = this.view(x + 4, len);
          let q = 0;
          if (size === 0xffffffff) { size = this.u64(z, q); q += 8; }
          if (compressedSize === 0xffffffff) { compressedSize = this.u64(z, q); q += 8; }
          if (localOffset === 0xffffffff) { localOffset = this.u64(z, q); q += 8; }
        }
        x += 4 + len;
      }
      if (flags & 1) this.fail(`${name}: encrypted zip entries are not supported`);
      if (method !== 0 && method !== 8) this.fail(`${name}: compression method ${method} is not supported (stored or deflate only)`);
      entries.set(name, { name, method, compressedSize, size, crc, localOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  }

  /** The entry's bytes (a view for stored entries), CRC-checked. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) this.fail(`no entry '${name}' in the archive`);
    const h = this.view(e.localOffset, 30);
    if (h.getUint32(0, true) !== LOCAL) this.fail(`${name}: damaged local header at byte ${e.localOffset}`);
    const start = e.localOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
    this.view(start, e.compressedSize);
    const raw = this.bytes.subarray(start, start + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) data = raw;
    else {
      if (!this.inflateRaw) this.fail(`${name}: a deflated entry, and no inflater is available here; re-save the file with torch.save (it stores entries uncompressed)`);
      try {
        data = this.inflateRaw(raw);
      } catch (err) {
        this.fail(`${name}: cannot inflate (${(err as Error).message}); the file is damaged`);
      }
    }
    if (data.length !== e.size) this.fail(`${name}: ${data.length} bytes, the directory says ${e.size}; the file is damaged`);
    if (crc32(data) !== e.crc) this.fail(`${name}: CRC-32 mismatch; the file is damaged (download or copy it again)`);
    return data;
  }
}

/** True for bytes that start like a zip archive (a local header, or an empty archive's end record). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}
