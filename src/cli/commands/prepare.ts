import type { Command } from '../args.js';
import { prepareDataset, PrepareInterrupted, type ImageEncoding } from '../../index.js';

export const prepare: Command = {
  spec: {
    name: 'prepare',
    summary: 'Turn a folder of images into a prepared dataset (shards, mean image, PCA statistics).',
    usage: ['[options] <images> <out>'],
    description: `Reads <images> in one of these layouts:
  <images>/train/<class>/*  and optionally <images>/val/ (class sub-folders, the ILSVRC
                           devkit's ILSVRC2012_validation_ground_truth.txt, or a CSV
                           'file,label'; see --val-labels)
  <images>/<class>/*       any folder of class folders (training split only)
  <images>/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]   (Fashion-MNIST)
Each image is rescaled so its shorter side is --size, centre-cropped to a square
and stored as RGB in tar shards under <out> (docs/paper.md §5). Classes are the sorted
folder names; WordNet ids get their ILSVRC-2012 names. Unreadable files are
skipped and listed in <out>/report.txt. Interrupt at any time: running the same
command again keeps the finished shards and continues.`,
    positionals: { min: 2, max: 2, name: '<images> <out>' },
    options: [
      { name: 'size', type: 'integer', value: '<pixels>', default: 256, help: 'side of the prepared squares' },
      { name: 'val-labels', type: 'string', value: '<file>', help: 'labels of the validation images: devkit ground truth or CSV (file,label)' },
      { name: 'val-split', type: 'integer', value: '<n>', help: 'carve a validation split of n training images (class-balanced); the source\'s own validation images become the test split' },
      { name: 'workers', alias: 'j', type: 'integer', value: '<n>', help: 'worker threads [default: all cores]' },
      { name: 'quiet', alias: 'q', type: 'boolean', help: 'no progress bar' },
      { name: 'train', type: 'string', value: '<dir>', help: 'training folder, if not <images>/train', advanced: true },
      { name: 'val', type: 'string', value: '<dir>', help: 'validation folder, if not <images>/val', advanced: true },
      { name: 'encoding', type: 'string', value: '<jpeg|raw>', choices: ['jpeg', 'raw'], help: 'how shards store images [default: raw up to 64 pixels, else jpeg]', advanced: true },
      { name: 'quality', type: 'integer', value: '<1-100>', default: 90, help: 'JPEG quality', advanced: true },
      { name: 'shard-size', type: 'integer', value: '<n>', default: 1000, help: 'images per shard', advanced: true },
      { name: 'names', type: 'string', value: '<auto|ids>', choices: ['auto', 'ids'], default: 'auto', help: 'class names: ILSVRC/Fashion-MNIST names where known, or the ids', advanced: true },
    ],
    examples: [
      'alexnet prepare ~/ILSVRC2012 data/ilsvrc256              # train/ and val/ with the devkit labels',
      'alexnet prepare --val-labels val.csv ~/photos data/photos',
      'alexnet prepare --size 28 /usr/share/datasets/fashion-mnist data/fashion28',
      'alexnet prepare --size 28 --val-split 5000 /usr/share/datasets/fashion-mnist data/fashion28-val   # t10k becomes the test split',
    ],
  },
  async run(args) {
    const [source, out] = args.positionals;
    const o = args.options;
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const r = await prepareDataset(source, out, {
        size: o.size as number,
        valLabels: o['val-labels'] as string | undefined,
        workers: o.workers as number | undefined,
        progress: o.quiet !== true,
        train: o.train as string | undefined,
        val: o.val as string | undefined,
        encoding: o.encoding as ImageEncoding | undefined,
        quality: o.quality as number,
        shardSize: o['shard-size'] as number,
        names: o.names as 'auto' | 'ids',
        valSplit: o['val-split'] as number | undefined,
        signal: abort.signal,
      });
      const s = r.info.splits;
      console.log(`${out}: ${r.info.classes.length} classes, ${r.info.size}×${r.info.size} ${r.info.encoding}; train ${s.train?.count ?? 0}${s.val ? `, val ${s.val.count}` : ''}${s.test ? `, test ${s.test.count}` : ''} images${r.resumedShards ? ` (${r.resumedShards} shards kept from an earlier run)` : ''}`);
      if (r.skipped > 0) console.log(`${r.skipped} files skipped; see ${r.report}`);
      if (r.emptyClasses.length > 0) console.error(`warning: ${r.emptyClasses.length} classes have no images (${r.emptyClasses.slice(0, 5).join(', ')}${r.emptyClasses.length > 5 ? ', …' : ''}); see ${r.report}`);
      return 0;
    } catch (e) {
      if (e instanceof PrepareInterrupted) {
        console.error(`\nalexnet prepare: ${e.message}`);
        return 130;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
