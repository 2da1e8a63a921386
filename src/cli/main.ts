#!/usr/bin/env node
// `alexnet`: the command-line entry. One file per command lands here as the
// model, training, data and evaluation issues are built.
import { activeBackend, backendOps, registeredBackends } from '../ops/registry.js';
import { VERSION } from '../version.js';
import { selectDefaultBackend } from '../backend/select.js';
import { loadAddon } from '../backend/native/addon.js';

const HELP = `usage: alexnet <command> [options]

AlexNet (Krizhevsky, Sutskever & Hinton, 2012) in TypeScript.

commands:
  backends     list the kernel backends and the ops each implements
  version      print the version
  help         show this help

Training, evaluation and data preparation commands arrive with the model,
data and evaluation issues; see README.md.
`;

function backends(): void {
  console.log(`active backend: ${activeBackend()}`);
  const addon = loadAddon();
  if (!(addon instanceof Error)) {
    const i = addon.info();
    console.log(`native: ${i.isa} (detected ${i.detectedIsa}), micro-kernel ${i.microKernel}, ${i.threads} threads`);
  }
  for (const b of registeredBackends()) console.log(`  ${b}: ${backendOps(b).join(', ')}`);
}

export function main(argv: string[]): number {
  const [cmd] = argv;
  selectDefaultBackend();
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case 'version':
    case '--version':
      console.log(VERSION);
      return 0;
    case 'backends':
      backends();
      return 0;
    default:
      console.error(`alexnet: '${cmd}' is not a command. See 'alexnet --help'.`);
      return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
