// One self-contained HTML page per run: the training curves (§4), the
// evaluation with the centre crop and the 10 views (§5, §6), per-class
// accuracy and confusions, the conv1 kernels (§6.1, Figure 3) and fc7 nearest
// neighbours (§6.1, Figure 4). Pictures are inlined (SVG as is, PNG as data:
// URIs), so the file opens offline and can be mailed on its own.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { loadModels } from '../runs/model-source.js';
import { evaluateModels, type EvalReport } from '../runs/run-eval.js';
import type { Device } from '../tensor/device.js';
import { nearestNeighbors, validationQueries, type NeighborResult } from '../eval/neighbors.js';
import { resolvePreprocessing } from '../eval/preprocess.js';
import { curvesSvg, readEpochMetrics } from './curves.js';
import type { FilterScaling } from './filters.js';
import { filterGrid } from './filters-png.js';
import { contactSheet } from './contact-sheet.js';
import { dataUri } from './png.js';
import type { ClassInfo } from '../data/types.js';

/** What a run's report holds and where it goes. */
export interface ReportContent {
  /** Prepared dataset; default: the one the run's checkpoints record. */
  readonly data?: string;
  /** Evaluations to run (default [1, 10]: centre crop and the paper's 10 views). */
  readonly views?: readonly (1 | 10)[];
  /** Evaluate on the first n validation images only (default: all). */
  readonly evalLimit?: number;
  /** Nearest-neighbour figure: queries (default: one per class, at most 8), k (default 6), training images searched (default all); false: none. */
  readonly neighbors?: { readonly queries?: number; readonly k?: number; readonly limit?: number } | false;
  readonly filterScaling?: FilterScaling;
  /** Where to write (default <run>/report.html). */
  readonly out?: string;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface ReportOptions extends ReportContent {
  /** Where the run's network computes (default: host memory and the active host kernels). */
  readonly device?: Device;
  readonly hostBackend?: string | null;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(2)}%`);

function evalTables(r: EvalReport): string {
  const rows = r.results.map((v) => `<tr><td>${v.views === 10 ? '10 views (§5)' : 'centre crop'}</td><td>${v.images}</td><td>${v.loss.toFixed(4)}</td><td>${pct(v.top1Error)}</td><td>${pct(v.top5Error)}</td></tr>`);
  const parts = [`<table><tr><th>views</th><th>images</th><th>loss</th><th>top-1 error</th><th>top-5 error</th></tr>${rows.join('')}</table>`];
  const last = r.results[r.results.length - 1];
  if (last) {
    const cls = [...last.perClass].sort((a, b) => a.accuracy - b.accuracy)
      .map((c) => `<tr><td>${esc(c.name)}</td><td>${esc(c.id)}</td><td>${c.images}</td><td>${pct(c.accuracy)}</td></tr>`);
    parts.push(`<h3>Per class (${last.views === 10 ? '10 views' : 'centre crop'}), worst first</h3><table><tr><th>class</th><th>id</th><th>images</th><th>accuracy</th></tr>${cls.join('')}</table>`);
    const conf = last.confusions.map((p) => `<tr><td>${esc(p.actual.name)}</td><td>${esc(p.predicted.name)}</td><td>${p.count}</td><td>${pct(p.rate)}</td></tr>`);
    parts.push(`<h3>Most confused pairs</h3><table><tr><th>true class</th><th>predicted</th><th>images</th><th>share of the class</th></tr>${conf.join('')}</table>`);
  }
  return parts.join('\n');
}

function neighborCaptions(results: readonly NeighborResult[], classes: readonly ClassInfo[]): string {
  const rows = results.map((r) => `<tr><td>${esc(r.name)}${r.label === null ? '' : ` (${esc(classes[r.label].name)})`}</td><td>${r.neighbors.map((n) => `${esc(classes[n.label].name)} <span class="d">${n.distance.toFixed(1)}</span>`).join(', ')}</td></tr>`);
  return `<table class="small"><tr><th>query</th><th>neighbours, nearest first (class, fc7 distance)</th></tr>${rows.join('')}</table>`;
}

/**
 * Writes the run's HTML report and returns its path. Works on a finished
 * run (model.safetensors) or, with a note, on the newest checkpoint of one
 * still training.
 */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const dir = resolve(runDir);
  const out = options.out ?? join(dir, 'report.html');
  const loaded = loadModels({ run: dir, data: options.data, log, device: options.device, hostBackend: options.hostBackend });
  const model = loaded.models[0];
  const sections: string[] = [];

  log('report: training curves');
  if (existsSync(join(dir, 'metrics', 'epochs.jsonl'))) {
    const history = readEpochMetrics(dir);
    const last = history[history.length - 1];
    sections.push(`<h2>Training curves</h2>${curvesSvg(history)}`,
      last ? `<p>${history.length} epochs; last: training loss ${last.trainLoss.toFixed(4)}, validation top-1 error ${pct(last.valTop1Error)}, top-5 ${pct(last.valTop5Error)}, learning rate ${last.learningRate}.</p>` : '');
  } else sections.push('<h2>Training curves</h2><p>No metrics/epochs.jsonl in this run.</p>');

  log('report: evaluation');
  const evalReport = await evaluateModels(loaded, { views: options.views ?? [1, 10], limit: options.evalLimit });
  sections.push(`<h2>Evaluation (${esc(evalReport.split)} split of ${esc(evalReport.data)})</h2>`, evalTables(evalReport));

  log('report: conv1 kernels');
  const scaling = options.filterScaling ?? 'kernel';
  const filters = await filterGrid(model, { scaling });
  const half = filters.layout.kernels / 2;
  sections.push('<h2>conv1 kernels (Figure 3)</h2>',
    `<p>The ${filters.layout.kernels} kernels of conv1, each ${filters.layout.kernelSize}×${filters.layout.kernelSize}×3, scaled ${scaling === 'kernel' ? 'each on its own' : 'all jointly'} to 0–255. Top block: kernels 0–${half - 1} (column 1); bottom block: ${half}–${filters.layout.kernels - 1} (column 2, the second GPU in the paper).</p>`,
    `<img class="pixel" alt="conv1 kernels" width="${filters.layout.width * 2}" src="${dataUri(filters.png, 'image/png')}">`);

  if (options.neighbors !== false) {
    log('report: nearest neighbours in fc7');
    const n = options.neighbors || {};
    const prep = resolvePreprocessing({ dataDir: evalReport.data, runDir: dir, cropSize: loaded.preset.inputSize, mean: loaded.config.data.mean, input: loaded.config.data.input });
    const queries = await validationQueries(evalReport.data, loaded.config, loaded.preset.inputSize, n.queries ?? Math.min(8, loaded.classes.length));
    const layer = model.net.layers.some((l) => l.name === 'fc7') ? 'fc7' : model.net.layers[model.net.layers.length - 2].name;
    const results = await nearestNeighbors(model, queries, evalReport.data, loaded.config, prep, { k: n.k ?? 6, limit: n.limit, layer });
    const sheet = await contactSheet(results, prep.cropSize, results.map((r) => r.label));
    sections.push(`<h2>Nearest training images in ${layer} (Figure 4, right)</h2>`,
      `<p>Left, blue border: validation images; right: the training images whose ${layer} activations are nearest in Euclidean distance, nearest first. Green border: same class as the query; red: another class.</p>`,
      `<img class="pixel" alt="nearest neighbours" width="${sheet.layout.width * 2}" src="${dataUri(sheet.png, 'image/png')}">`,
      neighborCaptions(results, loaded.classes));
  }

  const c = loaded.config;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>alexnet-ts run ${esc(dir)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}table.small{font-size:12px}table.small td{text-align:left}
.d{color:#888}img.pixel{image-rendering:pixelated;max-width:100%}pre{background:#f6f6f6;padding:.5em;overflow:auto}
</style></head><body>
<h1>alexnet-ts run report</h1>
<p>Run <code>${esc(dir)}</code>: preset <b>${esc(loaded.preset.name)}</b>, ${loaded.classes.length} classes, weights <code>${esc(loaded.files.join(', '))}</code>. Written ${new Date().toISOString()}.</p>
<details><summary>config</summary><pre>${esc(JSON.stringify(c, null, 2))}</pre></details>
${sections.join('\n')}
</body></html>
`;
  writeFileAtomic(out, html);
  return out;
}
