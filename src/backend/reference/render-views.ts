// Reference renderViews kernel (src/ops/render-views.ts): renderView for each row of the view table.
import { VIEW_FIELDS, type MeanSource, type RenderViewsKernels } from '../../ops/render-views.js';
import { renderView } from './render-view.js';

export const renderViews: RenderViewsKernels = {
  render(g, pixels, views, meanImage, out) {
    const plane3 = 3 * g.size * g.size;
    const per = 3 * g.crop * g.crop;
    const mean: MeanSource = { mode: g.mean, meanImage: meanImage ?? new Float32Array(0), meanChannel: g.meanChannel, gain: g.gain, bgr: g.bgr };
    for (let r = 0; r < g.images * g.viewsPerImage; r++) {
      const v = r * VIEW_FIELDS;
      const image = Math.floor(r / g.viewsPerImage);
      const view = { y: views[v], x: views[v + 1], flip: views[v + 2] !== 0 };
      renderView(pixels.subarray(image * plane3, (image + 1) * plane3), g.size, g.crop, view, mean, [views[v + 3], views[v + 4], views[v + 5]], out, r * per);
    }
  },
};
