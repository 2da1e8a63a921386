// Class lists shipped with the package: the 1000 ILSVRC-2012 classes in the
// network's output order (sorted WordNet ids, docs/paper.md §5) and the ten
// Fashion-MNIST classes of the embedded default dataset. Pure: bundled into
// browser builds as data.
import type { ClassInfo } from './types.js';
import { ILSVRC2012_ROWS } from './ilsvrc2012-classes.js';

export interface IlsvrcClass extends ClassInfo {
  /** Output index: position in sorted WordNet ids. */
  readonly index: number;
  /** All names of the synset, comma-separated. */
  readonly synonyms: string;
  /** The devkit's class number (1-based), as in ILSVRC2012_validation_ground_truth.txt. */
  readonly ilsvrc2012Id: number;
}

let ilsvrc: readonly IlsvrcClass[] | null = null;

/** The 1000 ILSVRC-2012 classes, index = network output (ilsvrc2012-classes.ts, made by tools/gen_ilsvrc_classes.mjs). */
export function ilsvrc2012Classes(): readonly IlsvrcClass[] {
  if (!ilsvrc) {
    ilsvrc = Object.freeze(ILSVRC2012_ROWS.map(([id, name, synonyms, ilsvrc2012Id], index) => Object.freeze({ index, id, name, synonyms, ilsvrc2012Id })));
  }
  return ilsvrc;
}

/** Fashion-MNIST's labels 0–9 (github.com/zalandoresearch/fashion-mnist). */
export const FASHION_MNIST_CLASSES: readonly ClassInfo[] = Object.freeze(
  ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'].map((name, i) => ({ id: String(i), name })),
);

/** Names for class ids found in folders: ILSVRC names when every id is a WordNet id of ILSVRC-2012, else the id itself. */
export function nameClasses(ids: readonly string[]): ClassInfo[] {
  const known = new Map<string, string>();
  if (ids.length > 0 && ids.every((id) => /^n\d{8}$/.test(id))) for (const c of ilsvrc2012Classes()) known.set(c.id, c.name);
  return ids.map((id) => ({ id, name: known.get(id) ?? id }));
}

/** Sorted the way the paper orders classes: by id, code-point order (§5). */
export function sortIds(ids: Iterable<string>): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
