// A tensor and where its values live. The tensor, its storage and the Device
// that owns a device array refer to each other, so they are declared in one
// module.
import { assertValidShape, contiguousStrides, formatShape, shapeSize, type Shape } from './shape.js';
import { hostFloats } from './host-memory.js';

// Where a tensor's values live. Host tensors hold a Float32Array (the
// reference and native backends read it in place: zero-copy); device tensors
// hold a DeviceArray, a range of a buffer in a device's memory that only that
// device's kernels touch. The host reads a device array only when it asks,
// with an explicit asynchronous read (`Device.read`).

/** A range of elements of one device buffer (float32 or int32). */
export interface DeviceArray {
  readonly kind: 'device';
  readonly device: Device;
  /** The backend's buffer object (a GPUBuffer for WebGPU). */
  readonly buffer: unknown;
  /** First element inside the buffer. */
  readonly offset: number;
  /** Elements in the range. */
  readonly length: number;
  readonly dtype: 'f32' | 'i32';
}

export type Storage = Float32Array | DeviceArray;
/** Max-pooling indices and labels: host Int32Array or a device i32 array. */
export type IndexArray = Int32Array | DeviceArray;

export function isDeviceArray(s: unknown): s is DeviceArray {
  return typeof s === 'object' && s !== null && (s as DeviceArray).kind === 'device';
}

/** A sub-range view of a device array (no copy). */
export function deviceSubarray(a: DeviceArray, start: number, end: number): DeviceArray {
  if (!(0 <= start && start <= end && end <= a.length)) throw new RangeError(`device subarray [${start}, ${end}) outside [0, ${a.length})`);
  return { ...a, offset: a.offset + start, length: end - start };
}

/** Whether two storages are the same range of the same memory. */
export function sameStorage(a: Storage | IndexArray, b: Storage | IndexArray): boolean {
  if (isDeviceArray(a) || isDeviceArray(b)) {
    return isDeviceArray(a) && isDeviceArray(b) && a.buffer === b.buffer && a.offset === b.offset && a.length === b.length;
  }
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.length === b.length;
}

/**
 * Where a device array lives: a GPU device (src/backend/webgpu) keeps tensors
 * in its own buffers and queues work; the host sees values only through
 * `read`, which waits for the queued work. The host device (device.ts) is
 * plain memory.
 */
export interface Device {
  /** 'host', or the backend name of a GPU device ('webgpu'). */
  readonly name: string;
  /** A zero-filled tensor in this device's memory. */
  zeros(shape: Shape): Tensor;
  /** n zero int32 values (max-pooling indices, labels). */
  indices(n: number): IndexArray;
  /** Copies host values into `t` (queued in order with the device's work). */
  write(t: Tensor, values: Float32Array): void;
  writeIndices(a: IndexArray, values: Int32Array): void;
  /** dst ← src (same size, both on this device). */
  copy(src: Tensor, dst: Tensor): void;
  /** The host values of `t`, after all work queued so far. */
  read(t: Tensor): Promise<Float32Array>;
  readIndices(a: IndexArray): Promise<Int32Array>;
  /** Waits until queued work has finished (and reports device errors). */
  sync(): Promise<void>;
}

/**
 * A dense float32 tensor in row-major (NCHW for images) layout.
 *
 * Storage is always contiguous: a tensor is a shape over a Float32Array
 * (host memory) or over a DeviceArray (a GPU buffer range), either of which
 * may be a view into a larger buffer. That keeps every kernel simple (one
 * pointer and the shape) and makes handing host buffers to native code
 * zero-copy. Cheap views: `reshape` and `batch` (a range of the leading
 * dimension) share storage with their source, on the host and on a device.
 */
export class Tensor {
  readonly shape: Shape;
  readonly storage: Storage;

  constructor(storage: Storage, shape: Shape) {
    assertValidShape(shape);
    const n = shapeSize(shape);
    if (storage.length !== n) {
      throw new RangeError(`Tensor: storage holds ${storage.length} values but shape ${formatShape(shape)} needs ${n}`);
    }
    if (isDeviceArray(storage) && storage.dtype !== 'f32') throw new TypeError('Tensor: device storage must be float32');
    this.shape = Object.freeze([...shape]);
    this.storage = storage;
  }

  /** The host values; a tensor on a device has none until read (`Device.read`). */
  get data(): Float32Array {
    const s = this.storage;
    if (isDeviceArray(s)) {
      throw new Error(`${this.toString()} lives on the ${s.device.name} device: read it with 'await device.read(tensor)' first`);
    }
    return s;
  }

  /** The device array, or null for a host tensor. */
  get deviceArray(): DeviceArray | null {
    return isDeviceArray(this.storage) ? this.storage : null;
  }

  static zeros(shape: Shape): Tensor {
    assertValidShape(shape);
    return new Tensor(hostFloats(shapeSize(shape)), shape);
  }

  static full(shape: Shape, value: number): Tensor {
    const t = Tensor.zeros(shape);
    t.data.fill(value);
    return t;
  }

  static from(values: ArrayLike<number>, shape: Shape): Tensor {
    return new Tensor(Float32Array.from(values), shape);
  }

  get size(): number {
    return this.storage.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get strides(): number[] {
    return contiguousStrides(this.shape);
  }

  /** A view with another shape of the same size; -1 stands for the one inferred dimension. */
  reshape(shape: Shape): Tensor {
    const inferred = shape.indexOf(-1);
    let resolved = [...shape];
    if (inferred >= 0) {
      const known = shape.reduce((p, d, i) => (i === inferred ? p : p * d), 1);
      if (known === 0 || this.size % known !== 0) {
        throw new RangeError(`reshape: cannot infer ${formatShape(shape)} from ${formatShape(this.shape)}`);
      }
      resolved[inferred] = this.size / known;
    }
    if (shapeSize(resolved) !== this.size) {
      throw new RangeError(`reshape: ${formatShape(this.shape)} has ${this.size} values, ${formatShape(resolved)} needs ${shapeSize(resolved)}`);
    }
    return new Tensor(this.storage, resolved);
  }

  /** A view of items [start, end) along the leading (batch) dimension. */
  batch(start: number, end: number): Tensor {
    const n = this.shape[0];
    if (!(0 <= start && start <= end && end <= n)) {
      throw new RangeError(`batch: range [${start}, ${end}) outside leading dimension ${n} of ${formatShape(this.shape)}`);
    }
    const per = n === 0 ? 0 : this.size / n;
    const s = this.storage;
    const part = isDeviceArray(s) ? deviceSubarray(s, start * per, end * per) : s.subarray(start * per, end * per);
    return new Tensor(part, [end - start, ...this.shape.slice(1)]);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  toString(): string {
    const d = this.deviceArray;
    return `Tensor${formatShape(this.shape)}${d ? `@${d.device.name}` : ''}`;
  }
}
