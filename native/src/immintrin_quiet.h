// <immintrin.h> without GCC 12's false positives: it warns that the AVX-512
// intrinsics' own pass-through operand (_mm512_undefined_ps() inside
// avx512fintrin.h) "may be used uninitialized" wherever unpacklo/hi,
// shuffle_f32x4, max or extractf64x4 are inlined. The warning is located in
// the header, so it is silenced for the header's lines only, not our code.
#pragma once

#if defined(__x86_64__)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif
