// Pictures as PNG through sharp (already the data pipeline's image library):
// an RGB canvas we draw into, then one encode.
import sharp from 'sharp';
import { writeFileAtomic } from '../io/atomic.js';

/** An HWC RGB picture being drawn. */
export class Canvas {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: readonly [number, number, number] = [255, 255, 255]) {
    this.data = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) this.data.set(background, 3 * p);
  }

  /** Draws HWC RGB `src` (w×h) with its top-left at (x, y), each pixel as a zoom×zoom block. */
  blit(src: Uint8Array, w: number, h: number, x: number, y: number, zoom = 1): void {
    for (let sy = 0; sy < h * zoom; sy++) {
      for (let sx = 0; sx < w * zoom; sx++) {
        const s = 3 * (Math.floor(sy / zoom) * w + Math.floor(sx / zoom));
        const d = 3 * ((y + sy) * this.width + x + sx);
        this.data[d] = src[s];
        this.data[d + 1] = src[s + 1];
        this.data[d + 2] = src[s + 2];
      }
    }
  }

  /** Fills a rectangle. */
  fill(x: number, y: number, w: number, h: number, rgb: readonly [number, number, number]): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.data.set(rgb, 3 * (yy * this.width + xx));
  }

  png(): Promise<Buffer> {
    return sharp(this.data, { raw: { width: this.width, height: this.height, channels: 3 } }).png().toBuffer();
  }
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
