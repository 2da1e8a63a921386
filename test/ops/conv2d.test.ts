import { fixtureSuite } from '../helpers/optest.js';
import { runConv2d } from '../helpers/runs.js';

fixtureSuite('conv2d', runConv2d);
