import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input } from '../helpers/fixtures.js';
import { conv2d, conv2dBackward, type Conv2dAttrs } from '../../src/ops/conv2d.js';

export const runConv2d: OpRun = (c) => {
  const attrs = c.attrs as Conv2dAttrs;
  const x = input(c, 'x');
  const w = input(c, 'w');
  const y = conv2d(x, w, input(c, 'b'), attrs);
  const { dx, dw, db } = conv2dBackward(x, w, input(c, 'dy'), attrs);
  return { y, dx, dw, db: db! };
};

fixtureSuite('conv2d', runConv2d);
