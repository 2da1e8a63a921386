import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input } from '../helpers/fixtures.js';
import { lrn, lrnBackward, type LrnAttrs } from '../../src/ops/lrn.js';

export const runLrn: OpRun = (c) => {
  const attrs = c.attrs as unknown as LrnAttrs;
  const x = input(c, 'x');
  const { y, scale } = lrn(x, attrs);
  return { y, dx: lrnBackward(x, y, scale, input(c, 'dy'), attrs) };
};

fixtureSuite('lrn', runLrn);
