// `npm run bench`: our throughput beside PyTorch's, measured in the same run
// on the same machine, for the paper and torchvision presets. Each side runs
// in its own process per preset (bench/worker.ts, tools/bench_torch.py) so
// peak memory is comparable. PyTorch runs with OpenBLAS selected for its
// process only; the BLAS it loaded is printed.
//   npm run bench [-- --quick] [-- --json] [-- --presets paper] [-- --no-pytorch] [-- --no-onnxruntime] [-- --no-data]
// Inference also runs the presets' exported ONNX graphs in ONNX Runtime
// (bench/onnxruntime.ts), the CPU inference engine people pick: a second reference.
// The data pipeline (ingest, loader) is measured by bench/data.ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadAddon } from '../src/backend/native/addon.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
// `--backend webgpu`: the GPU benchmark (bench/webgpu.ts) instead of the CPU one.
const bi = argv.indexOf('--backend');
if (bi >= 0 && argv[bi + 1] === 'webgpu') {
  const rest = argv.filter((_, i) => i !== bi && i !== bi + 1);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./webgpu.js', import.meta.url)), ...rest], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const has = (f: string) => argv.includes(f);
const opt = (f: string, d: string) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : d);
const known = ['--quick', '--json', '--presets', '--no-pytorch', '--no-onnxruntime', '--reps', '--no-data'];
for (const a of argv) {
  if (a.startsWith('--') && !known.includes(a)) {
    console.error(`bench: unknown option ${a}; options: ${known.join(', ')}`);
    process.exit(2);
  }
}
const quick = has('--quick');
const json = has('--json');
const presets = opt('--presets', 'paper,torchvision').split(',');
const reps = Number(opt('--reps', quick ? '1' : '3'));
const inferBatches = quick ? '1,32' : '1,32,128';
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const PYTHON = '/usr/bin/python3';

interface OrtSide {
  version?: string;
  threads?: number;
  optimisation?: string;
  /** Node ops ONNX Runtime executed after its graph rewrites, with their counts. */
  ops?: Record<string, number>;
  infer?: Record<string, { img_s: number }>;
  error?: string;
}

interface Side {
  train: { batch: number; img_s: number };
  peak_rss_mb: number;
  infer: Record<string, { img_s: number }>;
  blas?: string[];
  torch?: string;
  layers?: { layer: string; fwd_ms: number; bwd_ms: number; fwd_gflop_s: number | null; bwd_gflop_s: number | null }[];
  error?: string;
}

function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv): Side {
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf-8', maxBuffer: 64 << 20 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Side;
  } catch {
    return { error: `${path.basename(cmd)} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` } as Side;
  }
}

function torchAvailable(): string | null {
  if (has('--no-pytorch')) return 'disabled by --no-pytorch';
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf-8' });
  return r.status === 0 ? null : "Debian's python3-torch is not installed (apt-get install python3-torch python3-torchvision libopenblas0-pthread)";
}

const addon = loadAddon();
const peak = addon instanceof Error ? null : addon.peakGflops(quick ? 0.5 : 1.5);
const threads = addon instanceof Error ? 1 : addon.info().threads;
const noTorch = torchAvailable();
if (!noTorch && !existsSync(OPENBLAS)) {
  console.error(`bench: ${OPENBLAS} is missing: PyTorch would use the reference BLAS and its figures would be unfair. Install libopenblas0-pthread.`);
  process.exit(2);
}

const results: Record<string, unknown>[] = [];
const details: Record<string, { ours: Side; pytorch: Side | null; onnxruntime: OrtSide | null }> = {};
const noOrt = has('--no-onnxruntime');
for (const preset of presets) {
  if (!json) process.stderr.write(`bench: ${preset}: ours...`);
  const ours = runJson(process.execPath, [path.join(root, 'dist/bench/worker.js'), '--preset', preset, '--reps', String(reps), '--infer-batches', inferBatches], process.env);
  if (!json) process.stderr.write(noTorch ? '\n' : ' pytorch...\n');
  const pytorch = noTorch ? null : runJson(PYTHON, [path.join(root, 'tools/bench_torch.py'), '--preset', preset, '--threads', String(threads), '--reps', String(reps), '--infer-batches', inferBatches],
    { ...process.env, LD_LIBRARY_PATH: OPENBLAS });
  if (!json && !noOrt) process.stderr.write(`bench: ${preset}: onnxruntime...\n`);
  const onnxruntime = noOrt ? null : runJson(process.execPath, [path.join(root, 'dist/bench/onnxruntime.js'), '--preset', preset, '--threads', String(threads), '--reps', String(reps), '--infer-batches', inferBatches], process.env) as OrtSide;
  details[preset] = { ours, pytorch, onnxruntime };
  const row = (mode: 'train' | 'infer', batch: number, o: number | undefined, p: number | undefined, r?: number) =>
    results.push({
      preset, mode, batch, ours_img_s: o ?? null, pytorch_img_s: p ?? null, ratio: o && p ? o / p : null,
      ...(mode === 'infer' ? { onnxruntime_img_s: r ?? null, ratio_onnxruntime: o && r ? o / r : null } : {}),
    });
  row('train', 128, ours.train?.img_s, pytorch?.train?.img_s);
  for (const b of inferBatches.split(',')) row('infer', Number(b), ours.infer?.[b]?.img_s, pytorch?.infer?.[b]?.img_s, onnxruntime?.infer?.[b]?.img_s);
}

