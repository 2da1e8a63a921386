// Training-set statistics for mean subtraction and PCA lighting (docs/paper.md §5,
// §7): the per-pixel mean image, the per-channel mean and the 3×3 covariance
// of all RGB values with its eigen-decomposition. Accumulated per shard as
// exact integer sums (pixel values are integers, so a shard's sums are exact
// in int32 / float64 and merging shards in any order gives the same result).
import type { DatasetStats } from './types.js';

/** Sums over the images of one shard (or of several, merged). */
export interface StatSums {
  images: number;
  /** Σ pixel, [3, S, S] CHW: int32 per shard (exact up to 8.4 M images), float64 when merged. */
  readonly pixelSum: Int32Array | Float64Array;
  /** Σ x_c over all pixels, c = R, G, B. */
  readonly channelSum: Float64Array;
  /** Σ x_c·x_d over all pixels, row-major 3×3; exact below 2⁵³ (≈ 1.9 M images of 256²). */
  readonly productSum: Float64Array;
}

/** Per-shard sums (int32 pixel sums: a quarter of float64's size on disk); `merged` for totals over shards. */
export function emptySums(size: number, merged = false): StatSums {
  const n = 3 * size * size;
  return { images: 0, pixelSum: merged ? new Float64Array(n) : new Int32Array(n), channelSum: new Float64Array(3), productSum: new Float64Array(9) };
}

/** Adds one prepared image (HWC, 3 channels, S×S). */
export function addImage(s: StatSums, hwc: Uint8Array, size: number): void {
  const plane = size * size;
  const ps = s.pixelSum;
  let r = 0, g = 0, b = 0, rr = 0, rg = 0, rb = 0, gg = 0, gb = 0, bb = 0;
  for (let p = 0, q = 0; p < plane; p++, q += 3) {
    const R = hwc[q], G = hwc[q + 1], B = hwc[q + 2];
    ps[p] += R;
    ps[plane + p] += G;
    ps[2 * plane + p] += B;
    r += R; g += G; b += B;
    rr += R * R; rg += R * G; rb += R * B; gg += G * G; gb += G * B; bb += B * B;
  }
  s.images++;
  const c = s.channelSum, m = s.productSum;
  c[0] += r; c[1] += g; c[2] += b;
  m[0] += rr; m[1] += rg; m[2] += rb;
  m[3] += rg; m[4] += gg; m[5] += gb;
  m[6] += rb; m[7] += gb; m[8] += bb;
}

export function mergeSums(into: StatSums, from: StatSums): void {
  if (into.pixelSum.length !== from.pixelSum.length) throw new RangeError('mergeSums: image sizes differ');
  into.images += from.images;
  for (let i = 0; i < into.pixelSum.length; i++) into.pixelSum[i] += from.pixelSum[i];
  for (let i = 0; i < 3; i++) into.channelSum[i] += from.channelSum[i];
  for (let i = 0; i < 9; i++) into.productSum[i] += from.productSum[i];
}

/**
 * Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations
 * (converges to machine precision in a few sweeps for 3×3; a library would
 * be heavier than these lines). Returns eigenvalues descending and unit
 * eigenvectors as rows, each with a non-negative component sum (a fixed sign
 * so that results compare across implementations).
 */
export function symmetricEigen3(a: readonly number[]): { values: [number, number, number]; vectors: [number, number, number][] } {
  const m = [...a];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1]; // columns are eigenvectors
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = m[1] * m[1] + m[2] * m[2] + m[5] * m[5];
    if (off <= 1e-30 * (m[0] * m[0] + m[4] * m[4] + m[8] * m[8] + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = m[3 * p + q];
      if (apq === 0) continue;
      const theta = (m[3 * q + q] - m[3 * p + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      // m ← Jᵀ m J, v ← v J with the rotation J in the (p, q) plane.
      for (let k = 0; k < 3; k++) {
        const mkp = m[3 * k + p], mkq = m[3 * k + q];
        m[3 * k + p] = c * mkp - s * mkq;
        m[3 * k + q] = s * mkp + c * mkq;
      }
      for (let k = 0; k < 3; k++) {
        const mpk = m[3 * p + k], mqk = m[3 * q + k];
        m[3 * p + k] = c * mpk - s * mqk;
        m[3 * q + k] = s * mpk + c * mqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p], vkq = v[3 * k + q];
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => m[4 * j] - m[4 * i]);
  const vectors = order.map((i) => {
    const vec: [number, number, number] = [v[i], v[3 + i], v[6 + i]];
    return vec[0] + vec[1] + vec[2] < 0 ? (vec.map((x) => -x) as [number, number, number]) : vec;
  });
  return { values: order.map((i) => m[4 * i]) as [number, number, number], vectors };
}

/** Mean image, channel mean, covariance and its eigen-decomposition from merged sums. */
export function finalizeStats(sums: StatSums, size: number): DatasetStats {
  const n = sums.images;
  if (n === 0) throw new Error('no training images: cannot compute the mean image and PCA statistics');
  const meanImage = new Float32Array(sums.pixelSum.length);
  for (let i = 0; i < meanImage.length; i++) meanImage[i] = sums.pixelSum[i] / n;
  const pixels = n * size * size;
  const mu = [0, 1, 2].map((c) => sums.channelSum[c] / pixels);
  // Population covariance (divide by the pixel count), as numpy.cov(..., bias=True).
  const cov = Array.from({ length: 9 }, (_, k) => sums.productSum[k] / pixels - mu[Math.floor(k / 3)] * mu[k % 3]);
  const { values, vectors } = symmetricEigen3(cov);
  return { images: n, meanImage, meanChannel: mu as [number, number, number], covariance: cov, eigenvalues: values, eigenvectors: vectors };
}
