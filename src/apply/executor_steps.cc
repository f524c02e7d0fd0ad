// What each step does, decided from the instance's live state: the
// executor never assumes a call it made earlier (or a crashed run made) had
// no effect; it looks, then acts.
#include <algorithm>

#include <fmt/format.h>

#include "apply/executor_impl.h"
#include "core/timefmt.h"
#include "plan/steps.h"

namespace respec {


const Step* Executor::Impl::CurrentStep(const InstanceRun& r) const {
  if (r.next >= r.ip->steps.size()) return nullptr;
  int id = r.ip->steps[r.next];
  if (id < 0 || id >= static_cast<int>(plan->steps.size())) return nullptr;
  return &plan->steps[id];
}

bool Executor::Impl::WantsRunning(const InstanceRun& r) const {
  const std::string& s = r.ip->observed_status;
  return s == kRunning || s == kStarting || s == kPending;
}

void Executor::Impl::Advance(InstanceRun& r) {
  if (r.state != RunState::kIdle) return;
  if (r.goal == Goal::kRestore) return Compensate(r);
  while (r.next < r.ip->steps.size() && schedule.step_done(r.ip->steps[r.next])) ++r.next;
  if (!r.live) return Watch(r, WaitFor::kObserve, Op::kObserve, OnSeen::kRedecide);
  const Step* s = CurrentStep(r);
  if (!s) return EndOfChain(r);
  if (schedule.StepWaits(s->id)) return;
  BeginStep(r, *s);
}

// End of the chain: leave the power state the plan promised.
void Executor::Impl::EndOfChain(InstanceRun& r) {
  const std::string& st = r.live->status;
  if (r.ip->final_status == kRunning && st != kRunning) {
    if (st == kStopped) return Call(r, Op::kStart, nullptr);
    if (st == kStarting) return Watch(r, WaitFor::kRunning, Op::kStart, OnSeen::kRedecide);
    return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kRedecide);
  }
  Finish(r);
}

void Executor::Impl::BeginStep(InstanceRun& r, const Step& s) {
  const int i = Index(r);
  const std::string st = r.live->status;
  const bool moving = IsTransitional(st);
  switch (s.kind) {
    case StepKind::kWaitStable:
      r.op = Op::kWaitStable;
      if (!moving) return StepDone(r, "already " + st, true);
      return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kCompleteStep);
    case StepKind::kStop:
      r.op = Op::kStop;
      if (st == kStopped) return StepDone(r, "already Stopped", true);
      if (st == kStopping) {
        schedule.TakeUnavailable(i, /*force=*/true);  // it is going down regardless; count it
        return Watch(r, WaitFor::kStopped, Op::kStop, OnSeen::kCompleteStep);
      }
      if (moving) return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kRedecide);
      if (!schedule.TakeUnavailable(i)) return;  // the group is at maxUnavailable: later
      return Call(r, Op::kStop, &s);
    case StepKind::kModify:
      r.op = Op::kModify;
      return BeginModify(r, s);
    case StepKind::kStart:
      r.op = Op::kStart;
      if (st == kRunning) return StepDone(r, "already Running", true);
      if (st == kStarting) return Watch(r, WaitFor::kRunning, Op::kStart, OnSeen::kCompleteStep);
      if (moving) return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kRedecide);
      return Call(r, Op::kStart, &s);
    case StepKind::kReboot:
      r.op = Op::kReboot;
      // Restarting before the new type shows (at the bound, or resumed after
      // a run that did): the restart must confirm it.
      if (r.live->type != r.ip->target_type) r.type_unconfirmed = true;
      if (st == kStopped) return Call(r, Op::kStart, &s);  // a start applies the new type too
      if (st == kStarting) return Watch(r, WaitFor::kRunning, Op::kStart, OnSeen::kCompleteStep);
      if (moving) return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kRedecide);
      if (SlotHeld(r) || !schedule.TakeUnavailable(i)) return;
      return Call(r, Op::kReboot, &s);
  }
}

