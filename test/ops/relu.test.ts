import { fixtureSuite } from '../helpers/optest.js';
import { runRelu } from '../helpers/runs.js';

fixtureSuite('relu', runRelu);
