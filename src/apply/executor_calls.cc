// How the executor's calls go out and come back: action calls are journaled
// and sent only once their "call" record is durable; polls go out at once;
// answers come back here on the executor's thread.
#include <fmt/format.h>

#include <map>
#include <tuple>
#include <utility>

#include "apply/executor_impl.h"
#include "core/timefmt.h"
#include "plan/steps.h"

namespace respec {

const char* OpName(Op op) {
  switch (op) {
    case Op::kNone: return "";
    case Op::kObserve: return "observe";
    case Op::kWaitStable: return "wait_stable";
    case Op::kStop: return "stop";
    case Op::kModify: return "modify";
    case Op::kStart: return "start";
    case Op::kReboot: return "reboot";
  }
  return "";
}

// The call may have taken effect although it failed: no answer, a dropped
// connection, a duplicate nonce (cloud/error.h `ambiguous`).
static bool MayHaveHappened(const CloudError& e) {
  return e.ambiguous || e.code == "SignatureNonceUsed" || e.code.rfind("Transport.", 0) == 0;
}

bool EffectShows(WaitFor what, const Instance& inst, const std::string& target_type) {
  switch (what) {
    case WaitFor::kObserve: return true;
    case WaitFor::kStable: return inst.status == kRunning || inst.status == kStopped;
    case WaitFor::kStopped: return inst.status == kStopped;
    case WaitFor::kRunning:
    case WaitFor::kRestarted: return inst.status == kRunning;  // long after the call: the restart is over
    case WaitFor::kType: return inst.type == target_type;
  }
  return false;
}

static bool IsPower(Op op) { return op == Op::kStop || op == Op::kStart || op == Op::kReboot; }

static const char* ActionOf(Op op) {
  switch (op) {
    case Op::kStop: return "StopInstances";
    case Op::kModify: return "ModifyPrepayInstanceSpec";
    case Op::kStart: return "StartInstances";
    case Op::kReboot: return "RebootInstances";
    default: return "";
  }
}

// The runner's lane for an action call. A call for an instance that holds
// one of its group's maxUnavailable slots (respec took it down) gets a lane
// of its own, served in turn with the others: a downgrade's order never
// waits behind hundreds of upgrade orders queued for the same action's
// rate limit while its slot, and its group's budget, stand idle.
std::string Executor::Impl::LaneOf(const CallSlot& slot) const {
  std::string lane = ActionOf(slot.op);
  if (slot.run >= 0 && schedule.unavailable(slot.run)) lane += kDownLane;
  return lane;
}

void Executor::Impl::Call(InstanceRun& r, Op op, const Step* s) {
  r.state = RunState::kCalling;
  r.op = op;
  r.op_since = clock->Now();
  if (op == Op::kStop) r.stopped_by_respec = true;
  uint64_t token = next_token++;
  CallSlot& slot = calls[token];
  slot.run = Index(r);
  slot.op = op;
  // Restoring the power state may go out unjournaled: a StartInstance is
  // idempotent and leaving the instance stopped is the worse outcome.
  slot.journaled = !(r.goal == Goal::kRestore && op == Op::kStart);
  nlohmann::json rec = {{"ev", "call"}, {"instance", r.ip->instance_id}, {"kind", OpName(op)},
                        {"step", s ? s->id : -1}, {"t", FormatUtcSeconds(r.op_since)}};
  const std::string id = r.ip->instance_id;
  // Stops, starts and restarts carry no work of their own: they leave in
  // batches once their records are durable (SubmitPowerBatches).
  CallRunner::Work work;
  if (op == Op::kModify) {
    ModifyPrepaySpecRequest req = ModifyRequestFor(*r.ip, *s);
    if (req.client_token.empty()) req.client_token = MakeClientToken(plan->plan_id, id, "modify");
    rec["client_token"] = req.client_token;
    rec["target_type"] = req.instance_type;
    work = [this, &slot, req] { slot.modify.emplace(cloud->ModifyPrepayInstanceSpec(req)); };
  }
  to_submit.emplace_back(token, std::move(work));
  journal->Append(std::move(rec));
  Emit(EventKind::kStepStarted, &r, r.goal == Goal::kRestore ? "restoring the power state" : "");
}

void Executor::Impl::PollIfDue() {
  auto now = clock->Now();
  if (waiter.NextPollAt() > now) return;
  for (const auto& w : waiter.TakeTimed(now)) HandleWatchResult(w);
  for (auto& req : waiter.TakeDue(now)) {
    uint64_t token = next_token++;
    CallSlot& slot = calls[token];
    slot.poll = req;
    // Polls need no journal record.
    runner->Submit(token, [this, &slot] { slot.page.emplace(cloud->DescribeInstances(slot.poll)); },
                   "DescribeInstances");
  }
}

void Executor::Impl::Flush() {
  if (to_submit.empty() || sync_in_flight) return;
  uint64_t token = next_token++;
  CallSlot& slot = calls[token];
  slot.sync_batch = journal->TakePending();
  after_sync = std::move(to_submit);
  to_submit.clear();
  sync_in_flight = true;
  runner->Submit(token, [this, &slot] { slot.sync_status = journal->WriteSynced(slot.sync_batch); }, "journal");
}

void Executor::Impl::OnSynced(CallSlot& sync) {
  sync_in_flight = false;
  const bool durable = sync.sync_status.ok();
  if (!durable)
    StopNew("journal write failed: " + sync.sync_status.message() + "; starting nothing new");
  std::vector<uint64_t> power;
  for (auto& [t, work] : after_sync) {
    CallSlot& slot = calls[t];
    if (durable || !slot.journaled) {
      if (IsPower(slot.op)) power.push_back(t);
      else runner->Submit(t, std::move(work), LaneOf(slot));
      continue;
    }
    // Never sent: its record is not durable, so a crash could not resume it safely.
    CloudError e = MakeCloudError("Respec.JournalFailed", "not sent: the journal could not record the call (" +
                                                              sync.sync_status.message() + ")");
    e.action = ActionOf(slot.op);
    if (slot.op == Op::kModify) slot.modify.emplace(e);
    else slot.ack.emplace(e);
    CallSlot done = std::move(slot);
    calls.erase(t);
    OnCallResult(runs[done.run], done);
  }
  after_sync.clear();
  SubmitPowerBatches(std::move(power));
  Flush();
}

// Stops, starts and restarts that leave together go as one StopInstances,
// StartInstances or RebootInstances per (region, action, force), of at most
// 100 instances each: one API call where there were up to a hundred.
void Executor::Impl::SubmitPowerBatches(std::vector<uint64_t> tokens) {
  std::map<std::tuple<std::string, PowerAction, bool>, std::vector<uint64_t>> groups;
  for (uint64_t t : tokens) {
    const CallSlot& slot = calls[t];
    const InstancePlan& ip = *runs[slot.run].ip;
    const PowerAction action = slot.op == Op::kStop    ? PowerAction::kStop
                               : slot.op == Op::kStart ? PowerAction::kStart
                                                       : PowerAction::kReboot;
    const bool force = action == PowerAction::kStop && ip.options.force_stop;
    groups[{ip.region, action, force}].push_back(t);
  }
  for (auto& [key, members] : groups) {
    for (size_t i = 0; i < members.size(); i += kPowerBatchMax) {
      uint64_t token = next_token++;
      CallSlot& batch = calls[token];
      batch.members.assign(members.begin() + i, members.begin() + std::min(members.size(), i + kPowerBatchMax));
      std::tie(batch.batch_req.region, batch.batch_req.action, batch.batch_req.force) = key;
      bool down = false;
      for (uint64_t m : batch.members) {
        batch.batch_req.instance_ids.push_back(runs[calls[m].run].ip->instance_id);
        down = down || schedule.unavailable(calls[m].run);
      }
      std::string lane = PowerBatchActionName(batch.batch_req.action);
      if (down) lane += kDownLane;
      runner->Submit(token, [this, &batch] { batch.batch.emplace(cloud->PowerBatch(batch.batch_req)); }, lane);
    }
  }
}

// Each member's own answer: its entry of the batch's answer, or the batch's error.
void Executor::Impl::OnBatchAnswer(CallSlot& batch) {
  std::map<std::string, const InstancePowerResult*> by_id;
  if (batch.batch->ok())
    for (const auto& one : batch.batch->value().instances) by_id[one.instance_id] = &one;
  for (uint64_t m : batch.members) {
    auto it = calls.find(m);
    if (it == calls.end()) continue;
    CallSlot member = std::move(it->second);
    calls.erase(it);
    const std::string& id = runs[member.run].ip->instance_id;
    if (!batch.batch->ok()) {
      CloudError e = batch.batch->error();
      e.instance_id = id;
      member.ack.emplace(std::move(e));
    } else if (auto f = by_id.find(id); f == by_id.end()) {
      member.ack.emplace(*LeftOutOfAnswer(batch.batch_req.action, id, batch.batch->value().request_id).error);
    } else if (f->second->error) {
      member.ack.emplace(*f->second->error);
    } else {
      member.ack.emplace(Ack{batch.batch->value().request_id});
      member.current_status = f->second->current_status;
    }
    OnCallResult(runs[member.run], member);
  }
}

void Executor::Impl::HandleCompletion(uint64_t token) {
  auto it = calls.find(token);
  if (it == calls.end()) return;
  CallSlot slot = std::move(it->second);
  calls.erase(it);
  if (slot.run >= 0) return OnCallResult(runs[slot.run], slot);
  if (slot.batch) return OnBatchAnswer(slot);
  if (!slot.page) return OnSynced(slot);
  if (!slot.page->ok() && slot.page->error().category == ErrorCategory::kAuth)
    StopNew("authentication failed: " + slot.page->error().Describe(), &slot.page->error());
  for (const auto& w : waiter.OnAnswer(slot.poll, *slot.page, clock->Now())) HandleWatchResult(w);
}

void Executor::Impl::OnCallResult(InstanceRun& r, CallSlot& slot) {
  r.state = RunState::kIdle;
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
  nlohmann::json rec = {{"instance", r.ip->instance_id}, {"kind", OpName(slot.op)}, {"step", s ? s->id : -1},
                        {"t", FormatUtcSeconds(clock->Now())}};
  if (err) {
    CloudError e = *err;
    if (e.instance_id.empty()) e.instance_id = r.ip->instance_id;
    rec["ev"] = "error";
    rec["code"] = e.code;
    rec["message"] = e.message;
    rec["request_id"] = e.request_id;
    journal->Append(std::move(rec));
    return OnCallError(r, e);
  }
  rec["ev"] = "result";
  rec["request_id"] = request_id;
  if (slot.op == Op::kModify) r.stop_unread = false;
  if (!order_id.empty()) {
    rec["order_id"] = order_id;
    r.order_id = order_id;
  }
  journal->Append(std::move(rec));
  if (r.goal == Goal::kRestore) return Watch(r, WaitFor::kRunning, Op::kStart, OnSeen::kRedecide);
  const bool step_is = s && StepKindName(s->kind) == std::string(OpName(slot.op));
  const OnSeen completes = step_is ? OnSeen::kCompleteStep : OnSeen::kRedecide;
  switch (slot.op) {
    case Op::kStop: {
      const bool timed = completes == OnSeen::kCompleteStep && NextCallChecksStopped(r);
      return Watch(r, WaitFor::kStopped, Op::kStop, completes, Millis(0), timed);
    }
    case Op::kModify: {
      Emit(EventKind::kMessage, &r, "order " + order_id + " placed; waiting for the new type");
      const Millis give_up = RestartsAnyway(r) ? TypeVisibleBound(opt.waiter) : Millis(0);
      return Watch(r, WaitFor::kType, Op::kModify, OnSeen::kCompleteStep, give_up);
    }
    case Op::kReboot: {
      const bool began = !slot.current_status.empty() && slot.current_status != kRunning;
      return Watch(r, WaitFor::kRestarted, Op::kReboot, OnSeen::kCompleteStep, Millis(0), false, began);
    }
    default: {
      // A start completes a start or reboot step; at the end of a chain it just re-checks.
      bool done = s && (s->kind == StepKind::kStart || s->kind == StepKind::kReboot);
      return Watch(r, WaitFor::kRunning, Op::kStart, done ? OnSeen::kCompleteStep : OnSeen::kRedecide);
    }
  }
}

void Executor::Impl::OnCallError(InstanceRun& r, CloudError e) {
  // The order went out at the learned stop time and the instance was not
  // Stopped yet: wait longer next time (the repair below reads it).
  if (std::exchange(r.stop_unread, false) && r.op == Op::kModify && e.category == ErrorCategory::kWrongState)
    waiter.Early(OpName(Op::kStop));
  // An ambiguous stop (no answer, or a duplicate nonce) may have happened.
  if (MayHaveHappened(e) && r.op == Op::kStop) r.stopped_by_respec = true;
  if (r.goal == Goal::kRestore) {
    Emit(EventKind::kStepRetried, &r, "could not start it again (" + e.code + "): re-reading it", &e);
    return Watch(r, WaitFor::kObserve, Op::kObserve, OnSeen::kRedecide);
  }
  // A wrong state, or a batch's answer that left the instance out (it may
  // have been acted on): read it and decide again.
  const bool left_out = e.code == "Response.MissingInstance";
  if ((e.category == ErrorCategory::kWrongState || left_out) && ++r.repairs <= opt.max_repairs) {
    Emit(EventKind::kStepRetried, &r,
         std::string(left_out ? "left out of the answer" : "wrong state") + " (" + e.code + "): re-reading the instance", &e);
    return Watch(r, WaitFor::kObserve, Op::kObserve, OnSeen::kRedecide);
  }
  if (e.category == ErrorCategory::kAuth) StopNew("authentication failed (" + e.code + "): starting nothing new", &e);
  Fail(r, e);
}

// An order placed but not in effect within order_deadline: its own outcome.
CloudError Executor::Impl::OrderPending(const InstanceRun& r) const {
  const std::string order = r.order_id.empty() ? std::string("(no OrderId)") : r.order_id;
  const bool unpaid = r.ip->direction == Direction::kUpgrade && r.ip->options.auto_pay == false;
  CloudError e = MakeCloudError(
      "Respec.OrderPending",
      unpaid ? "order " + order + " placed; it waits for payment in the console (autoPay: false)"
             : "order " + order + " placed; the new type did not show within " +
                   std::to_string(opt.order_deadline.count() / 1000) + " s");
  e.instance_id = r.ip->instance_id;
  return e;
}

void Executor::Impl::HandleWatchResult(const WatchResult& w) {
  InstanceRun& r = runs[w.key];
  if (r.state != RunState::kWatching) return;
  r.state = RunState::kIdle;
  if (w.timed) {
    r.stop_unread = true;
    return StepDone(r, "stop accepted; not read: the order call checks it is Stopped", false);
  }
  r.stop_unread = false;
  if (w.not_found) {
    r.live.reset();
    if (r.goal == Goal::kRestore) return EndFailed(r, "no longer visible to DescribeInstances; check it by hand");
    CloudError e = MakeCloudError("InvalidInstanceId.NotFound", "");
    e.action = "DescribeInstances";
    e.instance_id = r.ip->instance_id;
    return Fail(r, e);
  }
  r.live = w.instance;
  if (r.live->status == kRunning && schedule.unavailable(Index(r))) {
    schedule.ReleaseUnavailable(Index(r));
    HoldForPeers(r);
  }
  if (r.goal == Goal::kRestore) return Compensate(r);
  if (w.timed_out && r.op == Op::kModify) {
    // The order was accepted but the type does not show before a restart:
    // restart anyway (the reboot step), then confirm the type.
    r.type_unconfirmed = true;
    return StepDone(r, "order " + r.order_id + " accepted; the new type did not show within " +
                           fmt::format("{:g}", w.elapsed.count() / 1000.0) + " s: restarting anyway, the type is "
                           "confirmed after the restart", false);
  }
  switch (r.on_seen) {
    case OnSeen::kCompleteStep: return StepDone(r, "", false);
    case OnSeen::kRedecide: return Advance(r);
    case OnSeen::kTimeoutVerdict: break;
  }
  if (EffectShows(r.waiting_for, *r.live, r.ip->target_type)) return StepDone(r, "observed after the step timeout", false);
  if (r.op == Op::kModify && r.waiting_for == WaitFor::kType) return Fail(r, OrderPending(r));
  CloudError e = MakeCloudError("Respec.StepTimeout", std::string("no effect of ") + OpName(r.op) +
                                                          " observed after " +
                                                          std::to_string(Scaled(opt.step_timeout).count() / 1000) +
                                                          " s (live status " + r.live->status + ")");
  e.instance_id = r.ip->instance_id;
  Fail(r, e);
}

}  // namespace respec
