// Clock: the only way the core (spec, plan, apply) and the emulator's model
// read time or wait. Production uses SystemClock; unit tests use VirtualClock,
// whose SleepFor advances time instantly, so no test ever sleeps; the
// emulator's HTTP server uses ScaledClock so a rehearsal can run faster than
// real time.
//
// Threads: every implementation here is safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

namespace respec {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC); compared with ExpiredTime, RebootTime, etc.
  virtual TimePoint Now() const = 0;
  // Blocks the calling thread for `d` of this clock's time.
  virtual void SleepFor(Millis d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  void SleepFor(Millis d) override;
};

// Starts at `start` and moves only when told to (Advance or SleepFor).
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(TimePoint start);
  VirtualClock();  // 2026-01-01T00:00:00Z, so tests are reproducible
  TimePoint Now() const override;
  void SleepFor(Millis d) override { Advance(d); }
  void Advance(Millis d);
  void Set(TimePoint t);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// Real time running `scale` times faster (scale 10 turns 10 s into 1 s).
class ScaledClock final : public Clock {
 public:
  explicit ScaledClock(double scale);
  TimePoint Now() const override;
  void SleepFor(Millis d) override;
  double scale() const { return scale_; }

 private:
  double scale_;
  TimePoint origin_wall_;
  std::chrono::steady_clock::time_point origin_steady_;
};

}  // namespace respec
