// InlineRunner: a CallRunner (apply/call_runner.h) for unit tests. It runs
// each unit inside Submit; WaitForCompletion hands back finished tokens in
// order and, when none is pending, advances the Clock to the deadline, so a
// VirtualClock run is deterministic and never sleeps.
// Errors: none. Threads: one thread only. Ownership: borrows the clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "apply/call_runner.h"
#include "core/clock.h"

namespace respec::testing {

class InlineRunner final : public CallRunner {
 public:
  explicit InlineRunner(Clock* clock) : clock_(clock) {}

  void Submit(uint64_t token, Work work, const std::string& /*lane*/ = "") override {
    work();
    done_.push_back(token);
  }

  std::optional<uint64_t> WaitForCompletion(TimePoint deadline) override {
    if (!done_.empty()) {
      uint64_t t = done_.front();
      done_.pop_front();
      return t;
    }
    auto now = clock_->Now();
    if (deadline > now) clock_->SleepFor(std::chrono::ceil<Millis>(deadline - now));
    return std::nullopt;
  }

 private:
  Clock* clock_;
  std::deque<uint64_t> done_;
};

}  // namespace respec::testing
