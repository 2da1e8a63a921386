// The embedded Fashion-MNIST subset, fetched from `alexnet serve` as image
// bytes (data/pixels.ts) and decoded once.
import { decodePixelSplit, type PixelSplit } from '../../src/data/pixels.js';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText} ${(await r.text()).trim()}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function fetchSplit(name: 'train' | 'val'): Promise<PixelSplit> {
  return decodePixelSplit(await fetchBytes(`data/${name}`), `the ${name} split from the server`);
}

export { fetchBytes };
