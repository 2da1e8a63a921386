// Every sub-command of `alexnet`, in the order `alexnet --help` lists them.
import type { Command } from '../args.js';
import { exportCommand } from './export.js';
import { backends } from './backends.js';
import { info } from './info.js';
import { prepare } from './prepare.js';
import { finetuneCommand, trainCommand } from './train.js';

export const COMMANDS: readonly Command[] = [
  prepare,
  trainCommand,
  finetuneCommand,
  info,
  backends,
  exportCommand,
];
