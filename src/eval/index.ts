// Evaluation's public face (docs/paper.md §5, §6): metrics, evaluation of a run
// or weight files, predictions, layer activations, nearest neighbours.
export * from './metrics.js';
export { evaluate, type EvalResult } from './evaluate.js';
export * from './model-source.js';
export * from './run-eval.js';
export * from './preprocess.js';
export * from './predict.js';
export * from './predict-files.js';
export * from './features.js';
export * from './neighbors.js';
export * from './test-split.js';
