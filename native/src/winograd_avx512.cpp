// Winograd transforms on AVX-512 registers: the input's V = Bᵀ d B
// (winograd.cpp, winograd5.cpp), the output's y = Aᵀ m A, and the weight
// gradient's A dy Aᵀ (winograd_grad.cpp), for layers whose tile rows fit two
// vectors (2·TW + α − 2 ≤ 32 columns: AlexNet's 27×27 and 13×13 layers). All
// three walk one tile row of one channel at a time, with the row's columns
// split into even and odd lanes (tile tw's columns 2tw, 2tw + 1, … are lanes
// tw, tw + 1, … of the two halves), so every tile of the row is one lane.
//
// Why: the plain loops (winograd_input_walk) copy each input row value by
// value with a bounds test, apply Bᵀ column by column and write the even and
// odd columns apart one value at a time: about 30% of conv2's forward pass
// and 60% of its backward-data pass (input: 128 channels of dy a group).
// Here a row is two masked loads (the padding is the mask), Bᵀ is a few
// vector operations per row pair, the even/odd split one permute each, and
// each plane's tile row one masked store per strip of the packed layout.
//
// The output and gradient transforms' plain loops (per block of 64 tiles)
// vectorise, but each tile's values are gathered from and scattered to the
// image value by value (store_tiles, load_tiles): 19% of conv2's forward
// pass and 18% of its weight gradient. Here those are masked loads and
// stores of whole rows, interleaved by one permute.
//
// The arithmetic is the plain loops' expressions in the same order, but GCC
// (-ffp-contract=fast, binding.gyp) fuses some products and sums into FMAs,
// in these intrinsics as in the plain loops' AVX-512 variant (input5), and
// which ones depends on the surrounding code: F(2×2, 5×5) values can differ
// from the plain loops' in the last bits, F(2×2, 3×3)'s (no products in Bᵀ)
// agree bit for bit.
// Each tile's arithmetic is the same wherever it lies in a chunk, so results
// still do not depend on the thread count.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "cpu.h"
#include "isa_targets.h"
#include "winograd_tiles.h"

#if defined(__x86_64__)
#include "immintrin_quiet.h"
#endif

namespace anx {

#if defined(__x86_64__)
namespace {

// Lane w of a 16-wide half: even column 2w, odd 2w + 1, of the 32 in (lo, hi).
ANX_TARGET_AVX512_INLINE void split_even_odd(__m512 lo, __m512 hi, __m512& E, __m512& O) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  E = _mm512_permutex2var_ps(lo, even, hi);
  O = _mm512_permutex2var_ps(lo, odd, hi);
}

// Lanes moved down by n (lane w gets lane w + n); the top lanes get zeros
// (they are columns past the row, which no stored tile reads).
template <int n>
ANX_TARGET_AVX512_INLINE __m512 down(__m512 v) {
  return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_setzero_si512(), _mm512_castps_si512(v), n));
}

ANX_TARGET_AVX512_INLINE __m512 mul(float c, __m512 v) { return _mm512_mul_ps(_mm512_set1_ps(c), v); }
ANX_TARGET_AVX512_INLINE __m512 add(__m512 a, __m512 b) { return _mm512_add_ps(a, b); }
ANX_TARGET_AVX512_INLINE __m512 sub(__m512 a, __m512 b) { return _mm512_sub_ps(a, b); }

// Lanes 0..15 of the interleaved row (a0, c0, a1, c1, …): columns 2tw and 2tw + 1 from a and c.
ANX_TARGET_AVX512_INLINE void interleave(__m512 a, __m512 c, __m512& lo, __m512& hi) {
  const __m512i l = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i h = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  lo = _mm512_permutex2var_ps(a, l, c);
  hi = _mm512_permutex2var_ps(a, h, c);
}

// Lanes [a, b) of a 16-lane mask.
inline __mmask16 lanes(int a, int b) { return b <= a ? 0 : (__mmask16)(((1u << (b - a)) - 1) << a); }

// F(2×2, 3×3): α = 4. Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0], [0,1,0,−1]],
// written as transform_input (winograd.cpp) writes it.
struct Bt4 {
  static constexpr int A = 4;
  ANX_TARGET_AVX512_INLINE static void rows(const __m512 (&r)[A], __m512 (&s)[A]) {
    s[0] = sub(r[0], r[2]);
    s[1] = add(r[1], r[2]);
    s[2] = sub(r[2], r[1]);
    s[3] = sub(r[1], r[3]);
  }
  // Tile tw's columns 2tw … 2tw + 3: E[tw], O[tw], E[tw + 1], O[tw + 1].
  ANX_TARGET_AVX512_INLINE static void tiles(__m512 E, __m512 O, __m512 (&v)[A]) {
    const __m512 c0 = E, c1 = O, c2 = down<1>(E), c3 = down<1>(O);
    v[0] = sub(c0, c2);
    v[1] = add(c1, c2);
    v[2] = sub(c2, c1);
    v[3] = sub(c1, c3);
  }
};

