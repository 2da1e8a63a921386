#include "conv.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "conv_direct.h"
#include "conv_lanes.h"
#include "gemm.h"
#include "padded_input.h"
#include "simd.h"
#include "threadpool.h"
#include "winograd.h"
#include "winograd_grad.h"

namespace anx {

namespace {

// The steps t of a run of `len` output columns whose input column iw + t·stride
// lies inside [0, W): [t0, t1), possibly empty. Steps to the edges for
// strides above 1 (a division per run cost more than the few steps).
inline void inside_run(int iw, int stride, int W, int len, int& t0, int& t1) {
  if (stride == 1) {
    t0 = std::min(len, std::max(0, -iw));
    t1 = std::max(t0, std::min(len, W - iw));
    return;
  }
  t0 = 0;
  while (t0 < len && iw + t0 * stride < 0) t0++;
  t1 = len;
  while (t1 > t0 && iw + (t1 - 1) * stride >= W) t1--;
}

// The runs of one output row in a strip of columns n = (image, oh, ow):
// (line j, length, image, ih0 = oh·sh − pt, ow0). Returns how many.
struct Run { int j, len, img, ih0, ow0; };
inline int output_runs(const ConvGeom& g, int OHW, int n0, int lines, Run* runs) {
  int nruns = 0;
  for (int j = 0; j < lines;) {
    const int n = n0 + j;
    const int img = n / OHW, p = n % OHW, oh = p / g.OW, ow = p % g.OW;
    const int len = std::min(lines - j, g.OW - ow);
    runs[nruns++] = {j, len, img, oh * g.sh - g.pt, ow};
    j += len;
  }
  return nruns;
}

// One row of scratch per thread, for pad_row's strided layers.
float* thread_row(int floats) {
  thread_local std::vector<float> row;
  if ((int)row.size() < floats) row.resize(floats);
  return row.data();
}

}  // namespace

// dst[ph·J + j] = src[P·j + ph]: a padded row split into its P column phases.
// Constant strides for AlexNet's 2 and 4, so the compiler vectorises them with
// permutes (the scalar strided loop was 14% of conv1's direct kernel). Compiled per ISA.
ANX_CLONES static void split_phases(const float* src, int P, int J, float* dst) {
  if (P == 4) {
    for (int j = 0; j < J; j++)
      for (int ph = 0; ph < 4; ph++) dst[ph * J + j] = src[4 * j + ph];
  } else if (P == 2) {
    for (int j = 0; j < J; j++)
      for (int ph = 0; ph < 2; ph++) dst[ph * J + j] = src[2 * j + ph];
  } else {
    for (int ph = 0; ph < P; ph++)
      for (int j = 0; j < J; j++) dst[ph * J + j] = src[P * j + ph];
  }
}

// Convolutions read their input through the padded copy of padded_input.h,
// made once per call: the edge checks and short scalar copies it replaces cost
// a large share of a small batch's convolution (~19% of batch-1 conv4).
void pad_row(const ConvGeom& g, const PaddedInput& p, const float* src, int r, float* dst) {
  const int ih = r - g.pt;
  if (ih < 0 || ih >= g.H) {
    std::memset(dst, 0, sizeof(float) * p.RW);
    return;
  }
  src += (int64_t)ih * g.W;
  // The row with its zero padding, padded column i = source column i − pl.
  const int c0 = std::min(p.RW, std::max(0, g.pl)), c1 = std::max(c0, std::min(p.RW, g.W + g.pl));
  float* row = p.P == 1 ? dst : thread_row(p.RW);
  std::memset(row, 0, sizeof(float) * c0);
  std::memcpy(row + c0, src + c0 - g.pl, sizeof(float) * (c1 - c0));
  std::memset(row + c1, 0, sizeof(float) * (p.RW - c1));
  if (p.P > 1) split_phases(row, p.P, p.J, dst);
}

void pad_input(const ConvGeom& g, const float* x, float* xp) {
  const PaddedInput p(g);
  std::memset(xp + (size_t)g.N * g.C * p.plane, 0, sizeof(float) * PaddedInput::RUN_SLACK);
  ThreadPool::instance().parallel_blocks((int64_t)g.N * g.C * p.Hp, [&](int64_t r0, int64_t r1, int) {
    for (int64_t r = r0; r < r1; r++)
      pad_row(g, p, x + (r / p.Hp) * g.H * g.W, (int)(r % p.Hp), xp + r * p.RW);
  });
}

namespace {

// Packs the implicit im2col panel B(k, n) of the forward GEMM from the padded
// copy (xp offset to the group's first channel): k = (c, kh, kw) in the
// group's channels, n = (image, oh, ow), strip by strip. Runs are copied in
// whole 16-float vectors (short runs, ~13 values at 13×13, make a per-value
// loop or a memcpy call the cost): a run's overshoot lands where the next run
// of the row, the strip's zero padding lanes or the next row (k + 1) write
// afterwards; a run whose vector would pass the strip's end (its last row)
// is finished value by value, so no write leaves the strip. Compiled per ISA.
ANX_CLONES void pack_im2col(const ConvGeom& g, const float* xp, int OHW, int l0, int ln, int k0, int kc, int w,
                            float* buf) {
  const PaddedInput p(g);
  const int KK = g.KH * g.KW;
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w);
    Run runs[64];
    const int nruns = output_runs(g, OHW, l0 + s * w, lines, runs);
    int64_t base[64];  // each run's source at tap (c, kh, kw) = (0, 0, 0)
    for (int r = 0; r < nruns; r++)
      base[r] = (int64_t)runs[r].img * g.C * p.plane + (int64_t)(runs[r].ih0 + g.pt) * p.RW + runs[r].ow0;
    // Decode k = (c, kh, kw) once, then step it (no division per k).
    int c = k0 / KK, kh = (k0 % KK) / g.KW, kw = k0 % g.KW;
    for (int k = 0; k < kc; k++, kw = kw + 1 == g.KW ? (kh = kh + 1 == g.KH ? (c++, 0) : kh + 1, 0) : kw + 1) {
      float* d = dst + (size_t)k * w;
      float* const limit = d + (k + 1 < kc ? 2 * w : w);  // writes may reach the next row, if this strip has one
      const float* tap = xp + c * p.plane + (int64_t)kh * p.RW + (kw % p.P) * p.J + kw / p.P;
      for (int r = 0; r < nruns; r++) {
        float* o = d + runs[r].j;
        const float* src = tap + base[r];
        const int len = runs[r].len;
        int t = 0;
        for (; t + 16 <= len; t += 16) std::memcpy(o + t, src + t, 16 * sizeof(float));
        if (t == len) continue;
        if (o + t + 16 <= limit) std::memcpy(o + t, src + t, 16 * sizeof(float));
        else
          for (; t < len; t++) o[t] = src[t];
      }
      for (int j = lines; j < w; j++) d[j] = 0.f;
    }
  }
}

