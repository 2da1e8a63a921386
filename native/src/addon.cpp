// N-API binding: every kernel takes the TypeScript typed arrays' memory
// directly (zero-copy) and checks each buffer's length against the geometry
// before touching it, so a wrong call throws instead of corrupting memory.
// Any C++ exception an entry point raises, on the calling thread or inside a
// pool thread (the pool rethrows it on the caller, threadpool.h), reaches
// JavaScript as an Error naming the entry point.
#include <napi.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

#include "conv.h"
#include "conv_lanes.h"
#include "cpu.h"
#include "elementwise.h"
#include "gemm.h"
#include "linear.h"
#include "lrn.h"
#include "memory_advice.h"
#include "pool.h"
#include "threadpool.h"
#include "ukernel.h"
#include "winograd.h"

using namespace anx;

namespace {

struct Args {
  const Napi::CallbackInfo& info;
  const char* fn;
  [[noreturn]] void fail(const std::string& m) const {
    throw Napi::TypeError::New(info.Env(), std::string("native ") + fn + ": " + m);
  }
  int i32(size_t i) const {
    if (i >= info.Length() || !info[i].IsNumber()) fail("argument " + std::to_string(i) + " must be a number");
    return info[i].As<Napi::Number>().Int32Value();
  }
  double f64(size_t i) const {
    if (i >= info.Length() || !info[i].IsNumber()) fail("argument " + std::to_string(i) + " must be a number");
    return info[i].As<Napi::Number>().DoubleValue();
  }
  bool flag(size_t i) const { return i < info.Length() && info[i].ToBoolean().Value(); }
  // A Float32Array of at least `need` elements, or null when allowed.
  float* f32(size_t i, int64_t need, bool nullable = false) const {
    if (nullable && (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined())) return nullptr;
    if (i >= info.Length() || !info[i].IsTypedArray() ||
        info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      fail("argument " + std::to_string(i) + " must be a Float32Array");
    auto a = info[i].As<Napi::Float32Array>();
    if ((int64_t)a.ElementLength() < need)
      fail("argument " + std::to_string(i) + " holds " + std::to_string(a.ElementLength()) + " values, needs " +
           std::to_string(need));
    return a.Data();
  }
  int32_t* i32a(size_t i, int64_t need, bool nullable = false) const {
    if (nullable && (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined())) return nullptr;
    if (i >= info.Length() || !info[i].IsTypedArray() ||
        info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      fail("argument " + std::to_string(i) + " must be an Int32Array");
    auto a = info[i].As<Napi::Int32Array>();
    if ((int64_t)a.ElementLength() < need) fail("argument " + std::to_string(i) + " is too short");
    return a.Data();
  }
};

ConvGeom conv_geom(const Args& a) {
  ConvGeom g;
  int* f[] = {&g.N, &g.C, &g.H, &g.W, &g.O, &g.KH, &g.KW, &g.OH, &g.OW, &g.sh, &g.sw, &g.pt, &g.pl, &g.groups};
  for (int i = 0; i < 14; i++) *f[i] = a.i32(i);
  return g;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", isa_name(active_isa()));
  o.Set("detectedIsa", isa_name(detected_isa()));
  o.Set("microKernel", active_ukernel().name);
  o.Set("threads", ThreadPool::instance().threads());
  return o;
}

Napi::Value PeakGflops(const Napi::CallbackInfo& info) {
  Args a{info, "peakGflops"};
  return Napi::Number::New(info.Env(), measure_peak_gflops(a.f64(0)));
}

Napi::Value SetWinogradMinTiles(const Napi::CallbackInfo& info) {
  Args a{info, "setWinogradMinTiles"};
  return Napi::Number::New(info.Env(), (double)set_winograd_min_tiles((int64_t)a.f64(0)));
}

Napi::Value SetLanesMaxPixels(const Napi::CallbackInfo& info) {
  Args a{info, "setLanesMaxPixels"};
  return Napi::Number::New(info.Env(), (double)set_lanes_max_pixels((int64_t)a.f64(0)));
}

// adviseHugePages(a: Float32Array) → bytes advised
Napi::Value AdviseHugePages(const Napi::CallbackInfo& info) {
  Args a{info, "adviseHugePages"};
  float* p = a.f32(0, 0);
  const size_t bytes = info[0].As<Napi::Float32Array>().ByteLength();
  return Napi::Number::New(info.Env(), (double)advise_huge_pages(p, bytes));
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args a{info, "setThreads"};
  ThreadPool::instance().set_threads(a.i32(0));
  return Napi::Number::New(info.Env(), ThreadPool::instance().threads());
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  std::string s = info[0].ToString().Utf8Value();
  Isa want = s == "avx512" ? Isa::Avx512 : s == "avx2" ? Isa::Avx2 : s == "generic" ? Isa::Generic : detected_isa();
  return Napi::String::New(info.Env(), isa_name(set_isa(want)));
}

// poolSelfTest(mode, thread) → items run: a test hook for the pool's failure
// handling (test/backend/native-threadpool.test.ts). One loop of threads()
// items, each waiting until all have started, so every thread runs exactly
// one; the item on pool thread `thread` then, for mode "throw", throws a
// std::runtime_error, and for "nested" calls parallel_for (refused with a
// std::logic_error). Mode "run" throws nothing.
Napi::Value PoolSelfTest(const Napi::CallbackInfo& info) {
  Args a{info, "poolSelfTest"};
  if (info.Length() < 1 || !info[0].IsString()) a.fail("argument 0 must be a string");
  const std::string mode = info[0].As<Napi::String>().Utf8Value();
  const int on = a.i32(1);
  if (mode != "throw" && mode != "nested" && mode != "run") a.fail("mode must be \"throw\", \"nested\" or \"run\"");
  ThreadPool& pool = ThreadPool::instance();
  const int n = pool.threads();
  std::atomic<int> started{0}, ran{0};
  pool.parallel_for(n, [&](int, int tid) {
    started.fetch_add(1);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < n && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    ran.fetch_add(1);
    if (tid != on) return;
    if (mode == "throw") throw std::runtime_error("test exception from pool thread " + std::to_string(tid));
    if (mode == "nested") pool.parallel_for(2, [](int, int) {});
  });
  return Napi::Number::New(info.Env(), ran.load());
}

// conv2dForward(N,C,H,W,O,KH,KW,OH,OW,sh,sw,pt,pl,groups, x, w, b|null, y, relu)
void Conv2dForward(const Napi::CallbackInfo& info) {
  Args a{info, "conv2dForward"};
  ConvGeom g = conv_geom(a);
  const int64_t xs = (int64_t)g.N * g.C * g.H * g.W, ws = (int64_t)g.O * (g.C / g.groups) * g.KH * g.KW,
                ys = (int64_t)g.N * g.O * g.OH * g.OW;
  conv_forward(g, a.f32(14, xs), a.f32(15, ws), a.f32(16, g.O, true), a.f32(17, ys), a.flag(18));
}

void Conv2dBackwardData(const Napi::CallbackInfo& info) {
  Args a{info, "conv2dBackwardData"};
  ConvGeom g = conv_geom(a);
  conv_backward_data(g, a.f32(14, (int64_t)g.N * g.O * g.OH * g.OW), a.f32(15, (int64_t)g.O * (g.C / g.groups) * g.KH * g.KW),
                     a.f32(16, (int64_t)g.N * g.C * g.H * g.W));
}

void Conv2dBackwardWeights(const Napi::CallbackInfo& info) {
  Args a{info, "conv2dBackwardWeights"};
  ConvGeom g = conv_geom(a);
  conv_backward_weights(g, a.f32(14, (int64_t)g.N * g.C * g.H * g.W), a.f32(15, (int64_t)g.N * g.O * g.OH * g.OW),
                        a.f32(16, (int64_t)g.O * (g.C / g.groups) * g.KH * g.KW), a.f32(17, g.O, true));
}

// linear*(N, I, O, ...)
void LinearForward(const Napi::CallbackInfo& info) {
  Args a{info, "linearForward"};
  int N = a.i32(0), I = a.i32(1), O = a.i32(2);
  linear_forward(N, I, O, a.f32(3, (int64_t)N * I), a.f32(4, (int64_t)O * I), a.f32(5, O, true), a.f32(6, (int64_t)N * O),
                 a.flag(7));
}
void LinearBackwardData(const Napi::CallbackInfo& info) {
  Args a{info, "linearBackwardData"};
  int N = a.i32(0), I = a.i32(1), O = a.i32(2);
  linear_backward_data(N, I, O, a.f32(3, (int64_t)N * O), a.f32(4, (int64_t)O * I), a.f32(5, (int64_t)N * I));
}
void LinearBackwardWeights(const Napi::CallbackInfo& info) {
  Args a{info, "linearBackwardWeights"};
  int N = a.i32(0), I = a.i32(1), O = a.i32(2);
  linear_backward_weights(N, I, O, a.f32(3, (int64_t)N * I), a.f32(4, (int64_t)N * O), a.f32(5, (int64_t)O * I),
                          a.f32(6, O, true));
}

void ReluForward(const Napi::CallbackInfo& info) {
  Args a{info, "reluForward"};
  int64_t n = (int64_t)a.f64(0);
  relu_forward(n, a.f32(1, n), a.f32(2, n));
}
void ReluBackward(const Napi::CallbackInfo& info) {
  Args a{info, "reluBackward"};
  int64_t n = (int64_t)a.f64(0);
  relu_backward(n, a.f32(1, n), a.f32(2, n), a.f32(3, n));
}
void TanhForward(const Napi::CallbackInfo& info) {
  Args a{info, "tanhForward"};
  int64_t n = (int64_t)a.f64(0);
  tanh_forward(n, a.f32(1, n), a.f32(2, n));
}
void TanhBackward(const Napi::CallbackInfo& info) {
  Args a{info, "tanhBackward"};
  int64_t n = (int64_t)a.f64(0);
  tanh_backward(n, a.f32(1, n), a.f32(2, n), a.f32(3, n));
}
void MaskScale(const Napi::CallbackInfo& info) {
  Args a{info, "maskScale"};
  int64_t n = (int64_t)a.f64(0);
  mask_scale(n, a.f32(1, n), a.f32(2, n, true), (float)a.f64(3), a.f32(4, n));
}

// lrn*(N, C, HW, size, groups, alphaEff, beta, k, ...)
LrnGeom lrn_geom(const Args& a) {
  return LrnGeom{a.i32(0), a.i32(1), a.i32(2), a.i32(3), a.i32(4), (float)a.f64(5), (float)a.f64(6), (float)a.f64(7)};
}
void LrnForward(const Napi::CallbackInfo& info) {
  Args a{info, "lrnForward"};
  LrnGeom g = lrn_geom(a);
  int64_t n = (int64_t)g.N * g.C * g.HW;
  lrn_forward(g, a.f32(8, n), a.f32(9, n), a.f32(10, n));
}
void LrnBackward(const Napi::CallbackInfo& info) {
  Args a{info, "lrnBackward"};
  LrnGeom g = lrn_geom(a);
  int64_t n = (int64_t)g.N * g.C * g.HW;
  lrn_backward(g, a.f32(8, n), a.f32(9, n), a.f32(10, n), a.f32(11, n), a.f32(12, n));
}

// maxpool*(N, C, H, W, OH, OW, k, s, p, ...)
PoolGeom pool_geom(const Args& a) {
  return PoolGeom{a.i32(0), a.i32(1), a.i32(2), a.i32(3), a.i32(4), a.i32(5), a.i32(6), a.i32(7), a.i32(8)};
}
void MaxpoolForward(const Napi::CallbackInfo& info) {
  Args a{info, "maxpoolForward"};
  PoolGeom g = pool_geom(a);
  int64_t xs = (int64_t)g.N * g.C * g.H * g.W, ys = (int64_t)g.N * g.C * g.OH * g.OW;
  maxpool_forward(g, a.f32(9, xs), a.f32(10, ys), a.i32a(11, ys, true));
}
void MaxpoolBackward(const Napi::CallbackInfo& info) {
  Args a{info, "maxpoolBackward"};
  PoolGeom g = pool_geom(a);
  int64_t xs = (int64_t)g.N * g.C * g.H * g.W, ys = (int64_t)g.N * g.C * g.OH * g.OW;
  maxpool_backward(g, a.f32(9, ys), a.i32a(10, ys), a.f32(11, xs));
}

// sgdUpdate(n, w, v, g, lr, momentum, decay, pytorchForm)
void SgdUpdate(const Napi::CallbackInfo& info) {
  Args a{info, "sgdUpdate"};
  int64_t n = (int64_t)a.f64(0);
  sgd_update(n, a.f32(1, n), a.f32(2, n), a.f32(3, n), (float)a.f64(4), (float)a.f64(5), (float)a.f64(6), a.flag(7));
}

// gemm(M, N, K, a[M,K], b[K,N], c[M,N]): plain row-major C = A·B, for benchmarks and tests.
void Gemm(const Napi::CallbackInfo& info) {
  Args a{info, "gemm"};
  int M = a.i32(0), N = a.i32(1), K = a.i32(2);
  gemm(M, N, K, RowsPacker(a.f32(3, (int64_t)M * K), K), ColsPacker(a.f32(4, (int64_t)K * N), N),
       Output{a.f32(5, (int64_t)M * N), N, nullptr}, Epilogue{});
}

// Wraps an entry point: a C++ exception other than the binding's own
// Napi::Errors becomes a JavaScript Error "native <name>: <what()>".
template <typename R, R (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  const char* name = static_cast<const char*>(info.Data());
  try {
    if constexpr (std::is_void_v<R>) {
      F(info);
      return info.Env().Undefined();
    } else {
      return F(info);
    }
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("native ") + name + ": " + e.what());
  } catch (...) {
    throw Napi::Error::New(info.Env(), std::string("native ") + name + ": unknown C++ exception");
  }
}

template <typename R, R (*F)(const Napi::CallbackInfo&)>
void add(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<guarded<R, F>>(env, name, const_cast<char*>(name)));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  add<Napi::Value, Info>(env, exports, "info");
  add<Napi::Value, PeakGflops>(env, exports, "peakGflops");
  add<Napi::Value, SetWinogradMinTiles>(env, exports, "setWinogradMinTiles");
  add<Napi::Value, SetLanesMaxPixels>(env, exports, "setLanesMaxPixels");
  add<Napi::Value, AdviseHugePages>(env, exports, "adviseHugePages");
  add<Napi::Value, SetThreads>(env, exports, "setThreads");
  add<Napi::Value, SetIsa>(env, exports, "setIsa");
  add<void, Conv2dForward>(env, exports, "conv2dForward");
  add<void, Conv2dBackwardData>(env, exports, "conv2dBackwardData");
  add<void, Conv2dBackwardWeights>(env, exports, "conv2dBackwardWeights");
  add<void, LinearForward>(env, exports, "linearForward");
  add<void, LinearBackwardData>(env, exports, "linearBackwardData");
  add<void, LinearBackwardWeights>(env, exports, "linearBackwardWeights");
  add<void, ReluForward>(env, exports, "reluForward");
  add<void, ReluBackward>(env, exports, "reluBackward");
  add<void, TanhForward>(env, exports, "tanhForward");
  add<void, TanhBackward>(env, exports, "tanhBackward");
  add<void, MaskScale>(env, exports, "maskScale");
  add<void, LrnForward>(env, exports, "lrnForward");
  add<void, LrnBackward>(env, exports, "lrnBackward");
  add<void, MaxpoolForward>(env, exports, "maxpoolForward");
  add<void, MaxpoolBackward>(env, exports, "maxpoolBackward");
  add<void, SgdUpdate>(env, exports, "sgdUpdate");
  add<void, Gemm>(env, exports, "gemm");
  add<Napi::Value, PoolSelfTest>(env, exports, "poolSelfTest");
  return exports;
}

}  // namespace

NODE_API_MODULE(alexnet_native, Init)
