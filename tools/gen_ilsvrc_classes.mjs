#!/usr/bin/env node
// Generates data/ilsvrc2012-classes.json, the 1000 ILSVRC-2012 classes in the
// order the network's outputs use (sorted WordNet ids, docs/paper.md §5), from two
// Debian packages:
// - darknet: /usr/share/darknet/data/imagenet.labels.list (WordNet ids) and
//   imagenet.shortnames.list (one short name each); their first 1000 lines are
//   the ILSVRC-2012 classes in the devkit's ILSVRC2012_ID order (1-based),
//   which is how the devkit's validation ground truth numbers classes;
// - opencv-doc: classification_classes_ILSVRC2012.txt, the full synonym list
//   of each class, one line per class in sorted-WordNet-id order.
// Run once: node tools/gen_ilsvrc_classes.mjs; the JSON is committed.
import { readFileSync, writeFileSync } from 'node:fs';

const DARKNET = '/usr/share/darknet/data';
const OPENCV = '/usr/share/doc/opencv-doc/examples/data/dnn/classification_classes_ILSVRC2012.txt';
const lines = (p) => readFileSync(p, 'utf-8').split('\n').filter((l) => l.trim() !== '');

const wnids = lines(`${DARKNET}/imagenet.labels.list`).slice(0, 1000);
const short = lines(`${DARKNET}/imagenet.shortnames.list`).slice(0, 1000);
const synonyms = lines(OPENCV);
if (new Set(wnids).size !== 1000 || synonyms.length !== 1000) throw new Error('unexpected source files');

const byId = wnids.map((id, i) => ({ id, name: short[i], ilsvrc2012Id: i + 1 }));
byId.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const classes = byId.map((c, index) => ({ index, id: c.id, name: c.name, synonyms: synonyms[index], ilsvrc2012Id: c.ilsvrc2012Id }));
// Cross-check the two sources: the short name is one of opencv's synonyms for most classes.
const agree = classes.filter((c) => c.synonyms.split(', ').some((s) => s.toLowerCase() === c.name.toLowerCase())).length;
if (agree < 900) throw new Error(`darknet and opencv names agree on only ${agree} classes: orders differ?`);

const out = {
  description: 'ILSVRC-2012 classification classes: index = position in sorted WordNet ids (the network output order); ilsvrc2012Id = the devkit class number used by ILSVRC2012_validation_ground_truth.txt',
  sources: ['darknet: data/imagenet.labels.list, data/imagenet.shortnames.list (first 1000 lines)', 'opencv: samples/data/dnn/classification_classes_ILSVRC2012.txt'],
  classes,
};
// One class per line: readable and diff-friendly.
const text = `{\n "description": ${JSON.stringify(out.description)},\n "sources": ${JSON.stringify(out.sources)},\n "classes": [\n${classes.map((c) => `  ${JSON.stringify(c)}`).join(',\n')}\n ]\n}\n`;
JSON.parse(text);
writeFileSync(new URL('../data/ilsvrc2012-classes.json', import.meta.url), text);
console.log(`wrote 1000 classes; darknet short name found among opencv synonyms for ${agree}`);