// A(m, k) of the weight-gradient GEMM: m = output channel o of the group,
// k = (image, oh·OW + ow); the value is dy at that pixel. Within one image the
// rows are a plain matrix (row stride OHW), so each strip is packed image by
// image by RowsPacker (its transposing kernel where the ISA has one): one
// strip of `len` k's lands at dst + k·w with the same layout as the panel.
struct DyPacker : Packer {
  const float* dy;  // offset to the group's first channel
  int O, OHW;
  DyPacker(const float* dy_, int O_, int OHW_) : dy(dy_), O(O_), OHW(OHW_) {}
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override {
    for (int s = 0; s * w < ln; s++) {
      float* dst = buf + (size_t)s * kc * w;
      const int lines = std::min(w, ln - s * w);
      for (int k = 0; k < kc;) {
        const int kk = k0 + k, img = kk / OHW, p = kk % OHW;
        const int len = std::min(kc - k, OHW - p);
        RowsPacker(dy + (int64_t)img * O * OHW, OHW).pack(l0 + s * w, lines, p, len, w, dst + (size_t)k * w);
        k += len;
      }
    }
    return buf;
  }
};

// Packs the transposed im2col panel: B(k, n) of the weight-gradient GEMM,
// k = (image, oh, ow), n = (c, kh, kw). Each strip of lines gets an offset
// table, and the table is cut into runs of lines whose sources are adjacent
// (the kw of one (c, kh): 11 floats in conv1). A pixel whose window lies
// inside the image copies each run as one 16-float vector, as pack_im2col
// does: an overshoot lands where a later run, the strip's zero padding or the
// next row (k + 1) writes afterwards; a run whose write would pass the row
// after this one (the strip's last row), or whose read would pass the input's
// end, goes value by value. One scalar load and store per value made this
// packing ~40% of conv1's weight gradient. Compiled per ISA.
ANX_CLONES void pack_im2col_t(const ConvGeom& g, const float* x, int OHW, int l0, int ln, int k0, int kc, int w, float* buf) {
  const int KK = g.KH * g.KW, HW = g.H * g.W;
  // The group's last channel of the last image ends here (x starts at the group's first channel).
  const float* const x_end = x + ((int64_t)(g.N - 1) * g.C + g.C / g.groups) * HW;
  int32_t off[64];
  int lkh[64], lkw[64];
  int run_j[65];  // run r covers lines [run_j[r], run_j[r + 1])
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w);
    int nruns = 0;
    for (int j = 0; j < lines; j++) {
      const int n = l0 + s * w + j, c = n / KK, kh = (n % KK) / g.KW, kw = n % g.KW;
      off[j] = c * HW + kh * g.W + kw;
      lkh[j] = kh;
      lkw[j] = kw;
      if (j == 0 || off[j] != off[j - 1] + 1 || j - run_j[nruns - 1] == 16) run_j[nruns++] = j;
    }
    run_j[nruns] = lines;
    // Decode k = (image, oh, ow) once, then step it (no division per k).
    int img = k0 / OHW, oh = (k0 % OHW) / g.OW, ow = k0 % g.OW;
    for (int k = 0; k < kc; k++, ow = ow + 1 == g.OW ? (oh = oh + 1 == g.OH ? (img++, 0) : oh + 1, 0) : ow + 1) {
      const int ih0 = oh * g.sh - g.pt, iw0 = ow * g.sw - g.pl;
      float* d = dst + (size_t)k * w;
      if (ih0 >= 0 && iw0 >= 0 && ih0 + g.KH <= g.H && iw0 + g.KW <= g.W) {
        const float* base = x + (int64_t)img * g.C * HW + (int64_t)ih0 * g.W + iw0;
        float* const limit = d + (k + 1 < kc ? 2 * w : w);
        for (int r = 0; r < nruns; r++) {
          const int j0 = run_j[r], j1 = run_j[r + 1];
          const float* src = base + off[j0];
          if (d + j0 + 16 <= limit && src + 16 <= x_end) std::memcpy(d + j0, src, 16 * sizeof(float));
          else
            for (int j = j0; j < j1; j++) d[j] = src[j - j0];
        }
      } else {
        const float* xi = x + (int64_t)img * g.C * HW;
        for (int j = 0; j < lines; j++) {
          const int ih = ih0 + lkh[j], iw = iw0 + lkw[j];
          d[j] = (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) ? xi[off[j] + (int64_t)ih0 * g.W + iw0] : 0.f;
        }
      }
      if (lines < w) std::memset(d + lines, 0, sizeof(float) * (size_t)(w - lines));
    }
  }
}

