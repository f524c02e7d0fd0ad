#include "core/clock.h"

#include <thread>

namespace respec {

TimePoint SystemClock::Now() const { return std::chrono::system_clock::now(); }
void SystemClock::SleepFor(Millis d) { std::this_thread::sleep_for(d); }

VirtualClock::VirtualClock(TimePoint start) : now_(start) {}
VirtualClock::VirtualClock()
    : now_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}) {}
TimePoint VirtualClock::Now() const {
  std::lock_guard<std::mutex> l(mu_);
  return now_;
}
void VirtualClock::Advance(Millis d) {
  std::lock_guard<std::mutex> l(mu_);
  now_ += d;
}
void VirtualClock::Set(TimePoint t) {
  std::lock_guard<std::mutex> l(mu_);
  now_ = t;
}

ScaledClock::ScaledClock(double scale)
    : scale_(scale > 0 ? scale : 1.0),
      origin_wall_(std::chrono::system_clock::now()),
      origin_steady_(std::chrono::steady_clock::now()) {}

TimePoint ScaledClock::Now() const {
  auto real = std::chrono::steady_clock::now() - origin_steady_;
  auto scaled = std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::duration<double, std::nano>(real) * scale_);
  return origin_wall_ + scaled;
}
void ScaledClock::SleepFor(Millis d) {
  std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(d.count() / scale_));
}

}  // namespace respec
