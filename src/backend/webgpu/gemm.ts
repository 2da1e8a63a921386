// One tiled matrix-multiply kernel that serves every convolution and fully
// connected pass: C[g][m][n] = Σ_k A(g, m, k) · B(g, k, n), where the caller
// supplies how A and B are read (a weight matrix, an implicit im2col gather
// of the input, a transposed gradient) and how C is written (bias, fused
// ReLU, accumulation). This is the implicit-GEMM structure of cuDNN and of
// TensorFlow.js's conv2d_mm: no im2col buffer is ever built.
//
// Tiling: a workgroup of 256 threads computes a TM×TN block of C (64×64, or
// a tall/flat tile when one side is small); each thread holds a 4×4 register
// block (rows lid.y + (TM/4)·i, columns lid.x + (TN/4)·j, strided so
// shared-memory reads and global stores are contiguous across a row of threads). K advances 16 at a time through workgroup memory. Split-K
// (S > 1) gives each of S slices of K its own workgroups, for products with
// few outputs and a long reduction (weight gradients); the caller reduces the
// slices in a fixed order, so results never depend on scheduling.
import type { WebGpuDevice } from './device.js';
import { runKernel, type Operand, type Scalar } from './shader.js';

export interface GemmSpec {
  readonly key: string;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** Independent products (channel groups), workgroup z. */
  readonly groups: number;
  /** Slices of K (default 1). */
  readonly splits?: number;
  readonly params: Readonly<Record<string, readonly [number, Scalar]>>;
  readonly operands: readonly Operand[];
  /** Body of `fn loadA(g: u32, m: u32, k: u32) -> f32`, called only for m < M, k < K. */
  readonly loadA: string;
  /** Body of `fn loadB(g: u32, k: u32, n: u32) -> f32`, called only for k < K, n < N. */
  readonly loadB: string;
  /** Body of `fn store(g: u32, s: u32, m: u32, n: u32, v: f32)`, called for m < M, n < N. */
  readonly store: string;
  /** Which index of A is contiguous in memory ('k': rows of a row-major [M,K] matrix). */
  readonly aContiguous: 'k' | 'm';
  /** Which index of B is contiguous in memory ('n' for an im2col gather along pixels). */
  readonly bContiguous: 'k' | 'n';
  /** Extra WGSL helpers used by the loaders. */
  readonly helpers?: string;
  /** Distinguishes pipelines whose helpers differ (e.g. shape constants baked into them). */
  readonly shapeKey?: string;
}

const BK = 16;

/**
 * The tile of C one workgroup computes, TM × TN = 4096 values (256 threads × 4×4):
 * 64×64 for large products, tall or flat tiles when one side is small, so that a
 * product with 3 rows (conv1's input gradient) or 2 (a batch-2 fully connected
 * pass) does not compute 64 rows and keep 3.
 */
function tileFor(M: number, N: number): [number, number] {
  const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));
  if (M < 64) {
    const TM = Math.max(16, pow2(M));
    return [TM, 4096 / TM];
  }
  if (N < 64) {
    const TN = Math.max(16, pow2(N));
    return [4096 / TN, TN];
  }
  return [64, 64];
}

function tileLoad(which: 'A' | 'B', contiguous: string, first: 'm' | 'n', T: number): string {
  // T·BK values per tile, consecutive threads on consecutive addresses.
  const split = contiguous === 'k'
    ? `let ${first}${first} = e / ${BK}u; let kk = e % ${BK}u;`
    : `let kk = e / ${T}u; let ${first}${first} = e % ${T}u;`;
  const origin = first === 'm' ? 'm0' : 'n0';
  const limit = first === 'm' ? 'p.M' : 'p.N';
  const call = which === 'A' ? `loadA(g, ${first}, k)` : `loadB(g, k, ${first})`;
  return `for (var e = t; e < ${T * BK}u; e += 256u) {
      ${split}
      let ${first} = ${origin} + ${first}${first}; let k = k0 + kk;
      var v = 0.0;
      if (${first} < ${limit} && k < kEnd) { v = ${call}; }
      ${which}s[kk * ${T}u + ${first}${first}] = v;
    }`;
}

const R = [0, 1, 2, 3];
/** `f(i, j)` for the 4×4 register block, unrolled: accumulators in registers, no indexed arrays. */
function each(f: (i: number, j: number) => string): string {
  return R.flatMap((i) => R.map((j) => f(i, j))).join('\n');
}
// Two-level sums: 16 products of a K-block add into t, then t into c. A long
// reduction (a weight gradient sums every pixel of the batch: 10⁵–10⁷ terms)
// then rounds like K/16 + 16 additions instead of K, close to the CPU kernels'
// blocked sums; with the cancellation in early gradients this matters.
const DECLARE = each((i, j) => `  var c${i}${j} = 0.0;`);
const BLOCK_START = each((i, j) => `    var t${i}${j} = 0.0;`);
const MULTIPLY = each((i, j) => `      t${i}${j} += a${i} * b${j};`);
const BLOCK_END = each((i, j) => `    c${i}${j} += t${i}${j};`);

