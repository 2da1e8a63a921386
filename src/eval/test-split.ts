// A split read the way evaluation reads it (docs/paper.md §5 test views): no
// augmentation, no shuffle, every image (no dropped last batch), the run's
// mean (§7). Shared by eval, neighbours and the report.
import type { Config } from '../config/config.js';
import type { DataLoader, SplitName } from '../data/types.js';
import { openLoader } from '../data/loader.js';
import type { Part } from '../data/part.js';
import { testLoaderOptions } from '../data/split-options.js';

export interface TestSplitOptions {
  readonly mode: 'center' | 'tenViews';
  readonly batchSize: number;
  readonly cropSize: number;
  readonly limit?: number;
  /** Loader threads (default: the run's). */
  readonly workers?: number;
  /** This process's share of each batch (data-parallel validation). */
  readonly part?: Part;
  /** Batches carry uint8 images and views for a GPU network to render (evaluate: `rendersOnDevice`); x is then rendered only if read. */
  readonly deviceViews?: boolean;
}

export function openTestSplit(dataDir: string, split: SplitName, config: Config, o: TestSplitOptions): Promise<DataLoader> {
  return openLoader(dataDir, split, testLoaderOptions(config, o));
}
