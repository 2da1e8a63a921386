// Checkpoints: three files per checkpoint in <run>/checkpoints/:
//   ckpt-<step>.safetensors       weights, state-dict names and PyTorch layouts
//   ckpt-<step>.optim.safetensors SGD velocities, `<param>.momentum_buffer`
//   ckpt-<step>.json              metadata: preset, resolved config, position,
//                                 generator and schedule states, metrics, and
//                                 the size and SHA-256 of the two tensor files
// Each file is written atomically and the JSON last: a checkpoint exists only
// once its JSON does, and a JSON whose tensor files do not match their hashes
// is skipped on resume (the previous checkpoint is used), so a run killed at
// any moment resumes from the newest complete checkpoint.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../config/config.js';
import type { RngState } from '../tensor/random.js';
import type { ScheduleState } from './schedule.js';
import { writeFileAtomic } from '../io/atomic.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '../io/safetensors.js';
import type { Tensor } from '../tensor/tensor.js';

export const CHECKPOINT_FORMAT = 'alexnet-ts-checkpoint';
export const CHECKPOINT_VERSION = 1;

export type { EpochAccumulator, EpochMetrics, Position } from './position.js';
import type { EpochAccumulator, EpochMetrics, Position } from './position.js';

export interface CheckpointMeta {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly preset: string;
  readonly classes: readonly { id: string; name: string }[];
  readonly config: Config;
  /** The prepared dataset the run trains on (so --resume needs no --data). */
  readonly data?: string;
  readonly position: Position;
  readonly accumulator: EpochAccumulator;
  readonly rng: { readonly dropout: RngState };
  readonly schedule: ScheduleState;
  readonly history: readonly EpochMetrics[];
  readonly createdAt: string;
  readonly files: { readonly weights: FileRef; readonly optimizer: FileRef };
}

interface FileRef {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface Checkpoint {
  readonly meta: CheckpointMeta;
  readonly weights: Map<string, SafetensorsEntry>;
  readonly velocity: Map<string, SafetensorsEntry>;
  /** The metadata file's path. */
  readonly path: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const stem = (step: number) => `ckpt-${String(step).padStart(9, '0')}`;

export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

export interface SaveInput extends Omit<CheckpointMeta, 'format' | 'version' | 'createdAt' | 'files'> {
  readonly weights: ReadonlyMap<string, Tensor>;
  readonly velocity: ReadonlyMap<string, Tensor>;
}

/** Writes a checkpoint and deletes all but the newest `keep`; returns the metadata path. */
export function saveCheckpoint(runDir: string, input: SaveInput, keep: number): string {
  const dir = checkpointDir(runDir);
  mkdirSync(dir, { recursive: true });
  const s = stem(input.position.globalStep);
  const meta = { preset: input.preset, step: String(input.position.globalStep), format: 'pt' };
  const wBytes = encodeSafetensors([...input.weights].map(([k, t]) => [k, { shape: t.shape, data: t.data }]), meta);
  const oBytes = encodeSafetensors([...input.velocity].map(([k, t]) => [`${k}.momentum_buffer`, { shape: t.shape, data: t.data }]), meta);
  const files = {
    weights: { name: `${s}.safetensors`, bytes: wBytes.length, sha256: sha256(wBytes) },
    optimizer: { name: `${s}.optim.safetensors`, bytes: oBytes.length, sha256: sha256(oBytes) },
  };
  writeFileAtomic(join(dir, files.weights.name), wBytes);
  writeFileAtomic(join(dir, files.optimizer.name), oBytes);
  const { weights: _w, velocity: _v, ...rest } = input;
  const full: CheckpointMeta = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...rest, createdAt: new Date().toISOString(), files };
  const metaPath = join(dir, `${s}.json`);
  writeFileAtomic(metaPath, JSON.stringify(full, null, 1) + '\n');
  prune(dir, keep);
  return metaPath;
}

function listMeta(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^ckpt-\d{9}\.json$/.test(f)).sort().map((f) => join(dir, f));
}

function prune(dir: string, keep: number): void {
  const all = listMeta(dir);
  for (const m of all.slice(0, Math.max(0, all.length - keep))) {
    const s = basename(m, '.json');
    for (const f of [`${s}.json`, `${s}.safetensors`, `${s}.optim.safetensors`]) rmSync(join(dir, f), { force: true });
  }
  // Temporary files of a run killed mid-write.
  for (const f of readdirSync(dir)) if (f.startsWith('.') && f.includes('.tmp-')) {
    const pid = Number(f.slice(f.lastIndexOf('-') + 1));
    if (pid !== process.pid) rmSync(join(dir, f), { force: true });
  }
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** Reads and verifies one checkpoint from its metadata path. */
export function loadCheckpoint(metaPath: string): Checkpoint {
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta;
  } catch (e) {
    throw new CheckpointError(`${metaPath}: unreadable checkpoint metadata (${(e as Error).message})`);
  }
  if (meta.format !== CHECKPOINT_FORMAT || meta.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`${metaPath}: not an alexnet-ts checkpoint of version ${CHECKPOINT_VERSION}`);
  }
  const dir = dirname(metaPath);
  const read = (ref: FileRef) => {
    const p = join(dir, ref.name);
    let b: Buffer;
    try {
      b = readFileSync(p);
    } catch (e) {
      throw new CheckpointError(`${p}: missing (${(e as NodeJS.ErrnoException).code}); the checkpoint is incomplete`);
    }
    if (b.length !== ref.bytes || sha256(b) !== ref.sha256) throw new CheckpointError(`${p}: size or SHA-256 differs from ${basename(metaPath)}; the file is truncated or corrupt`);
    return decodeSafetensors(b, p).tensors;
  };
  const weights = read(meta.files.weights);
  const opt = read(meta.files.optimizer);
  const velocity = new Map([...opt].map(([k, v]) => [k.replace(/\.momentum_buffer$/, ''), v]));
  return { meta, weights, velocity, path: metaPath };
}

/**
 * The newest valid checkpoint of a run folder (or the one a metadata path
 * names). Invalid newer ones are reported through `warn` and skipped.
 */
export function findCheckpoint(target: string, warn: (msg: string) => void = () => {}): Checkpoint {
  if (target.endsWith('.json') && existsSync(target) && statSync(target).isFile()) return loadCheckpoint(target);
  const dir = existsSync(checkpointDir(target)) ? checkpointDir(target) : target;
  const all = listMeta(dir).reverse();
  if (all.length === 0) throw new CheckpointError(`${target}: no checkpoint found (expected ${join(checkpointDir(target), 'ckpt-*.json')}); start a new run without --resume`);
  for (const m of all) {
    try {
      return loadCheckpoint(m);
    } catch (e) {
      warn(`skipping ${m}: ${(e as Error).message}`);
    }
  }
  throw new CheckpointError(`${target}: every checkpoint is damaged (see the warnings above)`);
}
