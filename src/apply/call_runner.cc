#include "apply/call_runner.h"

#include <algorithm>

namespace respec {

ThreadPoolRunner::ThreadPoolRunner(int threads, Clock* clock, Millis max_wait)
    : clock_(clock), max_wait_(max_wait) {
  threads = std::clamp(threads, 1, 256);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

ThreadPoolRunner::~ThreadPoolRunner() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    lanes_.clear();
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void ThreadPoolRunner::Submit(uint64_t token, Work work, const std::string& lane) {
  {
    std::lock_guard<std::mutex> l(mu_);
    lanes_[lane].emplace_back(token, std::move(work));
    ++queued_;
  }
  work_cv_.notify_one();
}

void ThreadPoolRunner::WorkerLoop() {
  for (;;) {
    std::pair<uint64_t, Work> item;
    {
      std::unique_lock<std::mutex> l(mu_);
      work_cv_.wait(l, [this] { return stopping_ || queued_ > 0; });
      if (stopping_) return;
      // Round robin over non-empty lanes, starting after the last one served.
      auto it = lanes_.upper_bound(last_lane_);
      for (size_t i = 0; i <= lanes_.size(); ++i, ++it) {
        if (it == lanes_.end()) it = lanes_.begin();
        if (!it->second.empty()) break;
      }
      last_lane_ = it->first;
      item = std::move(it->second.front());
      it->second.pop_front();
      --queued_;
    }
    item.second();
    {
      std::lock_guard<std::mutex> l(mu_);
      done_.push_back(item.first);
    }
    done_cv_.notify_one();
  }
}

std::optional<uint64_t> ThreadPoolRunner::WaitForCompletion(TimePoint deadline) {
  auto wait = std::chrono::ceil<Millis>(deadline - clock_->Now());
  wait = std::clamp(wait, Millis(0), max_wait_);
  std::unique_lock<std::mutex> l(mu_);
  done_cv_.wait_for(l, wait, [this] { return !done_.empty(); });
  if (done_.empty()) return std::nullopt;
  uint64_t t = done_.front();
  done_.pop_front();
  return t;
}

}  // namespace respec
