// What the public API needs from the platform it runs on: opening a
// backend, turning the platform's images into the network's square, and
// files where there are files. Each entry (src/index.ts, src/browser.ts) builds one
// and hands it to the shared code; nothing is chosen at import time.
import type { Device } from '../tensor/device.js';
import type { Preprocessing } from '../eval/input.js';
import type { InflateRaw } from '../io/zip.js';
import type { BackendName } from './types.js';

export interface OpenedBackend {
  readonly backend: BackendName;
  /** Where the network's tensors live. */
  readonly device: Device;
  /** The registry's host kernel set the network runs on ('native', 'reference'); null on a GPU device. */
  readonly hostKernels: string | null;
}

export interface Platform<I> {
  /** 'node' or 'browser', for messages. */
  readonly name: string;
  /** Opens `want`, or this platform's best backend when undefined; `where` names the caller in errors. */
  openBackend(want: BackendName | undefined, where: string): Promise<OpenedBackend>;
  /** An image → the p.size × p.size HWC RGB square of the preprocessing (resize and centre square as p says). */
  square(image: I, p: Preprocessing): Promise<Uint8Array>;
  /** Names an image in errors ("images[3] (cat.jpg)"). */
  describe(image: I): string;
  readFile?(path: string): Promise<Uint8Array>;
  writeFile?(path: string, bytes: Uint8Array): Promise<void>;
  /** Sets how many threads the host kernels use (a rank's share of its node's cores under MPI). */
  setHostThreads?(threads: number): void;
  /** For deflated zip entries of .pth files. */
  readonly inflateRaw?: InflateRaw;
}
