// Test images: the committed real photos (test/fixtures/images) and odd
// files generated here with sharp: greyscale, CMYK, WebP of an odd size,
// 1×1, RGBA, truncated, zero-byte and not-an-image.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { FIXTURE_DIR } from '../helpers/fixtures.js';

export const PHOTOS = path.join(FIXTURE_DIR, 'images');

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `alexnet-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `fn` in a fresh temporary folder, removed afterwards. */
export async function inTempDir<T>(prefix: string, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const t = tempDir(prefix);
  try {
    return await fn(t.dir);
  } finally {
    t.cleanup();
  }
}

export async function greyPng(): Promise<Buffer> {
  return sharp(readFileSync(path.join(PHOTOS, 'coffee.jpg'))).greyscale().png().toBuffer();
}

/** chelsea.jpg converted to a CMYK JPEG (4 channels, as some ILSVRC files are). */
export async function cmykJpeg(): Promise<Buffer> {
  return sharp(readFileSync(path.join(PHOTOS, 'chelsea.jpg'))).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
}

/**
 * A folder of class folders mixing good, odd and bad files:
 *   cat/     chelsea.jpg, coffee.jpg (real photos), cmyk.jpg
 *   person/  astronaut.jpg, grey.png, odd.webp (37×101), tiny.png (1×1), rgba.png
 *   broken/  truncated.jpg, empty.jpg (0 bytes), garbage.jpg (text)
 *   nothing/ (no files)
 * plus notes.txt (not an image) in person/.
 */
export async function mixedFolder(root: string): Promise<void> {
  for (const c of ['cat', 'person', 'broken', 'nothing']) mkdirSync(path.join(root, c), { recursive: true });
  copyFileSync(path.join(PHOTOS, 'chelsea.jpg'), path.join(root, 'cat/chelsea.jpg'));
  copyFileSync(path.join(PHOTOS, 'coffee.jpg'), path.join(root, 'cat/coffee.jpg'));
  writeFileSync(path.join(root, 'cat/cmyk.jpg'), await cmykJpeg());
  copyFileSync(path.join(PHOTOS, 'astronaut.jpg'), path.join(root, 'person/astronaut.jpg'));
  writeFileSync(path.join(root, 'person/grey.png'), await greyPng());
  writeFileSync(path.join(root, 'person/odd.webp'), await sharp({ create: { width: 37, height: 101, channels: 3, background: { r: 200, g: 30, b: 60 } } }).webp().toBuffer());
  writeFileSync(path.join(root, 'person/tiny.png'), await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png().toBuffer());
  writeFileSync(path.join(root, 'person/rgba.png'), await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).png().toBuffer());
  writeFileSync(path.join(root, 'person/notes.txt'), 'not an image\n');
  const jpg = readFileSync(path.join(PHOTOS, 'chelsea.jpg'));
  writeFileSync(path.join(root, 'broken/truncated.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)));
  writeFileSync(path.join(root, 'broken/empty.jpg'), Buffer.alloc(0));
  writeFileSync(path.join(root, 'broken/garbage.jpg'), 'this is not a JPEG\n');
}

/** An S×S RGB PNG whose pixel (c, y, x) is `value(c, y, x)`. */
export async function patternPng(size: number, value: (c: number, y: number, x: number) => number): Promise<Buffer> {
  const hwc = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) hwc[(y * size + x) * 3 + c] = value(c, y, x);
  return sharp(hwc, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** Writes an uncompressed IDX file of unsigned bytes. */
export function writeIdx(file: string, dims: number[], data: Uint8Array): void {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(file, Buffer.concat([head, data]));
}
