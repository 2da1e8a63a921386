// `alexnet predict --preset torchvision` against torchvision's own pipeline
// (tools/gen_fixtures_pretrained.py: PIL + Resize(256) + CenterCrop(224) +
// ToTensor + Normalize, the network in float64) on three photos, with the
// same hash-recipe weights regenerated here: no --data, no Python.
//
// Tolerance: resampling is sharp's (libvips 'linear', shrink-on-load off),
// not PIL's; on these photos the normalised 224×224 crops differ by 0.17–0.22 grey
// levels on average, at most 2 (78–83% of values identical). The random
// network is sensitive to that: ±1 level of noise on every pixel moves its
// probabilities by up to 0.021 (noiseMaxAbs in the fixture). So: the same
// top-1, every probability within PROB_TOLERANCE of torchvision's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { scratchDir } from '../helpers/interop.js';
import { generateFloat, type InputSpec } from '../helpers/hashfill.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const PROB_TOLERANCE = 0.01;

interface Reference {
  readonly weights: Record<string, InputSpec>;
  readonly images: Record<string, { top5: [number, number][]; probs: number[]; noiseMaxAbs: number }>;
}

describe('alexnet predict --preset torchvision', () => {
  it("gives torchvision's pipeline's probabilities on photos, without --data", async () => {
    const ref = JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'pretrained', 'torchvision-predict.json'), 'utf8')) as Reference;
    const dir = scratchDir();
    const w = path.join(dir, 'tv.safetensors');
    // As a plain state dict saved by PyTorch (no preset or input metadata): --preset supplies both.
    writeFileSync(w, encodeSafetensors(Object.entries(ref.weights).map(([n, s]) => [n, { shape: s.shape, data: generateFloat(s) }])));
    const files = Object.keys(ref.images).map((f) => path.join(FIXTURE_DIR, 'images', f));
    // The weights option first and the images after it: the list option must not swallow them.
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, 'predict', '--preset', 'torchvision', '--weights', w, ...files, '--json', '--top', '1000'], { maxBuffer: 1 << 24 });
    const got = JSON.parse(stdout) as { predictions: { file: string; top: { index: number; probability: number }[] }[]; failed: unknown[] };
    assert.deepEqual(got.failed, []);
    let worst = 0;
    for (const p of got.predictions) {
      const r = ref.images[path.basename(p.file)];
      assert.equal(p.top[0].index, r.top5[0][0], `${p.file}: top-1`);
      const probs = new Float64Array(1000);
      for (const c of p.top) probs[c.index] = c.probability;
      for (let k = 0; k < 1000; k++) worst = Math.max(worst, Math.abs(probs[k] - r.probs[k]));
      // The top-5 of torchvision is our top-5 too, in order where the gaps exceed the tolerance.
      const ours = p.top.slice(0, 5).map((c) => c.index);
      for (const [i, [index, prob]] of r.top5.entries()) {
        assert.ok(Math.abs(probs[index] - prob) <= PROB_TOLERANCE, `${p.file}: class ${index} ${probs[index]} vs ${prob}`);
        if (i < 4 && r.top5[i][1] - r.top5[i + 1][1] > 2 * PROB_TOLERANCE) assert.equal(ours[i], index, `${p.file}: rank ${i + 1}`);
      }
    }
    console.log(`# largest probability difference from torchvision's pipeline: ${worst.toExponential(2)}`);
    assert.ok(worst <= PROB_TOLERANCE, `largest difference ${worst}`);
  });
});
