// The embedded Fashion-MNIST subset, fetched from `alexnet serve` as an image
// set (labelled images in memory) and decoded once.
import { decodeImageSet, type ImageSet } from 'alexnet-ts';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText} ${(await r.text()).trim()}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function fetchSplit(name: 'train' | 'val'): Promise<ImageSet> {
  return decodeImageSet(await fetchBytes(`data/${name}`), `the ${name} split from the server`);
}

export { fetchBytes };
