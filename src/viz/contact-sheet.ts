// Figure 4 (right) as a picture: one row per query, the query image first,
// then its nearest training images, nearest left. The query has a blue
// border; a neighbour's border is
// green when its class is the query's (its true class, or else the class the
// network predicts for it) and red when not, so the sheet reads without text.
import type { NeighborResult } from '../eval/neighbors.js';
import { Canvas } from './canvas.js';
import { canvasPng } from './png.js';

export interface ContactSheetLayout {
  readonly cell: number;
  readonly zoom: number;
  readonly border: number;
  readonly gap: number;
  /** Extra space between the query column and the neighbours. */
  readonly queryGap: number;
  readonly width: number;
  readonly height: number;
}

const GREEN: [number, number, number] = [40, 160, 60];
const RED: [number, number, number] = [210, 40, 40];
const GREY: [number, number, number] = [150, 150, 150];

export function contactSheetLayout(rows: number, k: number, crop: number): ContactSheetLayout {
  const zoom = Math.max(1, Math.ceil(64 / crop));
  const border = 3, gap = 4, queryGap = 12;
  const cell = crop * zoom + 2 * border;
  return { cell, zoom, border, gap, queryGap, width: gap + (k + 1) * (cell + gap) + queryGap, height: gap + rows * (cell + gap) };
}

/** Top-left of the image (inside its border) at row r, column c (0: the query). */
export function sheetOrigin(r: number, c: number, l: ContactSheetLayout): { x: number; y: number } {
  return { x: l.gap + c * (l.cell + l.gap) + (c > 0 ? l.queryGap : 0) + l.border, y: l.gap + r * (l.cell + l.gap) + l.border };
}

/** The sheet as PNG; `queryClass[i]` is the class neighbours of row i are compared with (null: no borders coloured). */
export async function contactSheet(results: readonly NeighborResult[], crop: number, queryClass: readonly (number | null)[]): Promise<{ png: Buffer; layout: ContactSheetLayout }> {
  const k = Math.max(0, ...results.map((r) => r.neighbors.length));
  const l = contactSheetLayout(results.length, k, crop);
  const canvas = new Canvas(l.width, l.height, [255, 255, 255]);
  const side = crop * l.zoom;
  results.forEach((r, row) => {
    const draw = (rgb: Uint8Array, col: number, colour: [number, number, number]) => {
      const { x, y } = sheetOrigin(row, col, l);
      canvas.fill(x - l.border, y - l.border, side + 2 * l.border, side + 2 * l.border, colour);
      canvas.blit(rgb, crop, crop, x, y, l.zoom);
    };
    draw(r.rgb, 0, [60, 90, 200]);
    r.neighbors.forEach((n, i) => draw(n.rgb, i + 1, queryClass[row] === null ? GREY : n.label === queryClass[row] ? GREEN : RED));
  });
  return { png: await canvasPng(canvas), layout: l };
}
