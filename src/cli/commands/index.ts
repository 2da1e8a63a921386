// Every sub-command of `alexnet`, in the order `alexnet --help` lists them.
import type { Command } from '../args.js';
import { exportCommand } from './export.js';
import { convertCommand } from './convert.js';
import { backends } from './backends.js';
import { info } from './info.js';
import { prepare } from './prepare.js';
import { finetuneCommand, trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { predictCommand } from './predict.js';
import { featuresCommand } from './features.js';
import { neighborsCommand } from './neighbors.js';
import { filtersCommand } from './filters.js';
import { reportCommand } from './report.js';
import { demoCommand } from './demo.js';
import { reproduceCommand } from './reproduce.js';
import { serveCommand } from './serve.js';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  prepare,
  trainCommand,
  finetuneCommand,
  evalCommand,
  predictCommand,
  featuresCommand,
  neighborsCommand,
  filtersCommand,
  reportCommand,
  reproduceCommand,
  serveCommand,
  info,
  exportCommand,
  convertCommand,
  backends,
];
