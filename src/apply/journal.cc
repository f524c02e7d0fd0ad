#include "apply/journal.h"

namespace respec {

Journal::Journal(StateStore* store, std::string run_id, std::string plan_id)
    : store_(store), run_id_(std::move(run_id)), plan_id_(std::move(plan_id)) {}

void Journal::Append(nlohmann::json record) { pending_.push_back(std::move(record)); }

std::vector<nlohmann::json> Journal::TakePending() {
  std::vector<nlohmann::json> out;
  out.swap(pending_);
  return out;
}

Status Journal::WriteSynced(const std::vector<nlohmann::json>& records) {
  if (records.empty()) return Status::OK();
  return store_->AppendJournal(run_id_, plan_id_, records);
}

Status Journal::Sync() { return WriteSynced(TakePending()); }

StatusOr<JournalState> LoadJournalState(StateStore* store, const std::string& plan_id) {
  std::vector<nlohmann::json> records;
  Status s = store->LoadJournal(plan_id, &records);
  if (!s.ok()) return s;
  return ReplayJournal(records);
}

}  // namespace respec
