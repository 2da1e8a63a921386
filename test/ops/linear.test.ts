import { fixtureSuite } from '../helpers/optest.js';
import { runLinear } from '../helpers/runs.js';

fixtureSuite('linear', runLinear);
