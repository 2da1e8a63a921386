// Whole networks against PyTorch: the torchvision preset against
// torchvision.models.alexnet(), paper and caffe against the same layers built
// from PyTorch pieces (tools/gen_fixtures_interop.py), each given the same
// hash-recipe weights through a safetensors file and loadWeights.
import '../../src/backend/reference/index.js';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { getPreset } from '../../src/models/presets.js';
import { loadWeights } from '../../src/weights/weights-file.js';
import { Rng } from '../../src/tensor/random.js';
import { compare, formatComparison, TOLERANCE } from '../helpers/fixtures.js';
import { caseInput, loadNetworkCases, scratchDir, useFastestBackend, writeCaseWeights } from '../helpers/interop.js';

describe('whole network vs PyTorch (logits, batch 2)', () => {
  const cases = loadNetworkCases();
  const dir = scratchDir();
  before(useFastestBackend);
  for (const name of ['torchvision', 'paper', 'caffe']) {
    it(`${name} matches PyTorch within ${TOLERANCE} relative`, () => {
      const c = cases.get(name);
      assert.ok(c, `fixture has no ${name} case (run npm run fixtures)`);
      const file = path.join(dir, `${name}.safetensors`);
      writeCaseWeights(c, file);
      const model = buildAlexNet(getPreset(name));
      const report = loadWeights(model, file);
      assert.equal(report.loaded.length, model.net.params().length);
      const logits = model.net.forward(caseInput(c), { training: false, rng: new Rng(1) });
      const r = compare(c, 'logits', logits);
      console.log(`# ${name} vs PyTorch: ${formatComparison(r)}`);
      assert.ok(r.relError <= TOLERANCE, formatComparison(r));
    });
  }
});
