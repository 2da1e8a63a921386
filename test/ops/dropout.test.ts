import { fixtureSuite } from '../helpers/optest.js';
import { runDropout } from '../helpers/runs.js';

fixtureSuite('dropout', runDropout);
