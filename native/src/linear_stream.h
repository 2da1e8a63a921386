// Fully connected forward for batches of 17–64 with W streamed from its rows (see linear_stream.cpp).
#pragma once

namespace anx {

// y = x·Wᵀ + b (ReLU): returns false, doing nothing, where it does not apply (batch, ISA).
bool linear_forward_stream(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu);

}  // namespace anx
