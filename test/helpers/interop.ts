// Whole-network cases from tools/gen_fixtures_interop.py: each names a preset,
// the hash recipes of its input and of every weight (by state-dict name), and
// PyTorch's logits. Weights are regenerated here, never stored.
import '../../src/backend/reference/index.js';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeFileSync } from 'node:fs';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { readSafetensors } from '../../src/io/safetensors-file.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { FIXTURE_DIR, type FixtureCase } from './fixtures.js';
import { generateFloat } from './hashfill.js';
import { nativeOrSkip } from './native.js';

export function loadNetworkCases(): Map<string, FixtureCase> {
  const file = readSafetensors(path.join(FIXTURE_DIR, 'interop', 'alexnet.safetensors'));
  const cases = JSON.parse(file.metadata.cases) as Omit<FixtureCase, 'refs'>[];
  return new Map(cases.map((c) => {
    const logits = file.tensors.get(`${c.name}/logits`);
    if (!logits || !(logits.data instanceof Float32Array)) throw new Error(`interop fixture: missing ${c.name}/logits`);
    return [c.attrs.preset as string, { ...c, refs: { logits: logits.data } }];
  }));
}

export function caseInput(c: FixtureCase): Tensor {
  return new Tensor(generateFloat(c.inputs.x), c.inputs.x.shape);
}

/** Writes the case's regenerated weights as an F32 safetensors file, as PyTorch would save them. */
export function writeCaseWeights(c: FixtureCase, file: string): void {
  const tensors: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const [name, spec] of Object.entries(c.inputs)) if (name !== 'x') tensors.push([name, { shape: spec.shape, data: generateFloat(spec) }]);
  writeFileSync(file, encodeSafetensors(tensors));
}

/** A scratch directory removed when the test process ends. */
export function scratchDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alexnet-interop-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Native kernels for whole networks (the reference kernels take minutes); a missing addon fails unless allowed. */
export function useFastestBackend(): void {
  setBackend(nativeOrSkip() ? NATIVE_BACKEND : REFERENCE_BACKEND);
}
