// Worker thread of the loader: builds the batches it is asked for while the
// trainer's thread runs the network (docs/paper.md §5 augmentation on the fly).
import { parentPort, workerData } from 'node:worker_threads';
import { BatchBuilder, type BuilderSpec } from './batch.js';

export interface BatchRequest {
  readonly id: number;
  readonly epoch: number;
  readonly indices: Int32Array;
}

export type BatchReply = { readonly id: number; readonly x: Float32Array } | { readonly id: number; readonly error: string };

if (parentPort) {
  const port = parentPort;
  const builder = new BatchBuilder(workerData as BuilderSpec);
  port.on('message', (r: BatchRequest) => {
    builder.build(r.epoch, r.indices).then(
      (x) => port.postMessage({ id: r.id, x } satisfies BatchReply, [x.buffer as ArrayBuffer]),
      (e: unknown) => port.postMessage({ id: r.id, error: e instanceof Error ? e.message : String(e) } satisfies BatchReply),
    );
  });
}