// F(2×2, 5×5): α = 6, Bᵀ's rows as bt6 and input5 (winograd5.cpp) write them.
struct Bt6 {
  static constexpr int A = 6;
  template <typename T>
  ANX_TARGET_AVX512_INLINE static void bt(const T& e0, const T& e1, const T& e2, const T& e3, const T& e4, const T& e5,
                                   __m512 (&s)[A]) {
    s[0] = add(sub(mul(4.f, e0), mul(5.f, e2)), e4);
    s[1] = add(add(sub(mul(-4.f, e1), mul(4.f, e2)), e3), e4);
    s[2] = add(sub(sub(mul(4.f, e1), mul(4.f, e2)), e3), e4);
    s[3] = add(add(sub(mul(-2.f, e1), e2), mul(2.f, e3)), e4);
    s[4] = add(sub(sub(mul(2.f, e1), e2), mul(2.f, e3)), e4);
    s[5] = add(sub(mul(4.f, e1), mul(5.f, e3)), e5);
  }
  ANX_TARGET_AVX512_INLINE static void rows(const __m512 (&r)[A], __m512 (&s)[A]) { bt(r[0], r[1], r[2], r[3], r[4], r[5], s); }
  // Tile tw's columns 2tw … 2tw + 5: E[tw], O[tw], E[tw + 1], O[tw + 1], E[tw + 2], O[tw + 2].
  ANX_TARGET_AVX512_INLINE static void tiles(__m512 E, __m512 O, __m512 (&v)[A]) {
    bt(E, O, down<1>(E), down<1>(O), down<2>(E), down<2>(O), v);
  }
};

// y = Aᵀ m A for F(2×2, 3×3): Aᵀ = [[1,1,1,0], [0,1,−1,−1]] (transform_output's expressions).
struct At4 {
  static constexpr int A = 4;
  ANX_TARGET_AVX512_INLINE static void rows(const __m512* p, __m512& r0, __m512& r1) {  // p[i]: plane row i
    r0 = add(add(p[0], p[1]), p[2]);
    r1 = sub(sub(p[1], p[2]), p[3]);
  }
};

// y = Aᵀ m A for F(2×2, 5×5): Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,1]] (output5's expressions).
struct At6 {
  static constexpr int A = 6;
  ANX_TARGET_AVX512_INLINE static void rows(const __m512* p, __m512& r0, __m512& r1) {
    r0 = add(add(add(add(p[0], p[1]), p[2]), p[3]), p[4]);
    r1 = add(sub(add(sub(p[1], p[2]), mul(2.f, p[3])), mul(2.f, p[4])), p[5]);
  }
};

// The output transform of one output channel over the chunk: per tile row,
// the α² planes' values of its tiles (masked loads), Aᵀ over the tile's rows
// then over its columns (both by T::rows), + bias, ReLU, and the two output
// rows stored interleaved, cropped to the output by the masks.
template <class T>
ANX_TARGET_AVX512 void output_tiles(const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH, int TW,
                             const float* b, bool relu, float* y) {
  constexpr int A = T::A;
  const size_t plane = (size_t)Og * nt;
  const __m512 zero = _mm512_setzero_ps();
  for (int o = 0; o < Og; o++) {
    const int oc = gr * Og + o;
    const __m512 bias = _mm512_set1_ps(b ? b[oc] : 0.f);
    const float* mo = M + (size_t)o * nt;
    tile_rows(t0, nt, TH, TW, [&](int img, int th, int tw0, int tw1, int q0) ANX_TARGET_AVX512 {
      const __mmask16 m = lanes(tw0, tw1);
      const float* base = mo + q0 - tw0;  // tile tw's value of plane ξ at base[ξ·plane + tw]
      __m512 R[2][A];
      for (int j = 0; j < A; j++) {
        __m512 p[A];
        for (int i = 0; i < A; i++) p[i] = _mm512_maskz_loadu_ps(m, base + (size_t)(i * A + j) * plane);
        T::rows(p, R[0][j], R[1][j]);
      }
      float* yc = y + ((int64_t)img * g.O + oc) * g.OH * g.OW;
      // Output columns [2·tw0, 2·tw1) of the row, cropped at OW: lanes of the low and high halves.
      const int c1 = std::min(2 * tw1, g.OW);
      const __mmask16 mlo = lanes(2 * tw0, std::min(c1, 16)), mhi = lanes(std::max(2 * tw0, 16) - 16, c1 - 16);
      for (int h = 0; h < 2 && 2 * th + h < g.OH; h++) {
        __m512 a, c;
        T::rows(R[h], a, c);
        a = add(a, bias);
        c = add(c, bias);
        if (relu) a = _mm512_max_ps(a, zero), c = _mm512_max_ps(c, zero);  // v > 0 ? v : 0, NaN to 0 as relu_if
        __m512 lo, hi;
        interleave(a, c, lo, hi);
        float* row = yc + (int64_t)(2 * th + h) * g.OW;
        _mm512_mask_storeu_ps(row, mlo, lo);
        _mm512_mask_storeu_ps(row + 16, mhi, hi);
      }
    });
  }
}

