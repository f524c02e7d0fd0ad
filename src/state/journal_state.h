// JournalState: what the journal records of earlier runs of one plan say,
// replayed from the records any StateStore returns (state/state_store.h).
// It is a claim about what respec did, never about what is true: apply
// confirms every claim against a live read before it reports it.
// Threads: values. Errors: a record it cannot read is counted, not fatal.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace respec {

struct JournalState {
  std::set<int> steps_done;          // effect observed
  std::set<std::string> touched;     // instances respec called anything on
  std::set<std::string> stopped;     // instances respec sent StopInstance (or a downgrade detour) to
  std::set<std::string> finished;    // instances whose chain completed
  std::map<std::string, std::string> order_ids;  // instance -> OrderId
  int runs = 0;                      // "begin" records seen
  int bad_lines = 0;                 // unreadable records (a torn last line included)
};

// Folds records (oldest first) into a JournalState.
JournalState ReplayJournal(const std::vector<nlohmann::json>& records);

}  // namespace respec
