/// <reference types="@webgpu/types" />
// The WebGPU device: tensors are ranges of GPU buffers, kernels are WGSL
// compute pipelines, and work is recorded into one command encoder that is
// submitted only when the host needs a result (a read) — so a whole training
// step is one submission. Uploads (input batch, dropout masks, labels) are
// copies from fresh staging buffers recorded into the same encoder, so they
// stay ordered with the kernels around them.
//
// Kernels bind whole windows of buffers and receive each operand's element
// offset as a uniform: tensor views (`batch`, the gradient arena) cost
// nothing and need no 256-byte alignment. A window is at most the device's
// storage-binding limit; kernels that could exceed it (fc6's 151 MB weight,
// conv1's activations at batch 128) work in chunks (see `windows`).
import { Tensor } from '../../tensor/tensor.js';
import { shapeSize, type Shape } from '../../tensor/shape.js';
import { isDeviceArray, type DeviceArray, type IndexArray } from '../../tensor/tensor.js';
import type { Device } from '../../tensor/device.js';
import { WebGpuError } from './errors.js';
import { PassTimer } from './timer.js';

/** One operand of a dispatch: a window of a device array. */
export interface Binding {
  readonly array: DeviceArray;
  /** Element range inside the array (default: all of it). */
  readonly start?: number;
  readonly count?: number;
}

/** A resolved window: what to bind and where the range starts inside it. */
interface Window {
  readonly buffer: GPUBuffer;
  readonly byteOffset: number;
  readonly byteSize: number;
  /** Elements from the window's start to the range's first element. */
  readonly shift: number;
}

export interface DispatchSpec {
  /** Cache key of the pipeline (its WGSL is built once). */
  readonly key: string;
  readonly wgsl: () => string;
  /** Uniform values, in the order of the WGSL `P` struct's fields (u32/i32 as integers, f32 as floats). */
  readonly params: readonly (readonly [number, 'u32' | 'i32' | 'f32'])[];
  readonly bindings: readonly Binding[];
  readonly workgroups: readonly [number, number, number];
}

export interface WebGpuOptions {
  /** GEMM kernel: 'tiled' (workgroup memory; GPUs) or 'direct' (no barriers; CPU drivers). Default by adapter. */
  readonly gemm?: 'tiled' | 'direct';
  /** Cap on bytes per storage binding (tests use a small one to exercise chunking). */
  readonly maxBindingBytes?: number;
}

const UNIFORM_SLOT = 256;
const UNIFORM_SLOTS = 4096;
const STORAGE_USAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST

/** The backend name of WebGPU devices, under which their kernels are registered (kernels.ts). */
export const WEBGPU_BACKEND = 'webgpu';

export class WebGpuDevice implements Device {
  readonly name = WEBGPU_BACKEND;
  /** Bytes per storage binding the kernels may use. */
  readonly maxBinding: number;
  readonly gemmVariant: 'tiled' | 'direct';
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly uniformBuffer: GPUBuffer;
  private readonly uniformData = new ArrayBuffer(UNIFORM_SLOT * UNIFORM_SLOTS);
  private uniformSlots = 0;
  private staging: GPUBuffer[] = [];
  private readonly readBuffers = new Map<number, GPUBuffer[]>();
  private errors: string[] = [];
  private lostReason: string | null = null;
  private destroyed = false;
  private live = 0;
  private peak = 0;
  private timer: PassTimer | null = null;
  private timing = false;
  /** Dispatches recorded since creation (for tests and the bench). */
  dispatches = 0;
  submissions = 0;

  constructor(readonly gpu: GPUDevice, readonly adapterInfo: GPUAdapterInfo, options: WebGpuOptions = {}) {
    this.maxBinding = Math.min(gpu.limits.maxStorageBufferBindingSize, options.maxBindingBytes ?? Infinity);
    this.gemmVariant = options.gemm ?? (WebGpuDevice.isCpuAdapter(adapterInfo) ? 'direct' : 'tiled');
    this.uniformBuffer = gpu.createBuffer({ size: UNIFORM_SLOT * UNIFORM_SLOTS, usage: 0x40 | 0x08 }); // UNIFORM | COPY_DST
    gpu.lost.then((info) => {
      if (!this.destroyed) this.lostReason = `${info.reason}: ${info.message}`;
    });
    gpu.addEventListener('uncapturederror', (e) => {
      this.errors.push((e as GPUUncapturedErrorEvent).error.message);
    });
  }

