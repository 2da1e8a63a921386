// The data pipeline's part of `npm run bench`, in a process of its own:
// ingest (`prepare` of ILSVRC-sized JPEGs into 256-pixel JPEG shards) and the
// loader's training augmentation (random 224 crop, flip, PCA lighting, mean
// image; docs/paper.md §5) streaming and decoding those shards, with all worker
// threads and with the default count that leaves the trainer its cores.
// Prints one JSON object.
import '../src/backend/reference/index.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { openLoader } from '../src/data/loader.js';
import { prepareDataset } from '../src/data/prepare.js';

const arg = (name: string, dflt: string) => (process.argv.indexOf(`--${name}`) >= 0 ? process.argv[process.argv.indexOf(`--${name}`) + 1] : dflt);
const images = Number(arg('images', '512'));
const batches = Number(arg('batches', '12'));
const cores = availableParallelism();
const photos = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/images');
const tmp = mkdtempSync(path.join(tmpdir(), 'alexnet-bench-data-'));

try {
  // Sources like ILSVRC's (about 500×375 JPEGs, 8 classes): crops of the test photos.
  const srcs = ['chelsea', 'coffee', 'astronaut'].map((p) => readFileSync(path.join(photos, `${p}.jpg`)));
  for (let k = 0; k < images; k++) {
    const dir = path.join(tmp, 'src', `c${k % 8}`);
    mkdirSync(dir, { recursive: true });
    const img = sharp(srcs[k % 3]);
    const { width = 0, height = 0 } = await img.metadata();
    const w = Math.floor(width * 0.7), h = Math.floor(height * 0.7);
    const left = (k * 7) % (width - w), top = (k * 13) % (height - h);
    const out = await img.extract({ left, top, width: w, height: h }).resize(k % 2 ? 500 : 375, k % 2 ? 375 : 500, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
    writeFileSync(path.join(dir, `${k}.jpg`), out);
  }
  let t = performance.now();
  await prepareDataset(path.join(tmp, 'src'), path.join(tmp, 'out'), { size: 256, progress: false, workers: cores });
  const ingest = images / ((performance.now() - t) / 1000);

  const loaderRate = async (workers: number | undefined) => {
    const l = await openLoader(path.join(tmp, 'out'), 'train', {
      batchSize: 128, mode: 'train', cropSize: 224, seed: 1, shuffle: true, dropLast: false, workers, cacheBytes: 0,
      augment: { randomCrop: true, flip: true, pcaStd: 0.1, pcaUnits: 'paper', mean: 'pixel' },
    });
    let n = 0, done = 0, start = 0, cpu = process.cpuUsage();
    for (let e = 0; done <= batches; e++) {
      for await (const b of l.epoch(e)) {
        if (done === 0) [start, cpu] = [performance.now(), process.cpuUsage()]; // after the first batch: workers started, pipeline full
        else n += b.labels.length;
        if (++done > batches) break;
      }
    }
    const seconds = (performance.now() - start) / 1000, used = process.cpuUsage(cpu);
    await l.close();
    // CPU time of the whole process (all threads) per image: what the loader takes from the trainer, whatever the machine's load.
    return { img_s: n / seconds, cpu_ms_per_img: (used.user + used.system) / 1000 / n };
  };
  const all = await loaderRate(cores);
  const dflt = await loaderRate(undefined);
  console.log(JSON.stringify({ images, cores, ingest_img_s: ingest, loader_img_s: all.img_s, loader_cpu_ms_per_img: all.cpu_ms_per_img, loader_workers: cores, default_loader_img_s: dflt.img_s, load_average: loadavg()[0] }));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
