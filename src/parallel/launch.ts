// Joining an MPI job from the command line: detects the launcher (mpirun,
// srun), initialises MPI, and makes any failure of a rank end the whole job
// at once with a message naming the rank, instead of leaving the others
// blocked in a collective: an uncaught error is printed and MPI_Abort called
// (mpirun then stops every rank); a rank that dies is noticed by mpirun.
import { availableParallelism } from 'node:os';
import { launchedSize, loadMpi } from './mpi.js';
import type { Job } from './data-parallel.js';

export interface JoinedJob extends Job {
  readonly host: string;
  readonly library: string;
  /** The gradient sums advance on the addon's own thread (MPI_THREAD_MULTIPLE), not only between layers. */
  readonly progressThread: boolean;
  /** Kernel threads this rank should use (its share of the node's cores), or null to keep the backend's own count. */
  readonly threadsPerRank: number | null;
  /** Prints the error as this rank's and ends every rank of the job. */
  fail(e: unknown): never;
  /** MPI_Finalize, after the last collective. */
  finish(): void;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The job this process is a rank of, or null when no MPI launcher started it. */
export function joinJob(env: NodeJS.ProcessEnv = process.env): JoinedJob | null {
  const launched = launchedSize(env);
  if (!launched) return null;
  const mpi = loadMpi();
  if (mpi instanceof Error) throw new Error(`this process was started by an MPI launcher (${launched.variable} is set), but ${mpi.message}`);
  const { rank, size, host, library, progressThread } = mpi.init();
  const fail = (e: unknown): never => {
    process.stderr.write(`alexnet: rank ${rank} of ${size} (${host}, pid ${process.pid}) failed: ${describe(e)}; stopping every rank of the job\n`);
    if (env.ALEXNET_DEBUG) console.error(e);
    return mpi.abort(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  // Ranks sharing a node share its cores: without ALEXNET_THREADS each takes its share, not all of them.
  const local = Number(env.OMPI_COMM_WORLD_LOCAL_SIZE ?? env.MPI_LOCALNRANKS ?? env.SLURM_NTASKS_PER_NODE ?? 1);
  const threadsPerRank = !env.ALEXNET_THREADS && Number.isInteger(local) && local > 1 ? Math.max(1, Math.floor(availableParallelism() / local)) : null;
  return { mpi, rank, size, host, library, progressThread, threadsPerRank, fail, finish: () => mpi.finalize() };
}
