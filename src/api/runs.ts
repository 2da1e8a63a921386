// Jobs on whole runs and on the package's own data (Node): the run's HTML
// report and training curves, the paper's claims re-measured (`reproduce`),
// the browser app's server, and the embedded Fashion-MNIST subset.
import { writeReport, type ReportContent } from '../viz/report.js';

export type { ReportContent };
import { curvesSvg, readEpochMetrics } from '../viz/curves.js';
import { svgToPng } from '../viz/png.js';
import { appServer } from '../serve/server.js';
import { ensureEmbeddedDataset } from '../data/embedded.js';
import { EMBEDDED_PREPARED } from './data.js';
import { NODE_PLATFORM } from './node-platform.js';
import type { BackendName } from './types.js';

import { reproduce as runSuite, type ReproduceOptions, type ReproduceResult } from '../reproduce/reproduce.js';

export type { ReproduceOptions, ReproduceResult };
export { formatGain, formatSummary } from '../reproduce/report.js';
export { formatDuration } from '../util/duration.js';
export type { SuiteMode } from '../reproduce/suite.js';
export type { ClaimResult, Measure } from '../reproduce/claims.js';
export type { Summary } from '../reproduce/stats.js';

export type { Verdict, Difference } from '../reproduce/stats.js';

/** A run's report, computed on `backend` (default: the platform's fastest). */
export interface RunReportOptions extends ReportContent {
  readonly backend?: BackendName;
}

/**
 * Writes a run's self-contained HTML report (training curves with the
 * learning-rate drops, the conv1 kernels of Figure 3, nearest neighbours in
 * fc7 of Figure 4, the evaluation tables); returns its path.
 */
export async function writeRunReport(runDir: string, options: RunReportOptions = {}): Promise<string> {
  const opened = await NODE_PLATFORM.openBackend(options.backend, 'writeRunReport');
  return writeReport(runDir, { ...options, device: opened.device, hostBackend: opened.hostKernels });
}

/**
 * Re-measures the paper's claims (docs/reproduce.md): each variant trained
 * as an `alexnet train` child process, the test split read once, verdicts
 * in claims.json and report.html; a stopped suite continues where it was.
 */
export async function reproduce(o: Omit<ReproduceOptions, 'hostBackend'> & { readonly backend?: BackendName }): Promise<ReproduceResult> {
  const opened = await NODE_PLATFORM.openBackend(o.backend, 'reproduce');
  return runSuite({ ...o, hostBackend: opened.hostKernels });
}

/** A run's training curves (loss and error by epoch, learning-rate drops marked) as SVG, or PNG bytes. */
export async function trainingCurves(runDir: string, format: 'svg' | 'png' = 'svg'): Promise<string | Uint8Array> {
  const svg = curvesSvg(readEpochMetrics(runDir), runDir);
  return format === 'png' ? svgToPng(svg) : svg;
}

/** The browser app's HTTP server (not yet listening): the page, the embedded data, and a run's files when `runDir` is given. */
export async function createAppServer(options: { readonly runDir?: string; readonly log?: (line: string) => void } = {}): Promise<ReturnType<typeof appServer>> {
  return appServer({ dataDir: await embeddedDataset(), runDir: options.runDir, log: options.log ?? (() => undefined) });
}

/** The Fashion-MNIST subset shipped in the package, prepared (once) into `dir` (default runs/.data/fashion-mnist-mini); returns the prepared folder. */
export function embeddedDataset(dir: string = EMBEDDED_PREPARED, options: { readonly validationImages?: number } = {}): Promise<string> {
  return ensureEmbeddedDataset(dir, { valSplit: options.validationImages });
}
