import { readFileSync } from 'node:fs';

// One source of truth: package.json (two levels above dist/src/).
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf-8')) as { version: string }).version;
