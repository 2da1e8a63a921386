// List options take one word per occurrence, so they never swallow the
// positional arguments that follow them (`predict --weights w cat.jpg`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/args.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

const spec = (name: string) => COMMANDS.find((c) => c.spec.name === name)!.spec;

describe('list options', () => {
  it('--weights w cat.jpg: one weights file, one image', () => {
    const p = parseArgs(spec('predict'), ['--weights', 'w.safetensors', 'cat.jpg', 'dog.jpg']);
    assert.deepEqual(p.options.weights, ['w.safetensors']);
    assert.deepEqual(p.positionals, ['cat.jpg', 'dog.jpg']);
  });

  it('ensembles: repeated or comma-separated', () => {
    assert.deepEqual(parseArgs(spec('predict'), ['-w', 'a', '--weights', 'b', 'x.jpg']).options.weights, ['a', 'b']);
    assert.deepEqual(parseArgs(spec('predict'), ['--weights=a,b', 'x.jpg']).options.weights, ['a', 'b']);
  });

  it('no command has a list option that takes more than its own word', () => {
    for (const c of COMMANDS) {
      for (const o of c.spec.options.filter((x) => x.type === 'list')) {
        const p = (() => {
          try {
            return parseArgs(c.spec, [`--${o.name}`, 'v1', 'word']);
          } catch (e) {
            return e as Error;
          }
        })();
        if (p instanceof Error) assert.match(p.message, new RegExp(`unexpected argument 'word'|too many arguments|missing`), `${c.spec.name} --${o.name}`);
        else {
          assert.deepEqual(p.options[o.name], ['v1'], `${c.spec.name} --${o.name}`);
          assert.deepEqual(p.positionals, ['word'], `${c.spec.name} --${o.name}`);
        }
      }
    }
  });
});
