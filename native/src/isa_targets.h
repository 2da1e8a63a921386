// The instruction sets the kernels are compiled for, defined once, and the
// per-ISA variants of plain loops. Each level is exactly the feature set
// detected_isa() (cpu.cpp) requires before active_isa() may name it, so code
// compiled for a level runs only where that level was detected and chosen
// (ALEXNET_ISA, setIsa). Nothing is built with -march: the baseline is plain
// x86-64, and these attributes compile single functions for more.
#pragma once

#include <utility>

#include "cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define ANX_X86_TARGETS 1
// Isa::Avx512.
#define ANX_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma")))
// The same, for small helpers that must be inlined into AVX-512 functions
// (vector arguments and results stay in registers).
#define ANX_TARGET_AVX512_INLINE __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma"), always_inline)) inline
// Isa::Avx2.
#define ANX_TARGET_AVX2 __attribute__((target("avx2,fma")))
// The plain loops' variants (PerIsa below) are compiled for each level's base
// feature alone, a subset of it. With avx512vl or fma, GCC also fuses a·b + c
// into FMAs in the 256- and 128-bit loops it vectorises epilogues with (it
// does in 512-bit and scalar code under avx512f already), which moves results
// in the last bits: LRN over a 27×27 plane, whose 217-pixel chunk ends in an
// 8-wide epilogue, is one case (bench/ab.ts on two builds, ops norm2, shows it).
// The AVX2 variant has no FMA, so its loops round every product.
#define ANX_LOOPS_AVX512 __attribute__((target("avx512f")))
#define ANX_LOOPS_AVX2 __attribute__((target("avx2")))
#endif

// A plain loop written once and compiled per level: mark the function
// ANX_ISA_BODY and call it as per_isa<fn>(args...) (or take
// PerIsa<fn>::pick() once for many calls). PerIsa inlines the body into one
// function per level, each with that level's target attribute, and pick()
// returns the one active_isa() names. So ALEXNET_ISA and setIsa choose these
// loops as they choose the hand-written kernels; GCC's target_clones would
// pick by CPUID alone and ignore both.
#define ANX_ISA_BODY __attribute__((always_inline)) inline

namespace anx {

template <auto Body>
struct PerIsa;

template <typename R, typename... P, R (*Body)(P...)>
struct PerIsa<Body> {
  using Fn = R (*)(P...);
  static R generic(P... p) { return Body(p...); }
#if defined(ANX_X86_TARGETS)
  ANX_LOOPS_AVX2 static R avx2(P... p) { return Body(p...); }
  ANX_LOOPS_AVX512 static R avx512(P... p) { return Body(p...); }
#endif
  static Fn pick() {
#if defined(ANX_X86_TARGETS)
    switch (active_isa()) {
      case Isa::Avx512: return avx512;
      case Isa::Avx2: return avx2;
      default: break;
    }
#endif
    return generic;
  }
};

// Body's variant for the active ISA, called with `args`.
template <auto Body, typename... A>
inline decltype(auto) per_isa(A&&... args) {
  return PerIsa<Body>::pick()(std::forward<A>(args)...);
}

}  // namespace anx
