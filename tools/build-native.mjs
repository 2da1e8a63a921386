// `npm install` hook: builds the native addon with node-gyp against the
// headers of the Node.js that runs this script (its installation prefix has
// include/node), so nothing is downloaded. A failed build is not fatal: the
// library then runs on the reference kernels and says so.
//
// A second addon, native/mpi/ (data-parallel training over MPI, issue 13), is
// built only where an MPI with mpi.h is found (tools/mpi-flags.mjs); elsewhere
// it is skipped with one line and `alexnet backends` says MPI is unavailable.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const prefix = path.resolve(process.execPath, '..', '..');
const args = ['rebuild'];
if (existsSync(path.join(prefix, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync('node-gyp', args, { stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) {
  console.warn('alexnet-ts: the native addon did not build; the slow reference kernels will be used (see the messages above)');
}

if (spawnSync(process.execPath, ['tools/mpi-flags.mjs', '--check']).status !== 0) {
  console.warn('alexnet-ts: no MPI found (mpicc or pkg-config with mpi.h); the MPI addon is skipped, so mpirun training is unavailable');
} else {
  const m = spawnSync('node-gyp', [...args, '--directory', 'native/mpi'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (m.status !== 0) console.warn('alexnet-ts: the MPI addon did not build (see the messages above); mpirun training is unavailable');
}
