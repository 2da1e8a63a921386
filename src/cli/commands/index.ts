// Every sub-command of `alexnet`, in the order `alexnet --help` lists them.
import type { Command } from '../args.js';
import { backends } from './backends.js';
import { info } from './info.js';

export const COMMANDS: readonly Command[] = [
  info,
  backends,
];
