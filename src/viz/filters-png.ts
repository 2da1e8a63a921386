// Figure 3 as a PNG file's bytes (Node: sharp encodes); the drawing is filters.ts.
import type { AlexNet } from '../models/alexnet.js';
import { conv1Weights, drawFilterGrid, type FilterGridLayout, type FilterGridOptions } from './filters.js';
import { canvasPng } from './png.js';

/** The conv1 kernels as a PNG grid (Figure 3) and the layout used. */
export async function filterGrid(model: AlexNet, o: FilterGridOptions = {}): Promise<{ png: Buffer; layout: FilterGridLayout }> {
  const { data, shape } = await conv1Weights(model);
  const { canvas, layout } = drawFilterGrid(data, shape, o);
  return { png: await canvasPng(canvas), layout };
}
