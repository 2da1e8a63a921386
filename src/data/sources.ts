// What `alexnet prepare` reads: the input layouts, turned into ordered lists
// of (source, label) per split. Layouts (docs/paper.md §5 and docs/data.md):
// - ILSVRC: <src>/train/<wnid>/*.JPEG, and <src>/val/ with either class
//   sub-folders, the devkit's ILSVRC2012_validation_ground_truth.txt, or a
//   CSV (`file,label`, or Kaggle's `ImageId,PredictionString`);
// - generic: <src>/<class>/<images> (training split only), or the same
//   under <src>/train and <src>/val;
// - IDX (Fashion-MNIST): <src>/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz].
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FASHION_MNIST_CLASSES, ilsvrc2012Classes, nameClasses, sortIds } from './classes.js';
import { readIdx, type IdxArray } from './idx.js';
import type { ClassInfo, SplitName } from './types.js';

/** One input image: a file, or image `index` of an IDX array. */
export type Item =
  | { readonly source: string; readonly label: number; readonly file: string }
  | { readonly source: string; readonly label: number; readonly idx: IdxArray; readonly index: number };

export interface Sources {
  readonly root: string;
  readonly layout: 'idx' | 'folders';
  readonly classes: readonly ClassInfo[];
  readonly splits: Partial<Record<SplitName, readonly Item[]>>;
  /** Files seen but not taken, with the reason (listed in the report). */
  readonly ignored: readonly { readonly source: string; readonly reason: string }[];
}

export interface SourceOptions {
  /** Training folder (default: <src>/train if it exists, else <src>). */
  readonly train?: string;
  /** Validation folder (default: <src>/val if it exists). */
  readonly val?: string;
  /** Validation labels: devkit ground truth or CSV (default: looked for in the val folder and <src>). */
  readonly valLabels?: string;
  /** Class names: 'auto' (ILSVRC names for WordNet ids, Fashion-MNIST names for IDX), or 'ids'. */
  readonly names?: 'auto' | 'ids';
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.heic', '.heif', '.jxl', '.svg']);
const isImageName = (f: string) => IMAGE_EXT.has(path.extname(f).toLowerCase());
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

function fail(message: string): never {
  throw new Error(message);
}

/** Image files under `dir` (recursively), sorted, as paths relative to `dir`; other files go to `ignored`. */
function listImages(dir: string, ignored: { source: string; reason: string }[], rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => byName(a.name, b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listImages(dir, ignored, r));
    else if (isImageName(e.name)) out.push(r);
    else if (!e.name.startsWith('.')) ignored.push({ source: path.join(dir, r), reason: `not an image file name (extensions: ${[...IMAGE_EXT].join(' ')})` });
  }
  return out;
}

function findIdx(dir: string, prefix: string, kind: 'images-idx3' | 'labels-idx1'): string | null {
  for (const ext of ['', '.gz']) {
    const p = path.join(dir, `${prefix}-${kind}-ubyte${ext}`);
    if (existsSync(p)) return p;
  }
  return null;
}

function idxSplit(dir: string, prefix: string): Item[] | null {
  const imagesFile = findIdx(dir, prefix, 'images-idx3');
  if (!imagesFile) return null;
  const labelsFile = findIdx(dir, prefix, 'labels-idx1') ?? fail(`${imagesFile}: no ${prefix}-labels-idx1-ubyte[.gz] beside it; put the labels file in ${dir}`);
  const images = readIdx(imagesFile), labels = readIdx(labelsFile);
  if (images.dims.length !== 3) fail(`${imagesFile}: expected [N, rows, cols] images, got ${images.dims.length} dimensions`);
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) fail(`${labelsFile}: ${labels.dims[0]} labels for ${images.dims[0]} images in ${imagesFile}`);
  const name = path.basename(imagesFile);
  return Array.from({ length: images.dims[0] }, (_, i) => ({ source: `${name}#${i}`, label: labels.data[i], idx: images, index: i }));
}

function idxSources(root: string, opts: SourceOptions): Sources {
  const train = idxSplit(root, 'train') ?? fail(`${root}: no train-images-idx3-ubyte[.gz]`);
  const val = idxSplit(root, 't10k');
  const maxLabel = Math.max(...train.map((t) => t.label), ...(val ?? []).map((t) => t.label));
  const ids = Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  // Fashion-MNIST and MNIST share file names; the ten Fashion-MNIST names apply unless asked for ids.
  const classes = opts.names !== 'ids' && ids.length === 10 ? FASHION_MNIST_CLASSES : ids.map((id) => ({ id, name: id }));
  return { root, layout: 'idx', classes, splits: val ? { train, val } : { train }, ignored: [] };
}

/** <dir>/<class>/<images>: classes = sub-folders (sorted), each image labelled by its folder. */
function classFolders(dir: string, classIndex: Map<string, number> | null, ignored: { source: string; reason: string }[]): { ids: string[]; items: Item[] } {
  const ids = sortIds(readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name));
  const index = classIndex ?? new Map(ids.map((id, i) => [id, i]));
  const items: Item[] = [];
  for (const id of ids) {
    const label = index.get(id);
    if (label === undefined) fail(`${path.join(dir, id)}: class '${id}' is not a training class; the validation folders must use the training folder names`);
    for (const f of listImages(path.join(dir, id), ignored)) items.push({ source: `${id}/${f}`, label, file: path.join(dir, id, f) });
  }
  for (const f of readdirSync(dir)) if (!isDir(path.join(dir, f)) && !f.startsWith('.')) ignored.push({ source: path.join(dir, f), reason: 'file outside the class folders' });
  return { ids, items };
}