// A view of a convolution's input packed by `fn`: pack_im2col gives B of the
// forward GEMM (k = (c, kh, kw), n = (image, oh, ow)); pack_im2col_t gives B
// of the weight-gradient GEMM (k = (image, oh, ow), n = (c, kh, kw)).
using ConvPackFn = void (*)(const ConvGeom&, const float*, int, int, int, int, int, int, float*);
struct ConvInputPacker : Packer {
  const ConvGeom& g;
  const float* x;  // input, offset to the group's first channel
  ConvPackFn fn;
  ConvInputPacker(const ConvGeom& g_, const float* x_, ConvPackFn fn_) : g(g_), x(x_), fn(fn_) {}
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override {
    fn(g, x, g.OH * g.OW, l0, ln, k0, kc, w, buf);
    return buf;
  }
};

// Column chunks for the forward GEMM: whole NR strips, enough chunks to keep every thread busy.
int chunk_columns(int64_t total, int groups) {
  const Blocking bl = blocking();
  const int threads = ThreadPool::instance().threads();
  int64_t want = (total * groups + threads * 4 - 1) / (threads * 4);  // ≥ 4 chunks per thread
  want = std::max<int64_t>(bl.nr, std::min<int64_t>(want, bl.nc));
  return (int)(((want + bl.nr - 1) / bl.nr) * bl.nr);
}

}  // namespace

