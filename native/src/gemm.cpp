#include "gemm.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include "threadpool.h"
#include "ukernel.h"
#include "cpu.h"
#include "isa_targets.h"
#include "transpose.h"

namespace anx {

const Ukernel& active_ukernel() {
  static const Ukernel generic{GENERIC_MR, GENERIC_NR, ukr_generic, "generic 4x16"};
#if defined(__x86_64__)
  static const Ukernel avx2{AVX2_MR, AVX2_NR, ukr_avx2, "avx2 6x16"};
  static const Ukernel avx512{AVX512_MR, AVX512_NR, ukr_avx512, "avx512 8x48"};
  switch (active_isa()) {
    case Isa::Avx512: return avx512;
    case Isa::Avx2: return avx2;
    default: return generic;
  }
#else
  return generic;
#endif
}

double measure_peak_gflops(double seconds) {
  float (*probe)(long) = fma_chains_generic;
  double lanes = 4;  // fp32 lanes per chain step
#if defined(__x86_64__)
  if (active_isa() == Isa::Avx512) probe = fma_chains_avx512, lanes = 16;
  else if (active_isa() == Isa::Avx2) probe = fma_chains_avx2, lanes = 8;
#endif
  ThreadPool& pool = ThreadPool::instance();
  const int T = pool.threads();
  long iters = 1 << 20;
  for (;;) {
    auto t0 = std::chrono::steady_clock::now();
    volatile float sink = 0;
    pool.parallel_for(T, [&](int, int) { sink = sink + probe(iters); });
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (dt >= seconds || iters > (1L << 34)) return (double)T * iters * 12 * lanes * 2 / dt / 1e9;
    iters = (long)(iters * std::max(2.0, 1.2 * seconds / std::max(dt, 1e-6)));
  }
}

// KC: the B micro-panel (kc × NR) and A micro-panel stay in L1/L2; NC: the
// packed B panel (kc × nc) stays in L2; MC: the packed A block in L2.
static int env_int(const char* name, int dflt) {
  const char* v = std::getenv(name);
  return v && std::atoi(v) > 0 ? std::atoi(v) : dflt;
}

Blocking blocking() {
  const Ukernel& u = active_ukernel();
  static const int kc = env_int("ALEXNET_KC", 256), mc = env_int("ALEXNET_MC", 192), nc = env_int("ALEXNET_NC", 480);
  Blocking b{u.mr, u.nr, 0, kc, 0};
  b.mc = u.mr * std::max(1, mc / u.mr);
  b.nc = u.nr * std::max(1, nc / u.nr);
  return b;
}

// Plain-matrix packers, compiled per ISA (isa_targets.h).
ANX_ISA_BODY static void pack_rows(const float* p, ptrdiff_t ld, int l0, int ln, int k0, int kc, int w, float* buf) {
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w);
    const float* src = p + (ptrdiff_t)(l0 + s * w) * ld + k0;
    // k outer: contiguous writes, `lines` read streams.
    for (int k = 0; k < kc; k++) {
      float* d = dst + k * w;
      for (int j = 0; j < lines; j++) d[j] = src[j * ld + k];
      for (int j = lines; j < w; j++) d[j] = 0.f;
    }
  }
}

ANX_ISA_BODY static void pack_cols(const float* p, ptrdiff_t ld, int l0, int ln, int k0, int kc, int w, float* buf) {
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w);
    for (int k = 0; k < kc; k++) {
      const float* src = p + (ptrdiff_t)(k0 + k) * ld + l0 + s * w;
      float* d = dst + k * w;
      for (int j = 0; j < lines; j++) d[j] = src[j];
      for (int j = lines; j < w; j++) d[j] = 0.f;
    }
  }
}

const float* RowsPacker::pack(int l0, int ln, int k0, int kc, int w, float* buf) const {
  const Pack8Fn pack8 = active_pack8();  // null unless the active ISA has one
  if (!pack8 || w % 8) {
    per_isa<pack_rows>(p, ld, l0, ln, k0, kc, w, buf);
    return buf;
  }
  // Whole groups of eight lines by the transposing kernel; the rest of a strip
  // (and its zero padding) by the plain loop, into the same strip.
  for (int s = 0; s * w < ln; s++) {
    float* dst = buf + (size_t)s * kc * w;
    const int lines = std::min(w, ln - s * w), full = lines / 8 * 8;
    for (int j = 0; j < full; j += 8) pack8(p + (ptrdiff_t)(l0 + s * w + j) * ld + k0, ld, kc, dst + j, w);
    if (full < w)
      for (int k = 0; k < kc; k++) {
        float* d = dst + (size_t)k * w;
        for (int j = full; j < lines; j++) d[j] = p[(ptrdiff_t)(l0 + s * w + j) * ld + k0 + k];
        for (int j = lines; j < w; j++) d[j] = 0.f;
      }
  }
  return buf;
}

