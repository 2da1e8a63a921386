#include "threadpool.h"

#include <algorithm>
#include <cstdlib>

namespace anx {

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
  for (int t = 1; t < n; t++) workers_.emplace_back(&ThreadPool::worker, this, t);
}

void ThreadPool::run_items(int tid) {
  for (;;) {
    int i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= job_items_) break;
    (*job_)(i, tid);
  }
}

void ThreadPool::worker(int tid) {
  long seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
      if (quit_) return;
      seen = generation_;
    }
    run_items(tid);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--busy_ == 0) done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(int n, const std::function<void(int, int)>& fn) {
  if (n <= 0) return;
  if (nthreads_ == 1 || n == 1) {
    for (int i = 0; i < n; i++) fn(i, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    job_items_ = n;
    next_.store(0);
    busy_ = (int)workers_.size();
    generation_++;
  }
  wake_.notify_all();
  run_items(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return busy_ == 0; });
  job_ = nullptr;
}

void ThreadPool::parallel_blocks(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  const int blocks = (int)std::min<int64_t>(n, 8 * (int64_t)nthreads_);
  parallel_for(blocks, [&](int b, int tid) { fn(n * b / blocks, n * (b + 1) / blocks, tid); });
}

}  // namespace anx
