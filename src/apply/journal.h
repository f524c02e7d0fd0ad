// Journal: the crash-safety record of one run of a plan, written through a
// StateStore (state/state_store.h: a local directory or PostgreSQL). A
// record is written before each call (with the ClientToken) and after its
// outcome (OrderId, RequestId, error), so `respec apply` on the same plan
// after a crash — on this machine or, with a shared store, another —
// resumes from it: steps already done are skipped, ModifyPrepayInstanceSpec
// is sent again only with the same ClientToken (the API's idempotence
// returns the first order), and instances respec stopped are known so they
// are started again.
//
// Durability: Append() buffers; WriteSynced() hands records to the store,
// which makes them durable before it returns OK. The executor submits an
// action call only after its "call" record is durable (group commit: one
// store write covers every record buffered since the last, and runs on a
// runner thread so the executor keeps working). A crash can lose only
// outcome records, which resume tolerates (it re-checks live state).
// Nothing is written on destruction: a run that did not Sync() its last
// records (a crash) leaves them unwritten, as a real crash would.
//
// Errors: Status. Threads: Append/TakePending on the executor's thread;
// WriteSynced on any one thread at a time. Ownership: borrows the store.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "state/journal_state.h"
#include "state/state_store.h"

namespace respec {

class Journal {
 public:
  Journal(StateStore* store, std::string run_id, std::string plan_id);

  void Append(nlohmann::json record);
  std::vector<nlohmann::json> TakePending();
  Status WriteSynced(const std::vector<nlohmann::json>& records);
  // TakePending + WriteSynced on the caller's thread.
  Status Sync();

  const std::string& run_id() const { return run_id_; }

 private:
  StateStore* store_;
  std::string run_id_;
  std::string plan_id_;
  std::vector<nlohmann::json> pending_;
};

// What every earlier run of `plan_id` recorded in `store`.
StatusOr<JournalState> LoadJournalState(StateStore* store, const std::string& plan_id);

}  // namespace respec
