// The packers of the convolution's implicit GEMMs (gemm.h's Packer): the
// im2col panels are built block by block inside the GEMM, never whole.
//   forward:         B(k, n), k = (c, kh, kw), n = (image, oh, ow), from the
//                    padded copy of padded_input.h (pack_im2col);
//   weight gradient: A(m, k) = dy (DyPacker) and B(k, n), k = (image, oh, ow),
//                    n = (c, kh, kw), from the input itself (pack_im2col_t).
#pragma once

#include "conv.h"
#include "gemm.h"

namespace anx {

// Panel packers of a convolution's input, with a Packer's arguments after
// (g, input, OHW): lines [l0, l0 + ln) × k in [k0, k0 + kc) in strips of w.
using ConvPackFn = void (*)(const ConvGeom&, const float*, int, int, int, int, int, int, float*);
// The active ISA's variant of pack_im2col: the forward GEMM's B from the
// padded copy xp (offset to the group's first channel).
ConvPackFn pack_im2col_fn();
// The active ISA's variant of pack_im2col_t: the weight-gradient GEMM's B
// from x (offset to the group's first channel).
ConvPackFn pack_im2col_t_fn();

// A view of a convolution's input packed by `fn` (pack_im2col or pack_im2col_t).
struct ConvInputPacker : Packer {
  const ConvGeom& g;
  const float* x;  // input, offset to the group's first channel
  ConvPackFn fn;
  ConvInputPacker(const ConvGeom& g_, const float* x_, ConvPackFn fn_) : g(g_), x(x_), fn(fn_) {}
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override {
    fn(g, x, g.OH * g.OW, l0, ln, k0, kc, w, buf);
    return buf;
  }
};

// A(m, k) of the weight-gradient GEMM: m = output channel o of the group,
// k = (image, oh·OW + ow); the value is dy at that pixel. Within one image the
// rows are a plain matrix (row stride OHW), so each strip is packed image by
// image by RowsPacker (its transposing kernel where the ISA has one): one
// strip of `len` k's lands at dst + k·w with the same layout as the panel.
struct DyPacker : Packer {
  const float* dy;  // offset to the group's first channel
  int O, OHW;
  DyPacker(const float* dy_, int O_, int OHW_) : dy(dy_), O(O_), OHW(OHW_) {}
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override;
};

}  // namespace anx
