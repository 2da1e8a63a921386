// Training curves of a run (docs/paper.md §4: the rate was divided by 10 when the
// validation error stopped improving): loss, top-1 and top-5 error per epoch,
// training and validation, with the learning-rate drops marked. Plain SVG,
// written by hand: no chart library, and it inlines into the HTML report.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochMetrics } from '../train/checkpoint.js';

/** The per-epoch metrics of a run (<run>/metrics/epochs.jsonl), in order. */
export function readEpochMetrics(runDir: string): EpochMetrics[] {
  const file = join(runDir, 'metrics', 'epochs.jsonl');
  if (!existsSync(file)) throw new Error(`${file}: missing; training curves need a run folder written by 'alexnet train' that finished at least one epoch`);
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((l, i) => {
    try {
      return JSON.parse(l) as EpochMetrics;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
}

interface Series {
  readonly label: string;
  readonly colour: string;
  readonly dashed?: boolean;
  readonly points: readonly (number | null)[];
}

const W = 300, H = 220, M = { left: 46, right: 12, top: 26, bottom: 34 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" tick step for a range (1, 2 or 5 × 10^k). */
function tickStep(range: number, ticks = 5): number {
  const raw = range / ticks;
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

function panel(title: string, epochs: number, series: readonly Series[], drops: readonly number[], x0: number, percent: boolean): string {
  const values = series.flatMap((s) => s.points.filter((v): v is number => v !== null && Number.isFinite(v)));
  let lo = Math.min(0, ...values), hi = Math.max(...values, lo + 1e-9);
  const step = tickStep(hi - lo);
  hi = Math.ceil(hi / step) * step;
  lo = Math.floor(lo / step) * step;
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  const xs = (e: number) => x0 + M.left + (epochs <= 1 ? pw / 2 : ((e - 1) / (epochs - 1)) * pw);
  const ys = (v: number) => M.top + ph - ((v - lo) / (hi - lo)) * ph;
  const out: string[] = [];
  out.push(`<text x="${x0 + M.left + pw / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${x0 + M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (let v = lo; v <= hi + step / 2; v += step) {
    const y = ys(v).toFixed(1);
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + M.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${x0 + M.left - 4}" y="${y}" dy="4" text-anchor="end" font-size="10">${percent ? `${(v * 100).toFixed(Math.max(0, -Math.floor(Math.log10(step * 100 + 1e-12))))}%` : +v.toFixed(3)}</text>`);
  }
  const xStep = Math.max(1, tickStep(Math.max(1, epochs - 1), 6));
  for (let e = 1; e <= epochs; e += xStep) out.push(`<text x="${xs(e).toFixed(1)}" y="${M.top + ph + 14}" text-anchor="middle" font-size="10">${e}</text>`);
  out.push(`<text x="${x0 + M.left + pw / 2}" y="${H - 4}" text-anchor="middle" font-size="11">epoch</text>`);
  // A drop after epoch e takes effect from epoch e + 1: the line sits between them.
  for (const e of drops) {
    const x = (epochs <= 1 ? xs(1) : (xs(e) + xs(e + 1)) / 2).toFixed(1);
    out.push(`<line class="lr-drop" x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + ph}" stroke="#c00" stroke-dasharray="4 3"/>`);
  }
  for (const s of series) {
    const pts = s.points.map((v, i) => (v === null || !Number.isFinite(v) ? null : `${xs(i + 1).toFixed(1)},${ys(v).toFixed(1)}`)).filter((p): p is string => p !== null);
    if (pts.length === 0) continue;
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${pts.join(' ')}"/>`);
    for (const p of pts) {
      const [cx, cy] = p.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${s.colour}"/>`);
    }
  }
  return out.join('\n');
}

/** The curves as one SVG: three panels (loss, top-1 error, top-5 error) with the learning-rate drops as red dashed lines. */
export function curvesSvg(history: readonly EpochMetrics[], title = ''): string {
  const n = history.length;
  const drops = history.filter((m) => m.lrDropped).map((m) => m.epoch);
  const train = '#1f77b4', val = '#ff7f0e';
  const panels = [
    panel('loss', n, [
      { label: 'train', colour: train, points: history.map((m) => m.trainLoss) },
      { label: 'validation', colour: val, points: history.map((m) => m.valLoss) },
    ], drops, 0, false),
    panel('top-1 error', n, [
      { label: 'train', colour: train, points: history.map((m) => m.trainTop1Error) },
      { label: 'validation', colour: val, points: history.map((m) => m.valTop1Error) },
    ], drops, W, true),
    panel('top-5 error (validation)', n, [
      { label: 'validation', colour: val, points: history.map((m) => m.valTop5Error) },
    ], drops, 2 * W, true),
  ];
  const legendY = H + 14;
  const legend = [
    `<line x1="60" x2="84" y1="${legendY}" y2="${legendY}" stroke="${train}" stroke-width="2"/><text x="88" y="${legendY + 4}" font-size="11">training (during the epoch, with dropout and augmentation)</text>`,
    `<line x1="470" x2="494" y1="${legendY}" y2="${legendY}" stroke="${val}" stroke-width="2"/><text x="498" y="${legendY + 4}" font-size="11">validation</text>`,
    `<line x1="580" x2="580" y1="${legendY - 7}" y2="${legendY + 7}" stroke="#c00" stroke-dasharray="4 3"/><text x="586" y="${legendY + 4}" font-size="11">learning rate ÷10${drops.length ? ` (after epoch ${drops.join(', ')})` : ' (none)'}</text>`,
  ];
  return svgFigure(3 * W, title, [...panels, ...legend]);
}

/** Panels and legend in one SVG, a title line above them when given. */
function svgFigure(width: number, title: string, body: readonly string[]): string {
  const shift = title ? 18 : 0;
  const height = H + 26 + shift;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    title ? `<text x="8" y="14" font-size="13">${esc(title)}</text>` : '',
    `<g transform="translate(0 ${shift})">`,
    ...body,
    '</g>',
    '</svg>',
  ].join('\n') + '\n';
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/**
 * Several runs' curves on the same axes (`alexnet reproduce`: one line per
 * variant, each the mean over its seeds): training and validation top-1 error.
 */
export function compareCurvesSvg(runs: readonly { readonly label: string; readonly history: readonly EpochMetrics[] }[], title = ''): string {
  const n = Math.max(1, ...runs.map((r) => r.history.length));
  const series = (f: (m: EpochMetrics) => number | null) => runs.map((r, i) => ({ label: r.label, colour: PALETTE[i % PALETTE.length], points: r.history.map(f) }));
  const panels = [
    panel('training top-1 error', n, series((m) => m.trainTop1Error), [], 0, true),
    panel('validation top-1 error', n, series((m) => m.valTop1Error), [], W, true),
  ];
  const legendY = H + 14;
  const legend = runs.map((r, i) => {
    const x = 60 + i * 150;
    return `<line x1="${x}" x2="${x + 24}" y1="${legendY}" y2="${legendY}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"/><text x="${x + 28}" y="${legendY + 4}" font-size="11">${esc(r.label)}</text>`;
  });
  return svgFigure(Math.max(2 * W, 60 + runs.length * 150), title, [...panels, ...legend]);
}
