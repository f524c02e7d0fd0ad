// Private to apply/executor*.cc: the executor's state. The Schedule decides
// when an instance may start; each instance is then a small state machine
// (InstanceRun::state) driven by call results and observations:
//
//   kPending -> kIdle -> kCalling -> kIdle | kWatching -> kIdle ... -> kDone
//                 any failure: goal = kRestore, a fresh read, then restore
//                 the power state (start it again) -> kFailed
//   kPending -> kSkipped (dependency broken, interrupt, budget exceeded)
//
// executor.cc holds the loop, executor_steps.cc what each step does,
// executor_calls.cc how calls and journal syncs go out and come back,
// executor_summary.cc progress and the observed summary.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "apply/executor.h"
#include "apply/schedule.h"

namespace respec {

enum class RunState { kPending, kIdle, kCalling, kWatching, kDone, kDoneEarlier, kFailed, kSkipped };
// The action in progress (also the waiter's learning bucket, OpName).
enum class Op { kNone, kObserve, kWaitStable, kStop, kModify, kStart, kReboot };
// What the instance works towards: the plan's chain, or its power state
// before apply after a failure.
enum class Goal { kPlan, kRestore };
// What an observation means when it arrives.
enum class OnSeen { kRedecide, kCompleteStep, kTimeoutVerdict };

const char* OpName(Op op);
// Suffix of the runner lane of calls for instances holding a maxUnavailable slot.
inline constexpr const char* kDownLane = " (instance down)";
// Whether `inst` shows the effect a watch for `what` waits for (a late look,
// after the step timeout).
bool EffectShows(WaitFor what, const Instance& inst, const std::string& target_type);

struct InstanceRun {
  const InstancePlan* ip = nullptr;
  RunState state = RunState::kPending;
  Goal goal = Goal::kPlan;
  Op op = Op::kNone;
  OnSeen on_seen = OnSeen::kRedecide;
  WaitFor waiting_for = WaitFor::kObserve;
  size_t next = 0;  // index into ip->steps
  TimePoint op_since;
  TimePoint restore_since;
  int repairs = 0;          // wrong-state re-reads of the current step
  int restarts = 0;         // StartInstance calls sent while restoring
  bool stopped_by_respec = false;  // this run or an earlier one sent (or may have sent) a stop
  // A whenFinished upgrade restarted before the new type showed (the type
  // watch gave up at TypeVisibleBound): the reboot step confirms the type.
  bool type_unconfirmed = false;
  // The stop step ended at the learned stop time, not on a read (a timed
  // watch): the downgrade's order call itself checks it is Stopped (the API
  // refuses it otherwise). Cleared by the next read or the order's answer.
  bool stop_unread = false;
  std::optional<Instance> live;    // last observation
  std::string order_id;
  std::optional<CloudError> error;
  std::string action;
  std::string reason;
};

struct CallSlot {
  int run = -1;  // -1: a waiter poll, a journal sync or a power batch
  Op op = Op::kNone;  // kNone: a poll, a sync or a batch
  bool journaled = true;  // false: may go out even if its record is not durable
  std::vector<nlohmann::json> sync_batch;
  Status sync_status;
  DescribeInstancesRequest poll;
  std::optional<Result<Ack>> ack;
  std::string current_status;  // a power batch answer's CurrentStatus for this instance
  std::optional<Result<ModifyPrepaySpecResult>> modify;
  std::optional<Result<DescribeInstancesPage>> page;
  // A power batch: one StopInstances/StartInstances/RebootInstances for the
  // stop, start or restart calls (`members`, tokens of their own slots, which
  // are never submitted themselves) that went out together.
  std::vector<uint64_t> members;
  PowerBatchRequest batch_req;
  std::optional<Result<PowerBatchResult>> batch;
};

struct Executor::Impl {
  Impl(const Plan* p, Cloud* c, Clock* k, CallRunner* r, Journal* j, Reporter* rep, ExecutorOptions o);

