#include "padded_input.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "isa_targets.h"
#include "threadpool.h"

namespace anx {

namespace {

// One row of scratch per thread, for pad_row's strided layers.
float* thread_row(int floats) {
  thread_local std::vector<float> row;
  if ((int)row.size() < floats) row.resize(floats);
  return row.data();
}

}  // namespace

// dst[ph·J + j] = src[P·j + ph]: a padded row split into its P column phases.
// Constant strides for AlexNet's 2 and 4, so the compiler vectorises them with
// permutes (a scalar strided loop costs 14% of conv1's direct kernel). Compiled per ISA.
ANX_ISA_BODY static void split_phases(const float* src, int P, int J, float* dst) {
  if (P == 4) {
    for (int j = 0; j < J; j++)
      for (int ph = 0; ph < 4; ph++) dst[ph * J + j] = src[4 * j + ph];
  } else if (P == 2) {
    for (int j = 0; j < J; j++)
      for (int ph = 0; ph < 2; ph++) dst[ph * J + j] = src[2 * j + ph];
  } else {
    for (int ph = 0; ph < P; ph++)
      for (int j = 0; j < J; j++) dst[ph * J + j] = src[P * j + ph];
  }
}

// Convolutions read their input through the padded copy of padded_input.h,
// made once per call: edge checks and short scalar copies in the packers
// would cost a large share of a small batch's convolution (~19% of batch-1
// conv4).
void pad_row(const ConvGeom& g, const PaddedInput& p, const float* src, int r, float* dst) {
  const int ih = r - g.pt;
  if (ih < 0 || ih >= g.H) {
    std::memset(dst, 0, sizeof(float) * p.RW);
    return;
  }
  src += (int64_t)ih * g.W;
  // The row with its zero padding, padded column i = source column i − pl.
  const int c0 = std::min(p.RW, std::max(0, g.pl)), c1 = std::max(c0, std::min(p.RW, g.W + g.pl));
  float* row = p.P == 1 ? dst : thread_row(p.RW);
  std::memset(row, 0, sizeof(float) * c0);
  std::memcpy(row + c0, src + c0 - g.pl, sizeof(float) * (c1 - c0));
  std::memset(row + c1, 0, sizeof(float) * (p.RW - c1));
  if (p.P > 1) per_isa<split_phases>(row, p.P, p.J, dst);
}

void pad_input(const ConvGeom& g, const float* x, float* xp) {
  const PaddedInput p(g);
  std::memset(xp + (size_t)g.N * g.C * p.plane, 0, sizeof(float) * PaddedInput::RUN_SLACK);
  ThreadPool::instance().parallel_blocks((int64_t)g.N * g.C * p.Hp, [&](int64_t r0, int64_t r1, int) {
    for (int64_t r = r0; r < r1; r++)
      pad_row(g, p, x + (r / p.Hp) * g.H * g.W, (int)(r % p.Hp), xp + r * p.RW);
  });
}

}  // namespace anx
