// RecordingReporter: a Reporter (apply/reporter.h) for unit tests that keeps
// every event, the last progress snapshot and the summary, so tests check
// what the executor reported rather than text.
// Errors: none. Threads: the executor's thread only. Ownership: values.
#pragma once

#include <optional>
#include <vector>

#include "apply/reporter.h"

namespace respec::testing {

class RecordingReporter final : public Reporter {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  void OnProgress(const Progress& p) override { last_progress = p; ++progress_calls; }
  void OnSummary(const Summary& s) override { summary = s; }

  std::vector<Event> events;
  Progress last_progress;
  int progress_calls = 0;
  std::optional<Summary> summary;
};

}  // namespace respec::testing
