// Packed, blocked GEMM (GotoBLAS/BLIS loop structure) over any operands that
// can be packed: plain matrices, and the implicit im2col views of a
// convolution, so convolutions never materialise the column matrix.
//
//   C[m, n] (+)= Σ_k A(m, k) · B(k, n)      (+ bias[m], then ReLU)
//
// A "line" is a row of A (an m) or a column of B (an n). A Packer writes
// lines [l0, l0+ln) × k in [k0, k0+kc) as strips of `w` lines:
// dst[s·kc·w + k·w + j] = value(l0 + s·w + j, k0 + k), zero past ln.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace anx {

struct Packer {
  virtual ~Packer() = default;
  // Returns the packed panel: `buf`, or a pointer into data packed in advance.
  virtual const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const = 0;
};

// value(line, k) = p[line·ld + k]: lines are rows with k contiguous.
struct RowsPacker : Packer {
  const float* p;
  ptrdiff_t ld;
  RowsPacker(const float* p_, ptrdiff_t ld_) : p(p_), ld(ld_) {}
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override;
};

// value(line, k) = p[k·ld + line]: lines are contiguous for each k.
struct ColsPacker : Packer {
  const float* p;
  ptrdiff_t ld;
  ColsPacker(const float* p_, ptrdiff_t ld_) : p(p_), ld(ld_) {}
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override;
};

// Where C lives: element (m, n) at c[m·ldc + col(n)], col(n) = n, or col_off[n] when given.
struct Output {
  float* c;
  ptrdiff_t ldc;
  const int64_t* col_off;  // may be null
};

struct Epilogue {
  const float* bias = nullptr;  // per row m, or null
  bool relu = false;
  bool accumulate = false;  // add to C instead of overwriting
};

// Block sizes of the active micro-kernel.
struct Blocking {
  int mr, nr, mc, kc, nc;
};
Blocking blocking();

// Single-threaded GEMM over all M rows and columns [n0, n1), packing into
// thread `tid`'s scratch (see thread_scratch).
void gemm_st(int M, int n0, int n1, int K, const Packer& A, const Packer& B, const Output& out, const Epilogue& epi,
             int tid);

// A packer seen with its lines shifted by `line_off` and its k by `k_off`: a
// thread's share of rows, or one chunk of a sum split into parts.
struct Shifted : Packer {
  const Packer& p;
  int line_off, k_off;
  Shifted(const Packer& p_, int line_off_, int k_off_) : p(p_), line_off(line_off_), k_off(k_off_) {}
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override {
    return p.pack(l0 + line_off, ln, k0 + k_off, kc, w, buf);
  }
};

// Multi-threaded GEMM: columns split across the pool (no sum split: deterministic).
void gemm(int M, int N, int K, const Packer& A, const Packer& B, const Output& out, const Epilogue& epi);

// Per-thread scratch, allocated once and grown on demand (no allocation in
// steady state: fresh pages would cost page faults and zeroing every step).
// Slots 0–4 belong to kernels running inside the pool; the others to the op
// entry points, which run on the calling thread (tid 0) outside parallel loops
// (Winograd has its own: it runs inside backward-data, which holds OP_C; its
// V and M slots are per thread, one chunk of tiles each). OP_D holds the
// padded, phase-split input of conv_forward. Throws std::bad_alloc where the
// allocation fails (the slot keeps its old buffer).
float* thread_scratch(int tid, int slot, size_t floats);
enum ScratchSlot {
  SLOT_PACK_A = 0, SLOT_PACK_B = 1, SLOT_COL = 2, SLOT_LRN = 3, SLOT_LINEAR = 4,
  SLOT_OP_A = 5, SLOT_OP_B = 6, SLOT_OP_C = 7, SLOT_WINO_U = 8, SLOT_WINO_V = 9, SLOT_WINO_M = 10,
  SLOT_WINO_UP = 11, SLOT_OP_D = 12, SCRATCH_SLOTS = 13
};

// An operand packed once for repeated use; panels are then served from it.
// Layout: for each KC block at pc, the lines in strips of w (MR for an A,
// NR for a B): offset pc·lpad + strip·kc·w, lpad = lines rounded up to w.
struct Prepacked : Packer {
  // `lines` rounded up to whole strips of w: the layout's lpad.
  static int padded(int lines, int w) { return (lines + w - 1) / w * w; }
  // Floats of storage `lines` × K lines need in strips of w.
  static size_t floats(int lines, int K, int w);
  // Data already in the layout, `lpad` lines (a multiple of the strip width).
  static Prepacked view(int lpad, const float* data);
  const float* pack(int l0, int ln, int k0, int kc, int w, float* buf) const override;

 private:
  int lpad_ = 0;
  const float* data_ = nullptr;
};

// One operand to pack ahead: src's lines [0, lines) × [0, K) into dst
// (Prepacked::floats(lines, K, w) floats), in strips of w.
struct PackTask {
  const Packer* src;
  int lines, K, w;
  float* dst;
};
// Packs every task in parallel on the pool (call it outside pool jobs) and
// returns a view of each, in task order.
std::vector<Prepacked> prepack(const std::vector<PackTask>& tasks);

}  // namespace anx
