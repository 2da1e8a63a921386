// A small N-API binding over the system MPI library: just what
// data-parallel SGD needs. Node has no maintained MPI binding, so this wraps
// the real library; it never speaks a protocol of its own.
//
// Threading. Open MPI advances a nonblocking collective only inside MPI
// calls, so an all-reduce started during the backward pass would otherwise
// progress only between layers, on the main thread. With MPI_THREAD_MULTIPLE
// a progress thread of this addon calls MPI_Test on the sums in flight while
// the kernels compute, so they really run concurrently; the gradient sums use
// their own duplicate of MPI_COMM_WORLD, so they never interleave with the
// main thread's blocking collectives. Where MULTIPLE is not provided (or
// ALEXNET_MPI_PROGRESS=main) test() advances them on the main thread.
// The native kernels' worker threads never call MPI.
//
// Errors: MPI_ERRORS_RETURN on MPI_COMM_WORLD, so a failed call throws a
// JavaScript error carrying MPI's own message instead of aborting silently.
#include <mpi.h>
#include <napi.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <map>
#include <utility>
#include <vector>

namespace {

// A float32 or float64 typed array: its memory, element count and MPI type.
struct Floats {
  void* data;
  int count;
  MPI_Datatype type;
};

struct Pending {
  MPI_Request request;
  // With the progress thread, the sum is started there (not yet: `started` false).
  Floats what;
  bool started = true;
  Napi::Reference<Napi::Value> keep;  // the buffer stays alive (and unmoved) until the request completes; main thread only
  bool done = false;
  int error = MPI_SUCCESS;
};

// `pending` is shared with the progress thread: always under `mu`. Elements are
// erased (and their references released) only by the main thread. Ordered by
// id, so every rank's progress thread starts the sums in the same order.
std::map<int32_t, Pending> pending;
std::mutex mu;
std::condition_variable changed;
// On the heap and never destroyed at exit: a joinable std::thread's destructor would abort the process.
std::thread* progress = nullptr;
bool stopping = false;
bool threaded = false;
MPI_Comm grad_comm = MPI_COMM_NULL;
int32_t next_id = 1;
bool initialised = false;

bool any_open() {
  for (auto& [id, p] : pending)
    if (!p.done) return true;
  return false;
}

void progress_loop() {
  std::unique_lock<std::mutex> lk(mu);
  while (!stopping) {
    if (!any_open()) {
      changed.wait(lk, [] { return stopping || any_open(); });
      continue;
    }
    // MPI_Test may do the reduction work itself (shared memory), so it runs
    // without `mu`: the main thread can start the next bucket meanwhile. The
    // elements stay put (only the main thread erases, and only done ones).
    // Starting a sum (MPI_Iallreduce) can itself take long (Open MPI's
    // libnbc runs its first round at once), so it happens here too.
    std::vector<Pending*> open;
    for (auto& [id, p] : pending)
      if (!p.done) open.push_back(&p);
    lk.unlock();
    std::vector<std::pair<bool, int>> result;
    for (Pending* p : open) {
      int rc = MPI_SUCCESS;
      if (!p->started) {
        rc = MPI_Iallreduce(MPI_IN_PLACE, p->what.data, p->what.count, p->what.type, MPI_SUM, grad_comm, &p->request);
        p->started = true;
        if (rc != MPI_SUCCESS) {
          result.emplace_back(true, rc);
          continue;
        }
      }
      int flag = 0;
      rc = MPI_Test(&p->request, &flag, MPI_STATUS_IGNORE);
      result.emplace_back(rc != MPI_SUCCESS || flag, rc);
    }
    lk.lock();
    for (size_t i = 0; i < open.size(); i++) {
      if (result[i].first) {
        open[i]->done = true;
        open[i]->error = result[i].second;
      }
    }
    changed.notify_all();
    // Let the compute threads have the core between polls.
    lk.unlock();
    std::this_thread::sleep_for(std::chrono::microseconds(20));
    lk.lock();
  }
}

std::string error_string(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  return std::string(text, static_cast<size_t>(len));
}

void check(const Napi::Env& env, int code, const char* what) {
  if (code != MPI_SUCCESS) throw Napi::Error::New(env, std::string("MPI ") + what + ": " + error_string(code));
}

void require_init(const Napi::Env& env, const char* what) {
  if (!initialised) throw Napi::Error::New(env, std::string("MPI ") + what + ": call init() first");
}


Floats floats(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsTypedArray()) throw Napi::TypeError::New(info.Env(), std::string("MPI ") + what + ": argument must be a Float32Array or Float64Array");
  auto a = info[i].As<Napi::TypedArray>();
  MPI_Datatype t;
  if (a.TypedArrayType() == napi_float32_array) t = MPI_FLOAT;
  else if (a.TypedArrayType() == napi_float64_array) t = MPI_DOUBLE;
  else throw Napi::TypeError::New(info.Env(), std::string("MPI ") + what + ": argument must be a Float32Array or Float64Array");
  if (a.ElementLength() > INT32_MAX) throw Napi::RangeError::New(info.Env(), std::string("MPI ") + what + ": more than 2^31 values in one call");
  auto* base = static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  return {base, static_cast<int>(a.ElementLength()), t};
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    const char* mode = std::getenv("ALEXNET_MPI_PROGRESS");
    bool want_thread = !(mode && std::strcmp(mode, "main") == 0);
    int provided = 0;
    int rc = MPI_Init_thread(nullptr, nullptr, want_thread ? MPI_THREAD_MULTIPLE : MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS) throw Napi::Error::New(env, "MPI_Init_thread failed: " + error_string(rc));
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    check(env, MPI_Comm_dup(MPI_COMM_WORLD, &grad_comm), "Comm_dup");
    threaded = want_thread && provided >= MPI_THREAD_MULTIPLE;
    if (threaded) progress = new std::thread(progress_loop);
  }
  initialised = true;
  int rank = 0, size = 1, provided = 0, len = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Query_thread(&provided);
  char host[MPI_MAX_PROCESSOR_NAME];
  MPI_Get_processor_name(host, &len);
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int vlen = 0;
  MPI_Get_library_version(version, &vlen);
  std::string lib(version, static_cast<size_t>(vlen));
  if (auto nl = lib.find_first_of("\n,"); nl != std::string::npos) lib.resize(nl);
  auto o = Napi::Object::New(env);
  o.Set("rank", rank);
  o.Set("size", size);
  o.Set("threadFunneled", provided >= MPI_THREAD_FUNNELED);
  o.Set("progressThread", threaded);
  o.Set("host", std::string(host, static_cast<size_t>(len)));
  o.Set("library", lib);
  return o;
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  int done = 0;
  MPI_Finalized(&done);
  if (initialised && !done) {
    if (threaded) {
      {
        std::lock_guard<std::mutex> lk(mu);
        stopping = true;
      }
      changed.notify_all();
      progress->join();
      delete progress;
      progress = nullptr;
      threaded = false;
    }
    for (auto& [id, p] : pending)
      if (!p.done) MPI_Wait(&p.request, MPI_STATUS_IGNORE);
    pending.clear();
    MPI_Comm_free(&grad_comm);
    check(info.Env(), MPI_Finalize(), "Finalize");
  }
  return info.Env().Undefined();
}

