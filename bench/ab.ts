// Kernel A/B: two builds of the native addon in one process, the same op on
// the same inputs, timed alternately, and their outputs compared.
//
//   node dist/bench/ab.js A.node B.node [--ops conv3,fc6 | --ops all]
//     [--batch 8] [--reps 15] [--warmup 2] [--threads n] [--isa avx2]
//     [--gap-ms 1] [--exact]
//
// A.node and B.node are two builds (say the HEAD build copied aside, and the
// candidate's build/Release/alexnet_native.node; give two different files,
// since one path loads once). Each op runs A and B in turn, reps times,
// alternating which goes first; the table gives each side's median in ms and
// the ratio B/A (below 1: B is faster), and whether the outputs are
// bit-identical, or else how many values differ and the largest absolute
// difference. With --exact the exit status is 1 unless every op's outputs
// are bit-identical (a refactor's check). Ops: the paper's layers
// (conv1–conv5 forward, backward-data and backward-weights, fc6–fc8 forward
// and both backwards, norm1/norm2, pool1/pool2/pool5, SGD), or a convolution
// given as conv:N,C,H,O,K,stride,pad,groups. Each build has its own thread
// pool; --gap-ms of sleep after every run lets the idle pool's spinning
// workers go to sleep before the other side is timed.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { NativeAddon } from '../src/backend/native/addon.js';
import { Rng } from '../src/tensor/random.js';
import { arg, median } from './timing.js';

type Outputs = (Float32Array | Int32Array)[];
/**
 * An op: prepare() makes its inputs once; alloc() makes a side's output buffers (once per side, outside the
 * timing); run(addon, outputs) writes them. An op that updates its outputs in place (SGD) goes on updating.
 */
interface Op {
  name: string;
  prepare(): { alloc(): Outputs; run(a: NativeAddon, out: Outputs): void };
}

const VALUE_OPTIONS = new Set(['ops', 'batch', 'reps', 'warmup', 'threads', 'isa', 'gap-ms']);
const files = process.argv.slice(2).filter((s, i, all) => !s.startsWith('--') && !(i > 0 && VALUE_OPTIONS.has(all[i - 1].slice(2))));
if (files.length !== 2) {
  console.error('usage: node dist/bench/ab.js A.node B.node [--ops conv3,fc6|all] [--batch 8] [--reps 15] [--warmup 2] [--threads n] [--isa name] [--gap-ms 1] [--exact]');
  process.exit(2);
}
const [fileA, fileB] = files.map((f) => path.resolve(f));
if (fileA === fileB) console.warn('ab: A and B are the same file, so the same loaded addon: compare two copies instead');
const load = (f: string) => createRequire(import.meta.url)(f) as NativeAddon;
const A = load(fileA), B = load(fileB);

const batch = Number(arg('batch', '8'));
const reps = Number(arg('reps', '15'));
const warmup = Number(arg('warmup', '2'));
const gapMs = Number(arg('gap-ms', '1'));
const exact = process.argv.includes('--exact');
for (const a of [A, B]) {
  if (process.argv.includes('--threads')) a.setThreads(Number(arg('threads', '1')));
  if (process.argv.includes('--isa')) a.setIsa(arg('isa', 'generic'));
}

const rng = new Rng(1);
const rand = (n: number, scale = 1) => rng.fillUniform(new Float32Array(n), -scale, scale);

