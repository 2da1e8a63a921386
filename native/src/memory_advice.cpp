// Transparent huge pages for the big parameter and activation buffers.
//
// Why: at batch 1 the fully connected layers stream their weights from
// memory every pass (235 MB for torchvision's fc6–fc8) and take ~60% of the
// forward pass; with 4 KiB pages that is ~57,000 TLB misses a pass and a
// hardware prefetcher that stops at every page boundary. Reading a 151 MB
// buffer with two threads runs 5–8% faster from 2 MiB pages (interleaved,
// one process), and torchvision's batch-1 forward ~1.7%.
// Linux backs a region with huge pages only when asked (the usual
// `madvise` mode of /sys/kernel/mm/transparent_hugepage/enabled) and only
// for pages not yet touched, so the host allocator (src/tensor/host-memory.ts)
// calls this on fresh, zero-filled buffers before anything writes them.
// Elsewhere it does nothing; failures are ignored (it is a hint).
#include "memory_advice.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace anx {

size_t advise_huge_pages(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t H = uintptr_t(2) << 20;
  const uintptr_t b = (uintptr_t)p, e = b + bytes;
  const uintptr_t ab = (b + H - 1) & ~(H - 1), ae = e & ~(H - 1);
  if (ae <= ab) return 0;
  return madvise((void*)ab, ae - ab, MADV_HUGEPAGE) == 0 ? (size_t)(ae - ab) : 0;
#else
  (void)p, (void)bytes;
  return 0;
#endif
}

}  // namespace anx
