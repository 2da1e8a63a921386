// How each op's fixture case runs through our public op functions; shared by
// the reference suites (test/ops) and the native suites (test/backend).
import '../../src/backend/reference/index.js';
import type { OpRun } from './optest.js';
import { input, labels } from './fixtures.js';
import { conv2d, conv2dBackward, type Conv2dAttrs } from '../../src/ops/conv2d.js';
import { crossEntropy, crossEntropyBackward } from '../../src/ops/crossentropy.js';
import { dropout, dropoutBackward, type DropoutAttrs } from '../../src/ops/dropout.js';
import { linear, linearBackward } from '../../src/ops/linear.js';
import { lrn, lrnBackward, type LrnAttrs } from '../../src/ops/lrn.js';
import { maxPool2d, maxPool2dBackward, type MaxPool2dAttrs } from '../../src/ops/maxpool2d.js';
import { relu, reluBackward } from '../../src/ops/relu.js';
import { tanh, tanhBackward } from '../../src/ops/tanh.js';
import { softmax, softmaxBackward } from '../../src/ops/softmax.js';

export const runConv2d: OpRun = (c) => {
  const attrs = c.attrs as Conv2dAttrs;
  const x = input(c, 'x');
  const w = input(c, 'w');
  const y = conv2d(x, w, input(c, 'b'), attrs);
  const { dx, dw, db } = conv2dBackward(x, w, input(c, 'dy'), attrs);
  return { y, dx: dx!, dw, db: db! };
};

export const runLinear: OpRun = (c) => {
  const x = input(c, 'x');
  const w = input(c, 'w');
  const y = linear(x, w, input(c, 'b'));
  const { dx, dw, db } = linearBackward(x, w, input(c, 'dy'));
  return { y, dx: dx!, dw, db: db! };
};

export const runRelu: OpRun = (c) => {
  const y = relu(input(c, 'x'));
  return { y, dx: reluBackward(y, input(c, 'dy')) };
};

export const runTanh: OpRun = (c) => {
  const y = tanh(input(c, 'x'));
  return { y, dx: tanhBackward(y, input(c, 'dy')) };
};

export const runLrn: OpRun = (c) => {
  const attrs = c.attrs as unknown as LrnAttrs;
  const x = input(c, 'x');
  const { y, scale } = lrn(x, attrs);
  return { y, dx: lrnBackward(x, y, scale, input(c, 'dy'), attrs) };
};

export const runMaxPool2d: OpRun = (c) => {
  const attrs = c.attrs as unknown as MaxPool2dAttrs;
  const x = input(c, 'x');
  const { y, argmax } = maxPool2d(x, attrs);
  return { y, dx: maxPool2dBackward(x.shape, argmax, input(c, 'dy'), attrs) };
};

export const runDropout: OpRun = (c) => {
  const attrs = c.attrs as unknown as DropoutAttrs & { training: boolean };
  const mask = attrs.training ? input(c, 'mask') : null;
  return { y: dropout(input(c, 'x'), mask, attrs), dx: dropoutBackward(input(c, 'dy'), mask, attrs) };
};

export const runSoftmax: OpRun = (c) => {
  const y = softmax(input(c, 'x'));
  return { y, dx: softmaxBackward(y, input(c, 'dy')) };
};

export const runCrossEntropy: OpRun = (c) => {
  const l = labels(c, 'labels');
  const { loss, probs } = crossEntropy(input(c, 'x'), l);
  return { loss, dx: crossEntropyBackward(probs, l) };
};