interface DataSide { ingest_img_s?: number; loader_img_s?: number; loader_cpu_ms_per_img?: number; loader_workers?: number; default_loader_img_s?: number; images?: number; load_average?: number; error?: string }
let data: DataSide | null = null;
if (!has('--no-data')) {
  if (!json) process.stderr.write('bench: data pipeline...\n');
  data = runJson(process.execPath, [path.join(root, 'dist/bench/data.js'), '--images', quick ? '192' : '512', '--batches', quick ? '4' : '12'], process.env) as DataSide;
}

const report = {
  machine: { peak_gflop_s: peak, threads, isa: addon instanceof Error ? 'reference' : addon.info().isa, cpus: cpus()[0]?.model },
  pytorch: noTorch ? { unavailable: noTorch } : { blas: Object.values(details)[0]?.pytorch?.blas ?? [], version: Object.values(details)[0]?.pytorch?.torch },
  onnxruntime: noOrt ? { unavailable: 'disabled by --no-onnxruntime' } : Object.fromEntries(Object.entries(details).map(([k, v]) => [k, { version: v.onnxruntime?.version, threads: v.onnxruntime?.threads, optimisation: v.onnxruntime?.optimisation, ops: v.onnxruntime?.ops }])),
  results,
  memory: Object.fromEntries(Object.entries(details).map(([k, v]) => [k, { ours_peak_rss_mb: v.ours.peak_rss_mb ?? null, pytorch_peak_rss_mb: v.pytorch?.peak_rss_mb ?? null }])),
  layers: Object.fromEntries(Object.entries(details).map(([k, v]) => [k, v.ours.layers ?? []])),
  data,
  errors: [...(data?.error ? [`data: ${data.error}`] : []), ...Object.entries(details).flatMap(([k, v]) => [v.ours.error && `${k} ours: ${v.ours.error}`, v.pytorch?.error && `${k} pytorch: ${v.pytorch.error}`, v.onnxruntime?.error && `${k} onnxruntime: ${v.onnxruntime.error}`].filter(Boolean))],
};

if (json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const f = (v: unknown, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '—');
  console.log(`machine: ${report.machine.cpus}, ${threads} threads, ${report.machine.isa}, measured fp32 peak ${f(peak)} GFLOP/s`);
  console.log(noTorch ? `pytorch: not measured (${noTorch})` : `pytorch ${report.pytorch.version}, BLAS loaded: ${(report.pytorch as { blas: string[] }).blas.join(', ') || 'none found'}`);
  for (const [k, v] of Object.entries(details)) {
    if (v.onnxruntime && !v.onnxruntime.error) console.log(`onnxruntime ${v.onnxruntime.version} (${k}): CPU provider, ${v.onnxruntime.threads} intra-op threads, graph optimisation '${v.onnxruntime.optimisation}'; ops run: ${Object.entries(v.onnxruntime.ops ?? {}).map(([op, n]) => `${op}×${n}`).join(', ')}`);
  }
  console.log('\npreset       mode   batch   ours img/s   pytorch img/s   ratio   onnxruntime img/s   ratio');
  for (const r of results as { preset: string; mode: string; batch: number; ours_img_s: number; pytorch_img_s: number; ratio: number; onnxruntime_img_s?: number; ratio_onnxruntime?: number }[]) {
    console.log(`${r.preset.padEnd(12)} ${r.mode.padEnd(6)} ${String(r.batch).padStart(5)} ${f(r.ours_img_s).padStart(12)} ${f(r.pytorch_img_s).padStart(15)} ${f(r.ratio, 2).padStart(7)} ${f(r.onnxruntime_img_s).padStart(19)} ${f(r.ratio_onnxruntime, 2).padStart(7)}`);
  }
  console.log('\npeak memory of batch-128 training (resident set, MB): ours / pytorch');
  for (const [k, v] of Object.entries(report.memory)) console.log(`  ${k.padEnd(12)} ${f(v.ours_peak_rss_mb, 0)} / ${f(v.pytorch_peak_rss_mb, 0)}`);
  for (const [k, rows] of Object.entries(report.layers)) {
    console.log(`\n${k}: per-layer time at batch 128 (ms) and GFLOP/s, share of peak`);
    for (const r of rows) {
      const share = (g: number | null) => (g && peak ? ` ${((100 * g) / peak).toFixed(0).padStart(3)}%` : '     ');
      console.log(`  ${r.layer.padEnd(6)} fwd ${f(r.fwd_ms).padStart(7)}${r.fwd_gflop_s ? ` ${f(r.fwd_gflop_s, 0).padStart(5)}${share(r.fwd_gflop_s)}` : ''.padEnd(11)}   bwd ${f(r.bwd_ms).padStart(7)}${r.bwd_gflop_s ? ` ${f(r.bwd_gflop_s, 0).padStart(5)}${share(r.bwd_gflop_s)}` : ''}`);
    }
  }
  if (data && !data.error) {
    console.log(`\ndata: ingest ${f(data.ingest_img_s)} img/s (${data.images} JPEGs of 500×375 → 256 shards); training augmentation from 256 JPEG shards at 224: ${f(data.loader_img_s)} img/s with ${data.loader_workers} workers (${f(data.loader_cpu_ms_per_img, 2)} CPU-ms per image), ${f(data.default_loader_img_s)} img/s with the default count; load average ${f(data.load_average, 1)}`);
  }
  for (const e of report.errors) console.log(`error: ${e}`);
}
