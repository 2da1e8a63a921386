// Loads the PyTorch op fixtures (tools/gen_fixtures.py) and compares our
// outputs with them by relative error ‖ours − ref‖ / ‖ref‖.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readSafetensors } from '../../src/io/safetensors-file.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { hostDevice, toDevice, type Device } from '../../src/tensor/device.js';
import { fmix32, generateFloat, generateLabels, type InputSpec } from './hashfill.js';

export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');
export const TOLERANCE = 1e-4;
const SAMPLE_COUNT = 32768;

interface OutputInfo {
  shape: number[];
  norm: number;
  sampled: boolean;
}

export interface FixtureCase {
  name: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, InputSpec>;
  outputs: Record<string, OutputInfo>;
  /** Reference values (whole, or the sample when `sampled`). */
  refs: Record<string, Float32Array>;
}

export function loadFixtures(op: string): FixtureCase[] {
  const file = readSafetensors(path.join(FIXTURE_DIR, 'ops', `${op}.safetensors`));
  const cases = JSON.parse(file.metadata.cases) as Omit<FixtureCase, 'refs'>[];
  return cases.map((c) => {
    const refs: Record<string, Float32Array> = {};
    for (const key of Object.keys(c.outputs)) {
      const entry = file.tensors.get(`${c.name}/${key}`);
      if (!entry || !(entry.data instanceof Float32Array)) throw new Error(`fixture ${op}: missing ${c.name}/${key}`);
      refs[key] = entry.data;
    }
    return { ...c, refs };
  });
}

let inputDevice: Device = hostDevice;

/** Where `input` puts fixture inputs (a GPU device for the WebGPU suites). */
export function setFixtureDevice(d: Device): void {
  inputDevice = d;
}

export function input(c: FixtureCase, key: string): Tensor {
  const s = c.inputs[key];
  return toDevice(new Tensor(generateFloat(s), s.shape), inputDevice);
}

export function labels(c: FixtureCase, key: string): Int32Array {
  return generateLabels(c.inputs[key]);
}

/** The indices tools/fixturelib.py samples from a tensor of n values. */
export function sampleIndices(n: number): Int32Array {
  const step = Math.floor(n / SAMPLE_COUNT);
  const idx = new Int32Array(SAMPLE_COUNT);
  for (let k = 0; k < SAMPLE_COUNT; k++) idx[k] = Math.floor((k * n) / SAMPLE_COUNT) + (fmix32(k) % step);
  return idx;
}

export function relativeError(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = ours[i] - ref[i];
    num += d * d;
    den += ref[i] * ref[i];
  }
  if (den === 0) return Math.sqrt(num); // an all-zero reference: absolute error
  return Math.sqrt(num / den);
}

function l2(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export interface Comparison {
  case: string;
  output: string;
  relError: number;
  /** For sampled outputs, the relative difference of the whole tensors' norms. */
  normError?: number;
}

/** Compares one output; checks the shape, then the values (sampled as the generator did). */
export function compare(c: FixtureCase, key: string, ours: Tensor | Float32Array | number): Comparison {
  const info = c.outputs[key];
  const data = typeof ours === 'number' ? Float32Array.of(ours) : ours instanceof Tensor ? ours.data : ours;
  if (ours instanceof Tensor && ours.shape.join() !== info.shape.join()) {
    throw new Error(`${c.name}/${key}: shape [${ours.shape}] but PyTorch gives [${info.shape}]`);
  }
  const expectedSize = info.shape.reduce((a, b) => a * b, 1);
  if (data.length !== expectedSize) throw new Error(`${c.name}/${key}: ${data.length} values, PyTorch has ${expectedSize}`);
  const ref = c.refs[key];
  if (!info.sampled) return { case: c.name, output: key, relError: relativeError(data, ref) };
  const idx = sampleIndices(data.length);
  const picked = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) picked[k] = data[idx[k]];
  return {
    case: c.name,
    output: key,
    relError: relativeError(picked, ref),
    normError: Math.abs(l2(data) - info.norm) / info.norm,
  };
}

/** Worst case across comparisons, for the summary line each op test prints. */
export function worst(results: Comparison[]): Comparison {
  return results.reduce((a, b) => (Math.max(b.relError, b.normError ?? 0) > Math.max(a.relError, a.normError ?? 0) ? b : a));
}

export function formatComparison(r: Comparison): string {
  const norm = r.normError === undefined ? '' : ` (sampled; norm ${r.normError.toExponential(2)})`;
  return `${r.case}/${r.output}: ${r.relError.toExponential(2)}${norm}`;
}
