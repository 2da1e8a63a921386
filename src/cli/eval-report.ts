// What `alexnet eval` (and `alexnet demo`) print of an evaluation: the error
// rates by views, then the worst and best classes and the most confused pairs.
import { evaluate, type Ensemble, type EvaluateOptions, type EvaluationReport as EvalReport, type EvaluationResult, type Network, type NodeImage, type ViewsResult } from '../index.js';

export type { EvalReport, ViewsResult };

/** Evaluates a network or an ensemble with each number of views in turn, as one report. */
export async function evaluationReport(target: Network<NodeImage> | Ensemble<NodeImage>, networks: readonly Network<NodeImage>[], views: readonly (1 | 10)[], o: Omit<EvaluateOptions, 'views' | 'onProgress'> & { readonly onProgress?: (views: number, done: number, total: number) => void }): Promise<EvalReport> {
  const results: ViewsResult[] = [];
  let data = '';
  const split = o.split ?? 'val';
  for (const v of views) {
    const r = await evaluate(target, { ...o, views: v, onProgress: o.onProgress && ((done, total) => o.onProgress!(v, done, total)) });
    data = r.data;
    results.push(viewsResult(r));
  }
  return { preset: networks[0].preset, weights: networks.map((n) => n.info().source), data, split, results };
}

/** An evaluation's figures without where it ran (the report says that once). */
export function viewsResult(r: EvaluationResult): ViewsResult {
  return { views: r.views, images: r.images, loss: r.loss, top1Error: r.top1Error, top5Error: r.top5Error, perClass: r.perClass, confusions: r.confusions };
}

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(2)}%`);

/** The report as a plain-text table (what `alexnet eval` prints). */
export function formatEvalReport(r: EvalReport): string {
  const lines: string[] = [];
  const what = r.weights.length > 1 ? `ensemble of ${r.weights.length} networks (softmax averaged)` : r.weights[0];
  lines.push(`${what}, preset ${r.preset}`, `${r.data} (${r.split})`, '');
  lines.push(`${'views'.padEnd(14)}${'images'.padStart(8)}${'loss'.padStart(9)}${'top-1 err'.padStart(11)}${'top-5 err'.padStart(11)}`);
  for (const v of r.results) {
    lines.push(`${(v.views === 10 ? '10 (§5)' : '1 (centre)').padEnd(14)}${String(v.images).padStart(8)}${v.loss.toFixed(4).padStart(9)}${pct(v.top1Error).padStart(11)}${pct(v.top5Error).padStart(11)}`);
  }
  const last = r.results[r.results.length - 1];
  if (!last) return lines.join('\n') + '\n';
  lines.push('', `per class (${last.views === 10 ? '10 views' : 'centre crop'}):`);
  const width = Math.max(5, ...last.perClass.map((c) => c.name.length));
  const sorted = [...last.perClass].sort((a, b) => a.accuracy - b.accuracy);
  const shown = sorted.length > 20 ? [...sorted.slice(0, 10), null, ...sorted.slice(-10)] : sorted;
  lines.push(`  ${'class'.padEnd(width)}  ${'images'.padStart(6)}  ${'accuracy'.padStart(8)}`);
  for (const c of shown) lines.push(c ? `  ${c.name.padEnd(width)}  ${String(c.images).padStart(6)}  ${pct(c.accuracy).padStart(8)}` : `  … ${sorted.length - 20} more`);
  if (last.confusions.length) {
    lines.push('', 'most confused (true → predicted):');
    for (const p of last.confusions) lines.push(`  ${`${p.actual.name} → ${p.predicted.name}`.padEnd(2 * width + 3)}  ${String(p.count).padStart(6)}  ${pct(p.rate).padStart(8)}`);
  }
  return lines.join('\n') + '\n';
}
