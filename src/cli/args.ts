// Declarative option parsing for the `alexnet` sub-commands. Written here
// rather than taken from npm because we want one behaviour everywhere:
// `--name value` and `--name=value`, typed values checked at parse time,
// unknown options rejected with the nearest known one suggested (as git and
// npm do), and help text generated from the same table.

import { suggest } from '../util/suggest.js';

export { suggest };

export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'list';

export interface OptionSpec {
  readonly name: string;
  readonly alias?: string;
  readonly type: OptionType;
  /** Placeholder in help, e.g. `<dir>`. */
  readonly value?: string;
  readonly help: string;
  readonly choices?: readonly string[];
  readonly default?: string | number | boolean | readonly string[];
  /** Listed under "advanced options" in help. */
  readonly advanced?: boolean;
  /** list: also split each value on commas (default true; off for values that hold JSON). */
  readonly commaSeparated?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Synopsis lines after `alexnet <name>`. */
  readonly usage: readonly string[];
  readonly description?: string;
  readonly options: readonly OptionSpec[];
  readonly examples?: readonly string[];
  /** Positional arguments: exact count, or a range. */
  readonly positionals?: { readonly min: number; readonly max: number; readonly name: string };
}

export type OptionValue = string | number | boolean | string[];

export interface Parsed {
  readonly options: Record<string, OptionValue | undefined>;
  readonly positionals: string[];
  /** Options the user gave explicitly (so defaults can be told apart from choices). */
  readonly given: ReadonlySet<string>;
}

export class UsageError extends Error {
  constructor(readonly command: string, message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function convert(cmd: string, spec: OptionSpec, raw: string): OptionValue {
  const flag = `--${spec.name}`;
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(cmd, `${flag} expects a number, got '${raw}'`);
      if (spec.type === 'integer' && !Number.isInteger(v)) throw new UsageError(cmd, `${flag} expects an integer, got '${raw}'`);
      return v;
    }
    case 'boolean':
      if (['true', '1', 'yes'].includes(raw)) return true;
      if (['false', '0', 'no'].includes(raw)) return false;
      throw new UsageError(cmd, `${flag} expects true or false, got '${raw}'`);
    case 'string':
    case 'list':
      if (spec.choices && !spec.choices.includes(raw)) {
        const s = suggest(raw, spec.choices);
        throw new UsageError(cmd, `${flag}: '${raw}' is not one of ${spec.choices.join(', ')}${s ? ` (did you mean '${s}'?)` : ''}`);
      }
      return raw;
  }
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): Parsed {
  const byName = new Map<string, OptionSpec>();
  for (const o of spec.options) {
    byName.set(o.name, o);
    if (o.alias) byName.set(o.alias, o);
  }
  const options: Record<string, OptionValue | undefined> = {};
  for (const o of spec.options) options[o.name] = o.default === undefined ? undefined : (Array.isArray(o.default) ? [...o.default] : o.default as OptionValue);
  const given = new Set<string>();
  const positionals: string[] = [];
  const lists = new Set<string>();
  let lastList: OptionSpec | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a)) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    let key = a.startsWith('--') ? a.slice(2, eq < 0 ? undefined : eq) : a.slice(1, eq < 0 ? undefined : eq);
    let inline: string | undefined = eq < 0 ? undefined : a.slice(eq + 1);
    let negated = false;
    if (!byName.has(key) && key.startsWith('no-') && byName.get(key.slice(3))?.type === 'boolean') {
      key = key.slice(3);
      negated = true;
    }
    const o = byName.get(key);
    if (!o) {
      const names = spec.options.map((x) => x.name);
      const s = suggest(key, names);
      throw new UsageError(spec.name, `unknown option '${a.split('=')[0]}'${s ? ` (did you mean '--${s}'?)` : ''}`);
    }
    given.add(o.name);
    if (o.type === 'boolean') {
      options[o.name] = negated ? false : inline === undefined ? true : convert(spec.name, o, inline);
      continue;
    }
    if (inline === undefined) {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith('--') && argv[i + 1].length > 2)) throw new UsageError(spec.name, `--${o.name} needs a value${o.value ? ` ${o.value}` : ''}`);
      inline = argv[++i];
    }
    if (o.type === 'list') {
      // A list takes exactly one word per occurrence (repeat the option, or
      // separate values with commas): taking every following word would
      // swallow positional arguments (`predict --weights w.safetensors cat.jpg`).
      if (!lists.has(o.name)) options[o.name] = [];
      lists.add(o.name);
      lastList = o;
      const arr = options[o.name] as string[];
      for (const part of o.commaSeparated === false ? [inline] : inline.split(',')) if (part !== '') arr.push(convert(spec.name, o, part) as string);
    } else {
      options[o.name] = convert(spec.name, o, inline);
    }
  }
  const p = spec.positionals ?? { min: 0, max: 0, name: '' };
  if (positionals.length < p.min) throw new UsageError(spec.name, `missing ${p.name}`);
  if (positionals.length > p.max) {
    const hint = lastList ? `; to give --${lastList.name} several values, repeat it (--${lastList.name} a --${lastList.name} b)${lastList.commaSeparated === false ? '' : ` or separate them with commas (--${lastList.name} a,b)`}` : '';
    throw new UsageError(spec.name, `${p.max === 0 ? `unexpected argument '${positionals[0]}'` : `too many arguments (at most ${p.max} ${p.name})`}${hint}`);
  }
  return { options, positionals, given };
}

function optionLine(o: OptionSpec): string {
  const names = `${o.alias ? `-${o.alias}, ` : '    '}--${o.name}${o.type === 'boolean' ? '' : ` ${o.value ?? `<${o.type}>`}`}`;
  let help = o.help;
  if (o.choices) help += ` (${o.choices.join(' | ')})`;
  if (o.default !== undefined && o.type !== 'boolean') help += ` [default: ${Array.isArray(o.default) ? o.default.join(' ') : String(o.default)}]`;
  return `  ${names.padEnd(32)} ${help}`;
}

export function formatHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage.map((u, i) => `${i === 0 ? '' : '       '}alexnet ${spec.name} ${u}`.trimEnd()).join('\n')}`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  const common = spec.options.filter((o) => !o.advanced);
  const adv = spec.options.filter((o) => o.advanced);
  if (common.length) lines.push('', 'options:', ...common.map(optionLine));
  if (adv.length) lines.push('', 'advanced options:', ...adv.map(optionLine));
  lines.push(`  ${'-h, --help'.padEnd(32)} show this help`);
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

/** A sub-command: its spec and what it does with the parsed arguments. */
export interface Command {
  readonly spec: CommandSpec;
  run(args: Parsed): Promise<number>;
}
