// Classifying one image in the page (docs/paper.md §6.1, Figure 4 left): a
// network of the browser entry resizes it as `alexnet predict` does with
// sharp (shorter side to S and the central square; Caffe's warp;
// torchvision's resize-then-crop), then gives the top-5.
import type { BrowserImage, Network } from 'alexnet-ts';

/** One class of a result as the page's state records it (alexnet predict --json's fields). */
export interface Scored {
  readonly id: string;
  readonly name: string;
  readonly index: number;
  readonly probability: number;
}

export interface Classifier {
  readonly network: Network<BrowserImage>;
  /** Where the weights came from, for the page. */
  readonly label: string;
}

/** Top-k of an image, as the page's state records them (alexnet predict's fields). */
export async function classifyImage(c: Classifier, image: BrowserImage, k = 5): Promise<Scored[]> {
  const top = await c.network.classify(image, { topK: k });
  return top.map((t) => ({ id: t.id, name: t.label, index: t.index, probability: t.probability }));
}

/** Draws what the network is shown of the image (its S×S square, before the crop) into a canvas, scaled up. */
export async function showSquare(canvas: HTMLCanvasElement, c: Classifier, image: BrowserImage): Promise<void> {
  const sq = await c.network.square(image);
  const img = new ImageData(sq.width, sq.height);
  for (let i = 0; i < sq.width * sq.height; i++) img.data.set([sq.data[3 * i], sq.data[3 * i + 1], sq.data[3 * i + 2], 255], 4 * i);
  const tmp = new OffscreenCanvas(sq.width, sq.height);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}
