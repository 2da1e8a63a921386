// One driver for every op's fixture test: runs each PyTorch case through our
// op, checks every output and gradient against TOLERANCE, prints the worst.
// `setup` runs before the suite (e.g. to select a backend or instruction set).
import '../../src/backend/reference/index.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { readTensor } from '../../src/tensor/device.js';
import { activeBackend, REFERENCE_BACKEND, setBackend } from '../../src/ops/registry.js';
import { compare, formatComparison, loadFixtures, TOLERANCE, worst, type Comparison, type FixtureCase } from './fixtures.js';

export type OpOutputs = Record<string, Tensor | Float32Array | number>;
/** Outputs may be device tensors (read back before comparing) and may come asynchronously. */
export type OpRun = (c: FixtureCase) => OpOutputs | Promise<OpOutputs>;

/** `skip` returns why a case is left out (e.g. too slow for a CPU Vulkan driver), or null to run it. */
export function fixtureSuite(op: string, run: OpRun, label = REFERENCE_BACKEND, setup: () => void = () => setBackend(REFERENCE_BACKEND), skip: (c: FixtureCase) => string | null = () => null): void {
  const cases = loadFixtures(op);
  const results: Comparison[] = [];
  describe(`${op} vs PyTorch [${label}]`, () => {
    before(setup);
    for (const c of cases) {
      it(c.name, { skip: skip(c) ?? false }, async () => {
        const outs = await run(c);
        for (const [k, v] of Object.entries(outs)) if (v instanceof Tensor) outs[k] = await readTensor(v);
        assert.deepEqual(Object.keys(outs).sort(), Object.keys(c.outputs).sort(), `${c.name}: outputs checked must be all that PyTorch recorded`);
        for (const key of Object.keys(c.outputs)) {
          const r = compare(c, key, outs[key]);
          results.push(r);
          assert.ok(r.relError <= TOLERANCE, `${formatComparison(r)} exceeds ${TOLERANCE}`);
          if (r.normError !== undefined) assert.ok(r.normError <= TOLERANCE, `${formatComparison(r)}: norm differs`);
        }
      });
    }
    after(() => {
      if (results.length) console.log(`# ${op} [${label}, backend ${activeBackend()}]: ${results.length} outputs, worst ${formatComparison(worst(results))}`);
    });
  });
}
