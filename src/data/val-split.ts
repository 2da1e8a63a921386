// A validation split carved out of the training images, for datasets whose
// only held-out images are the test set (the embedded Fashion-MNIST subset,
// Fashion-MNIST itself): selection (schedules, "which variant is better")
// then never looks at the test images, which are read once at the end.
import { balancedOrder } from './loader.js';
import type { Item, Sources } from './sources.js';

/**
 * Moves `n` training images to 'val': the first n of the class-balanced
 * order (the first image of every class, then the second, …), so the split
 * is the same on every machine and every class loses the same share. The
 * rest of the training images keep their order; the source's 'val' becomes 'test'.
 */
export function carveValidation(src: Sources, n: number): Sources {
  const train = src.splits.train ?? [];
  if (!Number.isInteger(n) || n < 1 || n >= train.length) {
    throw new RangeError(`--val-split must be an integer in 1..${train.length - 1} (the training split has ${train.length} images), got ${n}`);
  }
  if (src.splits.test) throw new RangeError(`${src.root}: already has a test split; --val-split applies to sources with train (and val) only`);
  const labels = Int32Array.from(train, (it) => it.label);
  const chosen = new Set(balancedOrder(labels, src.classes.length).subarray(0, n));
  const val: Item[] = [];
  const rest: Item[] = [];
  train.forEach((it, i) => (chosen.has(i) ? val : rest).push(it));
  return { ...src, splits: { train: rest, val, ...(src.splits.val ? { test: src.splits.val } : {}) } };
}
