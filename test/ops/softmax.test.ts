import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input, labels } from '../helpers/fixtures.js';
import { softmax, softmaxBackward } from '../../src/ops/softmax.js';
import { crossEntropy, crossEntropyBackward } from '../../src/ops/crossentropy.js';

export const runSoftmax: OpRun = (c) => {
  const y = softmax(input(c, 'x'));
  return { y, dx: softmaxBackward(y, input(c, 'dy')) };
};

export const runCrossEntropy: OpRun = (c) => {
  const l = labels(c, 'labels');
  const { loss, probs } = crossEntropy(input(c, 'x'), l);
  return { loss, dx: crossEntropyBackward(probs, l) };
};

fixtureSuite('softmax', runSoftmax);
fixtureSuite('crossEntropy', runCrossEntropy);
