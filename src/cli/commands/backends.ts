import type { Command } from '../args.js';
import { activeBackend, backendOps, registeredBackends } from '../../ops/registry.js';
import { loadAddon } from '../../backend/native/addon.js';
import { loadMpi } from '../../parallel/mpi.js';

export const backends: Command = {
  spec: {
    name: 'backends',
    summary: 'List the kernel backends, the active one and the ops each implements.',
    usage: [''],
    options: [],
    examples: ['alexnet backends', 'ALEXNET_BACKEND=reference alexnet backends'],
  },
  async run() {
    console.log(`active backend: ${activeBackend()}`);
    const addon = loadAddon();
    if (!(addon instanceof Error)) {
      const i = addon.info();
      console.log(`native: ${i.isa} (detected ${i.detectedIsa}), micro-kernel ${i.microKernel}, ${i.threads} threads`);
    }
    for (const b of registeredBackends()) console.log(`  ${b}: ${backendOps(b).join(', ')}`);
    // Loading the addon does not initialise MPI, so this works outside mpirun too.
    const mpi = loadMpi();
    console.log(mpi instanceof Error ? `mpi: unavailable (${mpi.message})` : 'mpi: available (data-parallel training with mpirun -np N alexnet train …; docs/cluster.md)');
    return 0;
  },
};
