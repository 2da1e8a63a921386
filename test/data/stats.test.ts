import '../../src/backend/reference/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readSafetensors } from '../../src/io/safetensors-file.js';
import { prepareDataset } from '../../src/data/prepare.js';
import { symmetricEigen3 } from '../../src/data/stats.js';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { tempDir } from './images.js';

const rel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
};

describe('dataset statistics (docs/paper.md §5: mean image, PCA lighting)', () => {
  it('symmetricEigen3 reconstructs the matrix with orthonormal vectors, values descending', () => {
    const a = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1];
    const { values, vectors } = symmetricEigen3(a);
    assert.ok(values[0] >= values[1] && values[1] >= values[2]);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        const sum = [0, 1, 2].reduce((s, i) => s + values[i] * vectors[i][r] * vectors[i][c], 0);
        assert.ok(Math.abs(sum - a[3 * r + c]) < 1e-12, `A[${r}][${c}]`);
        const dot = [0, 1, 2].reduce((s, k) => s + vectors[r][k] * vectors[c][k], 0);
        assert.ok(Math.abs(dot - (r === c ? 1 : 0)) < 1e-12);
      }
    }
  });

  const t = tempDir('stats');
  after(t.cleanup);
  it('prepare computes the mean image, channel mean, covariance and eigen-decomposition numpy computes', async () => {
    const ref = readSafetensors(path.join(FIXTURE_DIR, 'data', 'stats.safetensors'));
    const get = (k: string) => ref.tensors.get(k)!.data as Float64Array;
    const { info } = await prepareDataset(path.join(FIXTURE_DIR, 'data', 'stats-set'), t.dir, { size: 16, progress: false, workers: 1 });
    const s = info.stats;
    assert.equal(s.images, Number(ref.metadata.images));
    assert.ok(rel(s.meanImage, get('mean_image')) < 1e-7, 'mean image');
    assert.ok(rel(s.meanChannel, get('mean_channel')) < 1e-12, 'channel mean');
    assert.ok(rel(s.covariance, get('covariance')) < 1e-10, 'covariance');
    assert.ok(rel(s.eigenvalues, get('eigenvalues')) < 1e-10, 'eigenvalues');
    assert.ok(rel(s.eigenvectors.flat(), get('eigenvectors')) < 1e-8, 'eigenvectors');
  });
});
