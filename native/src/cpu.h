// Run-time choice of the instruction set (no -march=native at build time).
#pragma once

namespace anx {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

Isa detected_isa();
Isa active_isa();
// Forces a path (never above what the CPU supports); returns the one in use.
Isa set_isa(Isa isa);
const char* isa_name(Isa isa);

}  // namespace anx
