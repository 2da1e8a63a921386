// The MPI addon's TypeScript face (native/mpi/, built by `npm install` where
// the system MPI's mpi.h is found). Loaded with RTLD_GLOBAL: Open MPI opens
// its own plugins with dlopen, and they need libmpi's symbols in the global
// namespace (the same reason mpi4py loads libmpi globally).
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { packageRoot } from '../util/package-root.js';

type Floats = Float32Array | Float64Array;

export interface MpiAddon {
  /**
   * MPI_Init_thread on the first call (MULTIPLE, with a progress thread for
   * the gradient sums; FUNNELED with ALEXNET_MPI_PROGRESS=main); the job's shape.
   */
  init(): { rank: number; size: number; threadFunneled: boolean; progressThread: boolean; host: string; library: string };
  finalize(): void;
  /** In place: buf ← Σ over ranks (MPI_Allreduce, MPI_IN_PLACE). */
  allreduceSum(buf: Floats): void;
  /** Starts an in-place sum (MPI_Iallreduce); the buffer must not be touched until test() is true or wait() returns. */
  iallreduceSum(buf: Floats): number;
  /** True once complete (the id is then released); advances it when there is no progress thread. */
  test(request: number): boolean;
  wait(request: number): void;
  /** The bytes of `buf` from rank `root` to every rank. */
  broadcast(buf: ArrayBufferView, root: number): void;
  barrier(): void;
  /** MPI_Abort(MPI_COMM_WORLD, code): ends every rank of the job. */
  abort(code: number): never;
  wtime(): number;
}

/** native/mpi/build/Release/alexnet_mpi.node in the package. */
export function mpiAddonPath(): string {
  return path.join(packageRoot(), 'native', 'mpi', 'build', 'Release', 'alexnet_mpi.node');
}

let cached: MpiAddon | Error | undefined;

/** The addon, or the Error that says why it is not there. */
export function loadMpi(): MpiAddon | Error {
  if (cached === undefined) {
    const file = mpiAddonPath();
    if (!existsSync(file)) {
      cached = new Error(`the MPI addon ${file} is not built (npm install builds it where MPI's mpi.h is found: install e.g. openmpi-bin and libopenmpi-dev, then run npm rebuild)`);
    } else {
      try {
        const m = { exports: {} as MpiAddon };
        process.dlopen(m, file, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL);
        cached = m.exports;
      } catch (e) {
        cached = new Error(`cannot load ${file}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  return cached;
}

/**
 * The launcher's environment variable that says this process is one rank of
 * an MPI job (Open MPI's mpirun, PMIx/PMI launchers such as Slurm's srun with
 * --mpi, MPICH's Hydra), and the job's size it gives; null when not launched so.
 */
export function launchedSize(env: NodeJS.ProcessEnv = process.env): { variable: string; size: number } | null {
  for (const v of ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE']) {
    const n = Number(env[v]);
    if (env[v] && Number.isInteger(n) && n >= 1) return { variable: v, size: n };
  }
  // PMIx (e.g. srun --mpi=pmix) names no size; MPI_Init tells it.
  return env.PMIX_RANK !== undefined ? { variable: 'PMIX_RANK', size: 0 } : null;
}
