// §1 fully connected layers on the packed GEMM; weights [O, I] as in PyTorch.
#pragma once
namespace anx {
void linear_forward(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu);
void linear_backward_data(int N, int I, int O, const float* dy, const float* w, float* dx);
void linear_backward_weights(int N, int I, int O, const float* x, const float* dy, float* dw, float* db);
}  // namespace anx
