#include "conv_pack.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "padded_input.h"
#include "isa_targets.h"

namespace anx {

namespace {

// The runs of one output row in a strip of columns n = (image, oh, ow):
// (line j, length, image, ih0 = oh·sh − pt, ow0). Returns how many.
struct Run { int j, len, img, ih0, ow0; };
inline int output_runs(const ConvGeom& g, int OHW, int n0, int lines, Run* runs) {
  int nruns = 0;
  for (int j = 0; j < lines;) {
    const int n = n0 + j;
    const int img = n / OHW, p = n % OHW, oh = p / g.OW, ow = p % g.OW;
    const int len = std::min(lines - j, g.OW - ow);
    runs[nruns++] = {j, len, img, oh * g.sh - g.pt, ow};
    j += len;
  }
  return nruns;
}

}  // namespace

// Packs the implicit im2col panel B(k, n) of the forward GEMM from the padded
// copy (xp offset to the group's first channel): k = (c, kh, kw) in the
// group's channels, n = (image, oh, ow), strip by strip. Runs are copied in
// whole 16-float vectors (short runs, ~13 values at 13×13, make a per-value
// loop or a memcpy call the cost): a run's overshoot lands where the next run
// of the row, the strip's zero padding lanes or the next row (k + 1) write
// afterwards; a run whose vector would pass the strip's end (its last row)
// is finished value by value, so no write leaves the strip. Compiled per ISA.
ANX_ISA_BODY static void pack_im2col(const ConvGeom& g, const float* xp, int OHW, int l0, int ln, int k0, int kc, int w,
                                     float* buf) {
  const PaddedInput p(g);
  const int KK = g.KH * g.KW;
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w);
    Run runs[64];
    const int nruns = output_runs(g, OHW, l0 + s * w, lines, runs);
    int64_t base[64];  // each run's source at tap (c, kh, kw) = (0, 0, 0)
    for (int r = 0; r < nruns; r++)
      base[r] = (int64_t)runs[r].img * g.C * p.plane + (int64_t)(runs[r].ih0 + g.pt) * p.RW + runs[r].ow0;
    // Decode k = (c, kh, kw) once, then step it (no division per k).
    int c = k0 / KK, kh = (k0 % KK) / g.KW, kw = k0 % g.KW;
    for (int k = 0; k < kc; k++, kw = kw + 1 == g.KW ? (kh = kh + 1 == g.KH ? (c++, 0) : kh + 1, 0) : kw + 1) {
      float* d = dst + (size_t)k * w;
      float* const limit = d + (k + 1 < kc ? 2 * w : w);  // writes may reach the next row, if this strip has one
      const float* tap = xp + c * p.plane + (int64_t)kh * p.RW + (kw % p.P) * p.J + kw / p.P;
      for (int r = 0; r < nruns; r++) {
        float* o = d + runs[r].j;
        const float* src = tap + base[r];
        const int len = runs[r].len;
        int t = 0;
        for (; t + 16 <= len; t += 16) std::memcpy(o + t, src + t, 16 * sizeof(float));
        if (t == len) continue;
        if (o + t + 16 <= limit) std::memcpy(o + t, src + t, 16 * sizeof(float));
        else
          for (; t < len; t++) o[t] = src[t];
      }
      for (int j = lines; j < w; j++) d[j] = 0.f;
    }
  }
}

const float* DyPacker::pack(int l0, int ln, int k0, int kc, int w, float* buf) const {
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w);
    for (int k = 0; k < kc;) {
      const int kk = k0 + k, img = kk / OHW, p = kk % OHW;
      const int len = std::min(kc - k, OHW - p);
      RowsPacker(dy + (int64_t)img * O * OHW, OHW).pack(l0 + s * w, lines, p, len, w, dst + (size_t)k * w);
      k += len;
    }
  }
  return buf;
}

// Packs the transposed im2col panel: B(k, n) of the weight-gradient GEMM,
// k = (image, oh, ow), n = (c, kh, kw). Each strip of lines gets an offset
// table, and the table is cut into runs of lines whose sources are adjacent
// (the kw of one (c, kh): 11 floats in conv1). A pixel whose window lies
// inside the image copies each run as one 16-float vector, as pack_im2col
// does: an overshoot lands where a later run, the strip's zero padding or the
// next row (k + 1) writes afterwards; a run whose write would pass the row
// after this one (the strip's last row), or whose read would pass the input's
// end, goes value by value. One scalar load and store per value would make this
// packing ~40% of conv1's weight gradient. Compiled per ISA.
ANX_ISA_BODY static void pack_im2col_t(const ConvGeom& g, const float* x, int OHW, int l0, int ln, int k0, int kc, int w, float* buf) {
  const int KK = g.KH * g.KW, HW = g.H * g.W;
  // The group's last channel of the last image ends here (x starts at the group's first channel).
  const float* const x_end = x + ((int64_t)(g.N - 1) * g.C + g.C / g.groups) * HW;
  int32_t off[64];
  int lkh[64], lkw[64];
  int run_j[65];  // run r covers lines [run_j[r], run_j[r + 1])
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w);
    int nruns = 0;
    for (int j = 0; j < lines; j++) {
      const int n = l0 + s * w + j, c = n / KK, kh = (n % KK) / g.KW, kw = n % g.KW;
      off[j] = c * HW + kh * g.W + kw;
      lkh[j] = kh;
      lkw[j] = kw;
      if (j == 0 || off[j] != off[j - 1] + 1 || j - run_j[nruns - 1] == 16) run_j[nruns++] = j;
    }
    run_j[nruns] = lines;
    // Decode k = (image, oh, ow) once, then step it (no division per k).
    int img = k0 / OHW, oh = (k0 % OHW) / g.OW, ow = k0 % g.OW;
    for (int k = 0; k < kc; k++, ow = ow + 1 == g.OW ? (oh = oh + 1 == g.OH ? (img++, 0) : oh + 1, 0) : ow + 1) {
      const int ih0 = oh * g.sh - g.pt, iw0 = ow * g.sw - g.pl;
      float* d = dst + (size_t)k * w;
      if (ih0 >= 0 && iw0 >= 0 && ih0 + g.KH <= g.H && iw0 + g.KW <= g.W) {
        const float* base = x + (int64_t)img * g.C * HW + (int64_t)ih0 * g.W + iw0;
        float* const limit = d + (k + 1 < kc ? 2 * w : w);
        for (int r = 0; r < nruns; r++) {
          const int j0 = run_j[r], j1 = run_j[r + 1];
          const float* src = base + off[j0];
          if (d + j0 + 16 <= limit && src + 16 <= x_end) std::memcpy(d + j0, src, 16 * sizeof(float));
          else
            for (int j = j0; j < j1; j++) d[j] = src[j - j0];
        }
      } else {
        const float* xi = x + (int64_t)img * g.C * HW;
        for (int j = 0; j < lines; j++) {
          const int ih = ih0 + lkh[j], iw = iw0 + lkw[j];
          d[j] = (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) ? xi[off[j] + (int64_t)ih0 * g.W + iw0] : 0.f;
        }
      }
      if (lines < w) std::memset(d + lines, 0, sizeof(float) * (size_t)(w - lines));
    }
  }
}


ConvPackFn pack_im2col_fn() { return PerIsa<pack_im2col>::pick(); }
ConvPackFn pack_im2col_t_fn() { return PerIsa<pack_im2col_t>::pick(); }

}  // namespace anx
