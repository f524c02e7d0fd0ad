// Reporter: the one interface through which `respec apply` tells the user
// what happens (like ninja's Status). The executor emits events and a final
// summary; implementations decide how they look:
//   MakeTtyReporter    live progress view (per group: done / in flight /
//                      waiting / failed, ETA), redrawn at most 4 times a
//                      second, never wider than the terminal
//   MakePlainReporter  one line per event, and a progress line with ETA
//                      every 30 s (stdout is not a terminal, or TERM=dumb)
//   MakeJsonReporter   one JSON object per line, schemas/events.schema.json;
//                      the first line is a version record
// Every implementation ends with the same summary: each changed instance
// with its OrderId, each failure with code, message, RequestId and what
// respec did about it.
//
// Ownership: reporters write to the std::ostream given; they do not own it.
// Errors: none (output errors are ignored). Threads: called only from the
// executor's thread.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cloud/error.h"
#include "core/clock.h"

namespace respec {

enum class EventKind {
  kRunStarted,           // message: plan id; total: changed instances
  kStepStarted,          // a call is about to be made (or a wait begins)
  kStepSucceeded,        // the step's effect was observed (message says how)
  kStepSkipped,          // nothing to do: live state already matches (message says why)
  kStepRetried,          // respec repeats the step after repairing state
  kStepFailed,           // final error for the step (error set)
  kInstanceDone,         // the instance is in its target type and power state
  kInstanceFailed,       // error set; action says what respec did
  kInstanceCompensated,  // power state restored after a failure (action)
  kInstanceSkipped,      // not started (fail-fast, interrupt, failed dependency)
  kMessage,              // free text: warnings, interrupt notice
  kRunFinished,
};

const char* EventKindName(EventKind k);

struct Event {
  EventKind kind = EventKind::kMessage;
  TimePoint time;
  std::string instance_id;
  std::string group;
  std::string step;        // stop | modify | start | reboot | wait_stable (empty if n/a)
  int step_id = -1;
  std::string order_id;    // modify: the order
  std::string request_id;
  std::optional<CloudError> error;
  std::string action;      // what respec did: "started again", "left Stopped", ...
  std::string message;
};

struct GroupProgress {
  std::string name;
  int total = 0;
  int done = 0;
  int in_flight = 0;
  int waiting = 0;
  int failed = 0;
  int skipped = 0;
};

struct Progress {
  std::vector<GroupProgress> groups;  // plan order
  int total = 0, done = 0, in_flight = 0, waiting = 0, failed = 0, skipped = 0;
  double elapsed_s = 0;
  double eta_s = -1;  // -1: not known yet
};

// kOrderPending: an order was placed (order_id) but its new type did not
// show within the order deadline (Respec.OrderPending, e.g. unpaid with
// autoPay: false); not a change, and the exit code is non-zero.
enum class InstanceOutcomeKind { kChanged, kAlreadyApplied, kOrderPending, kFailed, kSkipped };

struct InstanceOutcome {
  std::string instance_id;
  std::string name;
  std::string group;
  std::string region;
  std::string from_type;
  std::string to_type;
  InstanceOutcomeKind kind = InstanceOutcomeKind::kSkipped;
  std::string order_id;
  std::optional<CloudError> error;
  std::string action;  // failures: what respec did ("started again", "left Stopped: ...")
  std::string reason;  // skipped: why
  std::string final_status;  // as last observed
};

struct Summary {
  std::string plan_id;
  std::vector<InstanceOutcome> instances;  // changed instances of the plan, plan order
  int changed = 0, already = 0, order_pending = 0, failed = 0, skipped = 0;
  double elapsed_s = 0;
  bool interrupted = false;  // SIGINT/SIGTERM
  bool aborted = false;      // stopped at once (second signal); an auth failure
                             // only stops new work (abort_reason says why)
  std::string abort_reason;
  int exit_code = 0;         // 0: every change applied; 1 otherwise (an order pending too)
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void OnEvent(const Event& e) = 0;
  // Called often (every executor turn); implementations throttle output.
  virtual void OnProgress(const Progress& p) = 0;
  virtual void OnSummary(const Summary& s) = 0;
};

// Every reporter reads time (its throttles, the periodic line, the JSON
// times) through `clock`, which must outlive it.
// Plain: one line per event, plus a progress line with the ETA every
// `progress_every` of clock time while the run goes on (0 = never).
std::unique_ptr<Reporter> MakePlainReporter(std::ostream& out, const Clock& clock,
                                            Millis progress_every = Millis(30000));
// TTY: `columns` gives the terminal width, read before each redraw; every
// redrawn line is cut to columns - 1 so none wraps.
std::unique_ptr<Reporter> MakeTtyReporter(std::ostream& out, const Clock& clock, bool color,
                                          std::function<int()> columns);
// JSON lines; the first line is the version record (VersionRecordJson).
std::unique_ptr<Reporter> MakeJsonReporter(std::ostream& out, const Clock& clock);
// What `respec apply` uses: JSON when asked; the live view when `fd` is a
// terminal and TERM is set and not "dumb" (width from the terminal, else
// COLUMNS, else 80); else plain lines.
std::unique_ptr<Reporter> MakeReporterFor(std::ostream& out, int fd, bool json, bool color, const Clock& clock);

// The events format's version; bumped only for a breaking change (fields
// are only ever added within one version).
inline constexpr int kEventsFormatVersion = 1;
// {"type":"version","format_version":1,"respec_version":"..."}
std::string VersionRecordJson();

// One event as the JSON reporter writes it (no trailing newline).
std::string EventToJson(const Event& e);
std::string ProgressToJson(const Progress& p, TimePoint now);
std::string SummaryToJson(const Summary& s, TimePoint now);
// "i-abc: modify failed: InstanceDowngrade.QuotaExceed (HTTP 400): ..." style line.
std::string DescribeEvent(const Event& e);
// The final summary as text lines (plain and TTY reporters share it).
std::string SummaryText(const Summary& s, bool color);

}  // namespace respec
