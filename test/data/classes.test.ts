import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FASHION_MNIST_CLASSES, ilsvrc2012Classes } from '../../src/data/classes.js';

describe('ILSVRC-2012 classes (src/data/ilsvrc2012-classes.ts)', () => {
  const classes = ilsvrc2012Classes();
  it('are 1000 WordNet ids in sorted order, index = position (docs/paper.md §5)', () => {
    assert.equal(classes.length, 1000);
    classes.forEach((c, i) => {
      assert.equal(c.index, i);
      assert.match(c.id, /^n\d{8}$/);
      if (i > 0) assert.ok(classes[i - 1].id < c.id, `${classes[i - 1].id} < ${c.id}`);
    });
  });
  it('have the known indices and names', () => {
    const at = (i: number) => [classes[i].id, classes[i].name];
    assert.deepEqual(at(0), ['n01440764', 'tench']);
    assert.deepEqual(at(1), ['n01443537', 'goldfish']);
    assert.deepEqual(at(278), ['n02119789', 'kit fox']);
    assert.deepEqual(at(340), ['n02391049', 'zebra']);
    assert.deepEqual(at(999), ['n15075141', 'toilet tissue']);
  });
  it('map the devkit ILSVRC2012_IDs one to one (1 = kit fox, 449 = tench)', () => {
    const ids = classes.map((c) => c.ilsvrc2012Id).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 1000 }, (_, i) => i + 1));
    assert.equal(classes.find((c) => c.ilsvrc2012Id === 1)?.id, 'n02119789');
    assert.equal(classes[0].ilsvrc2012Id, 449);
  });
  it('Fashion-MNIST has ids 0..9 with its names', () => {
    assert.deepEqual(FASHION_MNIST_CLASSES.map((c) => c.id), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(FASHION_MNIST_CLASSES[0].name, 'T-shirt/top');
    assert.equal(FASHION_MNIST_CLASSES[9].name, 'Ankle boot');
  });
});
