// An RGB picture drawn pixel by pixel (figures: conv1 kernels, neighbour
// sheets). Pure: the browser app draws the same grid into an ImageData;
// png.ts encodes it as PNG in Node.
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
}