/**
 * The same product without workgroup memory: each thread reads its operands
 * straight from buffers. CPU Vulkan drivers (SwiftShader) run workgroup
 * barriers as coroutine switches, which makes the tiled kernel ~10× slower
 * there than this one; GPUs want the tiled one.
 */
function directMain(TY: number, TX: number): string {
  return `
  let g = wid.z / p.S;
  let sl = wid.z % p.S;
  let kBegin = sl * p.KP;
  let kEnd = min(p.K, kBegin + p.KP);
${DECLARE}
${R.map((i) => `  let m${i} = wid.y * ${TY * 4}u + lid.y + ${TY * i}u;\n  let n${i} = wid.x * ${TX * 4}u + lid.x + ${TX * i}u;`).join('\n')}
  // Rows and columns past the edge read index 0 of the operand instead (clamped), and are never stored.
${R.map((i) => `  let mm${i} = select(0u, m${i}, m${i} < p.M);\n  let nn${i} = select(0u, n${i}, n${i} < p.N);`).join('\n')}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${BK}u) {
${BLOCK_START}
    for (var k = k0; k < min(kEnd, k0 + ${BK}u); k++) {
${R.map((i) => `      let a${i} = loadA(g, mm${i}, k);\n      let b${i} = loadB(g, k, nn${i});`).join('\n')}
${MULTIPLY}
    }
${BLOCK_END}
  }
${each((i, j) => `  if (m${i} < p.M && n${j} < p.N) { store(g, sl, m${i}, n${j}, c${i}${j}); }`)}`;
}

export function gemm(dev: WebGpuDevice, s: GemmSpec): void {
  const S = s.splits ?? 1;
  const KP = Math.ceil(s.K / S);
  const [TM, TN] = tileFor(s.M, s.N);
  const TX = TN / 4; // threads along n
  const TY = TM / 4; // threads along m
  const direct = dev.gemmVariant === 'direct';
  const prelude = `
${direct ? '' : `var<workgroup> As: array<f32, ${TM * BK}>;
var<workgroup> Bs: array<f32, ${TN * BK}>;`}
${s.helpers ?? ''}
fn loadA(g: u32, m: u32, k: u32) -> f32 { ${s.loadA} }
fn loadB(g: u32, k: u32, n: u32) -> f32 { ${s.loadB} }
fn store(g: u32, s: u32, m: u32, n: u32, v: f32) { ${s.store} }`;
  const main = `
  let g = wid.z / p.S;
  let sl = wid.z % p.S;
  let m0 = wid.y * ${TM}u;
  let n0 = wid.x * ${TN}u;
  let t = lid.y * ${TX}u + lid.x;
  let kBegin = sl * p.KP;
  let kEnd = min(p.K, kBegin + p.KP);
${DECLARE}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${BK}u) {
    ${tileLoad('A', s.aContiguous, 'm', TM)}
    ${tileLoad('B', s.bContiguous, 'n', TN)}
    workgroupBarrier();
${BLOCK_START}
    for (var kk = 0u; kk < ${BK}u; kk++) {
${R.map((i) => `      let a${i} = As[kk * ${TM}u + lid.y + ${TY * i}u];\n      let b${i} = Bs[kk * ${TN}u + lid.x + ${TX * i}u];`).join('\n')}
${MULTIPLY}
    }
${BLOCK_END}
    workgroupBarrier();
  }
${each((i, j) => `  if (m0 + lid.y + ${TY * i}u < p.M && n0 + lid.x + ${TX * j}u < p.N) { store(g, sl, m0 + lid.y + ${TY * i}u, n0 + lid.x + ${TX * j}u, c${i}${j}); }`)}`;
  runKernel(dev, {
    key: `gemm:${s.key}:${TM}x${TN}:${direct ? 'direct' : 'tiled'}:${s.shapeKey ?? ''}`,
    params: { M: [s.M, 'u32'], N: [s.N, 'u32'], K: [s.K, 'u32'], S: [S, 'u32'], KP: [KP, 'u32'], ...s.params },
    operands: s.operands,
    prelude,
    main: direct ? directMain(TY, TX) : main,
    workgroupSize: [TX, TY, 1],
    workgroups: [Math.ceil(s.N / TN), Math.ceil(s.M / TM), s.groups * S],
  });
}