  /** SwiftShader and other CPU implementations of Vulkan. */
  static isCpuAdapter(info: GPUAdapterInfo): boolean {
    return /swiftshader|llvmpipe|lavapipe|cpu/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
  }

  /** Bytes held in tensors now, and the most held at once. */
  get memory(): { live: number; peak: number } {
    return { live: this.live, peak: this.peak };
  }

  private checkAlive(): void {
    if (this.lostReason !== null) {
      throw new WebGpuError('lost', `the WebGPU device was lost (${this.lostReason}); a driver reset or a removed GPU does this. ` +
        `Nothing after the last checkpoint was saved; resume with --resume, or run with --backend native`);
    }
    if (this.destroyed) throw new WebGpuError('lost', 'the WebGPU device was closed');
  }

  private array(n: number, dtype: 'f32' | 'i32'): DeviceArray {
    this.checkAlive();
    const size = Math.max(16, Math.ceil((n * 4) / 16) * 16);
    if (size > this.gpu.limits.maxBufferSize) {
      throw new WebGpuError('out-of-memory', `a tensor of ${n} values (${(size / 2 ** 20).toFixed(0)} MiB) exceeds the adapter's largest buffer ` +
        `(${(this.gpu.limits.maxBufferSize / 2 ** 20).toFixed(0)} MiB); use a smaller batch (--set train.batchSize=…)`);
    }
    this.gpu.pushErrorScope('out-of-memory');
    const buffer = this.gpu.createBuffer({ size, usage: STORAGE_USAGE });
    this.gpu.popErrorScope().then((e) => {
      if (e) this.errors.push(`out of GPU memory allocating ${(size / 2 ** 20).toFixed(1)} MiB (${e.message}); use a smaller batch (--set train.batchSize=…)`);
    });
    this.live += size;
    this.peak = Math.max(this.peak, this.live);
    return { kind: 'device', device: this, buffer, offset: 0, length: n, dtype };
  }

  zeros(shape: Shape): Tensor {
    // WebGPU zero-initialises new buffers.
    return new Tensor(this.array(shapeSize(shape), 'f32'), shape);
  }

  indices(n: number): DeviceArray {
    return this.array(n, 'i32');
  }

  private readonly scratchArrays = new Map<string, DeviceArray>();

  /** A kernel's scratch array of at least n values, kept and grown per key (never read by the host). */
  scratch(key: string, n: number): DeviceArray {
    let a = this.scratchArrays.get(key);
    if (!a || a.length < n) {
      if (a) {
        this.flush(); // recorded work may still use the old array
        this.live -= (a.buffer as GPUBuffer).size;
        (a.buffer as GPUBuffer).destroy();
      }
      a = this.array(n, 'f32');
      this.scratchArrays.set(key, a);
    }
    return a;
  }

  /** Frees a tensor's buffer now (the bench and tests free whole networks this way). */
  free(t: Tensor): void {
    const d = t.deviceArray;
    if (!d || d.offset !== 0) return;
    const b = d.buffer as GPUBuffer;
    this.flush();
    this.live -= b.size;
    b.destroy();
  }

  private own(a: DeviceArray): GPUBuffer {
    if (a.device !== this) throw new Error(`array of ${a.device.name} used on ${this.name}`);
    return a.buffer as GPUBuffer;
  }

  private endPass(): GPUCommandEncoder {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    return (this.encoder ??= this.gpu.createCommandEncoder());
  }

  private upload(a: DeviceArray, bytes: ArrayBufferView): void {
    this.checkAlive();
    if (bytes.byteLength !== a.length * 4) throw new RangeError(`write: ${bytes.byteLength / 4} values for ${a.length}`);
    if (a.length === 0) return;
    const staging = this.gpu.createBuffer({ size: bytes.byteLength, usage: 0x04, mappedAtCreation: true }); // COPY_SRC
    new Uint8Array(staging.getMappedRange()).set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    staging.unmap();
    this.endPass().copyBufferToBuffer(staging, 0, this.own(a), a.offset * 4, bytes.byteLength);
    this.staging.push(staging);
  }

