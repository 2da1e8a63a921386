// Worker thread of `prepare`: turns one shard's inputs into the .tar, its
// stats and its index (docs/paper.md §5 preprocessing). One shard per message, so
// an interrupted prepare keeps every shard a worker finished.
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { encodeSafetensors } from '../io/safetensors.js';
import { BadImageError, encodeSquare, toSquareRgb, type ImageInput } from './image.js';
import { memberExt, type ShardIndex } from './shards.js';
import { addImage, emptySums } from './stats.js';
import { TAR_BLOCK, tarEnd, tarMember } from './tar.js';
import type { ImageEncoding } from './types.js';

/** One input as sent to the worker: a file path, or IDX pixels. */
export type TaskItem =
  | { readonly source: string; readonly label: number; readonly file: string }
  | { readonly source: string; readonly label: number; readonly pixels: Uint8Array; readonly width: number; readonly height: number };

export interface ShardTask {
  readonly dir: string;
  /** e.g. `train/00003`. */
  readonly shard: string;
  /** Split index of this shard's first input, for member keys. */
  readonly firstItem: number;
  readonly size: number;
  readonly encoding: ImageEncoding;
  readonly quality: number;
  readonly items: readonly TaskItem[];
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly images: number }
  | { readonly type: 'done'; readonly shard: string; readonly count: number; readonly skipped: number }
  | { readonly type: 'error'; readonly message: string };

async function load(item: TaskItem): Promise<ImageInput> {
  if ('pixels' in item) return { kind: 'pixels', width: item.width, height: item.height, channels: 1, data: item.pixels };
  try {
    return { kind: 'encoded', bytes: readFileSync(item.file) };
  } catch (e) {
    throw new BadImageError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Writes `file` via a temporary name, so a file that exists is complete. */
function writeAtomic(file: string, data: Uint8Array | string): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

export async function writeShard(t: ShardTask, progress: (n: number) => void): Promise<{ count: number; skipped: number }> {
  const base = path.join(t.dir, t.shard);
  const sums = emptySums(t.size);
  const index = { count: 0, labels: [] as number[], offsets: [] as number[], sizes: [] as number[], sources: [] as string[], skipped: [] as { source: string; reason: string }[] };
  const fd = openSync(`${base}.tar.tmp`, 'w');
  let offset = 0;
  const write = (chunks: Uint8Array[]) => {
    for (const c of chunks) {
      writeSync(fd, c);
      offset += c.length;
    }
  };
  try {
    let pending = 0;
    for (let i = 0; i < t.items.length; i++) {
      const item = t.items[i];
      let hwc: Uint8Array;
      try {
        hwc = await toSquareRgb(await load(item), t.size);
      } catch (e) {
        if (!(e instanceof BadImageError)) throw e;
        index.skipped.push({ source: item.source, reason: e.message });
        continue;
      } finally {
        if (++pending >= 16) {
          progress(pending);
          pending = 0;
        }
      }
      addImage(sums, hwc, t.size);
      const key = String(t.firstItem + i).padStart(8, '0');
      const data = await encodeSquare(hwc, t.size, t.encoding, t.quality);
      index.offsets.push(offset + TAR_BLOCK);
      index.sizes.push(data.length);
      write(tarMember(`${key}.${memberExt(t.encoding)}`, data));
      write(tarMember(`${key}.cls`, Buffer.from(String(item.label))));
      index.labels.push(item.label);
      index.sources.push(item.source);
      index.count++;
    }
    progress(pending);
    write([tarEnd()]);
  } finally {
    closeSync(fd);
  }
  renameSync(`${base}.tar.tmp`, `${base}.tar`);
  writeAtomic(`${base}.stats.safetensors`, encodeSafetensors([
    ['pixel_sum', { shape: [3, t.size, t.size], data: sums.pixelSum }],
    ['channel_sum', { shape: [3], data: sums.channelSum }],
    ['product_sum', { shape: [3, 3], data: sums.productSum }],
  ], { images: String(sums.images) }));
  writeAtomic(`${base}.json`, JSON.stringify(index satisfies ShardIndex));
  return { count: index.count, skipped: index.skipped.length };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (t: ShardTask) => {
    writeShard(t, (n) => port.postMessage({ type: 'progress', images: n } satisfies WorkerMessage)).then(
      (r) => port.postMessage({ type: 'done', shard: t.shard, ...r } satisfies WorkerMessage),
      (e: unknown) => port.postMessage({ type: 'error', message: `${t.shard}: ${e instanceof Error ? e.message : String(e)}` } satisfies WorkerMessage),
    );
  });
}
