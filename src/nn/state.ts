// State dicts: a network's tensors by dotted name (`conv1.weight`, or
// torchvision's `features.0.weight`), in PyTorch layouts (OIHW conv weights,
// [out, in] linear weights), so a safetensors file written from one loads in
// the other. Loading is strict: every problem is collected and reported at
// once, by name, before anything is overwritten.
import { Tensor } from '../tensor/tensor.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import type { Param } from './layer.js';
import { deviceOf } from '../tensor/device.js';

export type StateDict = Map<string, Tensor>;

/** Anything that holds named parameters. */
export interface HasParams {
  params(): Param[];
}

/** The parameters as a state dict; the tensors are the live parameter storage (not copies). */
export function stateDict(module: HasParams): StateDict {
  return new Map(module.params().map((p) => [p.name, p.value]));
}

export class StateDictError extends Error {
  constructor(
    source: string,
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly misshaped: readonly { name: string; expected: Shape; got: readonly number[] }[],
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing: ${missing.join(', ')}`);
    if (unexpected.length) parts.push(`unexpected: ${unexpected.join(', ')}`);
    if (misshaped.length) parts.push(`wrong shape: ${misshaped.map((m) => `${m.name} is ${formatShape(m.got)}, expected ${formatShape(m.expected)}`).join('; ')}`);
    super(`${source}: the tensors do not fit the network (${parts.join('; ')})`);
    this.name = 'StateDictError';
  }
}

/** A tensor from any source (our Tensor, a safetensors entry); values converted to float32 on load. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
}

export interface LoadOptions {
  /** Where the tensors came from, for messages (a file name). */
  readonly source?: string;
  /** false: load what matches by name and shape, skip the rest (fine-tuning). Default true. */
  readonly strict?: boolean;
  /** Names to leave untouched even when present (e.g. fc8 when fine-tuning on new classes). */
  readonly skip?: ReadonlySet<string>;
}

export interface LoadReport {
  readonly loaded: string[];
  readonly missing: string[];
  readonly unexpected: string[];
}

/** Copies the tensors into the module's parameters; strict by default. */
export function loadStateDict(module: HasParams, tensors: ReadonlyMap<string, TensorLike>, options: LoadOptions = {}): LoadReport {
  const strict = options.strict ?? true;
  const skip = options.skip ?? new Set<string>();
  const params = module.params();
  const names = new Set(params.map((p) => p.name));
  const missing: string[] = [];
  const misshaped: { name: string; expected: Shape; got: readonly number[] }[] = [];
  const loadable: [Param, TensorLike['data']][] = [];
  for (const p of params) {
    if (skip.has(p.name)) continue;
    const t = tensors.get(p.name);
    if (!t) {
      missing.push(p.name);
      continue;
    }
    const same = t.shape.length === p.value.shape.length && t.shape.every((d, i) => d === p.value.shape[i]);
    if (!same) misshaped.push({ name: p.name, expected: p.value.shape, got: t.shape });
    else loadable.push([p, t.data]);
  }
  const unexpected = [...tensors.keys()].filter((n) => !names.has(n) && !skip.has(n));
  if (strict && (missing.length || unexpected.length || misshaped.length)) {
    throw new StateDictError(options.source ?? 'state dict', missing, unexpected, misshaped);
  }
  if (!strict && misshaped.length) throw new StateDictError(options.source ?? 'state dict', [], [], misshaped);
  for (const [p, data] of loadable) {
    let values: Float32Array;
    if (data instanceof Float32Array) values = data;
    else {
      values = new Float32Array(p.value.size);
      for (let i = 0; i < values.length; i++) values[i] = Number(data[i]);
    }
    deviceOf(p.value).write(p.value, values);
  }
  return { loaded: loadable.map(([p]) => p.name), missing, unexpected };
}

/** Deep copy, e.g. to keep the best weights while training continues. */
export function cloneStateDict(sd: ReadonlyMap<string, Tensor>): StateDict {
  return new Map([...sd].map(([k, v]) => [k, v.clone()]));
}
