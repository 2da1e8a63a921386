// Pictures as PNG through sharp (already the data pipeline's image library):
// an RGB canvas we draw into, then one encode.
import sharp from 'sharp';
import { writeFileAtomic } from '../io/atomic.js';
import type { Canvas } from './canvas.js';

export { Canvas } from './canvas.js';

/** The canvas as PNG bytes. */
export function canvasPng(c: Canvas): Promise<Buffer> {
  return sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } }).png().toBuffer();
}

/** Writes PNG bytes atomically. */
export function writePng(file: string, png: Uint8Array): void {
  writeFileAtomic(file, png);
}

/** An SVG document rendered to PNG (librsvg inside sharp), at `density` dpi (72: 1 SVG unit = 1 pixel). */
export function svgToPng(svg: string, density = 144): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density }).flatten({ background: '#ffffff' }).png().toBuffer();
}

/** A data: URI for inlining a picture in HTML (the report must work offline). */
export function dataUri(bytes: Uint8Array, mime: 'image/png' | 'image/svg+xml'): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}
