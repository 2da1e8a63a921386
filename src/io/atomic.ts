// Whole-file writes that never leave a half-written file under the final
// name: a crash or a full disk mid-write leaves the old file (or none) and a
// stray temporary, not a truncated checkpoint that loads as garbage later.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Writes `chunks` to `<file>.tmp-<pid>`, fsyncs it, renames it over `file`, then fsyncs the directory. */
export function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', 0o644);
    for (const c of chunks) {
      let done = 0;
      while (done < c.byteLength) done += writeSync(fd, c, done, c.byteLength - done);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, file);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // The rename is durable only once the directory entry is on disk. Some
  // file systems refuse fsync on a directory; the file itself is safe then.
  try {
    const dfd = openSync(path.dirname(file), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* best effort */ }
}
