// The programs in examples/ run as a user runs them (compiled to
// dist/examples, importing 'alexnet-ts' by its package name, resolved
// through the package's exports map), and their printed results are checked:
// - classify with a torchvision .pth: the top-5 of torchvision's own
//   pipeline (tools/gen_fixtures_pretrained.py, same hash-recipe weights),
//   within the resampling tolerance of test/eval/torchvision-pipeline.test.ts;
// - classify with a preset's random weights: the same top-5 as the
//   reference kernels give in this process;
// - features: the fc7 neighbours of a photo's mirror image is the photo;
// - train-mini: one epoch learns (validation error far below chance) and
//   evaluate() reproduces the trainer's own validation figures exactly;
// - fine-tune: the folder's classes, and a prediction among them.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { scratchDir } from '../helpers/interop.js';
import { hashRecipeTorchvisionPth, torchvisionPredictFixture } from '../helpers/torch-writer.js';
import { createNetwork } from '../../src/index.js';

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const PHOTOS = path.join(FIXTURE_DIR, 'images');
const photo = (name: string) => path.join(PHOTOS, name);
/** As test/eval/torchvision-pipeline.test.ts: sharp's resampling against PIL's moves probabilities by up to ~0.02. */
const PROB_TOLERANCE = 0.01;

async function run(example: string, args: readonly string[], cwd?: string): Promise<{ lines: string[]; result: Record<string, unknown> }> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(EXAMPLES, `${example}.js`), ...args], { maxBuffer: 1 << 26, cwd, env: { ...process.env, ALEXNET_BACKEND: '' } });
  const lines = stdout.trim().split('\n');
  return { lines, result: JSON.parse(lines[lines.length - 1]) as Record<string, unknown> };
}

interface Scored { index: number; label: string; id: string; probability: number }

describe('examples/', () => {
  const dir = scratchDir();
  const pth = path.join(dir, 'alexnet-torchvision.pth');
  before(() => writeFileSync(pth, hashRecipeTorchvisionPth()));

  it("classify.js with a torchvision .pth gives torchvision's top-5", async () => {
    const ref = torchvisionPredictFixture();
    for (const image of ['dog.jpg', 'eagle.jpg']) {
      const { result, lines } = await run('classify', [photo(image), pth]);
      assert.equal(result.preset, 'torchvision');
      assert.equal(result.backend, 'native');
      const top5 = result.top5 as Scored[];
      const want = ref.images[image].top5;
      assert.equal(top5.length, 5);
      for (const [i, [index, probability]] of want.entries()) {
        const got = top5.find((c) => c.index === index);
        assert.ok(got, `${image}: torchvision's class ${index} (rank ${i + 1}) is in our top-5`);
        assert.ok(Math.abs(got.probability - probability) <= PROB_TOLERANCE, `${image}: class ${index}: ${got.probability} vs ${probability}`);
        if (i < 4 && want[i][1] - want[i + 1][1] > 2 * PROB_TOLERANCE) assert.equal(top5[i].index, index, `${image}: rank ${i + 1}`);
      }
      // ImageNet's names, bundled: index 739 is 'potter's wheel' in sorted-WordNet order.
      assert.match(lines[0], /%\s+\S/);
      assert.equal(top5[0].id.startsWith('n'), true);
    }
  });

  it("classify.js with a preset's random weights gives the reference kernels' top-5", async () => {
    const { result } = await run('classify', [photo('coffee.jpg')]);
    assert.equal(result.preset, 'torchvision');
    const reference = await createNetwork({ preset: 'torchvision', seed: 1, backend: 'reference' });
    const want = await reference.classify(photo('coffee.jpg'));
    const got = result.top5 as Scored[];
    assert.deepEqual(got.map((c) => c.index), want.map((c) => c.index));
    for (const [i, c] of got.entries()) assert.ok(Math.abs(c.probability - want[i].probability) < 1e-9, `${c.probability} vs ${want[i].probability}`);
  });

  it("features.js: a photo's mirror image has the photo as its nearest fc7 neighbour", async () => {
    const mirror = path.join(dir, 'dog-mirrored.png');
    await sharp(photo('dog.jpg')).flop().png().toFile(mirror);
    const names = ['eagle.jpg', 'dog.jpg', 'coffee.jpg', 'astronaut.jpg', 'chelsea.jpg'].map(photo);
    const { result } = await run('features', [pth, ...names, mirror]);
    assert.equal(result.dimensions, 4096);
    const n = result.neighbours as { photo: string; nearest: string[] }[];
    assert.equal(n.find((x) => x.photo === mirror)?.nearest[0], photo('dog.jpg'));
    assert.equal(n.find((x) => x.photo === photo('dog.jpg'))?.nearest[0], mirror);
  });

  let trained = '';
  it('train-mini.js learns in one epoch, and evaluate() reproduces its validation', async () => {
    const cwd = scratchDir();
    const runDir = path.join(cwd, 'run');
    const { result, lines } = await run('train-mini', [runDir], cwd);
    assert.equal(result.status, 'completed');
    const [epoch] = result.history as { valTop1Error: number; valTop5Error: number; valLoss: number; trainLoss: number }[];
    const centre = result.centre as { images: number; top1Error: number; top5Error: number; loss: number };
    const ten = result.tenViews as { top1Error: number };
    // Ten classes: chance is 90% top-1 error; one epoch of mini reaches ~35%.
    assert.ok(centre.top1Error < 0.6, `top-1 error ${centre.top1Error}`);
    assert.ok(epoch.trainLoss < Math.log(10), `train loss ${epoch.trainLoss}`);
    assert.equal(centre.images, 2000);
    assert.equal(centre.top1Error, epoch.valTop1Error);
    assert.equal(centre.top5Error, epoch.valTop5Error);
    assert.ok(Math.abs(centre.loss - epoch.valLoss) < 1e-9);
    assert.ok(Math.abs(ten.top1Error - centre.top1Error) < 0.05, `10 views ${ten.top1Error} vs centre ${centre.top1Error}`);
    assert.ok(lines.some((l) => /^step 62\/62 {2}loss \d/.test(l)), 'a progress line per 10 steps');
    assert.match(String(result.checkpoint), /ckpt-000000062\.json$/);
    trained = path.join(runDir, 'model.safetensors');
  });

  it('fine-tune.js trains a new classifier on a folder of photos', async () => {
    assert.ok(trained, 'needs the train-mini run');
    const photos = path.join(scratchDir(), 'photos');
    for (const [cls, files] of [['animals', ['dog.jpg', 'eagle.jpg', 'chelsea.jpg']], ['objects', ['coffee.jpg', 'astronaut.jpg']]] as const) {
      mkdirSync(path.join(photos, cls), { recursive: true });
      for (const f of files) copyFileSync(photo(f), path.join(photos, cls, f));
    }
    const { result } = await run('fine-tune', [trained, photos, photo('dog.jpg')]);
    assert.equal(result.status, 'completed');
    assert.deepEqual(result.classes, ['animals', 'objects']);
    const history = result.history as { trainLoss: number }[];
    assert.equal(history.length, 3);
    for (const h of history) assert.ok(Number.isFinite(h.trainLoss) && h.trainLoss < 5, `loss ${h.trainLoss}`);
    const [p] = result.prediction as Scored[];
    assert.ok(['animals', 'objects'].includes(p.label));
    assert.ok(p.probability > 0.5 && p.probability < 1);
  });
});
