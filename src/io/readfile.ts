// Whole-file reads for the format readers, with errors that name the file.
import { readFileSync } from 'node:fs';

export function readWholeFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
