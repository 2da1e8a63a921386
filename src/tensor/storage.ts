// Where a tensor's values live. Host tensors hold a Float32Array (the
// reference and native backends read it in place: zero-copy); device tensors
// hold a DeviceArray, a range of a buffer in a device's memory that only that
// device's kernels touch. The host reads a device array only when it asks,
// with an explicit asynchronous read (`Device.read`).

import type { Device } from './device.js';

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
