// Where the page's networks run: the browser entry's default (WebGPU on the
// page's adapter, the same WGSL kernels as Node's `webgpu` backend), or, where
// the browser has no WebGPU or no adapter, the reference kernels on the CPU
// (slow, and said on screen). `?backend=reference` forces the latter.
import { browserBackendReport, type BackendName } from 'alexnet-ts';

export interface Backend {
  readonly name: BackendName;
  readonly gpu: boolean;
  /** One line for the page. */
  readonly label: string;
}

export async function chooseBackend(want: string | null): Promise<Backend> {
  const r = want === 'reference' ? { backend: 'reference' as const, detail: 'asked for with ?backend=reference.' } : await browserBackendReport();
  if (r.backend === 'webgpu') return { name: 'webgpu', gpu: true, label: r.detail };
  return { name: 'reference', gpu: false, label: `No WebGPU: ${r.detail} Running the reference kernels on the CPU, which is slow: train on a few hundred images.` };
}
