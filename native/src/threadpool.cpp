#include "threadpool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <utility>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace anx {

namespace {
// Set while this thread runs an item of a loop (always, on a worker thread).
thread_local bool t_in_job = false;

struct InJob {
  const bool was = t_in_job;
  InJob() { t_in_job = true; }
  ~InJob() { t_in_job = was; }
};
}  // namespace

ThreadPool& ThreadPool::instance() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::ThreadPool() {
  int n = (int)std::thread::hardware_concurrency();
  if (const char* env = std::getenv("ALEXNET_THREADS")) {
    int v = std::atoi(env);
    if (v > 0) n = v;
  }
  set_threads(n > 0 ? n : 1);
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
    generation_.fetch_add(1, std::memory_order_release);  // ends the workers' spin
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  quit_ = false;
}

void ThreadPool::set_threads(int n) {
  if (n < 1) n = 1;
  if (n == nthreads_ && (int)workers_.size() == n - 1) return;
  stop_workers();
  nthreads_ = n;
  const long now = generation_.load();
  for (int t = 1; t < n; t++) workers_.emplace_back(&ThreadPool::worker, this, t, now);
}

void ThreadPool::fail(std::exception_ptr e) {
  std::lock_guard<std::mutex> lock(error_mu_);
  if (!error_) error_ = std::move(e);
  next_.store(job_items_, std::memory_order_relaxed);  // the remaining items are skipped
}

void ThreadPool::run_items(int tid) {
  const InJob scope;
  for (;;) {
    int i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= job_items_) break;
    try {
      (*job_)(i, tid);
    } catch (...) {
      fail(std::current_exception());
    }
  }
}

namespace {
// How long a waiting thread spins before it sleeps: longer than the gaps
// between the loops of one layer and between layers (the host's work there
// is microseconds), short enough that an idle pool frees its cores at once.
// ALEXNET_SPIN_US overrides it (0: sleep at once, for cores shared with other
// busy processes).
std::chrono::microseconds spin_time() {
  static const std::chrono::microseconds t([] {
    const char* v = std::getenv("ALEXNET_SPIN_US");
    return v && *v ? std::max(0L, std::atol(v)) : 200L;
  }());
  return t;
}

// Spins until done() or the spin time has passed; returns done().
template <typename Done>
bool spin_until(Done&& done) {
  const auto end = std::chrono::steady_clock::now() + spin_time();
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (done()) return true;
#if defined(__x86_64__)
      _mm_pause();
#endif
    }
    if (std::chrono::steady_clock::now() >= end) return done();
  }
}
}  // namespace

void ThreadPool::worker(int tid, long seen) {
  t_in_job = true;  // a worker runs nothing but items
  for (;;) {
    // A job is published under the lock with generation_ bumped last (release).
    if (!spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return quit_ || generation_.load(std::memory_order_acquire) != seen; });
    }
    if (quit_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    run_items(tid);
    if (busy_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // The caller may be asleep: notify under the lock, so it cannot miss it.
      std::lock_guard<std::mutex> lock(mu_);
      done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(int n, const std::function<void(int, int)>& fn) {
  if (t_in_job)
    throw std::logic_error(
        "parallel_for called from inside a parallel loop's item: nested parallel loops are not supported (write the "
        "inner loop as a plain loop)");
  if (n <= 0) return;
  if (nthreads_ == 1 || n == 1) {
    const InJob scope;
    for (int i = 0; i < n; i++) fn(i, 0);  // an exception leaves at once: the remaining items are skipped
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    job_items_ = n;
    next_.store(0);
    busy_.store((int)workers_.size());
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  run_items(0);
  if (!spin_until([&] { return busy_.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return busy_.load(std::memory_order_acquire) == 0; });
  }
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(error_mu_);
    error = std::exchange(error_, nullptr);
  }
  if (error) std::rethrow_exception(error);
}

void ThreadPool::parallel_blocks(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn) {
  const int blocks = (int)std::max<int64_t>(0, std::min<int64_t>(n, 8 * (int64_t)nthreads_));
  parallel_for(blocks, [&](int b, int tid) { fn(n * b / blocks, n * (b + 1) / blocks, tid); });
}

}  // namespace anx
