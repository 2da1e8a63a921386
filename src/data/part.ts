// Data-parallel training splits every batch across processes in a
// fixed way: process i of n takes rows ⌊i·B/n⌋ … ⌊(i+1)·B/n⌋ − 1. Uneven
// splits differ by one row at most; the gradient is weighted by the global
// batch (src/train/step.ts), so the split never changes the result.

/** Process `index` of `count`. */
export interface Part {
  readonly index: number;
  readonly count: number;
}

/** Rows [start, end) of `rows` that belong to `part`. */
export function partRange(rows: number, part: Part): [start: number, end: number] {
  if (!(Number.isInteger(part.count) && part.count >= 1 && Number.isInteger(part.index) && part.index >= 0 && part.index < part.count)) {
    throw new RangeError(`part ${part.index} of ${part.count} is not a process of the job`);
  }
  return [Math.floor((part.index * rows) / part.count), Math.floor(((part.index + 1) * rows) / part.count)];
}