void Executor::Impl::BeginModify(InstanceRun& r, const Step& s) {
  const std::string& st = r.live->status;
  if (r.live->type == r.ip->target_type) return StepDone(r, "type is already " + r.ip->target_type, true);
  if (r.stop_unread) return Call(r, Op::kModify, &s);  // the API refuses it unless Stopped
  if (r.ip->direction == Direction::kDowngrade && st != kStopped) {
    // A downgrade needs a Stopped instance; someone started it since.
    if (st == kRunning) {
      if (!schedule.TakeUnavailable(Index(r))) return;
      Emit(EventKind::kStepRetried, &r, "instance is Running; stopping it before the downgrade");
      return Call(r, Op::kStop, &s);
    }
    if (st == kStopping) return Watch(r, WaitFor::kStopped, Op::kStop, OnSeen::kRedecide);
    return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kRedecide);
  }
  if (IsTransitional(st)) return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kRedecide);
  Call(r, Op::kModify, &s);
}

void Executor::Impl::Watch(InstanceRun& r, WaitFor what, Op kind, OnSeen then, Millis give_up_after, bool timed,
                           bool began) {
  r.state = RunState::kWatching;
  r.on_seen = then;
  r.waiting_for = what;
  if (r.op == Op::kNone || kind != Op::kObserve) r.op_since = clock->Now();
  WatchSpec w;
  w.key = static_cast<uint64_t>(Index(r));
  w.region = r.ip->region;
  w.instance_id = r.ip->instance_id;
  w.what = what;
  w.target_type = r.ip->target_type;
  w.kind = OpName(kind);
  w.since = clock->Now();
  w.give_up_after = give_up_after;
  w.timed = timed;
  w.began = began;
  waiter.Watch(std::move(w));
}

// Whether the step after the current (stop) step is a downgrade's order,
// which the API refuses with InvalidStatus.NotStopped unless the instance
// is Stopped: then the stop needs no read of its own (a timed watch).
bool Executor::Impl::NextCallChecksStopped(const InstanceRun& r) const {
  if (r.ip->direction != Direction::kDowngrade || r.next + 1 >= r.ip->steps.size()) return false;
  const int next = r.ip->steps[r.next + 1];
  return next >= 0 && next < static_cast<int>(plan->steps.size()) && plan->steps[next].kind == StepKind::kModify;
}

// Whether the order of a Running whenFinished upgrade is followed by a
// restart even if the new type does not show within TypeVisibleBound (the
// seeds do not say the type shows before the restart). Not for an unpaid
// order (autoPay: false): a restart cannot apply it; it ends OrderPending.
bool Executor::Impl::RestartsAnyway(const InstanceRun& r) const {
  if (!r.live || r.live->status != kRunning || r.ip->direction != Direction::kUpgrade) return false;
  if (r.ip->options.auto_pay == false) return false;
  if (r.next + 1 >= r.ip->steps.size()) return false;
  const int next = r.ip->steps[r.next + 1];
  return next >= 0 && next < static_cast<int>(plan->steps.size()) && plan->steps[next].kind == StepKind::kReboot;
}

CloudError Executor::Impl::TypeNotConfirmed(const InstanceRun& r) const {
  const std::string order = r.order_id.empty() ? std::string("(no OrderId)") : r.order_id;
  CloudError e = MakeCloudError(
      "Respec.TypeNotConfirmed",
      "order " + order + " placed; the new type had not shown when respec restarted the instance (it waits "
          "at most " + fmt::format("{:g}", TypeVisibleBound(opt.waiter).count() / 1000.0) +
          " s for it); after the restart it is still " + r.live->type + " (" +
          r.live->status + "), not " + r.ip->target_type);
  e.instance_id = r.ip->instance_id;
  return e;
}

