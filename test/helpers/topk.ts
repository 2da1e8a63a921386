// The top-k fixture suite (tools/gen_fixtures.py topk_fixtures): the ranked
// indices must equal PyTorch's stable descending sort exactly (an index off
// by one is a wrong prediction, however small its relative error), and each
// label's averaged score within the fixture tolerance.
import '../../src/backend/reference/index.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { topk } from '../../src/ops/topk.js';
import { hostDevice, readTensor, type Device } from '../../src/tensor/device.js';
import { compare, formatComparison, input, labels, loadFixtures, TOLERANCE, worst, type Comparison, type FixtureCase } from './fixtures.js';

export function topkFixtureSuite(label: string, device: Device, setup: () => void, skip: (c: FixtureCase) => string | null = () => null): void {
  const results: Comparison[] = [];
  describe(`topk vs PyTorch [${label}]`, () => {
    before(setup);
    for (const c of loadFixtures('topk')) {
      it(c.name, { skip: skip(c) ?? false }, async () => {
        const { k, views } = c.attrs as { k: number; views: number };
        const l = labels(c, 'labels');
        const dl = device.indices(l.length);
        device.writeIndices(dl, l);
        const r = topk(input(c, 'x'), k, { views, labels: device === hostDevice ? l : dl });
        const got = Array.from(await device.readIndices(r.indices));
        assert.deepEqual(got, Array.from(c.refs.indices), `${c.name}: ranked classes`);
        const s = compare(c, 'labelScores', await readTensor(r.labelScores!));
        results.push(s);
        assert.ok(s.relError <= TOLERANCE, `${formatComparison(s)} exceeds ${TOLERANCE}`);
      });
    }
    after(() => {
      if (results.length) console.log(`# topk [${label}]: indices exact in ${results.length} cases, label scores worst ${formatComparison(worst(results))}`);
    });
  });
}
