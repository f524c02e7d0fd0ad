// What each step does, decided from the instance's live state: the
// executor never assumes a call it made earlier (or a crashed run made) had
// no effect; it looks, then acts.
#include <algorithm>

#include "apply/executor_impl.h"
#include "core/timefmt.h"
#include "plan/steps.h"

namespace respec {

static bool Transitional(const std::string& s) { return s == kStarting || s == kStopping || s == kPending; }

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

bool Executor::Impl::TakeUnavailableSlot(InstanceRun& r) {
  if (r.unavailable) return true;
  GroupRun& g = groups[r.group];
  if (g.unavailable >= std::max(1, g.c.max_unavailable)) return false;
  r.unavailable = true;
  ++g.unavailable;
  return true;
}

void Executor::Impl::ReleaseUnavailable(InstanceRun& r) {
  if (!r.unavailable) return;
  r.unavailable = false;
  --groups[r.group].unavailable;
}

void Executor::Impl::Advance(InstanceRun& r) {
  if (r.state != RunState::kActive || r.phase != Phase::kIdle) return;
  if (r.compensating) return Compensate(r);
  while (r.next < r.ip->steps.size() && step_done[r.ip->steps[r.next]]) ++r.next;
  if (!r.have_live) return Watch(r, WaitFor::kObserve, "observe", false);
  const Step* s = CurrentStep(r);
  if (!s) {
    // End of the chain: leave the power state the plan promised.
    const std::string& st = r.live.status;
    if (r.ip->final_status == kRunning && st != kRunning) {
      if (st == kStopped) return Call(r, "start", nullptr);
      if (st == kStarting) return Watch(r, WaitFor::kRunning, "start", false);
      return Watch(r, WaitFor::kStable, "wait_stable", false);
    }
    return Finish(r);
  }
  for (int p : external_preds[s->id]) {
    if (step_done[p]) continue;
    int pr = run_of_step[p];
    if (pr >= 0 && (runs[pr].state == RunState::kActive || runs[pr].state == RunState::kPending)) return;
  }
  BeginStep(r, *s);
}

void Executor::Impl::BeginStep(InstanceRun& r, const Step& s) {
  r.op = StepKindName(s.kind);
  const std::string st = r.live.status;
  const bool moving = Transitional(st);
  switch (s.kind) {
    case StepKind::kWaitStable:
      if (!moving) return StepDone(r, "already " + st, true);
      return Watch(r, WaitFor::kStable, "wait_stable", true);
    case StepKind::kStop:
      if (st == kStopped) return StepDone(r, "already Stopped", true);
      if (st == kStopping) {
        TakeUnavailableSlot(r);  // it is going down regardless; count it
        return Watch(r, WaitFor::kStopped, "stop", true);
      }
      if (moving) return Watch(r, WaitFor::kStable, "wait_stable", false);
      if (!TakeUnavailableSlot(r)) return;  // the group is at maxUnavailable: later
      return Call(r, "stop", &s);
    case StepKind::kModify:
      if (r.live.type == r.ip->target_type)
        return StepDone(r, "type is already " + r.ip->target_type, true);
      if (r.ip->direction == Direction::kDowngrade && st != kStopped) {
        // A downgrade needs a Stopped instance; someone started it since.
        if (st == kRunning) {
          if (!TakeUnavailableSlot(r)) return;
          Emit(EventKind::kStepRetried, &r, "instance is Running; stopping it before the downgrade");
          return Call(r, "stop", &s);
        }
        if (st == kStopping) return Watch(r, WaitFor::kStopped, "stop", false);
        return Watch(r, WaitFor::kStable, "wait_stable", false);
      }
      if (moving) return Watch(r, WaitFor::kStable, "wait_stable", false);
      return Call(r, "modify", &s);
    case StepKind::kStart:
      if (st == kRunning) return StepDone(r, "already Running", true);
      if (st == kStarting) return Watch(r, WaitFor::kRunning, "start", true);
      if (moving) return Watch(r, WaitFor::kStable, "wait_stable", false);
      return Call(r, "start", &s);
    case StepKind::kReboot:
      if (st == kStopped) return Call(r, "start", &s);  // a start applies the new type too
      if (st == kStarting) return Watch(r, WaitFor::kRunning, "start", true);
      if (moving) return Watch(r, WaitFor::kStable, "wait_stable", false);
      if (!TakeUnavailableSlot(r)) return;
      return Call(r, "reboot", &s);
  }
}

void Executor::Impl::Call(InstanceRun& r, const std::string& op, const Step* s) {
  r.phase = Phase::kCalling;
  r.op = op;
  r.op_since = clock->Now();
  r.made_call = true;
  if (op == "stop") r.stopped_by_respec = true;
  uint64_t token = next_token++;
  CallSlot& slot = calls[token];
  slot.run = Index(r);
  slot.op = op;
  nlohmann::json rec = {{"ev", "call"}, {"instance", r.ip->instance_id}, {"kind", op},
                        {"step", s ? s->id : -1}, {"t", FormatUtcSeconds(r.op_since)}};
  const std::string region = r.ip->region, id = r.ip->instance_id;
  if (op == "modify" && s) {
    ModifyPrepaySpecRequest req = ModifyRequestFor(*r.ip, *s);
    if (req.client_token.empty()) req.client_token = MakeClientToken(plan->plan_id, id, "modify");
    rec["client_token"] = req.client_token;
    rec["target_type"] = req.instance_type;
    to_submit.emplace_back(token, [this, &slot, req] { slot.modify.emplace(cloud->ModifyPrepayInstanceSpec(req)); });
  } else if (op == "stop") {
    to_submit.emplace_back(token, [this, &slot, region, id] { slot.ack.emplace(cloud->StopInstance(region, id)); });
  } else if (op == "start") {
    to_submit.emplace_back(token, [this, &slot, region, id] { slot.ack.emplace(cloud->StartInstance(region, id)); });
  } else {
    to_submit.emplace_back(token, [this, &slot, region, id] { slot.ack.emplace(cloud->RebootInstance(region, id)); });
  }
  journal->Append(std::move(rec));
  Emit(EventKind::kStepStarted, &r, r.compensating ? "restoring the power state" : "");
}

void Executor::Impl::Watch(InstanceRun& r, WaitFor what, const std::string& kind, bool effect) {
  r.phase = Phase::kWatching;
  r.watch_is_effect = effect;
  if (r.op.empty() || kind != "observe") r.op_since = clock->Now();
  WatchSpec w;
  w.key = static_cast<uint64_t>(Index(r));
  w.region = r.ip->region;
  w.instance_id = r.ip->instance_id;
  w.what = what;
  w.target_type = r.ip->target_type;
  w.kind = kind;
  w.since = clock->Now();
  waiter.Watch(std::move(w));
}

void Executor::Impl::StepDone(InstanceRun& r, const std::string& how, bool skipped) {
  const Step* s = CurrentStep(r);
  if (!s) return Advance(r);
  step_done[s->id] = 1;
  journal->Append({{"ev", "step_done"}, {"step", s->id}, {"instance", r.ip->instance_id},
                   {"kind", StepKindName(s->kind)}, {"t", FormatUtcSeconds(clock->Now())}});
  r.op = StepKindName(s->kind);
  Emit(skipped ? EventKind::kStepSkipped : EventKind::kStepSucceeded, &r, how);
  r.repairs = 0;
  ++r.next;
  r.phase = Phase::kIdle;
  Advance(r);
}

void Executor::Impl::OnCallResult(InstanceRun& r, CallSlot& slot) {
  r.phase = Phase::kIdle;
  const CloudError* err = nullptr;
  std::string request_id, order_id;
  if (slot.modify) {
    if (slot.modify->ok()) {
      request_id = slot.modify->value().request_id;
      order_id = slot.modify->value().order_id;
    } else {
      err = &slot.modify->error();
    }
  } else if (slot.ack) {
    if (slot.ack->ok()) request_id = slot.ack->value().request_id;
    else err = &slot.ack->error();
  }
  const Step* s = CurrentStep(r);
  nlohmann::json rec = {{"instance", r.ip->instance_id}, {"kind", slot.op}, {"step", s ? s->id : -1},
                        {"t", FormatUtcSeconds(clock->Now())}};
  if (!err) {
    rec["ev"] = "result";
    rec["request_id"] = request_id;
    if (!order_id.empty()) {
      rec["order_id"] = order_id;
      r.order_id = order_id;
    }
    journal->Append(std::move(rec));
    if (r.compensating) return Watch(r, WaitFor::kRunning, "start", false);
    const bool step_is = s && StepKindName(s->kind) == slot.op;
    if (slot.op == "stop") return Watch(r, WaitFor::kStopped, "stop", step_is);
    if (slot.op == "modify") {
      Emit(EventKind::kMessage, &r, "order " + order_id + " placed; waiting for the new type");
      return Watch(r, WaitFor::kType, "modify", true);
    }
    if (slot.op == "reboot") return Watch(r, WaitFor::kRestarted, "reboot", true);
    // A start completes a start or reboot step; at the end of a chain it just re-checks.
    bool completes = s && (s->kind == StepKind::kStart || s->kind == StepKind::kReboot);
    return Watch(r, WaitFor::kRunning, "start", completes);
  }
  CloudError e = *err;
  if (e.instance_id.empty()) e.instance_id = r.ip->instance_id;
  rec["ev"] = "error";
  rec["code"] = e.code;
  rec["message"] = e.message;
  rec["request_id"] = e.request_id;
  journal->Append(std::move(rec));
  if (r.compensating) {
    Emit(EventKind::kStepFailed, &r, "could not start it again", &e);
    return EndFailed(r, "could not start it again (" + e.code + "); start it by hand");
  }
  if (e.category == ErrorCategory::kWrongState && ++r.repairs <= opt.max_repairs) {
    Emit(EventKind::kStepRetried, &r, "wrong state (" + e.code + "): re-reading the instance", &e);
    return Watch(r, WaitFor::kObserve, "observe", false);
  }
  if (e.category == ErrorCategory::kAuth && !stop_new) {
    stop_new = true;
    stop_reason = "authentication failed (" + e.code + "): starting nothing new";
    Emit(EventKind::kMessage, nullptr, stop_reason, &e);
  }
  Fail(r, e);
}

void Executor::Impl::Fail(InstanceRun& r, const CloudError& e) {
  r.error = e;
  Emit(EventKind::kStepFailed, &r, "", &e);
  GroupRun& g = groups[r.group];
  ++g.failures;
  if (opt.fail_fast && !stop_new) {
    stop_new = true;
    stop_reason = "--fail-fast: " + r.ip->instance_id + " failed";
  }
  r.compensating = true;
  r.phase = Phase::kIdle;
  r.repairs = 0;
  Compensate(r);
}

void Executor::Impl::Compensate(InstanceRun& r) {
  if (!r.have_live) return Watch(r, WaitFor::kObserve, "observe", false);
  const std::string& st = r.live.status;
  if (!WantsRunning(r)) return EndFailed(r, "left " + st + " (it was " + r.ip->observed_status + " before apply)");
  if (st == kRunning)
    return EndFailed(r, r.restarted_after_failure ? "started again" : "left Running");
  if (Transitional(st)) return Watch(r, WaitFor::kStable, "wait_stable", false);
  if (++r.repairs > opt.max_repairs) return EndFailed(r, "left Stopped: it did not come back Running; start it by hand");
  r.restarted_after_failure = true;
  Call(r, "start", nullptr);
}

void Executor::Impl::EndFailed(InstanceRun& r, const std::string& action) {
  r.action = action;
  r.phase = Phase::kIdle;
  ReleaseUnavailable(r);
  r.state = RunState::kFailed;
  --active;
  --groups[r.group].unresolved;
  journal->Append({{"ev", "instance_failed"}, {"instance", r.ip->instance_id}, {"action", action},
                   {"code", r.error ? r.error->code : ""}, {"t", FormatUtcSeconds(clock->Now())}});
  if (r.restarted_after_failure && r.have_live && r.live.status == kRunning)
    Emit(EventKind::kInstanceCompensated, &r, action);
  Emit(EventKind::kInstanceFailed, &r, action, r.error ? &*r.error : nullptr);
}

}  // namespace respec