  write(t: Tensor, values: Float32Array): void {
    const d = t.deviceArray;
    if (!d) throw new Error(`${t.toString()} is not on ${this.name}`);
    this.upload(d, values);
  }

  writeIndices(a: IndexArray, values: Int32Array): void {
    if (!isDeviceArray(a)) throw new Error(`an index array on the host is not on ${this.name}`);
    this.upload(a, values);
  }

  copy(src: Tensor, dst: Tensor): void {
    const s = src.deviceArray;
    const d = dst.deviceArray;
    if (!s || !d || src.size !== dst.size) throw new Error(`copy: ${src.toString()} into ${dst.toString()}`);
    if (src.size === 0) return;
    this.endPass().copyBufferToBuffer(this.own(s), s.offset * 4, this.own(d), d.offset * 4, src.size * 4);
  }

  /** Submits everything recorded so far. */
  flush(): void {
    this.checkAlive();
    if (this.uniformSlots > 0) {
      this.gpu.queue.writeBuffer(this.uniformBuffer, 0, this.uniformData, 0, this.uniformSlots * UNIFORM_SLOT);
      this.uniformSlots = 0;
    }
    if (!this.encoder && !this.pass) return;
    const enc = this.endPass();
    this.encoder = null;
    this.timer?.resolve(enc);
    this.gpu.queue.submit([enc.finish()]);
    this.submissions++;
    // Staging buffers are freed once the work that reads them is done.
    for (const s of this.staging) s.destroy();
    this.staging = [];
  }

  private async readBytes(a: DeviceArray): Promise<ArrayBuffer> {
    const bytes = a.length * 4;
    if (bytes === 0) return new ArrayBuffer(0);
    const size = Math.ceil(bytes / 16) * 16;
    const pool = this.readBuffers.get(size) ?? [];
    this.readBuffers.set(size, pool);
    const rb = pool.pop() ?? this.gpu.createBuffer({ size, usage: 0x01 | 0x08 }); // MAP_READ | COPY_DST
    this.endPass().copyBufferToBuffer(this.own(a), a.offset * 4, rb, 0, bytes);
    this.flush();
    try {
      await rb.mapAsync(1); // GPUMapMode.READ
    } catch (e) {
      this.checkAlive();
      throw new WebGpuError('error', `reading from the GPU failed: ${(e as Error).message}`);
    }
    const out = rb.getMappedRange(0, bytes).slice(0);
    rb.unmap();
    pool.push(rb);
    this.report();
    return out;
  }

  /** Throws the first device error recorded since the last check. */
  private report(): void {
    this.checkAlive();
    if (this.errors.length) {
      const first = this.errors[0];
      const more = this.errors.length - 1;
      this.errors = [];
      const oom = /out of (GPU )?memory|OutOfMemory/i.test(first);
      throw new WebGpuError(oom ? 'out-of-memory' : 'error', `WebGPU: ${first}${more ? ` (and ${more} more)` : ''}` +
        (oom ? '' : '. This is a bug in alexnet-ts\'s WebGPU kernels or the driver; run with --backend native meanwhile'));
    }
  }

  async read(t: Tensor): Promise<Float32Array> {
    const d = t.deviceArray;
    if (!d) return t.data;
    return new Float32Array(await this.readBytes(d));
  }

  async readIndices(a: IndexArray): Promise<Int32Array> {
    if (!isDeviceArray(a)) return a;
    return new Int32Array(await this.readBytes(a));
  }

  async sync(): Promise<void> {
    this.flush();
    await this.gpu.queue.onSubmittedWorkDone();
    // Error scopes resolve asynchronously; give them a turn before reporting.
    await new Promise<void>((r) => setTimeout(r, 0));
    this.report();
  }

