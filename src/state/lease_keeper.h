// LeaseKeeper: the heartbeat that keeps a run's leases (state/state_store.h)
// alive. A thread renews every `interval` (a third of the TTL is usual);
// the first failed renewal (store unreachable, leases lost) sets failed(),
// which apply turns into "start nothing new" (ExecutorOptions::
// interrupt_level 1), so an apply that can no longer prove it holds its
// instances finishes only the chains in flight.
//
// Time only through Clock (it sleeps in slices so Stop() returns promptly).
// Errors: the first failure's Status, kept for the final message.
// Threads: the keeper's own thread calls store->RenewLeases (stores
// synchronise internally); failed()/error()/Stop() from any thread.
// Ownership: borrows store and clock; Stop() (or the destructor) joins.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "state/state_store.h"

namespace respec {

class LeaseKeeper {
 public:
  LeaseKeeper(StateStore* store, Clock* clock, std::string run_id, std::chrono::milliseconds ttl,
              std::chrono::milliseconds interval);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  void Start();
  void Stop();
  bool failed() const { return failed_.load(); }
  Status error() const;
  int renewals() const { return renewals_.load(); }
  // One renewal on the caller's thread (what the thread does each interval).
  void RenewOnce();

 private:
  void Loop();

  StateStore* store_;
  Clock* clock_;
  std::string run_id_;
  std::chrono::milliseconds ttl_, interval_;
  std::atomic<bool> stop_{false}, failed_{false};
  std::atomic<int> renewals_{0};
  mutable std::mutex mu_;
  Status error_;
  std::thread thread_;
};

}  // namespace respec
