#!/usr/bin/env node
// `alexnet`: the command-line entry. Each sub-command lives in its own file
// under commands/ and declares its options (args.ts parses and documents them).
import { VERSION } from '../index.js';
import { formatHelp, parseArgs, suggest, UsageError } from './args.js';
import { COMMANDS } from './commands/index.js';
import { BACKEND_NAMES, OptionError, releaseDevices } from '../index.js';

/** The commands whose networks --backend webgpu puts on the GPU. */
const NETWORK_COMMANDS = new Set(['train', 'finetune', 'eval', 'predict', 'features', 'neighbors', 'filters', 'report', 'demo']);

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return `usage: alexnet <command> [options]
       alexnet <command> --help

AlexNet (Krizhevsky, Sutskever & Hinton, 2012) in TypeScript.

commands:
${COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)} ${c.spec.summary}`).join('\n')}
  ${'version'.padEnd(width)} Print the version.

options of every command that runs a network:
  --backend native|reference|webgpu  where it runs (default: ALEXNET_BACKEND, else native when built);
                                     webgpu: a GPU through WebGPU (see 'alexnet backends')

environment:
  ALEXNET_BACKEND=native|reference|webgpu   as --backend
  ALEXNET_THREADS=<n>                native worker threads (default: all cores; per rank under mpirun)
  ALEXNET_SPIN_US=<n>                microseconds idle worker threads spin before sleeping (default 200)

data-parallel training on N processes or machines: mpirun -np N alexnet train ... (docs/cluster.md)
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const target = name === 'help' && rest[0] ? COMMANDS.find((c) => c.spec.name === rest[0]) : undefined;
    process.stdout.write(target ? formatHelp(target.spec) : topHelp());
    return 0;
  }
  if (name === 'version' || name === '--version' || name === '-V') {
    console.log(VERSION);
    return 0;
  }
  // --backend is global: taken out before the command's own options are parsed.
  let backend: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--backend' || a.startsWith('--backend=')) {
      backend = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[i + 1];
      if (backend === undefined || backend.startsWith('-')) {
        console.error(`alexnet: --backend needs a value: ${BACKEND_NAMES.join(', ')}`);
        return 2;
      }
      rest.splice(i, a.includes('=') ? 1 : 2);
      i--;
    }
  }
  const cmd = COMMANDS.find((c) => c.spec.name === name);
  if (!cmd) {
    const s = suggest(name, [...COMMANDS.map((c) => c.spec.name), 'version', 'help']);
    console.error(`alexnet: '${name}' is not a command.${s ? ` Did you mean '${s}'?` : ''} See 'alexnet --help'.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(formatHelp(cmd.spec));
    return 0;
  }
  try {
    const parsed = parseArgs(cmd.spec, rest);
    const want = backend ?? process.env.ALEXNET_BACKEND;
    if (want && !(BACKEND_NAMES as readonly string[]).includes(want)) {
      throw new Error(`backend '${want}' is not one of ${BACKEND_NAMES.join(', ')} (from ${backend === undefined ? 'ALEXNET_BACKEND' : '--backend'})`);
    }
    // The library makes each network on the backend ALEXNET_BACKEND names. Only commands that
    // run a network open a GPU; the others (info, export, convert, prepare, and backends, which
    // reports on the adapter itself) work on the host whatever --backend says.
    if (want === 'webgpu' && !NETWORK_COMMANDS.has(cmd.spec.name)) delete process.env.ALEXNET_BACKEND;
    else if (want) process.env.ALEXNET_BACKEND = want;
    try {
      return await cmd.run(parsed);
    } finally {
      await releaseDevices();
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`alexnet ${e.command}: ${e.message}\nSee 'alexnet ${e.command} --help'.`);
      return 2;
    }
    throw e;
  }
}

/** Flags where the library's option is spelt otherwise (the rest are the option in kebab case). */
const FLAG_OF: Record<string, string> = { meanFile: 'mean', runDir: 'run', learningRate: 'lr', topK: 'top', validationLimit: 'val-limit', validationViews: 'val-views' };

/** A library message in the command line's words: "option 'data'" → "--data". */
export function inFlags(message: string): string {
  return message.replace(/(?:option|argument) '(\w+)'/g, (_, o: string) => `--${FLAG_OF[o] ?? o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // Errors we expect (bad files, bad configs) carry a message meant for the user.
    console.error(`alexnet: ${e instanceof Error ? (e instanceof OptionError ? inFlags(e.message) : e.message) : String(e)}`);
    if (process.env.ALEXNET_DEBUG) console.error(e);
    process.exitCode = 1;
  },
);
