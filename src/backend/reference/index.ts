// The reference backend: one readable plain-TypeScript kernel set per op,
// registered under the op names when this module is imported (the library's
// entries and platforms import it). Every other backend is tested against
// these kernels, and host backends fall back to them for ops they lack.
import { registerKernels, REFERENCE_BACKEND, type KernelSets, type OpName } from '../../ops/registry.js';
import { conv2d } from './conv2d.js';
import { linear } from './linear.js';
import { relu } from './relu.js';
import { tanh } from './tanh.js';
import { lrn } from './lrn.js';
import { maxpool2d } from './maxpool2d.js';
import { dropout } from './dropout.js';
import { softmax, crossEntropy } from './softmax.js';
import { sgd } from './sgd.js';
import { topk } from './topk.js';
import { renderViews } from './render-views.js';

/** Every op's reference kernels (the compiler checks that none is missing). */
export const referenceKernels: KernelSets = { conv2d, linear, relu, tanh, lrn, maxpool2d, dropout, softmax, crossEntropy, sgd, topk, renderViews };

for (const op of Object.keys(referenceKernels) as OpName[]) registerKernels(REFERENCE_BACKEND, op, referenceKernels[op] as KernelSets[typeof op]);
