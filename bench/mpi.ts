// `npm run bench:mpi`: data-parallel training over MPI on the machine it runs on, and
// a projection to N nodes. Runs bench/mpi-worker.ts under mpirun with 1 and
// with 2 ranks (1 thread each, ALEXNET_THREADS=1), medians of several steps.
//   npm run bench:mpi [-- --preset mini] [-- --batch 128] [-- --steps 8]
//
// Per step: compute (forward, backward, update: the step minus the time in
// MPI), all-reduce (the same buckets summed blocking and alone), exposed
// (waited for after the backward pass), hidden = all-reduce − exposed (at
// least 0), and main: what the scheme costs the main thread during the
// backward pass (packing buckets, starting them; without the progress thread
// also advancing them), which is part of the step and of the projection.
// Projection (docs/cluster.md): ring all-reduce of S bytes over N nodes takes
// T = 2(N−1)/N · S/B + 2(N−1)·α on a link of B bytes/s with per-message
// latency α (measured here); the share h of it hidden behind the backward
// pass is the one measured with 2 ranks, but never more than the backward
// pass lasts (taken as 2/3 of the compute); each node computes its 128/N
// images as fast as one rank here does with one thread.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const opt = (f: string, d: string) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : d);
const preset = opt('--preset', 'mini');
const batch = Number(opt('--batch', '128'));
const steps = opt('--steps', '8');
const worker = fileURLToPath(new URL('./mpi-worker.js', import.meta.url));

interface Result {
  preset: string; ranks: number; batch: number; library: string; gradientBytes: number; buckets: number;
  stepMs: number; exposedMs: number; inBackwardMs: number; startingMs: number; allreduceMs: number; latencyMs: number; progressThread: boolean;
}

function run(n: number): Result {
  const r = spawnSync('mpirun', ['--oversubscribe', '--allow-run-as-root', '-np', String(n), '-x', 'ALEXNET_THREADS=1', process.execPath, worker, preset, String(batch), steps],
    { encoding: 'utf8', env: { ...process.env, ALEXNET_THREADS: '1' } });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) {
    console.error(`bench:mpi: mpirun -np ${n} failed (is Open MPI installed and the MPI addon built?)\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return JSON.parse(line) as Result;
}

const one = run(1);
const two = run(2);
const f = (x: number) => x.toFixed(1).padStart(8);
console.log(`bench:mpi  preset ${preset}, global batch ${batch}, 1 thread per rank, ${two.library}; medians of ${steps} steps`);
console.log(`gradients ${(one.gradientBytes / 2 ** 20).toFixed(1)} MiB in ${one.buckets} buckets\n`);
const hiddenMs = (r: Result) => Math.max(0, r.allreduceMs - r.exposedMs);
console.log('ranks   step ms  compute  all-red. exposed     main   hidden   img/s');
for (const r of [one, two]) {
  const compute = r.stepMs - r.exposedMs - r.inBackwardMs;
  const multi = r.ranks > 1;
  console.log(`${String(r.ranks).padStart(5)} ${f(r.stepMs)} ${f(compute)} ${f(multi ? r.allreduceMs : 0)} ${f(r.exposedMs)} ${f(r.inBackwardMs)} ${f(multi ? hiddenMs(r) : 0)} ${f((1000 * batch) / r.stepMs)}`);
}
console.log(`progress of the sums: ${two.progressThread ? 'the addon\'s thread (MPI_THREAD_MULTIPLE)' : 'main thread, between layers'}; of main, ${two.startingMs.toFixed(1)} ms inside MPI_Iallreduce calls`);
console.log(`scaling 2×1 thread vs 1×1 thread: ${(one.stepMs / two.stepMs).toFixed(2)}×`);
const busBw = (2 * (two.ranks - 1) / two.ranks) * two.gradientBytes / (two.allreduceMs / 1000);
console.log(`all-reduce here: ${(busBw / 1e9).toFixed(2)} GB/s bus bandwidth (shared memory), latency ${(two.latencyMs * 1000).toFixed(0)} µs per small all-reduce`);

// The projection is for the paper's global batch of 128, whatever batch was measured.
const GLOBAL = 128;
const hiddenShare = Math.min(1, hiddenMs(two) / two.allreduceMs);
const perImageMs = (one.stepMs - one.exposedMs - one.inBackwardMs) / batch;
const alpha = two.latencyMs / 1000 / 2; // a 2-rank all-reduce is about 2 messages
console.log(`\nprojection (ring all-reduce; ${(hiddenShare * 100).toFixed(0)}% hidden and ${two.inBackwardMs.toFixed(1)} ms main-thread cost as measured; ${perImageMs.toFixed(2)} ms compute per image per node; α = ${(alpha * 1e6).toFixed(0)} µs):`);
console.log('nodes   10 Gb/s img/s   100 Gb/s img/s');
for (const n of [1, 2, 4, 8, 16, 32, 64]) {
  const cells = [10e9 / 8, 100e9 / 8].map((bw) => {
    const ring = n === 1 ? 0 : (2 * (n - 1) / n) * one.gradientBytes / bw + 2 * (n - 1) * alpha;
    const compute = (perImageMs / 1000) * (GLOBAL / n);
    const hidden = Math.min(hiddenShare * ring, (2 / 3) * compute);
    const step = compute + (n > 1 ? two.inBackwardMs / 1000 : 0) + ring - hidden;
    return (GLOBAL / step).toFixed(0).padStart(15);
  });
  console.log(`${String(n).padStart(5)} ${cells.join('  ')}`);
}
