// Where the page's networks run: a WebGPU device on the browser's adapter
// (the same WGSL kernels as `--backend webgpu`), or, where the browser has no
// WebGPU or no adapter, host memory with the reference kernels (slow, and
// said on screen). `?backend=reference` forces the latter.
import { adapterReport, openWebGpuDevice, requestAdapter } from '../../src/backend/webgpu/open.js';
import { hostDevice, setDefaultDevice, type Device } from '../../src/tensor/device.js';

export interface Backend {
  readonly device: Device;
  readonly gpu: boolean;
  /** One line for the page. */
  readonly label: string;
}

const HELP = 'Chrome and Edge 113+ and Safari 26 ship WebGPU; on Linux Chrome needs --enable-unsafe-webgpu (and a Vulkan driver, or --enable-unsafe-swiftshader for the CPU one).';

export async function chooseBackend(want: string | null): Promise<Backend> {
  let why: string;
  if (want === 'reference') why = 'asked for with ?backend=reference';
  else if (!('gpu' in navigator) || !navigator.gpu) why = `this browser has no WebGPU (navigator.gpu). ${HELP}`;
  else {
    try {
      const adapter = await requestAdapter(navigator.gpu, HELP);
      const r = adapterReport(adapter);
      const device = await openWebGpuDevice(adapter);
      setDefaultDevice(device);
      const name = [r.vendor, r.architecture, r.device, r.description].filter(Boolean).join(' / ') || 'unnamed adapter';
      return { device, gpu: true, label: `WebGPU on ${name}${device.gemmVariant === 'direct' ? ' (a CPU implementation: correct, slow)' : ''}` };
    } catch (e) {
      why = (e as Error).message;
    }
  }
  setDefaultDevice(hostDevice);
  return { device: hostDevice, gpu: false, label: `No WebGPU: ${why} Running the reference kernels on the CPU, which is slow: train on a few hundred images.` };
}
