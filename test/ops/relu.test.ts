import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input } from '../helpers/fixtures.js';
import { relu, reluBackward } from '../../src/ops/relu.js';

export const runRelu: OpRun = (c) => {
  const y = relu(input(c, 'x'));
  return { y, dx: reluBackward(y, input(c, 'dy')) };
};

fixtureSuite('relu', runRelu);