  const Plan* plan;
  Cloud* cloud;
  Clock* clock;
  CallRunner* runner;
  Journal* journal;
  Reporter* reporter;
  ExecutorOptions opt;
  Waiter waiter;
  ApplySchedule schedule;

  std::vector<InstanceRun> runs;  // index == Schedule index
  bool stop_new = false;
  std::string stop_reason;
  bool interrupted = false;
  bool aborted = false;
  std::string abort_reason;
  uint64_t next_token = 1;
  std::map<uint64_t, CallSlot> calls;
  // Action calls leave only once their "call" records are durable: they
  // queue in to_submit, move to after_sync while a sync job (group commit,
  // on the runner, so the loop keeps going) is in flight, then go out —
  // or, if the sync failed, come back failed without being sent.
  std::vector<std::pair<uint64_t, CallRunner::Work>> to_submit;
  std::vector<std::pair<uint64_t, CallRunner::Work>> after_sync;
  bool sync_in_flight = false;
  TimePoint started;
  std::map<std::string, std::string> unobserved;  // instance -> why the final read missed it
  // Per group: no slot is taken before this time (see HoldForPeers).
  std::map<std::string, TimePoint> hold_until;

  // executor.cc
  Summary Run();
  void Init();
  bool Turn();  // one scheduling pass and one wait; false: the run is over
  void CheckInterrupt(int level);
  void Admit();
  bool FirstStepDisruptive(const InstanceRun& r) const;
  void CheckTimeouts();
  void StopNew(const std::string& reason, const CloudError* err = nullptr);
  void Emit(EventKind k, const InstanceRun* r, std::string message = {}, const CloudError* err = nullptr);
  void Skip(InstanceRun& r, const std::string& reason);
  void Finish(InstanceRun& r);
  void HoldForPeers(const InstanceRun& freed);
  bool SlotHeld(const InstanceRun& r) const;
  int Index(const InstanceRun& r) const { return static_cast<int>(&r - runs.data()); }
  Millis Scaled(Millis m) const;

  // executor_calls.cc
  std::string LaneOf(const CallSlot& slot) const;
  void Call(InstanceRun& r, Op op, const Step* s);
  void PollIfDue();
  void Flush();
  void OnSynced(CallSlot& slot);
  void SubmitPowerBatches(std::vector<uint64_t> tokens);
  void OnBatchAnswer(CallSlot& batch);
  void HandleCompletion(uint64_t token);
  void OnCallResult(InstanceRun& r, CallSlot& slot);
  void OnCallError(InstanceRun& r, CloudError e);
  void HandleWatchResult(const WatchResult& w);
  CloudError OrderPending(const InstanceRun& r) const;

  // executor_steps.cc
  void Advance(InstanceRun& r);
  void EndOfChain(InstanceRun& r);
  void BeginStep(InstanceRun& r, const Step& s);
  void BeginModify(InstanceRun& r, const Step& s);
  // `timed`, `began`: WatchSpec's (apply/waiter.h).
  void Watch(InstanceRun& r, WaitFor what, Op kind, OnSeen then, Millis give_up_after = Millis(0),
             bool timed = false, bool began = false);
  bool NextCallChecksStopped(const InstanceRun& r) const;
  bool RestartsAnyway(const InstanceRun& r) const;
  CloudError TypeNotConfirmed(const InstanceRun& r) const;
  void StepDone(InstanceRun& r, const std::string& how, bool skipped);
  void Fail(InstanceRun& r, const CloudError& e);
  void ObserveAfresh(InstanceRun& r);
  void Compensate(InstanceRun& r);
  void EndFailed(InstanceRun& r, const std::string& action);
  const Step* CurrentStep(const InstanceRun& r) const;
  bool WantsRunning(const InstanceRun& r) const;

  // executor_summary.cc
  Progress MakeProgress() const;
  void ObserveFinalState();
  Summary MakeSummary() const;
  InstanceOutcome OutcomeOf(const InstanceRun& r) const;
};

}  // namespace respec
