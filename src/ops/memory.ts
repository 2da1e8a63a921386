// The memory a kernel set works on. Every kernel interface is written once,
// generic over it: host backends (reference, native) take Float32Array and
// Int32Array and return the loss as a number; a device backend (WebGPU) takes
// DeviceArray ranges of its buffers and leaves results on the device.
import type { DeviceArray } from '../tensor/tensor.js';

export interface Memory {
  readonly f32: unknown;
  readonly i32: unknown;
  /** Uint8 pixels: a Uint8Array on the host, bytes packed four to an i32 value on a device. */
  readonly u8: unknown;
  /** What the cross-entropy kernel returns: the mean loss, or nothing (it stays on the device). */
  readonly loss: unknown;
}

export interface HostMemory extends Memory {
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly loss: number;
}

export interface DeviceMemory extends Memory {
  readonly f32: DeviceArray;
  readonly i32: DeviceArray;
  readonly u8: DeviceArray;
  readonly loss: void;
}