// In place: buf ← Σ over ranks of buf.
Napi::Value AllreduceSum(const Napi::CallbackInfo& info) {
  require_init(info.Env(), "allreduceSum");
  auto f = floats(info, 0, "allreduceSum");
  check(info.Env(), MPI_Allreduce(MPI_IN_PLACE, f.data, f.count, f.type, MPI_SUM, MPI_COMM_WORLD), "Allreduce");
  return info.Env().Undefined();
}

// Starts an in-place sum; returns a request id for test()/wait().
Napi::Value IallreduceSum(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  require_init(env, "iallreduceSum");
  auto f = floats(info, 0, "iallreduceSum");
  std::unique_lock<std::mutex> lk(mu);
  MPI_Request r = MPI_REQUEST_NULL;
  if (!threaded) check(env, MPI_Iallreduce(MPI_IN_PLACE, f.data, f.count, f.type, MPI_SUM, grad_comm, &r), "Iallreduce");
  int32_t id = next_id++;
  pending.emplace(id, Pending{r, f, !threaded, Napi::Persistent(info[0])});
  lk.unlock();
  changed.notify_all();
  return Napi::Number::New(env, id);
}

Pending& find(const Napi::CallbackInfo& info, const char* what) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string("MPI ") + what + ": argument must be a request id");
  auto it = pending.find(info[0].As<Napi::Number>().Int32Value());
  if (it == pending.end()) throw Napi::Error::New(info.Env(), std::string("MPI ") + what + ": no such request (already completed?)");
  return it->second;
}

