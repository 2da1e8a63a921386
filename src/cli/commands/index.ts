// Every sub-command of `alexnet`, in the order `alexnet --help` lists them.
import type { Command } from '../args.js';
import { backends } from './backends.js';
import { prepare } from './prepare.js';

export const COMMANDS: readonly Command[] = [
  backends,
  prepare,
];