const float* ColsPacker::pack(int l0, int ln, int k0, int kc, int w, float* buf) const {
  per_isa<pack_cols>(p, ld, l0, ln, k0, kc, w, buf);
  return buf;
}

float* thread_scratch(int tid, int slot, size_t floats) {
  struct Buf {
    float* p = nullptr;
    size_t n = 0;
  };
  static std::mutex mu;
  static std::vector<Buf> bufs;  // [tid * SCRATCH_SLOTS + slot]
  Buf* b;
  {
    std::lock_guard<std::mutex> lock(mu);
    size_t idx = (size_t)tid * SCRATCH_SLOTS + slot;
    if (bufs.size() <= idx) bufs.resize(idx + 1);
    b = &bufs[idx];
    if (b->n < floats) {
      const size_t bytes = ((floats * sizeof(float) + 63) / 64) * 64;
      float* p = (float*)std::aligned_alloc(64, bytes);
      if (!p) throw std::bad_alloc();  // the old buffer stays in place
      std::free(b->p);
      b->p = p;
      b->n = floats;
    }
    return b->p;
  }
}

// C[r, j] (+)= tile[r, j] (+ bias[r]) for r < mr, j < len, then ReLU: one contiguous run of a tile.
ANX_ISA_BODY static void store_run(const float* tile, int ldt, float* c, ptrdiff_t ldc, int mr, int len, const float* bias,
                                   int flags) {
  for (int r = 0; r < mr; r++) {
    const float add = bias ? bias[r] : 0.f;
    const float* t = tile + r * ldt;
    float* d = c + r * ldc;
    if (flags & UKR_ACCUMULATE)
      for (int j = 0; j < len; j++) d[j] += t[j] + add;
    else
      for (int j = 0; j < len; j++) d[j] = t[j] + add;
    if (flags & UKR_RELU)
      for (int j = 0; j < len; j++) d[j] = d[j] > 0.f ? d[j] : 0.f;
  }
}

void gemm_st(int M, int n0, int n1, int K, const Packer& A, const Packer& B, const Output& out, const Epilogue& epi,
             int tid) {
  const Ukernel& u = active_ukernel();
  const auto store = PerIsa<store_run>::pick();
  const Blocking bl = blocking();
  float* scratch_a = thread_scratch(tid, SLOT_PACK_A, (size_t)bl.mc * bl.kc + 64);
  float* scratch_b = thread_scratch(tid, SLOT_PACK_B, (size_t)bl.nc * bl.kc + 64);
  const int MR = u.mr, NR = u.nr;
  alignas(64) float tile[AVX512_MR * AVX512_NR];  // largest MR×NR
  for (int jc = n0; jc < n1; jc += bl.nc) {
    const int nc = std::min(bl.nc, n1 - jc);
    for (int pc = 0; pc < K || (K == 0 && pc == 0); pc += bl.kc) {
      const int kc = std::min(bl.kc, K - pc);
      const bool first = pc == 0, last = pc + bl.kc >= K;
      const float* Bp = B.pack(jc, nc, pc, kc, NR, scratch_b);
      int flags = (first && !epi.accumulate) ? 0 : UKR_ACCUMULATE;
      if (last && epi.relu) flags |= UKR_RELU;
      const float* bias = first ? epi.bias : nullptr;
      for (int ic = 0; ic < M; ic += bl.mc) {
        const int mc = std::min(bl.mc, M - ic);
        const float* Ap = A.pack(ic, mc, pc, kc, MR, scratch_a);
        // jr outer, ir inner: one B micro-panel (kc × NR) stays in L1 while
        // the A micro-panels of the block stream from L2.
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = std::min(NR, nc - jr);
          const float* b = Bp + (size_t)(jr / NR) * kc * NR;
          const int n = jc + jr;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = std::min(MR, mc - ir);
            const float* a = Ap + (size_t)(ir / MR) * kc * MR;
            const int m = ic + ir;
            const float* brow = bias ? bias + m : nullptr;
            if (!out.col_off) {
              u.fn(kc, a, b, out.c + (ptrdiff_t)m * out.ldc + n, out.ldc, mr, nr, brow, flags);
            } else if (out.col_off[n + nr - 1] - out.col_off[n] == nr - 1) {
              // Contiguous columns (offsets increase by ≥ 1, so equal ends mean a run).
              u.fn(kc, a, b, out.c + (ptrdiff_t)m * out.ldc + out.col_off[n], out.ldc, mr, nr, brow, flags);
            } else {
              // The tile straddles a jump in the column mapping (e.g. two
              // images): compute it aside, then store each contiguous run.
              u.fn(kc, a, b, tile, NR, mr, nr, nullptr, 0);
              for (int j0 = 0; j0 < nr;) {
                int j1 = j0 + 1;
                while (j1 < nr && out.col_off[n + j1] == out.col_off[n + j0] + (j1 - j0)) j1++;
                store(tile + j0, NR, out.c + (ptrdiff_t)m * out.ldc + out.col_off[n + j0], out.ldc, mr, j1 - j0, brow,
                          flags);
                j0 = j1;
              }
            }
          }
        }
      }
      if (K == 0) break;
    }
  }
}