// True (and the request is released) once complete; without the progress thread it also advances it.
Napi::Value Test(const Napi::CallbackInfo& info) {
  // With the progress thread, never block the compute on it: busy means not done yet.
  std::unique_lock<std::mutex> lk(mu, std::defer_lock);
  if (threaded && !lk.try_lock()) return Napi::Boolean::New(info.Env(), false);
  if (!threaded) lk.lock();
  auto& p = find(info, "test");
  if (!threaded && !p.done) {
    int flag = 0;
    p.error = MPI_Test(&p.request, &flag, MPI_STATUS_IGNORE);
    p.done = flag != 0 || p.error != MPI_SUCCESS;
  }
  bool done = p.done;
  int rc = p.error;
  if (done) pending.erase(info[0].As<Napi::Number>().Int32Value());
  lk.unlock();
  check(info.Env(), rc, "Test");
  return Napi::Boolean::New(info.Env(), done);
}

Napi::Value Wait(const Napi::CallbackInfo& info) {
  std::unique_lock<std::mutex> lk(mu);
  auto& p = find(info, "wait");
  if (threaded) changed.wait(lk, [&p] { return p.done; });
  else if (!p.done) p.error = MPI_Wait(&p.request, MPI_STATUS_IGNORE);
  int rc = p.error;
  pending.erase(info[0].As<Napi::Number>().Int32Value());
  lk.unlock();
  check(info.Env(), rc, "Wait");
  return info.Env().Undefined();
}

// Any typed array, as bytes, from `root` to every rank.
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  require_init(env, "broadcast");
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "MPI broadcast: (typedArray, root) expected");
  auto a = info[0].As<Napi::TypedArray>();
  if (a.ByteLength() > INT32_MAX) throw Napi::RangeError::New(env, "MPI broadcast: more than 2 GiB in one call");
  auto* base = static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  check(env, MPI_Bcast(base, static_cast<int>(a.ByteLength()), MPI_BYTE, info[1].As<Napi::Number>().Int32Value(), MPI_COMM_WORLD), "Bcast");
  return env.Undefined();
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  require_init(info.Env(), "barrier");
  check(info.Env(), MPI_Barrier(MPI_COMM_WORLD), "Barrier");
  return info.Env().Undefined();
}

// Ends every rank of the job (mpirun reports it); does not return.
Napi::Value Abort(const Napi::CallbackInfo& info) {
  int code = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  MPI_Abort(MPI_COMM_WORLD, code);
  return info.Env().Undefined();
}

Napi::Value Wtime(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), MPI_Wtime()); }

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("finalize", Napi::Function::New(env, Finalize));
  exports.Set("allreduceSum", Napi::Function::New(env, AllreduceSum));
  exports.Set("iallreduceSum", Napi::Function::New(env, IallreduceSum));
  exports.Set("test", Napi::Function::New(env, Test));
  exports.Set("wait", Napi::Function::New(env, Wait));
  exports.Set("broadcast", Napi::Function::New(env, Broadcast));
  exports.Set("barrier", Napi::Function::New(env, Barrier));
  exports.Set("abort", Napi::Function::New(env, Abort));
  exports.Set("wtime", Napi::Function::New(env, Wtime));
  return exports;
}

}  // namespace

NODE_API_MODULE(alexnet_mpi, Module)