function convOp(name: string, N: number, C: number, H: number, O: number, K: number, s: number, p: number, g: number): Op[] {
  const OH = Math.floor((H + 2 * p - K) / s) + 1;
  const geo = [N, C, H, H, O, K, K, OH, OH, s, s, p, p, g] as const;
  const xs = N * C * H * H, ws = O * (C / g) * K * K, ys = N * O * OH * OH;
  return [
    { name: `${name} fwd`, prepare() {
      const x = rand(xs), w = rand(ws, 0.05), b = rand(O);
      return { alloc: () => [new Float32Array(ys)], run: (a, [y]) => a.conv2dForward(...geo, x, w, b, y as Float32Array, true) };
    } },
    { name: `${name} dx`, prepare() {
      const dy = rand(ys), w = rand(ws, 0.05);
      return { alloc: () => [new Float32Array(xs)], run: (a, [dx]) => a.conv2dBackwardData(...geo, dy, w, dx as Float32Array) };
    } },
    { name: `${name} dw`, prepare() {
      const x = rand(xs), dy = rand(ys);
      return {
        alloc: () => [new Float32Array(ws), new Float32Array(O)],
        run: (a, [dw, db]) => a.conv2dBackwardWeights(...geo, x, dy, dw as Float32Array, db as Float32Array),
      };
    } },
  ];
}

function linearOps(name: string, N: number, I: number, O: number): Op[] {
  return [
    { name: `${name} fwd`, prepare() {
      const x = rand(N * I), w = rand(O * I, 0.02), b = rand(O);
      return { alloc: () => [new Float32Array(N * O)], run: (a, [y]) => a.linearForward(N, I, O, x, w, b, y as Float32Array, true) };
    } },
    { name: `${name} bwd`, prepare() {
      const x = rand(N * I), w = rand(O * I, 0.02), dy = rand(N * O);
      return {
        alloc: () => [new Float32Array(N * I), new Float32Array(O * I), new Float32Array(O)],
        run: (a, [dx, dw, db]) => {
          a.linearBackwardData(N, I, O, dy, w, dx as Float32Array);
          a.linearBackwardWeights(N, I, O, x, dy, dw as Float32Array, db as Float32Array);
        },
      };
    } },
  ];
}

function lrnOp(name: string, C: number, HW: number): Op {
  return { name, prepare() {
    const n = batch * C * HW, x = rand(n, 30), dy = rand(n);
    return {
      alloc: () => [new Float32Array(n), new Float32Array(n), new Float32Array(n)],
      run: (a, out) => {
        const [y, scale, dx] = out as Float32Array[];
        a.lrnForward(batch, C, HW, 5, 2, 1e-4, 0.75, 2, x, y, scale);
        a.lrnBackward(batch, C, HW, 5, 2, 1e-4, 0.75, 2, x, y, scale, dy, dx);
      },
    };
  } };
}

function poolOp(name: string, C: number, H: number): Op {
  const OH = Math.floor((H - 3) / 2) + 1;
  return { name, prepare() {
    const x = rand(batch * C * H * H), dy = rand(batch * C * OH * OH);
    return {
      alloc: () => [new Float32Array(dy.length), new Int32Array(dy.length), new Float32Array(x.length)],
      run: (a, [y, at, dx]) => {
        a.maxpoolForward(batch, C, H, H, OH, OH, 3, 2, 0, x, y as Float32Array, at as Int32Array);
        a.maxpoolBackward(batch, C, H, H, OH, OH, 3, 2, 0, dy, at as Int32Array, dx as Float32Array);
      },
    };
  } };
}

// The paper form's update over as many values as fc6 has weights; compared after the first step.
const sgdOp: Op = { name: 'sgd', prepare() {
  const n = 9216 * 4096, w0 = rand(n), v0 = rand(n, 0.01), g = rand(n);
  return {
    alloc: () => [w0.slice(), v0.slice()],
    run: (a, [w, v]) => a.sgdUpdate(n, w as Float32Array, v as Float32Array, g, 0.01, 0.9, 5e-4, false),
  };
} };

// The paper's network (its §3) at the chosen batch.
const all: Op[] = [
  ...convOp('conv1', batch, 3, 224, 96, 11, 4, 0, 1), ...convOp('conv2', batch, 96, 27, 256, 5, 1, 2, 2),
  ...convOp('conv3', batch, 256, 13, 384, 3, 1, 1, 1), ...convOp('conv4', batch, 384, 13, 384, 3, 1, 1, 2),
  ...convOp('conv5', batch, 384, 13, 256, 3, 1, 1, 2),
  ...linearOps('fc6', batch, 9216, 4096), ...linearOps('fc7', batch, 4096, 4096), ...linearOps('fc8', batch, 4096, 1000),
  lrnOp('norm1', 96, 55 * 55), lrnOp('norm2', 256, 27 * 27),
  poolOp('pool1', 96, 55), poolOp('pool2', 256, 27), poolOp('pool5', 256, 13), sgdOp,
];