void conv_forward(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  if (winograd_applies(g)) return conv_forward_winograd(g, x, w, b, y, relu);
  if (lanes_applies(g)) return conv_forward_lanes(g, x, w, b, y, relu);
  if (direct_applies(g)) return conv_forward_direct(g, x, w, b, y, relu);
  const int Cg = g.C / g.groups, Og = g.O / g.groups, CKK = Cg * g.KH * g.KW, OHW = g.OH * g.OW;
  const int64_t NT = (int64_t)g.N * OHW;
  // Output column n = (image, pixel) lands at image·O·OHW + pixel (rows: channels, stride OHW).
  int64_t* col_off = (int64_t*)thread_scratch(0, SLOT_OP_A, (size_t)NT * 2);
  for (int64_t n = 0; n < NT; n++) col_off[n] = (n / OHW) * (int64_t)g.O * OHW + n % OHW;
  const Blocking bl = blocking();
  const int T = ThreadPool::instance().threads();
  const PaddedInput pin(g);
  float* xp = thread_scratch(0, SLOT_OP_D, pin.floats(g));
  pad_input(g, x, xp);
  std::vector<RowsPacker> wsrc;
  std::vector<ConvInputPacker> xsrc;
  for (int gr = 0; gr < g.groups; gr++) {
    wsrc.emplace_back(w + (int64_t)gr * Og * CKK, CKK);
    xsrc.emplace_back(g, xp + (int64_t)gr * Cg * pin.plane, pack_im2col);
  }
  // Few columns (small batches): the output channels are split instead of the
  // columns, so each thread reads only its share of the weights (column chunks
  // would each stream all of them for little work). Both operands are packed
  // inside the GEMM, block by block, so each packed block is used from the
  // packing thread's L2: packing all of them ahead (the weights once, the
  // input once for both threads) sent megabytes out to L3 and back, and
  // measured 4–6% slower on batch-1 conv2–conv5 although each thread now packs
  // the whole input. Every output is still one job's whole sum, as in the
  // column split: the same values.
  if (NT <= (int64_t)T * bl.nc && Og >= T * 2 * bl.mr) {
    const int mstrips = (Og + bl.mr - 1) / bl.mr;
    ThreadPool::instance().parallel_for(T * g.groups, [&](int job, int tid) {
      const int gr = job / T, part = job % T;
      const int m0 = mstrips * part / T * bl.mr, m1 = std::min(Og, mstrips * (part + 1) / T * bl.mr);
      if (m0 >= m1) return;
      Shifted A(wsrc[gr], m0, 0);
      Output out{y + ((int64_t)gr * Og + m0) * OHW, OHW, col_off};
      Epilogue epi;
      epi.bias = b ? b + gr * Og + m0 : nullptr;
      epi.relu = relu;
      gemm_st(m1 - m0, 0, (int)NT, CKK, A, xsrc[gr], out, epi, tid);
    });
    return;
  }
  const size_t per_group = Prepacked::floats(Og, CKK, bl.mr);
  float* store = thread_scratch(0, SLOT_OP_B, per_group * g.groups);
  std::vector<PackTask> tasks;
  for (int gr = 0; gr < g.groups; gr++) tasks.push_back({&wsrc[gr], Og, CKK, bl.mr, store + gr * per_group});
  const std::vector<Prepacked> packed = prepack(tasks);
  const int chunk = chunk_columns(NT, g.groups);
  const int chunks = (int)((NT + chunk - 1) / chunk);
  ThreadPool::instance().parallel_for(chunks * g.groups, [&](int job, int tid) {
    const int gr = job / chunks, ci = job % chunks;
    const int n0 = ci * chunk, n1 = (int)std::min<int64_t>(NT, (int64_t)n0 + chunk);
    Output out{y + (int64_t)gr * Og * OHW, OHW, col_off};
    Epilogue epi;
    epi.bias = b ? b + gr * Og : nullptr;
    epi.relu = relu;
    gemm_st(Og, n0, n1, CKK, packed[gr], xsrc[gr], out, epi, tid);
  });
}

