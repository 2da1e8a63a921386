// Memory-bound elementwise kernels: ReLU, tanh (§3.1's saturating baseline), dropout's mask-and-scale, bias
// add, and the SGD update (§4 / §5 of the paper: momentum and weight decay).
#pragma once
#include <cstdint>
namespace anx {
void relu_forward(int64_t n, const float* x, float* y);
void relu_backward(int64_t n, const float* y, const float* dy, float* dx);
void tanh_forward(int64_t n, const float* x, float* y);
// dx = dy·(1 − y²), from the output.
void tanh_backward(int64_t n, const float* y, const float* dy, float* dx);
void mask_scale(int64_t n, const float* x, const float* mask, float scale, float* y);
// y[r, c] = relu?(y[r, c] + bias[c]) for a rows × cols matrix.
void bias_rows(int64_t rows, int cols, const float* bias, bool relu, float* y);
// A fused ReLU on one output, as a select the compiler vectorises (a max):
// NaN and −0 give +0. As a branch it mispredicted on about every other
// output of a real layer (Winograd's output transform).
inline float relu_if(bool relu, float v) { return relu ? (v > 0.f ? v : 0.f) : v; }
// paper:   v ← μ·v − λ·ε·w − ε·g;  w ← w + v
// pytorch: v ← μ·v + g + λ·w;      w ← w − ε·v
void sgd_update(int64_t n, float* w, float* v, const float* g, float lr, float momentum, float decay, bool pytorch_form);
}  // namespace anx
