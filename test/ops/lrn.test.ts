import { fixtureSuite } from '../helpers/optest.js';
import { runLrn } from '../helpers/runs.js';

fixtureSuite('lrn', runLrn);
