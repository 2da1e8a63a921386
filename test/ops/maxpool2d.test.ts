import { fixtureSuite } from '../helpers/optest.js';
import { runMaxPool2d } from '../helpers/runs.js';

fixtureSuite('maxpool2d', runMaxPool2d);
