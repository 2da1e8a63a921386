// The reference backend: one readable plain-TypeScript kernel set per op.
import type { KernelSets } from '../../ops/registry.js';
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

export const referenceKernels: KernelSets = { conv2d, linear, relu, tanh, lrn, maxpool2d, dropout, softmax, crossEntropy, sgd, topk, renderViews };