function select(spec: string): Op[] {
  if (spec === 'all') return all;
  const tokens = spec.split(','), ops: Op[] = [];
  while (tokens.length) {
    const s = tokens.shift()!;
    if (s.startsWith('conv:')) {
      // conv:N,C,H,O,K,stride,pad,groups: the spec's own commas take the next seven tokens.
      const v = [s.slice(5), ...tokens.splice(0, 7)].map(Number);
      if (v.length !== 8 || v.some((n) => !Number.isInteger(n))) throw new Error(`${s}…: want conv:N,C,H,O,K,stride,pad,groups`);
      const [N, C, H, O, K, st, p, g] = v;
      ops.push(...convOp(`conv:${v.join(',')}`, N, C, H, O, K, st, p, g));
      continue;
    }
    const hit = all.filter((o) => o.name === s || o.name.split(' ')[0] === s);
    if (!hit.length) throw new Error(`unknown op ${s}; ops: ${[...new Set(all.map((o) => o.name.split(' ')[0]))].join(', ')}, conv:N,C,H,O,K,stride,pad,groups`);
    ops.push(...hit);
  }
  return ops;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => { if (ms > 0) Atomics.wait(pause, 0, 0, ms); };

/** Values that differ (bits) and the largest absolute difference. */
function compare(a: Outputs, b: Outputs): { differ: number; maxAbs: number } {
  let differ = 0, maxAbs = 0;
  a.forEach((x, i) => {
    const y = b[i];
    const xb = new Uint32Array(x.buffer, x.byteOffset, x.length), yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
    for (let j = 0; j < x.length; j++) {
      if (xb[j] === yb[j]) continue;
      differ++;
      const d = Math.abs(x[j] - y[j]);
      maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
    }
  });
  return { differ, maxAbs };
}

const info = (a: NativeAddon) => { const i = a.info(); return `${i.isa}, ${i.threads} threads`; };
console.log(`A: ${fileA} (${info(A)})\nB: ${fileB} (${info(B)})\nbatch ${batch}, ${reps} runs a side after ${warmup} warm-up, alternating\n`);
console.log(`${'op'.padEnd(34)} ${'A ms'.padStart(9)} ${'B ms'.padStart(9)} ${'B/A'.padStart(6)}  outputs`);
let allSame = true;
for (const op of select(arg('ops', 'conv2,conv3,fc6,norm1,pool1'))) {
  const { alloc, run } = op.prepare();
  const outA = alloc(), outB = alloc();
  run(A, outA);
  run(B, outB);
  const { differ, maxAbs } = compare(outA, outB);
  allSame &&= differ === 0;
  const sides: [NativeAddon, Outputs, number[]][] = [[A, outA, []], [B, outB, []]];
  for (let i = 0; i < warmup + reps; i++) {
    for (const [side, out, times] of i % 2 ? [sides[1], sides[0]] : sides) {
      const t = performance.now();
      run(side, out);
      if (i >= warmup) times.push(performance.now() - t);
      sleep(gapMs);
    }
  }
  const [tA, tB] = [sides[0][2], sides[1][2]];
  const total = outA.reduce((s, x) => s + x.length, 0);
  const verdict = differ === 0 ? 'bit-identical' : `${differ} of ${total} differ, max |A−B| ${maxAbs.toExponential(2)}`;
  const [mA, mB] = [median(tA), median(tB)];
  console.log(`${op.name.padEnd(34)} ${mA.toFixed(3).padStart(9)} ${mB.toFixed(3).padStart(9)} ${(mB / mA).toFixed(3).padStart(6)}  ${verdict}`);
}
if (exact && !allSame) {
  console.error('ab: outputs differ (--exact)');
  process.exit(1);
}