  /** The window of `b`'s range, aligned down to the binding-offset alignment. */
  private window(b: Binding): Window {
    const a = b.array;
    const start = a.offset + (b.start ?? 0);
    const count = b.count ?? a.length - (b.start ?? 0);
    const align = this.gpu.limits.minStorageBufferOffsetAlignment;
    const byteStart = start * 4;
    const byteOffset = Math.floor(byteStart / align) * align;
    const buffer = this.own(a);
    const byteSize = Math.max(16, Math.min(buffer.size - byteOffset, Math.ceil((byteStart + count * 4 - byteOffset) / 16) * 16));
    if (byteStart + count * 4 - byteOffset > this.maxBinding) {
      throw new Error(`webgpu: a binding of ${count} values exceeds the ${this.maxBinding}-byte limit (a kernel must chunk it)`);
    }
    return { buffer, byteOffset, byteSize: Math.min(byteSize, this.maxBinding), shift: (byteStart - byteOffset) / 4 };
  }

  private pipeline(key: string, wgsl: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const code = wgsl();
      const module = this.gpu.createShaderModule({ code });
      p = this.gpu.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Records one dispatch. The uniform block gets the spec's params followed by
   * one u32 shift per binding (`o0`, `o1`, …: the element where each range starts
   * inside its window), matching `paramStruct`.
   */
  dispatch(spec: DispatchSpec): void {
    this.checkAlive();
    const [x, y, z] = spec.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const max = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) throw new Error(`webgpu: dispatch ${x}×${y}×${z} exceeds ${max} workgroups per dimension (${spec.key})`);
    const windows = spec.bindings.map((b) => this.window(b));
    if (this.uniformSlots === UNIFORM_SLOTS) this.flush();
    const slot = this.uniformSlots++;
    const view = new DataView(this.uniformData, slot * UNIFORM_SLOT, UNIFORM_SLOT);
    const fields = [...spec.params, ...windows.map((w) => [w.shift, 'u32'] as const)];
    if (fields.length * 4 > UNIFORM_SLOT) throw new Error(`webgpu: too many parameters for ${spec.key}`);
    fields.forEach(([v, t], i) => {
      if (t === 'f32') view.setFloat32(i * 4, v, true);
      else if (t === 'i32') view.setInt32(i * 4, v, true);
      else view.setUint32(i * 4, v, true);
    });
    const pipeline = this.pipeline(spec.key, spec.wgsl);
    const group = this.gpu.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniformBuffer, offset: slot * UNIFORM_SLOT, size: UNIFORM_SLOT } },
        ...windows.map((w, i) => ({ binding: i + 1, resource: { buffer: w.buffer, offset: w.byteOffset, size: w.byteSize } })),
      ],
    });
    if (!this.pass) {
      const timestampWrites = this.timing ? this.timer?.writes() : undefined;
      this.pass = (this.encoder ??= this.gpu.createCommandEncoder()).beginComputePass(timestampWrites ? { timestampWrites } : undefined);
    }
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(x, y, z);
    this.dispatches++;
  }

  /** Whether the device can time passes on the GPU (the adapter's 'timestamp-query', requested when the device was opened). */
  get hasTimestamps(): boolean {
    return this.gpu.features.has('timestamp-query');
  }

  /**
   * Times every following compute pass under `label` with GPU timestamps (the
   * open pass is ended, so passes never mix labels); null stops timing.
   * Returns false (and times nothing) without 'timestamp-query'.
   */
  timeAs(label: string | null): boolean {
    if (!this.hasTimestamps) return false;
    this.endPass();
    this.timing = label !== null;
    if (label !== null) (this.timer ??= new PassTimer(this.gpu)).label = label;
    return true;
  }

  /** GPU nanoseconds per label of the passes timed since the last call (submits recorded work first). */
  async readTimes(): Promise<Map<string, number>> {
    if (!this.timer) return new Map();
    this.flush();
    const times = await this.timer.read((enc) => this.gpu.queue.submit([enc.finish()]));
    this.report();
    return times;
  }

  /** Waits for the queue, then releases the GPU device (Node exits only after this). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    try {
      if (this.lostReason === null) await this.sync();
    } finally {
      this.destroyed = true;
      this.timer?.destroy();
      this.gpu.destroy();
    }
  }
}
