// The CLI's side of the StateStore seam (state/state_store.h): which store a
// command uses, and how apply takes its run and leases.
//
// Store choice: --state-backend URL, else RESPEC_STATE_BACKEND, else the
// profile's stateBackend -> PostgreSQL (state/pg_store.h); otherwise the
// local directory (--state-dir, RESPEC_STATE_DIR, the profile's stateDir,
// .respec). A URL with a password is refused without echoing it.
//
// Errors: Status with a message for people (names the flag or the holder,
// never a password). Threads: the caller's. Ownership: the caller owns the
// returned store.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/profile.h"
#include "core/clock.h"
#include "core/status.h"
#include "state/state_store.h"

namespace respec::cli {

struct StateFlags {
  std::string backend;    // --state-backend
  std::string state_dir;  // --state-dir
};

StatusOr<std::unique_ptr<StateStore>> OpenStateStore(const StateFlags& flags, const Profile& profile);

// BeginRun, then AcquireLeases on `instance_ids` (all or nothing). While the
// run lock or a lease is held by someone else, retries every second until
// `lock_timeout` has passed (0: refuse at once), then returns Busy naming
// the holder. On any failure the run is ended ("refused") and holds nothing.
Status BeginRunWithLeases(StateStore* store, Clock* clock, RunRecord* run, const std::vector<std::string>& instance_ids,
                          std::chrono::milliseconds lock_timeout, std::chrono::milliseconds ttl);

// Replaces control characters (ESC, CR, …) in text from outside respec with '?'.
std::string Printable(const std::string& s);

}  // namespace respec::cli