// M(ξ, o, q) = (A dy Aᵀ)[ξ] (winograd_grad.cpp's transform_dy, same
// expressions): per tile row, the two dy rows under it (zero past the
// output's edge) split into even and odd columns, then A's two columns
// applied to the rows and columns of every tile at once.
ANX_TARGET_AVX512 void dy_tiles(const ConvGeom& g, const float* dy, int Og, int gr, int t0, int nt, int TH, int TW, int alpha,
                         const float* AT, float* M, size_t ld) {
  const size_t plane = (size_t)Og * ld;
  const __mmask16 mlo = lanes(0, std::min(g.OW, 16)), mhi = lanes(0, g.OW - 16);
  for (int o = 0; o < Og; o++) {
    const float* dyc = dy + (int64_t)(gr * Og + o) * g.OH * g.OW;
    tile_rows(t0, nt, TH, TW, [&](int img, int th, int tw0, int tw1, int q0) ANX_TARGET_AVX512 {
      const float* dyi = dyc + (int64_t)img * g.O * g.OH * g.OW;
      __m512 Y[4];  // the tile's (row, column): (0, 0), (0, 1), (1, 0), (1, 1)
      for (int h = 0; h < 2; h++) {
        const int oh = 2 * th + h;
        if (oh >= g.OH) {
          Y[2 * h] = Y[2 * h + 1] = _mm512_setzero_ps();
          continue;
        }
        const float* row = dyi + (int64_t)oh * g.OW;
        split_even_odd(_mm512_maskz_loadu_ps(mlo, row), _mm512_maskz_loadu_ps(mhi, row + 16), Y[2 * h], Y[2 * h + 1]);
      }
      __m512 R[2][6];
      for (int a = 0; a < 2; a++)
        for (int j = 0; j < alpha; j++)
          R[a][j] = add(mul(AT[j], Y[2 * a]), mul(AT[alpha + j], Y[2 * a + 1]));
      const __mmask16 m = lanes(tw0, tw1);
      float* base = M + (size_t)o * ld + q0 - tw0;
      for (int i = 0; i < alpha; i++) {
        const float c0 = AT[i], c1 = AT[alpha + i];
        for (int j = 0; j < alpha; j++) {
          const __m512 v = c1 == 0.f   ? mul(c0, R[0][j])
                           : c0 == 0.f ? mul(c1, R[1][j])
                                       : add(mul(c0, R[0][j]), mul(c1, R[1][j]));
          _mm512_mask_storeu_ps(base + (size_t)(i * alpha + j) * plane, m, v);
        }
      }
    });
  }
}

