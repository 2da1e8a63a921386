// Compiler and linker flags of the system MPI, for native/mpi/binding.gyp.
// Asks the MPI compiler wrapper (Open MPI: `mpicc --showme:*`; MPICH:
// `mpicc -show`), then pkg-config. Prints nothing and exits 1 when no MPI
// with a header is found, so the caller can skip the MPI addon.
//   node tools/mpi-flags.mjs --compile | --link | --check
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

function flags() {
  const cc = process.env.MPICC || 'mpicc';
  const compile = run(cc, ['--showme:compile']);
  const link = run(cc, ['--showme:link']);
  if (compile !== null && link !== null) return { compile, link };
  const show = run(cc, ['-show']);
  if (show) {
    const words = show.split(/\s+/).slice(1);
    return { compile: words.filter((w) => w.startsWith('-I') || w.startsWith('-D')).join(' '), link: words.filter((w) => /^-(L|l|Wl,)/.test(w)).join(' ') };
  }
  for (const pkg of ['ompi', 'mpich', 'mpi']) {
    const c = run('pkg-config', ['--cflags', pkg]);
    const l = run('pkg-config', ['--libs', pkg]);
    if (c !== null && l !== null) return { compile: c, link: l };
  }
  return null;
}

const f = flags();
const dirs = f ? [...f.compile.split(/\s+/).filter((w) => w.startsWith('-I')).map((w) => w.slice(2)), '/usr/include', '/usr/local/include'] : [];
if (!f || !dirs.some((d) => existsSync(path.join(d, 'mpi.h')))) process.exit(1);
const mode = process.argv[2];
if (mode === '--compile') console.log(f.compile);
else if (mode === '--link') console.log(f.link);
