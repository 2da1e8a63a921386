import type { Command } from '../args.js';
import { activeBackend, backendOps, registeredBackends } from '../../ops/registry.js';
import { loadAddon } from '../../backend/native/addon.js';
import { loadMpi } from '../../parallel/mpi.js';

export const backends: Command = {
  spec: {
    name: 'backends',
    summary: 'List the kernel backends, the active one, the ops each implements, and the WebGPU adapter.',
    usage: ['[--json]'],
    options: [{ name: 'json', type: 'boolean', help: 'the WebGPU adapter report as JSON' }],
    examples: ['alexnet backends', 'ALEXNET_BACKEND=reference alexnet backends', 'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json alexnet backends'],
  },
  async run(args) {
    console.log(`active host backend: ${activeBackend()}`);
    const addon = loadAddon();
    if (!(addon instanceof Error)) {
      const i = addon.info();
      console.log(`native: ${i.isa} (detected ${i.detectedIsa}), micro-kernel ${i.microKernel}, ${i.threads} threads`);
    } else {
      console.log(`native: unavailable (${addon.message})`);
    }
    for (const b of registeredBackends()) console.log(`  ${b}: ${backendOps(b).join(', ')}`);
    // Loading the addon does not initialise MPI, so this works outside mpirun too.
    const mpi = loadMpi();
    console.log(mpi instanceof Error ? `mpi: unavailable (${mpi.message})` : 'mpi: available (data-parallel training with mpirun -np N alexnet train …; docs/cluster.md)');
    // WebGPU: the adapter, or exactly why there is none.
    const { describeAdapter } = await import('../../backend/webgpu/gpu.js');
    try {
      const a = await describeAdapter();
      if (args.options.json) console.log(JSON.stringify(a, null, 2));
      else {
        console.log(`webgpu: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ')} (--backend webgpu)`);
        console.log(`  features: ${a.features.join(', ')}`);
        console.log(`  limits: ${Object.entries(a.limits).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      }
    } catch (e) {
      console.log(`webgpu: unavailable — ${(e as Error).message}`);
    }
    return 0;
  },
};
