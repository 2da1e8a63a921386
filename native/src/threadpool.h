// A fixed pool of worker threads for data-parallel loops. The calling
// thread takes part, so `threads` counts it. parallel_for hands out item
// indices dynamically; kernels make results independent of which thread
// runs an item (no item's sum is split across threads), so outputs are
// deterministic for any thread count.
//
// Exceptions: one thrown by fn is caught on the thread that ran the item; no
// further items are handed out, the items already running finish, and then
// parallel_for rethrows the first exception on the calling thread (the addon
// turns it into a JavaScript Error). Nested use is refused: parallel_for or
// parallel_blocks called from inside an item, on any thread and at any thread
// count, throws std::logic_error, which then leaves the outer loop the same
// way. (A nested loop would overwrite the job the pool is running; each item
// runs whole on one thread, so an inner loop is written as a plain loop.)
//
// Waiting spins for a short while before it sleeps (workers for the next job,
// the caller for the workers): a small batch's forward pass is dozens of
// loops of tens of microseconds each, and waking a sleeping thread here costs
// about as much as one of them (two 20 µs jobs take 33–47 µs with sleeping
// workers).
#pragma once
#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace anx {

class ThreadPool {
 public:
  static ThreadPool& instance();
  void set_threads(int n);
  int threads() const { return nthreads_; }
  // fn(item, thread_id) for item in [0, n); thread_id in [0, threads()).
  void parallel_for(int n, const std::function<void(int, int)>& fn);
  // fn(begin, end, thread_id) over [0, n) cut into contiguous blocks, about
  // eight per thread: for loops over many small items (pooling planes), where
  // handing out each item would cost more than the item.
  void parallel_blocks(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn);
  ~ThreadPool();

 private:
  ThreadPool();
  void stop_workers();
  // `seen`: the generation the worker starts from (the current one: a worker
  // started after earlier jobs must not take the last of them for a new one).
  void worker(int tid, long seen);
  void run_items(int tid);
  // Keeps the first exception of the running loop and hands out no more items.
  void fail(std::exception_ptr e);

  int nthreads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(int, int)>* job_ = nullptr;
  int job_items_ = 0;
  std::atomic<long> generation_{0};
  std::atomic<int> next_{0};
  std::atomic<int> busy_{0};
  std::atomic<bool> quit_{false};
  std::mutex error_mu_;
  std::exception_ptr error_;  // the running loop's first exception
};

}  // namespace anx
