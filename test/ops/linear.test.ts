import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input } from '../helpers/fixtures.js';
import { linear, linearBackward } from '../../src/ops/linear.js';

export const runLinear: OpRun = (c) => {
  const x = input(c, 'x');
  const w = input(c, 'w');
  const y = linear(x, w, input(c, 'b'));
  const { dx, dw, db } = linearBackward(x, w, input(c, 'dy'));
  return { y, dx, dw, db: db! };
};

fixtureSuite('linear', runLinear);
