// ONNX Runtime's own profiler, for the bench: runs a session with profiling
// on and returns its node events (name, op, microseconds), in run order.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

export interface OrtNodeEvent {
  /** The node's name in the optimised graph, e.g. `conv1.relu_nchwc`. */
  readonly node: string;
  /** Its op after ONNX Runtime's rewrites, e.g. `Conv`, `FusedGemm`. */
  readonly op: string;
  readonly us: number;
}

/** `runs` profiled runs of the graph `bytes` (one input) on `input`; the node events of each run, in order. */
export async function profileOrt(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions, input: ort.Tensor, runs: number): Promise<OrtNodeEvent[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'alexnet-ort-'));
  try {
    const session = await ort.InferenceSession.create(bytes, { ...options, enableProfiling: true, profileFilePrefix: join(dir, 'ort') });
    const feeds = { [session.inputNames[0]]: input };
    for (let r = 0; r < runs; r++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const events: { cat?: string; name?: string; dur?: number; args?: { op_name?: string } }[] = [];
    for (const f of readdirSync(dir)) events.push(...JSON.parse(readFileSync(join(dir, f), 'utf8')));
    // A run is one pass over the graph's nodes: split the node events where the first node comes round again.
    const nodes = events
      .filter((e) => e.cat === 'Node' && e.args?.op_name && e.name?.endsWith('_kernel_time'))
      .map((e) => ({ node: e.name!.slice(0, -'_kernel_time'.length), op: e.args!.op_name!, us: e.dur ?? 0 }));
    const perRun: OrtNodeEvent[][] = [];
    for (const n of nodes) {
      if (perRun.length === 0 || n.node === nodes[0].node) perRun.push([]);
      perRun[perRun.length - 1].push(n);
    }
    return perRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
