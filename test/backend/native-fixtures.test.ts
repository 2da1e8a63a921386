// The native kernels against the PyTorch fixtures (every AlexNet layer shape
// at batch 2 and the edge cases), once per instruction-set path.
import '../../src/backend/reference/index.js';
import { after } from 'node:test';
import { setBackend } from '../../src/ops/registry.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { fixtureSuite } from '../helpers/optest.js';
import { isaPaths, nativeOrSkip } from '../helpers/native.js';
import { runConv2d, runDropout, runLinear, runLrn, runMaxPool2d, runRelu, runTanh } from '../helpers/runs.js';

const addon = nativeOrSkip();
if (addon) {
  for (const isa of isaPaths(addon)) {
    const setup = () => {
      setBackend(NATIVE_BACKEND);
      addon.setIsa(isa);
    };
    const label = `native ${isa}`;
    fixtureSuite('conv2d', runConv2d, label, () => {
      setup();
      addon.setWinogradMinTiles(512);
    });
    // The batch-2 fixtures are below the Winograd threshold: a second pass forces it.
    fixtureSuite('conv2d', runConv2d, `${label} winograd`, () => {
      setup();
      addon.setWinogradMinTiles(0);
    });
    fixtureSuite('linear', runLinear, label, setup);
    // The plain loops (elementwise, LRN, pooling) have a variant per level too, chosen by setIsa.
    fixtureSuite('relu', runRelu, label, setup);
    fixtureSuite('tanh', runTanh, label, setup);
    fixtureSuite('lrn', runLrn, label, setup);
    fixtureSuite('maxpool2d', runMaxPool2d, label, setup);
    fixtureSuite('dropout', runDropout, label, setup);
    after(() => addon.setWinogradMinTiles(512));
  }
}
