// Classifying one image in the page (docs/paper.md §6.1, Figure 4 left): the
// browser decodes and resizes it to the network's square as `alexnet
// predict` does with sharp (shorter side to S and the central square; Caffe's
// warp; torchvision's resize-then-crop), then the CLI's own code makes the
// input (eval/input.ts: centre crop minus the mean) and the top-5.
import type { Config } from '../../src/config/config.js';
import type { ClassInfo } from '../../src/data/types.js';
import type { AlexNet } from '../../src/models/alexnet.js';
import { squareToInput, type Preprocessing } from '../../src/eval/input.js';
import { ensembleProbabilities, topClasses, type ClassScore } from '../../src/eval/predict.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { rgbaToRgb } from '../../src/data/resample.js';

export interface Classifier {
  readonly model: AlexNet;
  /** The config it was trained with (evaluation reads the split as it says). */
  readonly config: Config;
  readonly classes: readonly ClassInfo[];
  readonly prep: Preprocessing;
  /** Where the weights came from, for the page. */
  readonly label: string;
}

/** The image as the network's S×S HWC RGB square (S = prep.size), drawn at `view` too if given. */
export function toSquare(src: CanvasImageSource, width: number, height: number, p: Preprocessing): Uint8Array {
  const s = p.size;
  let sx = 0, sy = 0, sw = width, sh = height;
  if (p.resize === 'square' || p.resize === 'shorter') {
    // 'square': the central square, scaled to S. 'shorter': the shorter side to resizeTo, then the central crop (S = the crop).
    const side = p.resize === 'square' ? Math.min(width, height) : (s * Math.min(width, height)) / (p.resizeTo ?? s);
    sx = (width - side) / 2;
    sy = (height - side) / 2;
    sw = sh = side;
  }
  const c = new OffscreenCanvas(s, s);
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(src, sx, sy, sw, sh, 0, 0, s, s);
  return rgbaToRgb(ctx.getImageData(0, 0, s, s).data, s * s);
}

/** Top-k of one S×S square. */
export async function classifySquare(c: Classifier, hwc: Uint8Array, k = 5): Promise<ClassScore[]> {
  const input = squareToInput(hwc, c.prep);
  const x = new Tensor(input, [1, 3, c.prep.cropSize, c.prep.cropSize]);
  const probs = await ensembleProbabilities([c.model], x);
  return topClasses(probs, 0, c.classes, k);
}

/** Draws the square (what the network sees before the crop) into a canvas, scaled up. */
export function showSquare(canvas: HTMLCanvasElement, hwc: Uint8Array, size: number): void {
  const img = new ImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    img.data.set([hwc[3 * i], hwc[3 * i + 1], hwc[3 * i + 2], 255], 4 * i);
  }
  const tmp = new OffscreenCanvas(size, size);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}
