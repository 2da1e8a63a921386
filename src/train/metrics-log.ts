// Metrics of a run, per step and per epoch, as JSON lines and CSV in the run
// folder (metrics/steps.jsonl|csv, metrics/epochs.jsonl|csv). After a resume
// the lines written past the checkpoint by the killed run are dropped, so the
// files read as if the run had never stopped.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';

type Row = Record<string, number | string | boolean | null>;

class Table {
  private fdJson = -1;
  private fdCsv = -1;
  private columns: string[] | null = null;

  constructor(private readonly base: string) {}

  /** Keeps only rows for which `keep` is true (rewrites both files), then opens them for appending. */
  open(keep: (row: Row) => boolean): void {
    const jsonPath = `${this.base}.jsonl`;
    const rows: Row[] = existsSync(jsonPath)
      ? readFileSync(jsonPath, 'utf8').split('\n').filter((l) => l.trim() !== '').flatMap((l) => {
        try {
          return [JSON.parse(l) as Row];
        } catch {
          return []; // a line torn by a kill
        }
      }).filter(keep)
      : [];
    if (rows.length) this.columns = Object.keys(rows[0]);
    writeFileAtomic(jsonPath, rows.map((r) => JSON.stringify(r) + '\n').join(''));
    writeFileAtomic(`${this.base}.csv`, this.columns ? [this.columns.join(','), ...rows.map((r) => this.csvLine(r))].map((l) => l + '\n').join('') : '');
    this.fdJson = openSync(jsonPath, 'a');
    this.fdCsv = openSync(`${this.base}.csv`, 'a');
  }

  private csvLine(r: Row): string {
    return this.columns!.map((c) => {
      const v = r[c];
      if (v === null || v === undefined) return '';
      const s = String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    }).join(',');
  }

  append(row: Row): void {
    writeSync(this.fdJson, JSON.stringify(row) + '\n');
    if (!this.columns) {
      this.columns = Object.keys(row);
      writeSync(this.fdCsv, this.columns.join(',') + '\n');
    }
    writeSync(this.fdCsv, this.csvLine(row) + '\n');
  }

  close(): void {
    if (this.fdJson >= 0) closeSync(this.fdJson);
    if (this.fdCsv >= 0) closeSync(this.fdCsv);
    this.fdJson = this.fdCsv = -1;
  }
}

export class MetricsLog {
  private readonly steps: Table;
  private readonly epochs: Table;

  constructor(runDir: string) {
    const dir = join(runDir, 'metrics');
    mkdirSync(dir, { recursive: true });
    this.steps = new Table(join(dir, 'steps'));
    this.epochs = new Table(join(dir, 'epochs'));
  }

  /** Opens the files, keeping steps 1…`stepsDone` and epochs 1…`epochsDone` (both 1-based in the files). */
  open(stepsDone: number, epochsDone: number): void {
    this.steps.open((r) => typeof r.step === 'number' && r.step <= stepsDone);
    this.epochs.open((r) => typeof r.epoch === 'number' && r.epoch <= epochsDone);
  }

  step(row: Row): void {
    this.steps.append(row);
  }

  epoch(row: Row): void {
    this.epochs.append(row);
  }

  close(): void {
    this.steps.close();
    this.epochs.close();
  }
}
