// Every sub-command of `alexnet`, in the order `alexnet --help` lists them.
import type { Command } from '../args.js';
import { exportCommand } from './export.js';
import { backends } from './backends.js';

export const COMMANDS: readonly Command[] = [
  backends,
  exportCommand,
];