// dx[c, ih, iw] += dcol[r, q] for the chunk's pixels q (r = (c, kh, kw) of
// group gr), by runs of one output row: contiguous adds for stride 1.
ANX_CLONES static void col2im_chunk(const ConvGeom& g, int gr, int p0, int np, const float* dcol, int P, float* dxi) {
  const int Cg = g.C / g.groups, CKK = Cg * g.KH * g.KW;
  thread_local std::vector<int> seg;  // (q, oh, ow0, len) per run; grows once
  seg.clear();
  for (int q = 0; q < np;) {
    const int p = p0 + q, oh = p / g.OW, ow = p % g.OW, len = std::min(np - q, g.OW - ow);
    seg.insert(seg.end(), {q, oh, ow, len});
    q += len;
  }
  int c = gr * Cg, kh = 0, kw = 0;
  for (int r = 0; r < CKK; r++) {
    float* plane = dxi + (int64_t)c * g.H * g.W;
    const float* src = dcol + (size_t)r * P;
    for (size_t i = 0; i < seg.size(); i += 4) {
      const int q = seg[i], ih = seg[i + 1] * g.sh - g.pt + kh, len = seg[i + 3];
      if (ih < 0 || ih >= g.H) continue;
      const int iw = seg[i + 2] * g.sw - g.pl + kw;
      int t0, t1;
      inside_run(iw, g.sw, g.W, len, t0, t1);
      float* d = plane + ih * g.W + iw;
      const float* sq = src + q;
      if (g.sw == 1)
        for (int t = t0; t < t1; t++) d[t] += sq[t];
      else
        for (int t = t0; t < t1; t++) d[t * g.sw] += sq[t];
    }
    if (++kw == g.KW) {
      kw = 0;
      if (++kh == g.KH) kh = 0, c++;
    }
  }
}

// dx by col2im: per image and chunk of output pixels, dcol[CKK, P] = W_gᵀ · dy_g[:, P]
// (A = Wᵀ prepacked, B = dy: both cheap to pack, and each packed dy value
// serves CKK rows), then scatter-add into dx. The chunk keeps dcol in L2.
// Each image's dx belongs to one job: deterministic.
static void backward_data_col2im(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, KK = g.KH * g.KW, CKK = Cg * KK, OHW = g.OH * g.OW;
  const Blocking bl = blocking();
  const int P = std::max(bl.nr, std::min(OHW, (int)((512 * 1024 / 4) / std::max(CKK, 1)) / bl.nr * bl.nr));
  const size_t per_group = Prepacked::floats(CKK, Og, bl.mr);
  float* store = thread_scratch(0, SLOT_OP_B, per_group * g.groups);
  std::vector<ColsPacker> wsrc;
  std::vector<PackTask> tasks;
  for (int gr = 0; gr < g.groups; gr++) wsrc.emplace_back(w + (int64_t)gr * Og * CKK, CKK);
  for (int gr = 0; gr < g.groups; gr++) tasks.push_back({&wsrc[gr], CKK, Og, bl.mr, store + gr * per_group});
  const std::vector<Prepacked> wt = prepack(tasks);
  ThreadPool::instance().parallel_for(g.N, [&](int img, int tid) {
    float* dcol = thread_scratch(tid, SLOT_COL, (size_t)CKK * P);
    float* dxi = dx + (int64_t)img * g.C * g.H * g.W;
    std::memset(dxi, 0, sizeof(float) * (size_t)g.C * g.H * g.W);
    for (int gr = 0; gr < g.groups; gr++) {
      ColsPacker B(dy + ((int64_t)img * g.O + gr * Og) * OHW, OHW);
      for (int p0 = 0; p0 < OHW; p0 += P) {
        const int np = std::min(P, OHW - p0);
        // Columns [p0, p0+np) land at dcol[r·P + (n − p0)].
        gemm_st(CKK, p0, p0 + np, Og, wt[gr], B, Output{dcol - p0, P, nullptr}, Epilogue{}, tid);
        col2im_chunk(g, gr, p0, np, dcol, P, dxi);
      }
    }
  });
}

