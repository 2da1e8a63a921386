// The instruction sets the kernels are compiled for, defined once. Each
// level is exactly the feature set detected_isa() (cpu.cpp) requires before
// active_isa() may name it, so code compiled for a level runs only where that
// level was detected and chosen (ALEXNET_ISA, setIsa). Nothing is built with
// -march: the baseline is plain x86-64, and these attributes compile single
// functions for more.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define ANX_X86_TARGETS 1
// Isa::Avx512.
#define ANX_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma")))
// The same, for small helpers that must be inlined into AVX-512 functions
// (vector arguments and results stay in registers).
#define ANX_TARGET_AVX512_INLINE __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma"), always_inline)) inline
// Isa::Avx2.
#define ANX_TARGET_AVX2 __attribute__((target("avx2,fma")))
#endif
