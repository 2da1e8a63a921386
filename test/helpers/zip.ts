// A store-only zip writer for tests: wraps hand-made pickles in the layout
// of a torch.save file, so hostile and malformed cases need no Python.
import { crc32 } from 'node:zlib';

export function storedZip(entries: readonly [string, Uint8Array][]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const crc = crc32(data);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(data.length, 18); h.writeUInt32LE(data.length, 22); h.writeUInt16LE(n.length, 26);
    locals.push(h, n, Buffer.from(data));
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20); c.writeUInt32LE(data.length, 24); c.writeUInt16LE(n.length, 28); c.writeUInt32LE(offset, 42);
    centrals.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0); e.writeUInt16LE(entries.length, 8); e.writeUInt16LE(entries.length, 10);
  e.writeUInt32LE(dir.length, 12); e.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, e]);
}

/** A torch.save-shaped archive around one pickle. */
export function torchZip(pickle: Uint8Array, extra: readonly [string, Uint8Array][] = []): Uint8Array {
  return storedZip([['archive/data.pkl', pickle], ...extra, ['archive/version', Buffer.from('3\n')]]);
}
