// The padded, column-phase-split copy of a convolution's input (made by
// padded_input.cpp) that the implicit-GEMM packer (conv_pack.cpp) and the
// direct kernels (conv_direct.cpp, conv_lanes.cpp) read: per (image,
// channel), Hp = (OH − 1)·sh + KH rows (the zero rows above and below the
// image in place), each split by column phase into sw rows of J values,
// xp[ph][j] = x[sw·j + ph − pl] (zero outside the row), J·sw covering the
// padded width the windows reach. Tap (kh, kw = sw·q + ph) of output
// (oh, ow) then reads row oh·sh + kh, phase ph, column ow + q: every run of
// an output row is contiguous, with no edge checks and no strided reads
// (stride 1 is the case sw = 1: a zero-padded copy).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "conv.h"

namespace anx {

struct PaddedInput {
  int P, J, RW, Hp;
  int64_t plane;  // floats per (image, channel)
  explicit PaddedInput(const ConvGeom& g)
      : P(g.sw), J(((g.OW - 1) * g.sw + g.KW + g.sw - 1) / g.sw), RW(P * J), Hp((g.OH - 1) * g.sh + g.KH),
        plane((int64_t)Hp * RW) {}
  // Floats of the copy, plus the slack that whole-vector copies may read past a run's end.
  size_t floats(const ConvGeom& g) const { return (size_t)g.N * g.C * plane + RUN_SLACK; }
  static constexpr int RUN_SLACK = 16;
};

// Row r of the padded plane (r = ih + pt, 0 ≤ r < Hp) of one (image, channel)
// plane `src` (H × W) into dst (RW floats).
void pad_row(const ConvGeom& g, const PaddedInput& p, const float* src, int r, float* dst);

// The whole copy, every image and channel, on the pool (xp: p.floats(g) floats).
void pad_input(const ConvGeom& g, const float* x, float* xp);

// Tap (c, kh, kw) of the group's channels, relative to the first output's
// window: c·plane + kh·row + col(kw), for a copy of `plane` floats a channel
// and `row` floats a row, column col(kw) within the row (the direct kernels).
template <typename Col>
std::vector<int32_t> tap_offsets(const ConvGeom& g, int64_t plane, int row, Col col) {
  const int KK = g.KH * g.KW, K = g.C / g.groups * KK;
  std::vector<int32_t> off(K);
  for (int k = 0; k < K; k++) {
    const int c = k / KK, kh = (k % KK) / g.KW, kw = k % g.KW;
    off[k] = (int32_t)(c * plane + (int64_t)kh * row + col(kw));
  }
  return off;
}

}  // namespace anx
