import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input } from '../helpers/fixtures.js';
import { dropout, dropoutBackward, type DropoutAttrs } from '../../src/ops/dropout.js';

export const runDropout: OpRun = (c) => {
  const attrs = c.attrs as unknown as DropoutAttrs & { training: boolean };
  const mask = attrs.training ? input(c, 'mask') : null;
  return { y: dropout(input(c, 'x'), mask, attrs), dx: dropoutBackward(input(c, 'dy'), mask, attrs) };
};

fixtureSuite('dropout', runDropout);
