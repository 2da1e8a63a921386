import { fixtureSuite } from '../helpers/optest.js';
import { runSoftmax, runCrossEntropy } from '../helpers/runs.js';

fixtureSuite('softmax', runSoftmax);
fixtureSuite('crossEntropy', runCrossEntropy);
