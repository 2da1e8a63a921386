// Builds a kernel's WGSL header from its parameters and operands, so each
// kernel file writes only its `main` body, and records the dispatch.
//
// Every operand is bound as a window of its buffer (see device.ts); its first
// element sits at `p.o_<name>` inside the window, so kernels index
// `x[p.o_x + i]`.
import type { DeviceArray } from '../../tensor/tensor.js';
import type { WebGpuDevice } from './device.js';

export type Scalar = 'u32' | 'i32' | 'f32';

export interface Operand {
  readonly name: string;
  readonly array: DeviceArray;
  /** Element range of the array this dispatch touches (default: all). */
  readonly start?: number;
  readonly count?: number;
  readonly write?: boolean;
}

export interface KernelSpec {
  /** Unique per WGSL text: the same key must always build the same shader. */
  readonly key: string;
  readonly params: Readonly<Record<string, readonly [number, Scalar]>>;
  readonly operands: readonly Operand[];
  /** WGSL declarations placed before main (helpers, workgroup arrays). */
  readonly prelude?: string;
  /** The body of `fn main(...)`, with `gid`, `lid`, `wid` and `nwg` (builtins) in scope. */
  readonly main: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly workgroups: readonly [number, number, number];
}

function header(spec: KernelSpec): string {
  const fields = [
    ...Object.entries(spec.params).map(([n, [, t]]) => `${n}: ${t}`),
    ...spec.operands.map((o) => `o_${o.name}: u32`),
  ];
  const lines = [`struct P { ${fields.join(', ')} }`, '@group(0) @binding(0) var<uniform> p: P;'];
  spec.operands.forEach((o, i) => {
    lines.push(`@group(0) @binding(${i + 1}) var<storage, ${o.write ? 'read_write' : 'read'}> ${o.name}: array<${o.array.dtype}>;`);
  });
  return lines.join('\n');
}

/** Records the kernel on `dev` (the pipeline is compiled on first use). */
export function runKernel(dev: WebGpuDevice, spec: KernelSpec): void {
  const [sx, sy, sz] = spec.workgroupSize;
  dev.dispatch({
    key: spec.key,
    wgsl: () => `${header(spec)}
${spec.prelude ?? ''}
@compute @workgroup_size(${sx}, ${sy}, ${sz})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
${spec.main}
}`,
    params: Object.values(spec.params),
    bindings: spec.operands.map((o) => ({ array: o.array, start: o.start, count: o.count })),
    workgroups: spec.workgroups,
  });
}

/** Workgroups for `n` threads of `size` each, spread over x and y (x ≤ 65535); kernels use `linearId`. */
export function grid(n: number, size = 256): [number, number, number] {
  const groups = Math.ceil(n / size);
  if (groups <= 65535) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

/** The flat thread index of a `grid` dispatch with 1-D workgroups of `size`. */
export function linearId(size = 256): string {
  return `(wid.y * nwg.x + wid.x) * ${size}u + lid.x`;
}

/**
 * Splits `total` items into chunks so that each operand's window stays under
 * the binding limit: `perItem` are the elements each item adds to an operand.
 */
export function chunkItems(dev: WebGpuDevice, total: number, perItem: readonly number[]): number {
  const largest = Math.max(1, ...perItem);
  // Leave room for the alignment shift at the front of a window.
  const fit = Math.floor((dev.maxBinding - 512) / (4 * largest));
  if (fit < 1) throw new Error(`webgpu: one item of ${largest} values exceeds the ${dev.maxBinding}-byte binding limit`);
  return Math.min(total, fit);
}
