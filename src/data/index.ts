// The data pipeline's public face (docs/paper.md §5): prepare a folder of images,
// read a prepared dataset's metadata, open a loader over one of its splits.
export type * from './types.js';
export { openLoader, balancedOrder } from './loader.js';
export { readDatasetInfo } from './shards.js';
export { prepareDataset, PrepareInterrupted, type PrepareOptions, type PrepareResult } from './prepare.js';
export { ensureEmbeddedDataset, EMBEDDED_SIZE } from './embedded.js';
export { ilsvrc2012Classes, FASHION_MNIST_CLASSES, type IlsvrcClass } from './classes.js';
export { tenViews, centreView, lightingOffset, type View } from './augment.js';
