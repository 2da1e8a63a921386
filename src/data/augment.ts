// Augmentation and test views as pure functions (docs/paper.md §5): what happens
// to image `index` in epoch `epoch` depends on (seed, epoch, index) only, so
// batches are the same whichever thread builds them and wherever a run
// resumes. Pixels are 0–255 floats minus the mean (§7: per-pixel or
// per-channel mean), plus the PCA-lighting offset (§7: units explicit).
import { Rng } from '../tensor/random.js';
import type { AugmentConfig, DatasetStats, InputSpec, MeanMode, PcaUnits } from './types.js';
import type { MeanSource, View } from '../ops/render-views.js';

// The view and mean types and renderView belong to the renderViews op (its
// reference kernel is renderView), so host loading and the GPU kernel share one definition.
export { renderView } from './render-view.js';
export type { MeanSource, View } from '../ops/render-views.js';

export interface Augmentation extends View {
  /** RGB offset added to every pixel (PCA lighting), 0–255 units. */
  readonly lighting: readonly [number, number, number];
}

const NO_LIGHT: readonly [number, number, number] = [0, 0, 0];

/** Seeds must be uint32 so that (seed, epoch) packs into one exact integer seed. */
export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
}

/** The generator of epoch `epoch`: `stream` = image index for augmentation, -1 for the shuffle. */
export function epochRng(seed: number, epoch: number, stream: number): Rng {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch >= 2 ** 20) throw new RangeError(`epoch must be an integer in [0, 2^20), got ${epoch}`);
  return new Rng(seed + 0x100000000 * (epoch + 1), stream);
}

/** The order of an epoch: `base` permuted by the (seed, epoch) shuffle, or `base` itself. */
export function epochOrder(base: Int32Array, seed: number, epoch: number, shuffle: boolean): Int32Array {
  const order = Array.from(base);
  if (shuffle) epochRng(seed, epoch, -1).shuffle(order);
  return Int32Array.from(order);
}

/** RGB offset Σ_i α_i s_i p_i, s_i = λ_i/255 ('paper': λ of [0,1] pixels, times 255) or √λ_i ('cuda-convnet'). */
export function lightingOffset(alpha: readonly number[], stats: Pick<DatasetStats, 'eigenvalues' | 'eigenvectors'>, units: PcaUnits): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const lambda = Math.max(0, stats.eigenvalues[i]); // round-off can leave a tiny negative
    const s = alpha[i] * (units === 'paper' ? lambda / 255 : Math.sqrt(lambda));
    for (let c = 0; c < 3; c++) out[c] += s * stats.eigenvectors[i][c];
  }
  return out;
}

/**
 * The training augmentation of one image (§5): a crop position among the
 * (S − crop + 1)² of the square, a mirror with probability 1/2, and
 * α ~ N(0, pcaStd²) per eigenvector. The four draws are always made in this
 * order, so switching one part off leaves the others unchanged.
 */
export function drawAugmentation(seed: number, epoch: number, index: number, size: number, crop: number, cfg: AugmentConfig, stats: DatasetStats): Augmentation {
  const rng = epochRng(seed, epoch, index);
  const y = rng.int(size - crop + 1), x = rng.int(size - crop + 1);
  const flip = rng.bernoulli(0.5);
  const alpha = [rng.normal(), rng.normal(), rng.normal()].map((a) => a * cfg.pcaStd);
  const c = centreView(size, crop);
  return {
    y: cfg.randomCrop ? y : c.y,
    x: cfg.randomCrop ? x : c.x,
    flip: cfg.flip && flip,
    lighting: cfg.pcaStd > 0 ? lightingOffset(alpha, stats, cfg.pcaUnits) : NO_LIGHT,
  };
}

/** Centre crop: offset ⌊(S − crop)/2⌋ on both axes. */
export function centreView(size: number, crop: number): View {
  const o = Math.floor((size - crop) / 2);
  return { y: o, x: o, flip: false };
}

/**
 * The paper's 10 test views (§5), in this order: top-left, top-right,
 * bottom-left, bottom-right, centre, then the same five mirrored (Caffe's
 * `oversample` order).
 */
export function tenViews(size: number, crop: number): View[] {
  const e = size - crop;
  const c = centreView(size, crop);
  const five: View[] = [{ y: 0, x: 0, flip: false }, { y: 0, x: e, flip: false }, { y: e, x: 0, flip: false }, { y: e, x: e, flip: false }, c];
  return [...five, ...five.map((v) => ({ ...v, flip: true }))];
}

/** The mean source of a mean mode and input spec: 'fixed' takes the spec's per-channel mean; std and order come from the spec. */
export function meanSource(mode: MeanMode, input: InputSpec | undefined, meanImage: Float32Array, meanChannel: readonly number[]): MeanSource {
  if (mode === 'fixed' && !input?.mean) throw new RangeError("mean 'fixed' needs an input spec with a mean (torchvision's or caffe's); use 'pixel' or 'channel' for the dataset's");
  const gain = input ? input.std.map((s) => 1 / s) : undefined;
  return {
    mode: mode === 'fixed' ? 'channel' : mode,
    meanImage,
    meanChannel: mode === 'fixed' ? input!.mean! : meanChannel,
    gain: gain && gain.some((g) => g !== 1) ? gain : undefined,
    bgr: input?.order === 'bgr',
  };
}
