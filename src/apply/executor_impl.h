// Private to apply/executor*.cc: the executor's state. executor.cc holds
// the loop and scheduling, executor_steps.cc what each step does.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "apply/executor.h"

namespace respec {

enum class RunState { kPending, kActive, kDone, kFailed, kSkipped };
enum class Phase { kIdle, kCalling, kWatching };

struct InstanceRun {
  const InstancePlan* ip = nullptr;
  int group = 0;  // index into Executor::Impl::groups
  RunState state = RunState::kPending;
  Phase phase = Phase::kIdle;
  size_t next = 0;  // index into ip->steps
  bool compensating = false;
  bool watch_is_effect = false;  // true: the watch completes the step; false: re-decide
  bool unavailable = false;
  bool stopped_by_respec = false;
  bool restarted_after_failure = false;
  bool made_call = false;
  bool have_live = false;
  Instance live;
  std::string op;  // the action in progress: stop | modify | start | reboot | wait_stable | observe
  TimePoint op_since;
  int repairs = 0;
  std::string order_id;
  std::optional<CloudError> error;
  std::string action;
  std::string reason;
  bool already_applied = false;
};

struct GroupRun {
  GroupConstraint c;
  std::vector<int> deps;  // transitive dependsOn, group indexes
  int unavailable = 0;
  int failures = 0;
  int unresolved = 0;  // pending + active
  int total = 0;
  bool over_budget() const { return failures > c.max_failures; }
};

struct CallSlot {
  int run = -1;  // -1: a waiter poll or a journal sync
  bool is_sync = false;
  std::vector<nlohmann::json> sync_batch;
  Status sync_status;
  std::string op;
  DescribeInstancesRequest poll;
  std::optional<Result<Ack>> ack;
  std::optional<Result<ModifyPrepaySpecResult>> modify;
  std::optional<Result<DescribeInstancesPage>> page;
};

struct Executor::Impl {
  Impl(const Plan* p, Cloud* c, Clock* k, CallRunner* r, Journal* j, Reporter* rep, ExecutorOptions o)
      : plan(p), cloud(c), clock(k), runner(r), journal(j), reporter(rep), opt(std::move(o)),
        waiter(k, opt.waiter) {}

  const Plan* plan;
  Cloud* cloud;
  Clock* clock;
  CallRunner* runner;
  Journal* journal;
  Reporter* reporter;
  ExecutorOptions opt;
  Waiter waiter;

  std::vector<InstanceRun> runs;
  std::vector<GroupRun> groups;
  std::map<std::string, int> group_index;
  std::map<std::string, int> run_of_instance;
  std::vector<int> run_of_step;      // step id -> run index (-1: none)
  std::vector<char> step_done;       // step id -> done
  std::vector<std::vector<int>> external_preds;  // step id -> steps of other instances before it
  int active = 0;
  bool stop_new = false;
  std::string stop_reason;
  bool interrupted = false;
  bool aborted = false;
  std::string abort_reason;
  uint64_t next_token = 1;
  std::map<uint64_t, CallSlot> calls;
  // Action calls leave only once their "call" records are fsync'd: they
  // queue in to_submit, move to after_sync while a sync job (group commit,
  // on the runner, so the loop keeps going) is in flight, then go out.
  std::vector<std::pair<uint64_t, CallRunner::Work>> to_submit;
  std::vector<std::pair<uint64_t, CallRunner::Work>> after_sync;
  std::vector<std::pair<uint64_t, CallRunner::Work>> polls_to_submit;
  bool sync_in_flight = false;
  TimePoint started;

  // executor.cc
  Summary Run();
  void Init();
  void Admit();
  int DependencyVerdict(const InstanceRun& r, std::string* why);  // 0 ready, 1 wait, 2 broken
  bool FirstStepDisruptive(const InstanceRun& r) const;
  void PollIfDue();
  void Flush();
  void OnSynced(CallSlot& slot);
  void HandleCompletion(uint64_t token);
  void HandleWatchResult(const WatchResult& w);
  void CheckTimeouts();
  Progress MakeProgress() const;
  Summary MakeSummary() const;
  void Emit(EventKind k, const InstanceRun* r, std::string message = {},
            const CloudError* err = nullptr);
  void Skip(InstanceRun& r, const std::string& reason);
  void Finish(InstanceRun& r);
  int Index(const InstanceRun& r) const { return static_cast<int>(&r - runs.data()); }

  // executor_steps.cc
  void Advance(InstanceRun& r);
  void BeginStep(InstanceRun& r, const Step& s);
  bool TakeUnavailableSlot(InstanceRun& r);
  void ReleaseUnavailable(InstanceRun& r);
  void Call(InstanceRun& r, const std::string& op, const Step* s);
  void Watch(InstanceRun& r, WaitFor what, const std::string& kind, bool effect);
  void StepDone(InstanceRun& r, const std::string& how, bool skipped);
  void OnCallResult(InstanceRun& r, CallSlot& slot);
  void Fail(InstanceRun& r, const CloudError& e);
  void Compensate(InstanceRun& r);
  void EndFailed(InstanceRun& r, const std::string& action);
  const Step* CurrentStep(const InstanceRun& r) const;
  bool WantsRunning(const InstanceRun& r) const;
};

}  // namespace respec
