// Direct convolution, AVX-512, output channels along the lanes: a register
// tile is P output pixels × OV vectors of 16 output channels. Per k step
// (input channel, kh, kw) it loads OV vectors of weights, broadcasts the P
// pixels' input values and does P·OV FMAs (OV = 4: 4 + 6 loads for 24 FMAs).
//
// Why a second direct kernel (conv_direct.cpp puts pixels along the lanes):
// at batch 1 a 13×13 layer (§3.5: conv3–conv5) has 169 outputs a channel,
// which 64-lane tiles cover only as 192 (the flat tiling's 14-wide rows:
// 182), and its pixel vectors start at every offset a 3×3 window reaches, so
// nearly every one of them is a load split over two cache lines. Here a tile
// is any P pixels (per-pixel pointers: 169 = 28 × 6 + 1), the input arrives
// by scalar broadcasts, which never split, and the weights are vectors of a
// panel packed per call, a K chunk at a time by the thread that uses it (the
// chunk stays in its L1, and the next chunk's weights are prefetched while it
// computes: ~3% of torchvision's whole batch-1 forward, interleaved A/B).
// This is how ONNX Runtime's MLAS runs these layers
// (NCHWc: channel blocks of 16 along the lanes), which measured ~20% faster
// than the pixel-lane kernel on batch-1 conv3–conv5 of torchvision's AlexNet.
//
// Every output is one FMA chain over k in order from zero, then + bias, then
// ReLU, as in conv_direct.cpp: the same values as that kernel and the same
// bits for any thread count.
#include "conv_lanes.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "isa_targets.h"
#include "padded_input.h"
#include "threadpool.h"
#include "transpose.h"

#if defined(__x86_64__)
#include "immintrin_quiet.h"
#endif

