// Batches for a GPU to render (LoaderOptions.deviceViews): the images' uint8
// bytes and the batch's view table instead of rendered float32 input, so the
// upload is 3·S·S bytes an image instead of 4·3·crop·crop per view, and the
// loader's threads only copy bytes. The host rendering of the same batch
// (renderRaw) is the one BatchBuilder.build writes, value for value.
import { renderViewRows } from './render-view.js';
import { batchViews, type ViewSpec } from './views.js';
import type { RawViews } from './types.js';

export interface RawParts {
  readonly pixels: Uint8Array;
  readonly views: Float64Array;
}

/** The bytes (padded to whole 4-byte words, so they upload without a copy) and view table of split images `indices`. */
export async function buildRaw(builder: { pixels(i: number): Promise<Uint8Array> }, spec: ViewSpec, epoch: number, indices: Int32Array): Promise<RawParts> {
  const plane3 = 3 * spec.size * spec.size;
  const pixels = new Uint8Array(Math.ceil((indices.length * plane3) / 4) * 4);
  await Promise.all(Array.from(indices, async (i, b) => pixels.set(await builder.pixels(i), b * plane3)));
  return { pixels, views: batchViews(spec, epoch, indices) };
}

/** x of a raw batch, rendered on the host as BatchBuilder.build renders it. */
export function renderRaw(raw: RawViews): Float32Array {
  const out = new Float32Array(raw.images * raw.viewsPerImage * 3 * raw.crop * raw.crop);
  renderViewRows(raw.pixels, raw.images, raw.viewsPerImage, raw.size, raw.crop, raw.views, raw.mean, out);
  return out;
}
