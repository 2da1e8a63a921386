// Where a network's tensors are allocated and how the host reaches them.
// The host device is plain memory (Float32Array): the reference and native
// kernels run on it synchronously and every read is immediate. A GPU device
// (src/backend/webgpu) keeps tensors in its own buffers and queues work; the
// host sees values only through `read`, which waits for the queued work.
import { Tensor, isDeviceArray, type Device, type DeviceArray, type IndexArray } from './tensor.js';
import type { Shape } from './shape.js';

export type { Device } from './tensor.js';

class HostDevice implements Device {
  readonly name = 'host';
  zeros(shape: Shape): Tensor {
    return Tensor.zeros(shape);
  }
  indices(n: number): Int32Array {
    return new Int32Array(n);
  }
  write(t: Tensor, values: Float32Array): void {
    if (values.length !== t.size) throw new RangeError(`write: ${values.length} values for ${t.toString()}`);
    t.data.set(values);
  }
  writeIndices(a: IndexArray, values: Int32Array): void {
    if (isDeviceArray(a)) throw new Error('host device: index array lives on a device');
    a.set(values);
  }
  copy(src: Tensor, dst: Tensor): void {
    if (src.size !== dst.size) throw new RangeError(`copy: ${src.toString()} into ${dst.toString()}`);
    dst.data.set(src.data);
  }
  async read(t: Tensor): Promise<Float32Array> {
    return t.data;
  }
  async readIndices(a: IndexArray): Promise<Int32Array> {
    if (isDeviceArray(a)) return a.device.readIndices(a);
    return a;
  }
  async sync(): Promise<void> {}
}

export const hostDevice: Device = new HostDevice();

/** The device a tensor lives on. */
export function deviceOf(t: Tensor | DeviceArray): Device {
  const d = t instanceof Tensor ? t.deviceArray : t;
  return d ? d.device : hostDevice;
}

/** `t` on `device`: the same tensor when it is already there, else a copy. */
export function toDevice(t: Tensor, device: Device): Tensor {
  if (deviceOf(t) === device) return t;
  if (t.deviceArray) throw new Error(`${t.toString()}: read it to the host before moving it to ${device.name}`);
  const out = device.zeros(t.shape);
  device.write(out, t.data);
  return out;
}

/** A host copy of `t`'s values (the live array for host tensors). */
export async function readTensor(t: Tensor): Promise<Tensor> {
  if (!t.deviceArray) return t;
  return new Tensor(await deviceOf(t).read(t), t.shape);
}

