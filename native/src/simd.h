// Elementwise loops are written plainly and compiled once per ISA with GCC's
// target_clones; the loader picks the best clone for the CPU at run time.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ANX_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define ANX_CLONES
#endif