// The walk of winograd_input_walk (same tiles, same places in V), one tile
// row of one channel at a time: the α input rows as (lo, hi) halves, Bᵀ over
// them, the split, B per tile, and for each of the α² planes a masked store
// of tiles [tw0, tw1) per strip of the layout they fall in.
template <class T>
ANX_TARGET_AVX512 void input_tiles(const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW, const VLayout& L,
                            float* V) {
  constexpr int A = T::A;
  const size_t plane = L.plane();
  // Columns w of a padded row are input columns w − pl: inside where 0 ≤ w − pl < W.
  auto cols = [&](int w0) {
    uint32_t m = 0;
    for (int l = 0; l < 16; l++) m |= (uint32_t)(w0 + l - g.pl >= 0 && w0 + l - g.pl < g.W) << l;
    return (__mmask16)m;
  };
  const __mmask16 mlo = cols(0), mhi = cols(16);
  for (int c = 0; c < L.Cg; c++) {
    float* vc = V + L.channel(c);
    const size_t step = L.strip_step(c);
    tile_rows(t0, nt, TH, TW, [&](int img, int th, int tw0, int tw1, int q0) ANX_TARGET_AVX512 {
      const float* xc = x + ((int64_t)img * g.C + c) * g.H * g.W;
      __m512 lo[A], hi[A];
      for (int i = 0; i < A; i++) {
        const int ih = 2 * th - g.pt + i;
        if (ih < 0 || ih >= g.H) {
          lo[i] = hi[i] = _mm512_setzero_ps();
          continue;
        }
        // Masked-off lanes are neither read nor faulted on (AVX-512 fault suppression).
        const float* row = xc + (int64_t)ih * g.W - g.pl;
        lo[i] = _mm512_maskz_loadu_ps(mlo, row);
        hi[i] = _mm512_maskz_loadu_ps(mhi, row + 16);
      }
      __m512 slo[A], shi[A];
      T::rows(lo, slo);
      T::rows(hi, shi);
      // Stores: the runs [ta, tb) of tiles inside one strip, as in the plain walk.
      struct Seg {
        ptrdiff_t off;  // from vc, for lane tw (the pointer for tile tw is vc + off + tw)
        __mmask16 mask;
      } seg[16];
      int nseg = 0;
      strip_runs(L, step, q0, tw0, tw1, [&](int ta, int tb, ptrdiff_t off) { seg[nseg++] = {off, lanes(ta, tb)}; });
      for (int i = 0; i < A; i++) {
        __m512 E, O, v[A];
        split_even_odd(slo[i], shi[i], E, O);
        T::tiles(E, O, v);
        for (int j = 0; j < A; j++)
          for (int s = 0; s < nseg; s++) {
            // Lane tw lands at vc + off + tw: the store's base is lane 0's place,
            // which lies before the run when ta > 0 (those lanes are masked).
            float* base = vc + (size_t)(i * A + j) * plane + seg[s].off;
            _mm512_mask_storeu_ps(base, seg[s].mask, v[j]);
          }
      }
    });
    zero_past_chunk(L, vc, step, nt, A * A);
  }
}

}  // namespace

bool winograd_input_avx512(int alpha, const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW,
                           const VLayout& L, float* V) {
  // Two vectors a padded row (2·TW + α − 2 ≤ 32), tile rows stored in one
  // vector (TW ≤ 16), and runs of tiles no longer than a strip.
  if (active_isa() != Isa::Avx512 || 2 * TW + alpha - 2 > 32 || L.nr < 16) return false;
  if (alpha == 4) input_tiles<Bt4>(g, x, t0, nt, TH, TW, L, V);
  else if (alpha == 6) input_tiles<Bt6>(g, x, t0, nt, TH, TW, L, V);
  else return false;
  return true;
}

// Output rows of 2·TW ≤ 32 columns (two vectors) and tile rows of ≤ 16 tiles.
static bool rows_fit(int TW) { return active_isa() == Isa::Avx512 && 2 * TW <= 32; }

bool winograd_output_avx512(int alpha, const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH,
                            int TW, const float* b, bool relu, float* y) {
  if (!rows_fit(TW)) return false;
  if (alpha == 4) output_tiles<At4>(g, M, Og, gr, t0, nt, TH, TW, b, relu, y);
  else if (alpha == 6) output_tiles<At6>(g, M, Og, gr, t0, nt, TH, TW, b, relu, y);
  else return false;
  return true;
}

bool winograd_dy_avx512(const ConvGeom& g, const float* dy, int Og, int gr, int t0, int nt, int TH, int TW, int alpha,
                        const float* AT, float* M, size_t ld) {
  if (!rows_fit(TW) || alpha > 6) return false;
  dy_tiles(g, dy, Og, gr, t0, nt, TH, TW, alpha, AT, M, ld);
  return true;
}

#else

bool winograd_input_avx512(int, const ConvGeom&, const float*, int, int, int, int, const VLayout&, float*) {
  return false;
}
bool winograd_output_avx512(int, const ConvGeom&, const float*, int, int, int, int, int, int, const float*, bool,
                            float*) {
  return false;
}
bool winograd_dy_avx512(const ConvGeom&, const float*, int, int, int, int, int, int, int, const float*, float*, size_t) {
  return false;
}

#endif

}  // namespace anx
