#include "state/lease_keeper.h"

#include <algorithm>

namespace respec {

LeaseKeeper::LeaseKeeper(StateStore* store, Clock* clock, std::string run_id, std::chrono::milliseconds ttl,
                         std::chrono::milliseconds interval)
    : store_(store), clock_(clock), run_id_(std::move(run_id)), ttl_(ttl), interval_(interval) {}

LeaseKeeper::~LeaseKeeper() { Stop(); }

void LeaseKeeper::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void LeaseKeeper::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Status LeaseKeeper::error() const {
  std::lock_guard<std::mutex> l(mu_);
  return error_;
}

void LeaseKeeper::RenewOnce() {
  Status s = store_->RenewLeases(run_id_, ttl_);
  if (s.ok()) {
    ++renewals_;
    return;
  }
  std::lock_guard<std::mutex> l(mu_);
  if (!failed_) error_ = s;
  failed_ = true;
}

void LeaseKeeper::Loop() {
  const std::chrono::milliseconds slice = std::min<std::chrono::milliseconds>(interval_, std::chrono::milliseconds(100));
  while (!stop_) {
    for (std::chrono::milliseconds waited{0}; waited < interval_ && !stop_; waited += slice) clock_->SleepFor(slice);
    if (stop_) break;
    RenewOnce();
  }
}

}  // namespace respec
