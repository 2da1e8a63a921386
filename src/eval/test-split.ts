// A split read the way evaluation reads it (docs/paper.md §5 test views): no
// augmentation, no shuffle, every image (no dropped last batch), the run's
// mean (§7). Shared by eval, neighbours and the report.
import type { Config } from '../config/config.js';
import type { DataLoader, SplitName } from '../data/types.js';
import { openLoader } from '../data/loader.js';
import { testLoaderOptions, type TestSplitOptions } from '../config/split-options.js';

export type { TestSplitOptions } from '../config/split-options.js';

export function openTestSplit(dataDir: string, split: SplitName, config: Config, o: TestSplitOptions): Promise<DataLoader> {
  return openLoader(dataDir, split, testLoaderOptions(config, o));
}
