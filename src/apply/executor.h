// Executor: walks a Plan's step graph against a Cloud (`respec apply`).
//
// Scheduling: an instance starts when its dependencies are resolved (its
// group's dependsOn groups, transitively, have finished, and every
// cross-instance plan edge into its steps is done) and the constraints
// allow: Plan::max_parallel instances in flight fleet-wide, and per group
// at most max_unavailable instances unavailable (from the stop or restart
// call until the instance is observed Running again). Many chains proceed
// at once; none has a thread: calls run on the CallRunner, effects are
// observed by one shared Waiter (batched DescribeInstances).
//
// Each step starts from what is true: a stop of a Stopped instance, a
// modify whose type already shows (an order of a crashed earlier run), a
// start of a Running instance are skipped; a downgrade found Running is
// stopped first. Wrong-state errors re-read the instance and re-decide.
// Final errors fail the instance; the executor then restores its power
// state (an instance Running before apply is started again) and carries on.
// Auth errors stop starting new work. A group whose failures exceed its
// max_failures starts nothing new and its dependents are skipped;
// `fail_fast` stops starting anything after the first failure.
//
// Retries of throttling, LastOrderProcessing and transient failures are
// the Cloud's business (cloud/retrying_cloud.h); the executor sees only
// their final outcome.
//
// Crash safety: every call is journaled (with its ClientToken) and the
// journal fsync'd before the call is submitted; `resume` (Journal::Load of
// the same plan) makes a new run skip done steps and reuse tokens.
// Interrupts: `interrupt_level()` 1 = start nothing new, finish chains in
// flight; 2 = stop at once (the journal makes the run resumable).
//
// Ownership: borrows everything given to the constructor; all must outlive
// Run(). Errors: none escape; failures are in the Summary and events.
// Threads: Run() is single-threaded; only the runner's workers call `cloud`
// concurrently (so it must be thread-safe, as cloud/cloud.h requires).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "apply/call_runner.h"
#include "apply/journal.h"
#include "apply/reporter.h"
#include "apply/waiter.h"
#include "cloud/cloud.h"
#include "core/clock.h"
#include "plan/plan.h"

namespace respec {

struct ExecutorOptions {
  bool fail_fast = false;
  WaiterOptions waiter;
  Millis step_timeout{30 * 60 * 1000};  // no effect observed after this long: fail the step
  int max_repairs = 5;                  // wrong-state re-reads per step
  // Restoring the power state after a failure has its own budget: this many
  // StartInstance calls, within this long after the failure.
  int restore_attempts = 5;
  Millis restore_timeout{30 * 60 * 1000};
  // An order whose new type does not show this long after it was placed
  // (6x the seeds' 10 s; e.g. unpaid, autoPay: false) is reported as
  // Respec.OrderPending instead of waited for until step_timeout.
  Millis order_deadline{60 * 1000};
  // When a maxUnavailable slot frees, a restart waits this long at most
  // (divided by the waiter's time_scale) for another slot of its group that
  // is expected back by then, so the two restart together: one
  // RebootInstances, one read to see both back, and in step from then on.
  // 0: never wait.
  Millis align_window{1500};
  std::function<int()> interrupt_level;  // 0 none, 1 soft, 2 hard; may be empty
  JournalState resume;                   // an earlier run of the same plan
  std::map<std::string, Instance> live;  // preflight's observation (may be empty)
};

class Executor {
 public:
  Executor(const Plan* plan, Cloud* cloud, Clock* clock, CallRunner* runner, Journal* journal,
           Reporter* reporter, ExecutorOptions options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs to the end (or to a hard interrupt) and reports the summary.
  Summary Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respec
