// Memory hints for large host buffers (memory_advice.cpp).
#pragma once
#include <cstddef>

namespace anx {

// Asks the kernel to back [p, p + bytes) with transparent huge pages where
// whole 2 MiB pages fit inside it; returns the bytes advised (0: none, or
// not Linux). Only pages first touched afterwards are affected.
size_t advise_huge_pages(void* p, size_t bytes);

}  // namespace anx
