// <suite>/report.html: every claim beside the paper's figure, then each
// claim's learning curves (mean over seeds per variant). Self-contained:
// inline SVG (src/viz/curves.ts), no scripts, no external files.
import { writeFileAtomic } from '../io/atomic.js';
import type { EpochMetrics } from '../train/checkpoint.js';
import { compareCurvesSvg } from '../viz/curves.js';
import { formatDuration } from '../train/progress.js';
import type { ClaimResult, Measure } from './claims.js';
import type { Summary } from './stats.js';
import { VERDICT_SE } from './stats.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function formatSummary(s: Summary, unit: Measure['unit']): string {
  const d = unit === 'steps' ? 0 : unit === 'seconds' ? 1 : 2;
  return s.n > 1 ? `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}` : s.n === 1 ? s.mean.toFixed(d) : '—';
}

export function formatGain(m: Measure): string {
  const d = m.unit === 'steps' ? 0 : m.unit === 'seconds' ? 1 : 2;
  const se = Number.isFinite(m.gain.se) ? ` ± ${m.gain.se.toFixed(d)}` : '';
  return `${m.gain.mean >= 0 ? '+' : ''}${m.gain.mean.toFixed(d)}${se}${m.ratio !== undefined && Number.isFinite(m.ratio) ? ` (ratio ${m.ratio.toFixed(2)}×)` : ''}`;
}

export interface ReportInput {
  readonly claims: readonly ClaimResult[];
  /** Mean per-epoch history per variant id. */
  readonly curves: Readonly<Record<string, readonly EpochMetrics[]>>;
  /** `alexnet train` command per variant (seed 1). */
  readonly commands: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly mode: string;
  readonly data: string;
  readonly seconds: number;
}

/** Variants whose curves a claim shows. */
const CURVES: Readonly<Record<string, readonly string[]>> = {
  'relu-vs-tanh': ['relu4', 'tanh4'], lrn: ['baseline', 'no-lrn'], 'overlapping-pooling': ['baseline', 'pool-2x2'],
  'two-columns': ['baseline', 'one-column'], dropout: ['baseline', 'no-dropout'], augmentation: ['baseline', 'no-flip'], 'pca-lighting': ['baseline', 'pca'],
};

export function writeSuiteReport(file: string, r: ReportInput): void {
  const rows = r.claims.flatMap((c) => c.measures.map((m, i) => `<tr>${i === 0 ? `<td rowspan="${c.measures.length}"><b>${esc(c.id)}</b><br>${esc(c.section)}<br><span class="d">${esc(c.claim)}</span></td>` : ''}`
    + `<td>${esc(m.name)}</td><td>${esc(m.paper)}</td>`
    + `<td>${Object.entries(m.groups).map(([g, s]) => `${esc(g)}: ${formatSummary(s, m.unit)}`).join('<br>')}</td>`
    + `<td>${esc(formatGain(m))}<br><span class="d">${esc(m.gainOf)}</span>${m.note ? `<br><span class="d">${esc(m.note)}</span>` : ''}</td>`
    + `<td class="v ${m.verdict.replace(/ /g, '-')}">${i === 0 ? '<b>' : ''}${esc(m.verdict)}${i === 0 ? '</b>' : ''}</td></tr>`));
  const curves = r.claims.filter((c) => CURVES[c.id]).map((c) => `<h3>${esc(c.id)} (${esc(c.section)})</h3>`
    + compareCurvesSvg(CURVES[c.id].filter((v) => r.curves[v]).map((v) => ({ label: v, history: r.curves[v] }))));
  const commands = Object.entries(r.commands).map(([v, cmd]) => `<tr><td>${esc(v)}</td><td class="l">${esc(r.labels[v] ?? '')}</td><td class="l"><code>${esc(cmd)}</code></td></tr>`);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>alexnet-ts: the paper's claims, re-measured</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
.d{color:#777;font-size:12px}.v.reproduced{background:#e3f6e3}.v.not-reproduced{background:#fbe3e3}.v.within-noise{background:#f3f3f3}
code{font-size:12px}
</style></head><body>
<h1>The paper's claims, re-measured (<code>alexnet reproduce${r.mode === 'quick' ? ' --quick' : ''}</code>)</h1>
<p>Data <code>${esc(r.data)}</code>. Every figure is measured on the test split, read once after all training; training and its
schedule saw only the validation split carved from the training images. Values are mean ± sample standard deviation over seeds;
the gain is signed so that the paper predicts it positive, ± its standard error. Verdict: <b>reproduced</b> when the gain exceeds
${VERDICT_SE} standard errors, <b>not reproduced</b> when it is below −${VERDICT_SE} (the opposite effect), <b>within noise</b> otherwise
(docs/reproduce.md). Training took ${formatDuration(r.seconds)} in all.${r.mode === 'quick' ? ' <b>Quick mode: a check of the machinery; its figures are not evidence.</b>' : ''}</p>
<table><tr><th>claim</th><th>measure</th><th>paper (gain)</th><th>ours</th><th>gain</th><th>verdict</th></tr>
${rows.join('\n')}
</table>
<h2>Learning curves (mean over seeds)</h2>
${curves.join('\n')}
<h2>Variants</h2>
<p>Each is one <code>alexnet train</code> command (seed 1 shown; the others differ in <code>--seed</code>).</p>
<table><tr><th>variant</th><th>what it changes</th><th>command</th></tr>${commands.join('')}</table>
</body></html>
`;
  writeFileAtomic(file, html);
}

/** The claims as a Markdown table (<suite>/claims.md; docs/reproduce.md quotes one). */
export function claimsMarkdown(claims: readonly ClaimResult[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| claim | measure | paper (gain) | ours (mean ± std over seeds) | gain ± se | verdict |', '|---|---|---|---|---|---|'];
  for (const c of claims) {
    c.measures.forEach((m, i) => {
      const ours = Object.entries(m.groups).map(([g, s]) => `${g} ${formatSummary(s, m.unit)}`).join('; ');
      const verdictCell = i === 0 ? `**${m.verdict}**` : m.verdict;
      lines.push(`| ${i === 0 ? `**${c.id}** (${c.section})` : ''} | ${cell(m.name)} | ${cell(m.paper)} | ${cell(ours)} | ${cell(formatGain(m))}${m.note ? ` ¹` : ''} | ${verdictCell} |`);
    });
  }
  const notes = claims.flatMap((c) => c.measures.filter((m) => m.note).map((m) => `- ¹ ${c.id}: ${m.note}`));
  return [...lines, '', ...[...new Set(notes)]].join('\n') + '\n';
}
