// Writing WebDataset-style tar shards: POSIX ustar members, one file per
// member (`<key>.jpg`, `<key>.cls`, …). Written here rather than with
// tar-stream because the loader reads members by byte offset (no tar parsing
// at load time) and with short names the ustar layout is fixed — a 512-byte
// header, the data, zero padding to 512 — so the offsets are computed here,
// where the bytes are laid out; any tar tool or WebDataset reader still reads
// the shards.

export const TAR_BLOCK = 512;

/** The 512-byte ustar header of a regular file. Names are at most 100 bytes (ASCII). */
export function ustarHeader(name: string, size: number, mtime = 0): Buffer {
  if (Buffer.byteLength(name) > 100) throw new RangeError(`tar: member name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(TAR_BLOCK);
  const octal = (v: number, width: number) => v.toString(8).padStart(width - 1, '0') + '\0';
  h.write(name, 0, 'utf-8');
  h.write(octal(0o644, 8), 100, 'ascii'); // mode
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

/** Bytes a member occupies in the archive, header included. */
export function memberSpan(size: number): number {
  return TAR_BLOCK + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
}

/** Header + data + padding of one member, as chunks to write in order. */
export function tarMember(name: string, data: Uint8Array): Uint8Array[] {
  const pad = memberSpan(data.length) - TAR_BLOCK - data.length;
  return pad > 0 ? [ustarHeader(name, data.length), data, Buffer.alloc(pad)] : [ustarHeader(name, data.length), data];
}

/** The end-of-archive marker: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * TAR_BLOCK);
}
