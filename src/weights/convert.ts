// `alexnet convert`: published weights (a torch.save file, a .caffemodel)
// to our safetensors weight files (published.ts reads them).
import { inflateRawSync } from 'node:zlib';
import { readWholeFile } from '../io/readfile.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { decodePublishedWeights, type ConvertOptions, type ConvertResult } from './published.js';

export { ConvertError, decodePublishedWeights, type ConvertOptions, type ConvertResult, type PublishedWeights, type SourceFormat } from './published.js';

/** Reads `input`, checks it against the preset and writes `output` (safetensors, atomically). */
export function convertWeights(input: string, output: string, o: ConvertOptions = {}): ConvertResult {
  const w = decodePublishedWeights(readWholeFile(input), input, { inflateRaw: inflateRawSync, ...o });
  const list = [...w.tensorData].map(([n, t]) => [n, { shape: t.shape, data: t.data }] as [string, { shape: readonly number[]; data: Float32Array }]);
  writeFileAtomic(output, encodeSafetensors(list, { ...w.metadata }));
  const { tensorData: _t, metadata: _m, ...result } = w;
  return result;
}
