// Reference renderViews kernel (src/ops/render-views.ts): renderView for each row of the view table.
import type { MeanSource, RenderViewsKernels } from '../../ops/render-views.js';
import { renderViewRows } from '../../data/render-view.js';

export const renderViews: RenderViewsKernels = {
  render(g, pixels, views, meanImage, out) {
    const mean: MeanSource = { mode: g.mean, meanImage: meanImage ?? new Float32Array(0), meanChannel: g.meanChannel, gain: g.gain, bgr: g.bgr };
    renderViewRows(pixels, g.images, g.viewsPerImage, g.size, g.crop, views, mean, out);
  },
};