namespace anx {

namespace {

// Batch-1 layers of every preset (conv1: 55·55 = 3025 pixels); larger
// batches keep the pixel-lane kernels, whose vectors are full there.
int64_t g_max_pixels = 4096;

// Vectors of 16 output channels per tile: the widest of 4, 3, 2, 1 dividing
// a group's output channels in sixteens (0: the layer does not fit).
int vectors_for(const ConvGeom& g) {
  const int Og = g.O / g.groups;
  if (Og % 16) return 0;
  for (int ov = 4; ov > 1; ov--)
    if (Og / 16 % ov == 0) return ov;
  return 1;
}

// Pixels per tile: P·OV accumulators, OV weight vectors and a broadcast fit
// the 32 registers, and the P pixel pointers the general-purpose ones.
constexpr int pixels_for(int ov) { return ov == 4 ? 6 : 8; }

// k values a chunk: a chunk's panel (KCH·16·OV floats, 27 KB at OV = 4)
// stays in L1 with the input rows it reads across the job's tiles, and the
// next chunk's weights are fetched while it computes (NextChunk) instead of
// all of a strip's weights in one pass before any arithmetic. At batch 1
// inside a network the weights come from memory every call (the fully
// connected layers' 235 MB pass evicts them). torchvision's batch-1 forward,
// interleaved A/B: 108 and 72 ~1.5% faster than 144, 288 ~3% slower.
constexpr int KCH = 108;

#if defined(__x86_64__)
// out[p][16·v + l] = Σ_k panel[k][16·v + l] · base[p][off[k]] (+ bias), ReLU.
// A K chunk of a longer sum starts from out's partial sums unless `first`, and
// leaves them there unless `last` (then + bias, ReLU): storing and reloading
// the accumulators keeps each output's one FMA chain, in order.
template <int P, int OV>
ANX_TARGET_AVX512 void tile(int K, const int32_t* off, const float* const* base, const float* panel, const float* bias,
                     bool relu, float* out, bool first, bool last) {
  const float* bp[P];
#pragma GCC unroll 8
  for (int p = 0; p < P; p++) bp[p] = base[p];
  __m512 acc[P][OV];
#pragma GCC unroll 8
  for (int p = 0; p < P; p++)
#pragma GCC unroll 4
    for (int v = 0; v < OV; v++) acc[p][v] = first ? _mm512_setzero_ps() : _mm512_load_ps(out + p * 16 * OV + 16 * v);
  for (int k = 0; k < K; k++) {
    const int32_t o = off[k];
    const float* wk = panel + (ptrdiff_t)k * 16 * OV;
    __m512 wv[OV];
#pragma GCC unroll 4
    for (int v = 0; v < OV; v++) wv[v] = _mm512_load_ps(wk + 16 * v);
#pragma GCC unroll 8
    for (int p = 0; p < P; p++) {
      const __m512 xv = _mm512_set1_ps(bp[p][o]);
#pragma GCC unroll 4
      for (int v = 0; v < OV; v++) acc[p][v] = _mm512_fmadd_ps(wv[v], xv, acc[p][v]);
    }
  }
  if (!last) {
#pragma GCC unroll 8
    for (int p = 0; p < P; p++)
#pragma GCC unroll 4
      for (int v = 0; v < OV; v++) _mm512_store_ps(out + p * 16 * OV + 16 * v, acc[p][v]);
    return;
  }
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 4
  for (int v = 0; v < OV; v++) {
    const __m512 add = bias ? _mm512_loadu_ps(bias + 16 * v) : zero;
#pragma GCC unroll 8
    for (int p = 0; p < P; p++) {
      __m512 val = _mm512_add_ps(acc[p][v], add);
      if (relu) val = _mm512_max_ps(val, zero);
      _mm512_store_ps(out + p * 16 * OV + 16 * v, val);
    }
  }
}

using TileFn = void (*)(int, const int32_t*, const float* const*, const float*, const float*, bool, float*, bool, bool);

template <int OV, int... P>
constexpr std::array<TileFn, sizeof...(P)> tiles_of(std::integer_sequence<int, P...>) {
  return {&tile<P + 1, OV>...};
}

// tile<p, ov> for p = 1 … pixels_for(ov).
TileFn tile_fn(int ov, int p) {
  static const auto t1 = tiles_of<1>(std::make_integer_sequence<int, pixels_for(1)>());
  static const auto t2 = tiles_of<2>(std::make_integer_sequence<int, pixels_for(2)>());
  static const auto t3 = tiles_of<3>(std::make_integer_sequence<int, pixels_for(3)>());
  static const auto t4 = tiles_of<4>(std::make_integer_sequence<int, pixels_for(4)>());
  switch (ov) {
    case 4: return t4[p - 1];
    case 3: return t3[p - 1];
    case 2: return t2[p - 1];
    default: return t1[p - 1];
  }
}

// K chunk [k0, k0 + kc) of a strip's panel: panel[k][j] = w[j·K + k0 + k],
// j < width (w: the strip's first kernel), eight rows at a time.
void pack_chunk(const float* w, int K, int k0, int kc, int width, float* panel) {
  const Pack8Fn pack8 = active_pack8();
  for (int j = 0; j < width; j += 8) pack8(w + (ptrdiff_t)j * K + k0, K, kc, panel + j, width);
}

// Software prefetch, into L2, of the weights a job packs next: rows
// [0, width) of w (K floats apart), columns [k0, k0 + kc), handed out a few
// lines a tile so they arrive while the current chunk computes.
struct NextChunk {
  const float* w = nullptr;
  int K = 0, k0 = 0, kc = 0, width = 0;
  int row = 0, line = 0;  // the next line to ask for
  int per_tile = 0;
  void start(const float* w_, int K_, int k0_, int kc_, int width_, int tiles) {
    w = w_, K = K_, k0 = k0_, kc = kc_, width = width_, row = 0, line = 0;
    per_tile = (width * lines() + tiles - 1) / std::max(1, tiles);
  }
  int lines() const { return (kc * 4 + 63) / 64 + 1; }
  void step() {
    for (int i = 0; i < per_tile && w && row < width; i++) {
      _mm_prefetch((const char*)(w + (ptrdiff_t)row * K + k0) + 64 * line, _MM_HINT_T1);
      if (++line == lines()) line = 0, row++;
    }
  }
};
#endif

}  // namespace

int64_t set_lanes_max_pixels(int64_t pixels) {
  const int64_t old = g_max_pixels;
  g_max_pixels = pixels;
  return old;
}

bool lanes_applies(const ConvGeom& g) {
#if defined(__x86_64__)
  return active_isa() == Isa::Avx512 && vectors_for(g) > 0 && (int64_t)g.N * g.OH * g.OW <= g_max_pixels;
#else
  (void)g;
  return false;
#endif
}

void conv_forward_lanes(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
#if defined(__x86_64__)
  const int Cg = g.C / g.groups, Og = g.O / g.groups, K = Cg * g.KH * g.KW, OHW = g.OH * g.OW;
  const int OV = vectors_for(g), width = 16 * OV, P = pixels_for(OV), strips = Og / width;
  const PaddedInput pin(g);
  float* xp = thread_scratch(0, SLOT_OP_D, pin.floats(g));
  pad_input(g, x, xp);
  // Tap (c, kh, kw = sw·q + ph) of output (oh, ow) reads padded row oh·sh + kh, phase ph, column ow + q.
  const std::vector<int32_t> off = tap_offsets(g, pin.plane, pin.RW, [&](int kw) { return (kw % pin.P) * pin.J + kw / pin.P; });
  // Jobs: (image, group, strip, chunk of pixels), about two a thread: the
  // strips of a batch-1 conv3 (6) or conv4 (4) split evenly, and a strip's
  // panel is packed once per job (the chunks of one strip each pack it).
  const int T = ThreadPool::instance().threads();
  const int64_t units = (int64_t)g.N * g.groups * strips;
  const int chunks = (int)std::min<int64_t>((OHW + 7) / 8, std::max<int64_t>(1, (2 * T + units - 1) / units));
  const Pack8Fn pack8 = active_pack8();
  const int jobs = (int)(units * chunks);
  // A job's first output channel: its (group, strip) of (image, group, strip, chunk).
  auto first_channel = [&](int job) { return job / chunks / strips % g.groups * Og + job / chunks % strips * width; };
  ThreadPool::instance().parallel_for(jobs, [&](int job, int tid) {
    const int ch = job % chunks, gr = job / chunks / strips % g.groups;
    const int img = job / chunks / strips / g.groups;
    // Chunk boundaries on multiples of 8 pixels: the transposes below move eight at a time.
    const int q0 = ch == 0 ? 0 : (int)((int64_t)OHW * ch / chunks) & ~7;
    const int q1 = ch + 1 == chunks ? OHW : (int)((int64_t)OHW * (ch + 1) / chunks) & ~7;
    if (q0 >= q1) return;
    const int o0 = first_channel(job);
    const float* ws = w + (int64_t)o0 * K;
    float* panel = thread_scratch(tid, SLOT_PACK_B, (size_t)KCH * width);
    float* out = thread_scratch(tid, SLOT_COL, (size_t)(q1 - q0) * width);
    const float* src = xp + ((int64_t)img * g.C + gr * Cg) * pin.plane;
    const float* bias = b ? b + o0 : nullptr;
    const int tiles = (q1 - q0 + P - 1) / P;
    // After the last chunk: the first of the job this thread is likely to take
    // next (jobs go out in order, so about T on), for its first pack.
    const int later = job + T;
    const float* wl = later < jobs ? w + (int64_t)first_channel(later) * K : nullptr;
    // Each pixel's first input value, once for all chunks (two divisions a
    // pixel cost ~10% of a 108-step chunk's tile).
    std::vector<const float*> base(q1 - q0);
    for (int q = q0, oh = q0 / g.OW, ow = q0 % g.OW; q < q1; q++) {
      base[q - q0] = src + (int64_t)oh * g.sh * pin.RW + ow;
      if (++ow == g.OW) ow = 0, oh++;
    }
    NextChunk next;
    for (int k0 = 0; k0 < K; k0 += KCH) {
      const int kc = std::min(KCH, K - k0);
      pack_chunk(ws, K, k0, kc, width, panel);
      if (k0 + kc < K) next.start(ws, K, k0 + kc, std::min(KCH, K - k0 - kc), width, tiles);
      else next.start(wl, K, 0, std::min(KCH, K), width, tiles);
      for (int q = q0; q < q1; q += P) {
        tile_fn(OV, std::min(P, q1 - q))(kc, off.data() + k0, base.data() + (q - q0), panel, bias, relu,
                                         out + (size_t)(q - q0) * width, k0 == 0, k0 + kc == K);
        next.step();
      }
    }
    // out[pixel][channel] into y's planes: eight pixels (contiguous in each plane) at a time.
    float* yo = y + ((int64_t)img * g.O + o0) * OHW;
    int q = q0;
    for (; q + 8 <= q1; q += 8) pack8(out + (size_t)(q - q0) * width, width, width, yo + q, OHW);
    for (; q < q1; q++)
      for (int j = 0; j < width; j++) yo[(int64_t)j * OHW + q] = out[(size_t)(q - q0) * width + j];
  });
#else
  (void)g, (void)x, (void)w, (void)b, (void)y, (void)relu;
#endif
}

}  // namespace anx
