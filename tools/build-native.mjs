// `npm install` hook: builds the native addon with node-gyp against the
// headers of the Node.js that runs this script (its installation prefix has
// include/node), so nothing is downloaded. Quiet on success (one line:
// node-gyp's own chatter and the compiler lines are kept in
// build/native-build.log); on failure the whole log is printed, since that
// is when someone needs it. A failed build is not fatal: the library then
// runs on the reference kernels and says so.
//
// A second addon, native/mpi/ (data-parallel training over MPI), is
// built only where an MPI with mpi.h is found (tools/mpi-flags.mjs); elsewhere
// it is skipped with one line and `alexnet backends` says MPI is unavailable.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const prefix = path.resolve(process.execPath, '..', '..');
const args = ['rebuild'];
if (existsSync(path.join(prefix, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefix}`);

/** Runs node-gyp quietly; returns whether it built, keeping its output in build/<logName>. */
function build(what, extra, logName) {
  const start = Date.now();
  const r = spawnSync('node-gyp', [...args, ...extra], { encoding: 'utf8', maxBuffer: 64 << 20, shell: process.platform === 'win32' });
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}\n` : ''}`;
  try {
    mkdirSync('build', { recursive: true });
    writeFileSync(path.join('build', logName), log);
  } catch {
    // The log file is a convenience; the result below is what matters.
  }
  if (r.status === 0) console.log(`alexnet-ts: ${what} built in ${((Date.now() - start) / 1000).toFixed(0)} s (log: build/${logName})`);
  else process.stderr.write(log);
  return r.status === 0;
}

if (!build('native kernels', [], 'native-build.log')) {
  console.warn('alexnet-ts: the native addon did not build (log above); the slow reference kernels will be used');
}

if (spawnSync(process.execPath, ['tools/mpi-flags.mjs', '--check']).status !== 0) {
  console.warn('alexnet-ts: no MPI found (mpicc or pkg-config with mpi.h); the MPI addon is skipped, so mpirun training is unavailable');
} else if (!build('MPI addon', ['--directory', 'native/mpi'], 'mpi-build.log')) {
  console.warn('alexnet-ts: the MPI addon did not build (log above); mpirun training is unavailable');
}
