// §3.4 overlapping max pooling; ties go to the first maximum in row-major order.
#pragma once
#include <cstdint>
namespace anx {
struct PoolGeom {
  int N, C, H, W, OH, OW, k, s, p;
};
// argmax == nullptr: the values only (inference), the same y bit for bit.
void maxpool_forward(const PoolGeom& g, const float* x, float* y, int32_t* argmax);
void maxpool_backward(const PoolGeom& g, const float* dy, const int32_t* argmax, float* dx);
}  // namespace anx