void conv_backward_data(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, KK = g.KH * g.KW;
  // A packed value serves Cg rows in the transposed convolution and CKK rows
  // (Og multiply-adds each) through col2im, whose scatter-add costs about one
  // add per value. Measured (64 images): col2im wins by ~15% on paper conv2
  // (Cg 48, Og 128) and loses by ~5–15% on conv3 (256, 384) and conv5 (192,
  // 128): col2im where Og ≥ 2·Cg, and for strided layers.
  // A 3×3 or 5×5 stride-1 layer takes the transposed convolution anyway: it runs as Winograd.
  ConvGeom t{g.N, g.O, g.OH, g.OW, g.C, g.KH, g.KW, g.H, g.W, 1, 1, g.KH - 1 - g.pt, g.KW - 1 - g.pl, g.groups};
  const bool col2im = Og >= 2 * Cg && !winograd_applies(t);
  if (g.sh == 1 && g.sw == 1 && !col2im) {
    // Stride 1: dx is the convolution of dy with the flipped, transposed
    // kernels W'[c, o, kh, kw] = W[o, c, KH−1−kh, KW−1−kw], padded by K−1−pad.
    // Slot C: conv_forward below uses slots A and B.
    float* wt = thread_scratch(0, SLOT_OP_C, (size_t)g.O * Cg * KK);
    for (int gr = 0; gr < g.groups; gr++)
      for (int o = 0; o < Og; o++)
        for (int c = 0; c < Cg; c++)
          for (int k = 0; k < KK; k++)
            wt[(((size_t)gr * Cg + c) * Og + o) * KK + (KK - 1 - k)] = w[(((size_t)gr * Og + o) * Cg + c) * KK + k];
    conv_forward(t, dy, wt, nullptr, dx, false);
    return;
  }
  backward_data_col2im(g, dy, w, dx);
}

// Σ p[0..n) with 16 independent partial sums (vectorises without reassociation; fixed order).
ANX_CLONES static float sum_plane(const float* p, int n) {
  float acc[16] = {};
  int i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] += p[i + l];
  float s = 0.f;
  for (int l = 0; l < 16; l++) s += acc[l];
  for (; i < n; i++) s += p[i];
  return s;
}

// dW as one implicit GEMM per group: dW_g[o, (c, kh, kw)] = Σ_k dy(o, k) ·
// im2col(x)ᵀ(k, (c, kh, kw)), k = (image, oh, ow). The sum over k is cut into
// a fixed number of chunks, each packing only its share of dy and of the
// input (splitting dW's columns instead made every job pack all of dy). The
// partial sums are added in a fixed order, so the result does not depend on
// the thread count.
static void backward_weights_gemm(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, CKK = Cg * g.KH * g.KW, OHW = g.OH * g.OW;
  constexpr int KCHUNKS = 4;
  const int64_t K = (int64_t)g.N * OHW;
  const size_t wsize = (size_t)g.O * CKK;
  float* partial = thread_scratch(0, SLOT_OP_A, wsize * (KCHUNKS - 1));
  ThreadPool::instance().parallel_for(KCHUNKS * g.groups, [&](int job, int tid) {
    const int gr = job / KCHUNKS, kch = job % KCHUNKS;
    const int64_t k0 = K * kch / KCHUNKS, k1 = K * (kch + 1) / KCHUNKS;
    DyPacker Ad(dy + (int64_t)gr * Og * OHW, g.O, OHW);
    ConvInputPacker Bx(g, x + (int64_t)gr * Cg * g.H * g.W, pack_im2col_t);
    Shifted A(Ad, 0, (int)k0), B(Bx, 0, (int)k0);
    float* out = (kch == 0 ? dw : partial + (kch - 1) * wsize) + (int64_t)gr * Og * CKK;
    gemm_st(Og, 0, CKK, (int)(k1 - k0), A, B, Output{out, CKK, nullptr}, Epilogue{}, tid);
  });
  const int64_t blocks = (int64_t)((wsize + 4095) / 4096);
  ThreadPool::instance().parallel_for((int)blocks, [&](int bi, int) {
    const size_t i0 = (size_t)bi * 4096, i1 = std::min(wsize, i0 + 4096);
    for (int c = 0; c < KCHUNKS - 1; c++) {
      const float* p = partial + c * wsize;
      for (size_t i = i0; i < i1; i++) dw[i] += p[i];
    }
  });
}

void conv_backward_weights(const ConvGeom& g, const float* x, const float* dy, float* dw, float* db) {
  const int OHW = g.OH * g.OW;
  if (winograd_applies(g))
    conv_backward_weights_winograd(g, x, dy, dw);
  else
    backward_weights_gemm(g, x, dy, dw);
  if (db) {
    ThreadPool::instance().parallel_for(g.O, [&](int o, int) {
      double acc = 0;
      for (int img = 0; img < g.N; img++) acc += sum_plane(dy + ((int64_t)img * g.O + o) * OHW, OHW);
      db[o] = (float)acc;
    });
  }
}

}  // namespace anx
