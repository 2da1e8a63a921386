// dst[t] = src[t·stride] for t < n: the im2col rows of a strided convolution
// (conv1, stride 4). With AVX-512, stride 4 takes contiguous loads and two
// permutes per 16 values instead of 16 scalar loads (gather instructions were
// measured slower on Zen 4), the last partial vector masked; other strides
// and ISAs take a plain loop.
#pragma once

namespace anx {

using StridedCopyFn = void (*)(float* dst, const float* src, int n, int stride);
StridedCopyFn active_strided_copy();

}  // namespace anx
