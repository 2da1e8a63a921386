// Figure 3 in the page: the conv1 kernels drawn by the CLI's own code
// (viz/filters.ts drawFilterGrid) into the canvas, 4× for the 5×5 kernels of mini.
import type { AlexNet } from '../../src/models/alexnet.js';
import { conv1Weights, drawFilterGrid } from '../../src/viz/filters.js';

export async function drawFilters(canvas: HTMLCanvasElement, model: AlexNet): Promise<void> {
  const { data, shape } = await conv1Weights(model);
  const { canvas: c } = drawFilterGrid(data, shape, { zoom: Math.max(4, Math.ceil(40 / shape[2])) });
  canvas.width = c.width;
  canvas.height = c.height;
  const img = new ImageData(c.width, c.height);
  for (let p = 0; p < c.width * c.height; p++) {
    img.data[4 * p] = c.data[3 * p];
    img.data[4 * p + 1] = c.data[3 * p + 1];
    img.data[4 * p + 2] = c.data[3 * p + 2];
    img.data[4 * p + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}
