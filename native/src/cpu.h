// Run-time choice of the instruction set (no -march=native at build time).
#pragma once

namespace anx {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

Isa detected_isa();
Isa active_isa();
// Forces a path (never above what the CPU supports); returns the one in use.
Isa set_isa(Isa isa);
const char* isa_name(Isa isa);

// AVX512-BF16 (vdpbf16ps, vcvtne2ps2bf16): CPUID leaf 7 subleaf 1, EAX bit 5.
bool detected_avx512_bf16();
// Whether the bf16 kernels may run: the CPU has AVX512-BF16 and the active ISA
// is avx512 (ALEXNET_ISA or setIsa below it turns them off too).
bool bf16_available();

}  // namespace anx
