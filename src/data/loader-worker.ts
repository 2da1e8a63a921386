// Worker thread of the loader: builds the batches it is asked for while the
// trainer's thread runs the network (docs/paper.md §5 augmentation on the fly).
import { parentPort, workerData } from 'node:worker_threads';
import { BatchBuilder, type BuilderSpec } from './batch.js';
import { buildRaw, type RawParts } from './raw-batch.js';

export interface BatchRequest {
  readonly id: number;
  readonly epoch: number;
  readonly indices: Int32Array;
  /** Reply with the images' bytes and view table (LoaderOptions.deviceViews) instead of x. */
  readonly raw?: boolean;
}

export type BatchReply = { readonly id: number; readonly x: Float32Array } | { readonly id: number; readonly raw: RawParts } | { readonly id: number; readonly error: string };

if (parentPort) {
  const port = parentPort;
  const spec = workerData as BuilderSpec;
  const builder = new BatchBuilder(spec);
  port.on('message', (r: BatchRequest) => {
    const done = r.raw
      ? buildRaw(builder, spec, r.epoch, r.indices).then((raw) => port.postMessage({ id: r.id, raw } satisfies BatchReply, [raw.pixels.buffer as ArrayBuffer, raw.views.buffer as ArrayBuffer]))
      : builder.build(r.epoch, r.indices).then((x) => port.postMessage({ id: r.id, x } satisfies BatchReply, [x.buffer as ArrayBuffer]));
    done.catch((e: unknown) => port.postMessage({ id: r.id, error: e instanceof Error ? e.message : String(e) } satisfies BatchReply));
  });
}