/** CSV with a header: `file,label` or Kaggle's `ImageId,PredictionString` (first WordNet id of the string). */
function csvLabels(file: string, valDir: string, classIndex: Map<string, number>, numClasses: number): Item[] {
  const lines = readFileSync(file, 'utf-8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').toLowerCase().split(',').map((s) => s.trim());
  const kaggle = header[0] === 'imageid';
  if (!kaggle && !(header[0] === 'file' && header[1] === 'label')) fail(`${file}: expected a header 'file,label' (or 'ImageId,PredictionString'), got '${header.join(',')}'`);
  const names = new Set(readdirSync(valDir));
  return lines.map((line, i) => {
    const [a, b] = line.split(',').map((s) => s.trim());
    const where = `${file}:${i + 2}`;
    let name = a;
    if (kaggle && !path.extname(a)) name = [...['.JPEG', '.jpg', '.jpeg', '.png']].map((e) => a + e).find((n) => names.has(n)) ?? `${a}.JPEG`;
    const id = kaggle ? (b ?? '').split(/\s+/)[0] : b;
    let label = classIndex.get(id);
    if (label === undefined && /^\d+$/.test(id) && Number(id) < numClasses) label = Number(id);
    if (label === undefined) fail(`${where}: label '${id}' is not a class id (the training folder names) nor an index below ${numClasses}`);
    return { source: `val/${name}`, label, file: path.join(valDir, name) };
  }).sort((x, y) => byName(x.source, y.source));
}

/** The devkit's ILSVRC2012_validation_ground_truth.txt: line i is the ILSVRC2012_ID of ILSVRC2012_val_<i, 8 digits>.JPEG. */
function devkitLabels(file: string, valDir: string, classIndex: Map<string, number>, ignored: { source: string; reason: string }[]): Item[] {
  const byDevkitId = new Map(ilsvrc2012Classes().map((c) => [c.ilsvrc2012Id, c.id]));
  const lines = readFileSync(file, 'utf-8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const items: Item[] = [];
  lines.forEach((line, i) => {
    const id = byDevkitId.get(Number(line.trim())) ?? fail(`${file}:${i + 1}: '${line}' is not an ILSVRC2012_ID (1–1000)`);
    const name = `ILSVRC2012_val_${String(i + 1).padStart(8, '0')}.JPEG`;
    const label = classIndex.get(id);
    if (label === undefined) ignored.push({ source: `val/${name}`, reason: `class ${id} is not among the training classes` });
    else items.push({ source: `val/${name}`, label, file: path.join(valDir, name) });
  });
  return items;
}

function findValLabels(dirs: string[]): string | null {
  for (const d of dirs) {
    for (const n of ['ILSVRC2012_validation_ground_truth.txt', 'LOC_val_solution.csv', 'val.csv', 'labels.csv']) if (existsSync(path.join(d, n))) return path.join(d, n);
  }
  return null;
}

function folderSources(root: string, opts: SourceOptions): Sources {
  const ignored: { source: string; reason: string }[] = [];
  const trainDir = opts.train ?? (isDir(path.join(root, 'train')) ? path.join(root, 'train') : root);
  const valDir = opts.val ?? (isDir(path.join(root, 'val')) && trainDir !== root ? path.join(root, 'val') : undefined);
  if (!isDir(trainDir)) fail(`${trainDir}: no such folder`);
  const train = classFolders(trainDir, null, ignored);
  if (train.ids.length === 0) fail(`${trainDir}: no class sub-folders. Expected <dir>/<class>/<images> (e.g. train/n01440764/*.JPEG), or IDX files (train-images-idx3-ubyte.gz)`);
  const classIndex = new Map(train.ids.map((id, i) => [id, i]));
  const splits: Partial<Record<SplitName, readonly Item[]>> = { train: train.items };
  if (valDir) {
    if (!isDir(valDir)) fail(`${valDir}: no such folder`);
    const labels = opts.valLabels ?? findValLabels([valDir, root, path.dirname(valDir)]);
    const hasClassDirs = readdirSync(valDir, { withFileTypes: true }).some((e) => e.isDirectory() && classIndex.has(e.name));
    if (labels && !hasClassDirs) {
      splits.val = labels.endsWith('.csv') ? csvLabels(labels, valDir, classIndex, train.ids.length) : devkitLabels(labels, valDir, classIndex, ignored);
    } else if (hasClassDirs) {
      splits.val = classFolders(valDir, classIndex, ignored).items;
    } else {
      fail(`${valDir}: validation images need labels: class sub-folders, or --val-labels <file> (the devkit's ILSVRC2012_validation_ground_truth.txt, or a CSV 'file,label')`);
    }
  }
  const classes = opts.names === 'ids' ? train.ids.map((id) => ({ id, name: id })) : nameClasses(train.ids);
  return { root, layout: 'folders', classes, splits, ignored };
}

/** Reads the layout under `root` (see the file comment). */
export function findSources(root: string, opts: SourceOptions = {}): Sources {
  if (!existsSync(root)) fail(`${root}: no such file or folder`);
  if (!isDir(root)) fail(`${root}: not a folder; give the folder that holds the images (or the IDX files)`);
  if (!opts.train && findIdx(root, 'train', 'images-idx3')) return idxSources(root, opts);
  return folderSources(root, opts);
}
