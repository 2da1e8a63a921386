#include "cpu.h"

#include <cstdlib>
#include <cstring>

namespace anx {

// The features checked for each level are the ones isa_targets.h compiles
// that level's functions for; the two lists change together.
Isa detected_isa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Generic;
}

static Isa initial_isa() {
  Isa best = detected_isa();
  if (const char* env = std::getenv("ALEXNET_ISA")) {
    Isa want = best;
    if (!std::strcmp(env, "generic")) want = Isa::Generic;
    else if (!std::strcmp(env, "avx2")) want = Isa::Avx2;
    else if (!std::strcmp(env, "avx512")) want = Isa::Avx512;
    if ((int)want < (int)best) best = want;
  }
  return best;
}

static Isa g_isa = initial_isa();

Isa active_isa() { return g_isa; }

Isa set_isa(Isa isa) {
  Isa best = detected_isa();
  g_isa = (int)isa <= (int)best ? isa : best;
  return g_isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "generic";
  }
}

}  // namespace anx