void Executor::Impl::StepDone(InstanceRun& r, const std::string& how, bool skipped) {
  const Step* s = CurrentStep(r);
  if (!s) return Advance(r);
  if (s->kind == StepKind::kReboot && r.type_unconfirmed && !skipped) {
    // The restart is over: the read that saw it Running again confirms the type.
    r.type_unconfirmed = false;
    if (r.live && r.live->type != r.ip->target_type) return Fail(r, TypeNotConfirmed(r));
  }
  schedule.MarkStepDone(s->id);
  journal->Append({{"ev", "step_done"}, {"step", s->id}, {"instance", r.ip->instance_id},
                   {"kind", StepKindName(s->kind)}, {"t", FormatUtcSeconds(clock->Now())}});
  Emit(skipped ? EventKind::kStepSkipped : EventKind::kStepSucceeded, &r, how);
  r.repairs = 0;
  ++r.next;
  r.state = RunState::kIdle;
  Advance(r);
}

void Executor::Impl::Fail(InstanceRun& r, const CloudError& e) {
  if (r.goal == Goal::kRestore) {
    // Restoring has a budget of its own: a read that did not come back in a
    // step timeout is tried again (fresh) until that budget is spent.
    if (clock->Now() - r.restore_since < Scaled(opt.restore_timeout)) return ObserveAfresh(r);
    return EndFailed(r, "could not confirm its power state (" + e.code + "); check it by hand");
  }
  r.error = e;
  Emit(EventKind::kStepFailed, &r, "", &e);
  schedule.CountFailure(Index(r));
  if (opt.fail_fast && !stop_new) {
    stop_new = true;
    stop_reason = "--fail-fast: " + r.ip->instance_id + " failed";
  }
  r.goal = Goal::kRestore;
  r.restore_since = clock->Now();
  r.repairs = 0;
  // Compensation decides from a fresh read, never from an earlier one.
  ObserveAfresh(r);
}

// A new read of the instance, timed from now (not from the failed step).
void Executor::Impl::ObserveAfresh(InstanceRun& r) {
  r.state = RunState::kIdle;
  r.op = Op::kNone;
  Watch(r, WaitFor::kObserve, Op::kObserve, OnSeen::kRedecide);
}

// Restores the power state the instance had before apply, within its own
// budget (ExecutorOptions::restore_attempts / restore_timeout).
void Executor::Impl::Compensate(InstanceRun& r) {
  if (!r.live) return Watch(r, WaitFor::kObserve, Op::kObserve, OnSeen::kRedecide);
  const std::string& st = r.live->status;
  if (!WantsRunning(r)) return EndFailed(r, "left " + st + " (it was " + r.ip->observed_status + " before apply)");
  if (st == kRunning) return EndFailed(r, r.restarts > 0 ? "started again" : "left Running");
  const bool out_of_budget =
      r.restarts >= opt.restore_attempts || clock->Now() - r.restore_since >= Scaled(opt.restore_timeout);
  if (out_of_budget) return EndFailed(r, "left " + st + ": it did not come back Running; start it by hand");
  if (IsTransitional(st)) return Watch(r, WaitFor::kStable, Op::kWaitStable, OnSeen::kRedecide);
  ++r.restarts;
  Call(r, Op::kStart, nullptr);
}

void Executor::Impl::EndFailed(InstanceRun& r, const std::string& action) {
  r.action = action;
  r.state = RunState::kFailed;
  schedule.Resolve(Index(r), ApplySchedule::Status::kFailed);
  journal->Append({{"ev", "instance_failed"}, {"instance", r.ip->instance_id}, {"action", action},
                   {"code", r.error ? r.error->code : ""}, {"t", FormatUtcSeconds(clock->Now())}});
  if (r.restarts > 0 && r.live && r.live->status == kRunning) Emit(EventKind::kInstanceCompensated, &r, action);
  Emit(EventKind::kInstanceFailed, &r, action, r.error ? &*r.error : nullptr);
}

}  // namespace respec
