// docs/paper.md §6.1, Figure 3: the learned conv1 kernels as colour images, the
// two columns apart. conv1 has groups 1 (both columns see the image), but its
// output channels feed conv2, which has groups 2: kernels 0…O/2−1 belong to
// column 1 and O/2…O−1 to column 2 (paper: 48 + 48). As in the figure,
// column 1 is drawn above column 2, with a gap between them.
import type { AlexNet } from '../models/alexnet.js';
import { Canvas } from './canvas.js';

/**
 * How kernel values become 0–255:
 * - 'kernel': each kernel on its own, its min → 0 and max → 255 (shows every
 *   kernel's pattern, whatever its norm; the default);
 * - 'joint': one scale for all, min over all kernels → 0, max → 255 (shows
 *   which kernels are strong).
 */
export type FilterScaling = 'kernel' | 'joint';

export interface FilterGridOptions {
  readonly scaling?: FilterScaling;
  /** Screen pixels per kernel tap (default: enough to make a kernel ≥ 40 px). */
  readonly zoom?: number;
  /** Kernels per row within a column (default 16, or the column's count if fewer). */
  readonly perRow?: number;
}

export interface FilterGridLayout {
  readonly kernels: number;
  readonly kernelSize: number;
  readonly zoom: number;
  readonly perRow: number;
  readonly rowsPerColumn: number;
  /** Pixels between kernels. */
  readonly spacing: number;
  /** Pixels between the two columns' blocks. */
  readonly columnGap: number;
  readonly width: number;
  readonly height: number;
}

const SPACING = 2;
const COLUMN_GAP = 12;

export function filterGridLayout(kernels: number, kernelSize: number, o: FilterGridOptions = {}): FilterGridLayout {
  const half = Math.ceil(kernels / 2);
  const zoom = o.zoom ?? Math.max(1, Math.ceil(40 / kernelSize));
  const perRow = o.perRow ?? Math.min(16, half);
  const rowsPerColumn = Math.ceil(half / perRow);
  const cell = kernelSize * zoom + SPACING;
  return {
    kernels, kernelSize, zoom, perRow, rowsPerColumn, spacing: SPACING, columnGap: COLUMN_GAP,
    width: SPACING + perRow * cell,
    height: SPACING + 2 * rowsPerColumn * cell + COLUMN_GAP,
  };
}

/** Top-left pixel of kernel k in the grid. */
export function kernelOrigin(k: number, l: FilterGridLayout): { x: number; y: number } {
  const half = Math.ceil(l.kernels / 2);
  const column = k < half ? 0 : 1;
  const i = k - column * half;
  const cell = l.kernelSize * l.zoom + l.spacing;
  return {
    x: l.spacing + (i % l.perRow) * cell,
    y: l.spacing + column * (l.rowsPerColumn * cell + l.columnGap) + Math.floor(i / l.perRow) * cell,
  };
}

/** conv1's weight [O, 3, k, k] of a network (the first layer's `weight` parameter). */
export async function conv1Weights(model: AlexNet): Promise<{ data: Float32Array; shape: readonly number[] }> {
  const p = model.params().find((q) => q.kind === 'weight');
  if (!p || p.value.shape.length !== 4) throw new Error(`${model.preset.name}: the first layer is not a convolution`);
  if (p.value.shape[1] !== 3) throw new Error(`${model.preset.name}: conv1 sees ${p.value.shape[1]} channels; only RGB kernels can be drawn as colour images`);
  // On a GPU the weights are read back once (the host copy is what the figure needs).
  return { data: await model.device.read(p.value), shape: p.value.shape };
}

/** Kernel k's HWC RGB bytes, scaled by (v − lo)/(hi − lo) to 0–255 (a flat kernel is mid-grey). */
export function kernelRgb(w: Float32Array, k: number, size: number, lo: number, hi: number): Uint8Array {
  const plane = size * size;
  const out = new Uint8Array(plane * 3);
  const range = hi - lo;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      const v = w[(k * 3 + c) * plane + p];
      out[3 * p + c] = range > 0 ? Math.round((255 * (v - lo)) / range) : 128;
    }
  }
  return out;
}

/** The value range a kernel is scaled from under `scaling`. */
export function kernelRange(w: Float32Array, k: number, size: number, scaling: FilterScaling): [number, number] {
  const n = 3 * size * size;
  const from = scaling === 'joint' ? 0 : k * n;
  const to = scaling === 'joint' ? w.length : (k + 1) * n;
  let lo = Infinity, hi = -Infinity;
  for (let i = from; i < to; i++) {
    lo = Math.min(lo, w[i]);
    hi = Math.max(hi, w[i]);
  }
  return [lo, hi];
}

/** conv1's kernels (weight [O, 3, k, k]) drawn as the Figure 3 grid: pure, for the PNG (filters-png.ts) and the browser's canvas. */
export function drawFilterGrid(data: Float32Array, shape: readonly number[], o: FilterGridOptions = {}): { canvas: Canvas; layout: FilterGridLayout } {
  const [count, , size] = shape;
  const layout = filterGridLayout(count, size, o);
  const canvas = new Canvas(layout.width, layout.height, [255, 255, 255]);
  const scaling = o.scaling ?? 'kernel';
  for (let k = 0; k < count; k++) {
    const [lo, hi] = kernelRange(data, k, size, scaling);
    const { x, y } = kernelOrigin(k, layout);
    canvas.blit(kernelRgb(data, k, size, lo, hi), size, size, x, y, layout.zoom);
  }
  return { canvas, layout };
}
