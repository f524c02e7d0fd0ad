// CallRunner: where the executor's API calls run (like ninja's
// CommandRunner). The executor's loop is single-threaded: it submits a unit
// of work (a closure making one Cloud call and storing its result in memory
// the executor owns) with a token, and later collects the token of each
// finished unit from WaitForCompletion, on its own thread.
//
//   ThreadPoolRunner  N worker threads (Profile::http_concurrency); the
//                     Cloud given to the executor (a RetryingCloud in
//                     production) sleeps for backoff/rate limits on them.
//                     Work is queued per lane (the API action) and workers
//                     take lanes in turn, so calls waiting for one action's
//                     rate limit never hold up another action (a poll
//                     never queues behind hundreds of rate-limited orders).
// (Unit tests use InlineRunner, tests/support/inline_runner.h, which runs
// each unit inside Submit and advances a VirtualClock instead of sleeping.)
//
// Contract: the closure must touch only its own result slot; every
// submitted token comes back exactly once. Destruction waits for running
// units (queued ones are dropped).
// Errors: none. Threads: Submit/WaitForCompletion from one thread only.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace respec {

class CallRunner {
 public:
  using Work = std::function<void()>;
  virtual ~CallRunner() = default;
  // `lane`: calls of one lane run in submission order; lanes are served in turn.
  virtual void Submit(uint64_t token, Work work, const std::string& lane = "") = 0;
  // A finished token, or nullopt when `deadline` (clock time) passed first.
  // May return early (nullopt) so the caller can check for interrupts.
  virtual std::optional<uint64_t> WaitForCompletion(TimePoint deadline) = 0;
};

class ThreadPoolRunner final : public CallRunner {
 public:
  // `clock` converts deadlines; waits are capped at `max_wait` real time so
  // the caller's loop can notice a signal promptly.
  ThreadPoolRunner(int threads, Clock* clock, Millis max_wait = Millis(100));
  ~ThreadPoolRunner() override;
  void Submit(uint64_t token, Work work, const std::string& lane = "") override;
  std::optional<uint64_t> WaitForCompletion(TimePoint deadline) override;

 private:
  void WorkerLoop();

  Clock* clock_;
  Millis max_wait_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::map<std::string, std::deque<std::pair<uint64_t, Work>>> lanes_;
  std::string last_lane_;  // round robin: the next pick starts after it
  size_t queued_ = 0;
  std::deque<uint64_t> done_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace respec
