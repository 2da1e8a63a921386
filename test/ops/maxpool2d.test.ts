import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input } from '../helpers/fixtures.js';
import { maxPool2d, maxPool2dBackward, type MaxPool2dAttrs } from '../../src/ops/maxpool2d.js';

export const runMaxPool2d: OpRun = (c) => {
  const attrs = c.attrs as unknown as MaxPool2dAttrs;
  const x = input(c, 'x');
  const { y, argmax } = maxPool2d(x, attrs);
  return { y, dx: maxPool2dBackward(x.shape, argmax, input(c, 'dy'), attrs) };
};

fixtureSuite('maxpool2d', runMaxPool2d);
