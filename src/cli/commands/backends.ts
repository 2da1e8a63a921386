import type { Command } from '../args.js';
import { backendReport } from '../../index.js';

export const backends: Command = {
  spec: {
    name: 'backends',
    summary: 'List the kernel backends, the active one, the ops each implements, and the WebGPU adapter.',
    usage: ['[--json]'],
    options: [{ name: 'json', type: 'boolean', help: 'the WebGPU adapter report as JSON' }],
    examples: ['alexnet backends', 'ALEXNET_BACKEND=reference alexnet backends', 'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json alexnet backends'],
  },
  async run(args) {
    const r = await backendReport();
    console.log(`active host backend: ${r.defaultHost}`);
    const n = r.native;
    console.log(n.available ? `native: ${n.isa} (detected ${n.detectedIsa}), micro-kernel ${n.microKernel}, ${n.threads} threads` : `native: unavailable (${n.reason})`);
    for (const [b, ops] of Object.entries(r.ops)) console.log(`  ${b}: ${ops.join(', ')}`);
    console.log(r.mpi.available ? 'mpi: available (data-parallel training with mpirun -np N alexnet train …; docs/cluster.md)' : `mpi: unavailable (${r.mpi.reason})`);
    // WebGPU: the adapter, or exactly why there is none.
    const a = r.webgpu;
    if (!a.available) console.log(`webgpu: unavailable — ${a.reason}`);
    else if (args.options.json) {
      const { available: _a, ...report } = a;
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(`webgpu: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ')} (--backend webgpu)`);
      console.log(`  features: ${a.features.join(', ')}`);
      console.log(`  limits: ${Object.entries(a.limits).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    return 0;
  },
};
