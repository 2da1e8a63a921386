// Safetensors files on disk (Node); the format itself is safetensors.ts.
import { readWholeFile } from './readfile.js';
import { decodeSafetensors, type SafetensorsFile } from './safetensors.js';

export function readSafetensors(path: string): SafetensorsFile {
  return decodeSafetensors(readWholeFile(path), path);
}