void gemm(int M, int N, int K, const Packer& A, const Packer& B, const Output& out, const Epilogue& epi) {
  ThreadPool& pool = ThreadPool::instance();
  const Blocking bl = blocking();
  const int T = pool.threads();
  const int nstrips = (N + bl.nr - 1) / bl.nr, mstrips = (M + bl.mr - 1) / bl.mr;
  // Split whichever dimension gives every thread an even share (never K: the
  // sums stay whole, so the result does not depend on the thread count).
  const bool split_n = nstrips >= 2 * T || nstrips >= mstrips;
  const int strips = split_n ? nstrips : mstrips;
  const int chunks = std::max(1, std::min(T, strips));
  pool.parallel_for(chunks, [&](int i, int tid) {
    const int s0 = (int)((int64_t)strips * i / chunks), s1 = (int)((int64_t)strips * (i + 1) / chunks);
    if (split_n) {
      const int n0 = s0 * bl.nr, n1 = std::min(N, s1 * bl.nr);
      if (n0 < n1) gemm_st(M, n0, n1, K, A, B, out, epi, tid);
    } else {
      const int m0 = s0 * bl.mr, m1 = std::min(M, s1 * bl.mr);
      if (m0 >= m1) return;
      Shifted As(A, m0, 0);
      Output o{out.c + (ptrdiff_t)m0 * out.ldc, out.ldc, out.col_off};
      Epilogue e = epi;
      if (e.bias) e.bias += m0;
      gemm_st(m1 - m0, 0, N, K, As, B, o, e, tid);
    }
  });
}

size_t Prepacked::floats(int lines, int K, int w) {
  return (size_t)padded(lines, w) * std::max(K, 1);
}

Prepacked Prepacked::view(int lpad, const float* data) {
  Prepacked p;
  p.lpad_ = lpad;
  p.data_ = data;
  return p;
}

const float* Prepacked::pack(int l0, int, int k0, int kc, int, float*) const {
  // Strip l0/w of the KC block at k0 (l0 is a multiple of MC or NC, hence of the strip width).
  return data_ + (size_t)k0 * lpad_ + (size_t)l0 * kc;
}

std::vector<Prepacked> prepack(const std::vector<PackTask>& tasks) {
  const int KC = blocking().kc;
  // Units of work: (task, KC block, a few strips); each writes its own part of dst.
  constexpr int STRIPS = 4;
  struct Unit { int task, pc, l0, ln; };
  std::vector<Unit> units;
  std::vector<Prepacked> views;
  for (int t = 0; t < (int)tasks.size(); t++) {
    const PackTask& k = tasks[t];
    views.push_back(Prepacked::view(Prepacked::padded(k.lines, k.w), k.dst));
    for (int pc = 0; pc < k.K; pc += KC)
      for (int l0 = 0; l0 < k.lines; l0 += STRIPS * k.w) units.push_back({t, pc, l0, std::min(STRIPS * k.w, k.lines - l0)});
  }
  ThreadPool::instance().parallel_for((int)units.size(), [&](int i, int) {
    const Unit& u = units[i];
    const PackTask& k = tasks[u.task];
    const int kc = std::min(KC, k.K - u.pc);
    k.src->pack(u.l0, u.ln, u.pc, kc, k.w, k.dst + (size_t)u.pc * Prepacked::padded(k.lines, k.w) + (size_t)u.l0 * kc);
  });
  return views;
}

}  // namespace anx
