// Winograd F(2×2, 5×5) transforms (Lavin & Gray 2016; interpolation points
// 0, ±1, ±2, ∞): 6×6 input tiles, 36 GEMMs, 2×2 output tiles. AlexNet's
// conv2 (5×5, stride 1, pad 2) is the layer; 100 multiply-adds per output
// become 9 (plus the transforms). The matrices (derived by Toom–Cook from
// those points and checked against direct correlation):
//   Bᵀ = [[4,0,−5,0,1,0], [0,−4,−4,1,1,0], [0,4,−4,−1,1,0],
//         [0,−2,−1,2,1,0], [0,2,−1,−2,1,0], [0,4,0,−5,0,1]]
//   G  = [[¼,0,0,0,0], −⅙[1,1,1,1,1], −⅙[1,−1,1,−1,1],
//         [1/24,1/12,⅙,⅓,⅔], [1/24,−1/12,⅙,−⅓,⅔], [0,0,0,0,1]]
//   Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,1]]
#include <algorithm>
#include <cstdint>

#include "isa_targets.h"
#include "threadpool.h"
#include "winograd_tiles.h"

namespace anx {

namespace {

constexpr int A6 = 6;

// s = Bᵀ e for six values (one column of a tile).
inline void bt6(const float e[6], float s[6]) {
  s[0] = 4.f * e[0] - 5.f * e[2] + e[4];
  s[1] = -4.f * e[1] - 4.f * e[2] + e[3] + e[4];
  s[2] = 4.f * e[1] - 4.f * e[2] - e[3] + e[4];
  s[3] = -2.f * e[1] - e[2] + 2.f * e[3] + e[4];
  s[4] = 2.f * e[1] - e[2] - 2.f * e[3] + e[4];
  s[5] = 4.f * e[1] - 5.f * e[3] + e[5];
}

const double G5[6][5] = {{0.25, 0, 0, 0, 0},
                         {-1 / 6., -1 / 6., -1 / 6., -1 / 6., -1 / 6.},
                         {-1 / 6., 1 / 6., -1 / 6., 1 / 6., -1 / 6.},
                         {1 / 24., 1 / 12., 1 / 6., 1 / 3., 2 / 3.},
                         {1 / 24., -1 / 12., 1 / 6., -1 / 3., 2 / 3.},
                         {0, 0, 0, 0, 1}};
const float AT5[2][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 1}};

void weights5(const float* w, int Og, int Cg, float* U) { weights_by_G(G5, w, Og, Cg, U); }

// V(ξ, c, t) = (Bᵀ d B)[ξ] for each 6×6 input tile d (zeros outside the image),
// into the packed layout L. Per tile row, Bᵀ goes over whole zero-padded rows
// at once (contiguous); each row is then split into even and odd columns
// (E, O): tile tw's column l is E[tw + l/2] for even l and O[tw + l/2] for
// odd, so B per tile becomes contiguous loads at fixed offsets and the loop
// over tiles vectorises.
ANX_ISA_BODY void input5_loops(const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW, const VLayout& L,
                              float* V, float* rows /* 6 × (2·TW + 4) + 12 × (TW + 2) */) {
  const size_t plane = L.plane();
  const int RW = 2 * TW + 4, HW2 = TW + 2;
  float* E = rows + A6 * RW;  // 6 rows of HW2 even columns, then 6 of odd
  float* O = E + A6 * HW2;
  winograd_input_walk<A6>(
      g, x, t0, nt, TH, TW, L, V, rows,
      [&](float* r, int) {
        for (int w = 0; w < RW; w++) {
          float e[6], sv[6];
          for (int i = 0; i < 6; i++) e[i] = r[i * RW + w];
          bt6(e, sv);
          float* half = (w & 1) ? O : E;
          for (int i = 0; i < 6; i++) half[i * HW2 + (w >> 1)] = sv[i];
        }
      },
      [&](float* vq, int ta, int tb) {
        for (int i = 0; i < A6; i++) {
          const float* e0 = E + i * HW2;  // column 2tw   at e0[tw], 2tw+2 at e0[tw+1], 2tw+4 at e0[tw+2]
          const float* o0 = O + i * HW2;  // column 2tw+1 at o0[tw], 2tw+3 at o0[tw+1], 2tw+5 at o0[tw+2]
          float* v0 = vq + (size_t)(i * 6 + 0) * plane;
          float* v1 = vq + (size_t)(i * 6 + 1) * plane;
          float* v2 = vq + (size_t)(i * 6 + 2) * plane;
          float* v3 = vq + (size_t)(i * 6 + 3) * plane;
          float* v4 = vq + (size_t)(i * 6 + 4) * plane;
          float* v5 = vq + (size_t)(i * 6 + 5) * plane;
          // Bᵀ's rows written out (as in bt6) on e = (c0, c1, …, c5).
          for (int tw = ta; tw < tb; tw++) {
            const float c0 = e0[tw], c1 = o0[tw], c2 = e0[tw + 1], c3 = o0[tw + 1], c4 = e0[tw + 2], c5 = o0[tw + 2];
            v0[tw] = 4.f * c0 - 5.f * c2 + c4;
            v1[tw] = -4.f * c1 - 4.f * c2 + c3 + c4;
            v2[tw] = 4.f * c1 - 4.f * c2 - c3 + c4;
            v3[tw] = -2.f * c1 - c2 + 2.f * c3 + c4;
            v4[tw] = 2.f * c1 - c2 - 2.f * c3 + c4;
            v5[tw] = 4.f * c1 - 5.f * c3 + c5;
          }
        }
      });
}

// y = Aᵀ m A (+ bias, ReLU) for each tile, cropped to the output. The chunk's
// tiles are contiguous in every plane whatever tile row or image they are
// in, so the arithmetic runs over blocks of up to 64 of them (it vectorises):
// first Aᵀ m (two rows of six per tile, from the 36 planes), then the two
// outputs of each row; only the final stores walk (image, th, tw).
ANX_ISA_BODY void output5_loops(const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH, int TW,
                               const float* b, bool relu, float* y) {
  const size_t plane = (size_t)Og * nt;
  constexpr int BLK = 64;
  float R[2][6][BLK], Y[4][BLK];
  for (int o = 0; o < Og; o++) {
    const int oc = gr * Og + o;
    const float bias = b ? b[oc] : 0.f;
    const float* mo = M + (size_t)o * nt;
    for (int qa = 0; qa < nt; qa += BLK) {
      const int n = std::min(BLK, nt - qa);
      for (int j = 0; j < 6; j++) {
        const float* p0 = mo + (size_t)(0 * 6 + j) * plane + qa;
        const float* p1 = mo + (size_t)(1 * 6 + j) * plane + qa;
        const float* p2 = mo + (size_t)(2 * 6 + j) * plane + qa;
        const float* p3 = mo + (size_t)(3 * 6 + j) * plane + qa;
        const float* p4 = mo + (size_t)(4 * 6 + j) * plane + qa;
        const float* p5 = mo + (size_t)(5 * 6 + j) * plane + qa;
        for (int k = 0; k < n; k++) {
          R[0][j][k] = p0[k] + p1[k] + p2[k] + p3[k] + p4[k];
          R[1][j][k] = p1[k] - p2[k] + 2.f * p3[k] - 2.f * p4[k] + p5[k];
        }
      }
      for (int h = 0; h < 2; h++)
        for (int k = 0; k < n; k++) {
          const float a = R[h][0][k] + R[h][1][k] + R[h][2][k] + R[h][3][k] + R[h][4][k] + bias;
          const float c = R[h][1][k] - R[h][2][k] + 2.f * R[h][3][k] - 2.f * R[h][4][k] + R[h][5][k] + bias;
          Y[2 * h][k] = relu_if(relu, a);
          Y[2 * h + 1][k] = relu_if(relu, c);
        }
      store_tiles(g, oc, t0 + qa, n, TH, TW, Y, y);
    }
  }
}

// The transforms: the AVX-512 registers' version where it applies, else the plain loops for the active ISA.
void input5(const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW, const VLayout& L, float* V, float* rows) {
  if (!winograd_input_avx512(A6, g, x, t0, nt, TH, TW, L, V)) per_isa<input5_loops>(g, x, t0, nt, TH, TW, L, V, rows);
}
void output5(const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH, int TW, const float* b,
             bool relu, float* y) {
  if (!winograd_output_avx512(A6, g, M, Og, gr, t0, nt, TH, TW, b, relu, y))
    per_isa<output5_loops>(g, M, Og, gr, t0, nt, TH, TW, b, relu, y);
}

}  // namespace

const WinogradTiles& winograd_f2_r5() {
  static const WinogradTiles f{A6, 5, &G5[0][0], &AT5[0][0], weights5, input5, output5};
  return f;
}

}  // namespace anx
