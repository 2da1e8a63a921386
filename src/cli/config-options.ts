// The options every command that builds a network shares: a preset, a JSON
// config file and `--set key=value` overrides (src/config/config.ts).
import { readFileSync } from 'node:fs';
import type { OptionSpec, Parsed } from './args.js';
import { parseAssignment, parseConfigJson, PRESET_NAMES, resolveConfig, type Config, type Json } from '../index.js';

export const PRESET_OPTION: OptionSpec = {
  name: 'preset', alias: 'p', type: 'string', value: '<name>', choices: PRESET_NAMES, default: 'mini',
  help: 'network and recipe',
};

export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  PRESET_OPTION,
  { name: 'config', type: 'string', value: '<file.json>', help: 'JSON overrides, e.g. {"train": {"learningRate": 0.02}}', advanced: true },
  { name: 'set', type: 'list', value: '<key=value>', commaSeparated: false, help: 'override a config key, e.g. model.lrnScope=all (repeatable; README lists the keys, `alexnet info --json` shows the values)', advanced: true },
];

/** Resolves preset + config file + --set + extra flag overrides, in that order. */
export function configFromArgs(args: Parsed, extra: [string, Json][] = []): Config {
  const overrides: (Record<string, Json> | [string, Json])[] = [];
  const file = args.options.config as string | undefined;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read config file ${file}: ${(e as Error).message}`);
    }
    overrides.push(parseConfigJson(text, file));
  }
  for (const a of (args.options.set as string[] | undefined) ?? []) overrides.push(parseAssignment(a));
  overrides.push(...extra);
  // An explicit --preset wins over a preset named in the config file.
  if (args.given.has('preset')) overrides.push(['preset', args.options.preset as string]);
  return resolveConfig(args.options.preset as string, overrides);
}
