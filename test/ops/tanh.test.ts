import { fixtureSuite } from '../helpers/optest.js';
import { runTanh } from '../helpers/runs.js';

fixtureSuite('tanh', runTanh);
