// What the network sees of one image (docs/paper.md §5): the prepared S×S
// square (or torchvision's resized crop), the network's centre crop, minus
// the mean. Pure: the CLI (preprocess.ts, which decodes files with sharp)
// and the browser app (which decodes with the page's own image decoder)
// share it.
import type { DatasetInfo, InputSpec, MeanMode } from '../data/types.js';
import { hwcToChw } from '../data/render.js';
import { centreView, meanSource, renderView, type MeanSource, type View } from '../data/augment.js';

/** Everything needed to turn an image file into a network input. */
export interface Preprocessing {
  /** Side S of the prepared squares. */
  readonly size: number;
  /** The network's input side (≤ S). */
  readonly cropSize: number;
  readonly mean: MeanSource;
  /** How a file becomes the S×S square (InputSpec.resize); 'shorter' yields the crop itself. */
  readonly resize: InputSpec['resize'];
  /** 'shorter': the side the shorter side is resized to before the crop (torchvision: 256). */
  readonly resizeTo?: number;
}

export class PreprocessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreprocessError';
  }
}

/** A dataset's side and mean, as preprocessing needs them (a prepared dataset, or labelled images in memory). */
export interface DatasetMean {
  readonly dir: string;
  readonly size: number;
  readonly stats: Pick<DatasetInfo['stats'], 'meanImage' | 'meanChannel'>;
}

export function preprocessingFromDataset(info: DatasetMean, cropSize: number, mode: MeanMode, input?: InputSpec): Preprocessing {
  if (cropSize > info.size) throw new PreprocessError(`${info.dir}: images are ${info.size}×${info.size} but the network crops ${cropSize}; use the dataset the network was trained on`);
  if (mode === 'fixed' && input) return fixedPreprocessing(input, cropSize);
  // Files are made like the dataset's images (prepare's shorter side + central square).
  return { size: info.size, cropSize, mean: meanSource(mode, input, info.stats.meanImage, info.stats.meanChannel), resize: 'square' };
}

/** The preprocessing of published weights: the InputSpec's own resize, fixed mean and std; no dataset. */
export function fixedPreprocessing(input: InputSpec, cropSize: number): Preprocessing {
  if (!input.mean) throw new PreprocessError('this network has no fixed mean (paper, mini): it needs the mean of its training set; pass --data <prepared dataset>');
  if (cropSize > input.resizeTo) throw new PreprocessError(`the network crops ${cropSize} from images resized to ${input.resizeTo}; resizeTo must be at least the crop`);
  const size = input.resize === 'shorter' ? cropSize : input.resizeTo;
  return { size, cropSize, mean: meanSource('fixed', input, new Float32Array(0), input.mean), resize: input.resize, resizeTo: input.resizeTo };
}

/** An S×S HWC RGB square (S = p.size) → the network's centre-crop input, CHW float32 minus the mean. */
export function squareToInput(hwc: Uint8Array, p: Preprocessing): Float32Array {
  return squareToViews(hwc, p, [centreView(p.size, p.cropSize)]);
}

/** An S×S HWC RGB square → one network input per view (e.g. the paper's ten, §4.1), [views, 3, crop, crop] minus the mean. */
export function squareToViews(hwc: Uint8Array, p: Preprocessing, views: readonly View[]): Float32Array {
  const chw = new Uint8Array(3 * p.size * p.size);
  hwcToChw(hwc, p.size * p.size, chw);
  const plane = 3 * p.cropSize * p.cropSize;
  const out = new Float32Array(views.length * plane);
  views.forEach((v, i) => renderView(chw, p.size, p.cropSize, v, p.mean, [0, 0, 0], out, i * plane));
  return out;
}

/** The inverse of the mean subtraction for a centre crop: CHW float32 (minus mean) → HWC RGB bytes (for pictures). */
export function cropToRgb(x: Float32Array, offset: number, p: Preprocessing): Uint8Array {
  const { size, cropSize: c } = p;
  const o = centreView(size, c);
  const out = new Uint8Array(c * c * 3);
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 0; y < c; y++) {
      for (let xx = 0; xx < c; xx++) {
        const mean = p.mean.mode === 'pixel' ? p.mean.meanImage[ch * size * size + (o.y + y) * size + o.x + xx] : p.mean.mode === 'channel' ? p.mean.meanChannel[ch] : 0;
        const stored = p.mean.bgr ? 2 - ch : ch;
        const v = x[offset + (stored * c + y) * c + xx] / (p.mean.gain ? p.mean.gain[ch] : 1) + mean;
        out[(y * c + xx) * 3 + ch] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}
