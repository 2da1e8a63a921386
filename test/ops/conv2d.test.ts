// The reference convolution against PyTorch on every fixture case. The
// reference kernel is plain loops, seconds per layer-size case on 2 cores: the
// fast checks keep two layer-size cases (torchvision conv1: 11×11 stride 4 with
// padding; paper conv5: grouped 3×3) beside the edge cases, which cover the
// paper's geometry in small shapes; the native kernels run every layer-size
// case against PyTorch (native-fixtures) and against this kernel
// (native-vs-reference). ALEXNET_TEST_FULL=1 runs them all here.
import { REFERENCE_BACKEND, setBackend } from '../../src/ops/registry.js';
import { fixtureSuite } from '../helpers/optest.js';
import { runConv2d } from '../helpers/runs.js';
import { unlessFull } from '../helpers/full.js';

const FAST_LAYER_SIZE = new Set(['torchvision_conv1', 'paper_conv5']);

fixtureSuite('conv2d', runConv2d, REFERENCE_BACKEND, () => setBackend(REFERENCE_BACKEND),
  (c) => (c.name.startsWith('edge') || FAST_LAYER_SIZE.has(c.name) ? null : unlessFull('layer-size case on the reference kernels') || null));
