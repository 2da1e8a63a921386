// §3.3 local response normalisation across channels, window clipped at the
// channel-group edges; forward and backward each in one pass over the data.
#pragma once
namespace anx {
struct LrnGeom {
  int N, C, HW, size, groups;
  float alpha_eff, beta, k;
};
void lrn_forward(const LrnGeom& g, const float* x, float* y, float* scale);
void lrn_backward(const LrnGeom& g, const float* x, const float* y, const float* scale, const float* dy, float* dx);
}  // namespace anx
