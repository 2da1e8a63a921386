// Figure 3 in the page: the conv1 kernels as the library draws them
// (filterPixels), 4× for the 5×5 kernels of mini.
import { filterPixels, type BrowserImage, type Network } from 'alexnet-ts';

export async function drawFilters(canvas: HTMLCanvasElement, network: Network<BrowserImage>): Promise<void> {
  const g = await filterPixels(network);
  canvas.width = g.width;
  canvas.height = g.height;
  const img = new ImageData(g.width, g.height);
  for (let p = 0; p < g.width * g.height; p++) img.data.set([g.data[3 * p], g.data[3 * p + 1], g.data[3 * p + 2], 255], 4 * p);
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}
