#include "apply/executor.h"

#include <unistd.h>

#include <algorithm>
#include <functional>

#include "apply/executor_impl.h"
#include "core/timefmt.h"

namespace respec {

Executor::Executor(const Plan* plan, Cloud* cloud, Clock* clock, CallRunner* runner,
                   Journal* journal, Reporter* reporter, ExecutorOptions options)
    : impl_(std::make_unique<Impl>(plan, cloud, clock, runner, journal, reporter, std::move(options))) {}
Executor::~Executor() = default;
Summary Executor::Run() { return impl_->Run(); }

Executor::Impl::Impl(const Plan* p, Cloud* c, Clock* k, CallRunner* r, Journal* j, Reporter* rep,
                     ExecutorOptions o)
    : plan(p), cloud(c), clock(k), runner(r), journal(j), reporter(rep), opt(std::move(o)),
      waiter(k, opt.waiter), schedule(*p, opt.resume.steps_done) {}

Millis Executor::Impl::Scaled(Millis m) const {
  return Millis(static_cast<int64_t>(m.count() / std::max(opt.waiter.time_scale, 1e-9)));
}

void Executor::Impl::Init() {
  runs.resize(schedule.size());
  for (int i = 0; i < schedule.size(); ++i) {
    InstanceRun& r = runs[i];
    r.ip = &schedule.instance(i);
    const std::string& id = r.ip->instance_id;
    if (auto lv = opt.live.find(id); lv != opt.live.end()) r.live = lv->second;
    r.stopped_by_respec = opt.resume.stopped.count(id) > 0;
    if (auto oid = opt.resume.order_ids.find(id); oid != opt.resume.order_ids.end()) r.order_id = oid->second;
    if (!opt.resume.finished.count(id) && !schedule.AllStepsDone(i)) continue;
    // The journal's claim holds only if live state agrees; else run the chain again.
    if (r.live && r.live->type != r.ip->target_type) {
      schedule.ForgetSteps(i);
      continue;
    }
    r.state = RunState::kDoneEarlier;
    r.reason = "applied by an earlier run (journal)";
    schedule.Resolve(i, ApplySchedule::Status::kDone);
  }
}

bool Executor::Impl::FirstStepDisruptive(const InstanceRun& r) const {
  for (size_t i = r.next; i < r.ip->steps.size(); ++i) {
    int s = r.ip->steps[i];
    if (schedule.step_done(s)) continue;
    StepKind k = plan->steps[s].kind;
    if (k == StepKind::kStop || k == StepKind::kReboot) return true;
    if (k == StepKind::kModify)
      return r.ip->direction == Direction::kDowngrade && r.live && r.live->status == kRunning;
    return false;
  }
  return false;
}

void Executor::Impl::Admit() {
  for (auto& r : runs) {
    if (r.state != RunState::kPending) continue;
    if (stop_new) {
      Skip(r, stop_reason);
      continue;
    }
    const int i = Index(r);
    std::string why;
    ApplySchedule::Readiness v = schedule.Ready(i, &why);
    if (v == ApplySchedule::Readiness::kBroken) {
      Skip(r, why);
      continue;
    }
    if (v == ApplySchedule::Readiness::kWait) continue;
    // Resumed: respec stopped it in an earlier run; it counts until Running again.
    const bool already_down = r.live && r.live->status != kRunning && r.stopped_by_respec;
    if (!schedule.CanAdmit(i, !already_down && FirstStepDisruptive(r))) continue;
    schedule.Admit(i);
    r.state = RunState::kIdle;
    if (already_down && WantsRunning(r)) schedule.TakeUnavailable(i, /*force=*/true);
    Advance(r);
  }
}

// A slot was just freed. If another instance of the group holding a slot is
// expected back within align_window, a restart waits for it before taking
// the freed slot (SlotHeld): both restarts then leave in one
// RebootInstances and, restarts taking the same time, come back in one read
// and stay in step, so the wait is paid once per pair brought into step,
// not every cycle. Stops do not wait: a downgrade's random order time would
// undo the step every cycle.
void Executor::Impl::HoldForPeers(const InstanceRun& freed) {
  if (opt.align_window.count() <= 0) return;
  const auto now = clock->Now();
  const std::string& g = freed.ip->group;
  if (auto h = hold_until.find(g); h != hold_until.end() && h->second > now) return;
  const Millis window = Scaled(opt.align_window);
  TimePoint until = now;
  for (const auto& r : runs) {
    if (&r == &freed || r.ip->group != g || r.state != RunState::kWatching || !schedule.unavailable(Index(r))) continue;
    const TimePoint next = waiter.NextCheckOf(static_cast<uint64_t>(Index(r)));
    if (next != TimePoint::max() && next <= now + window) until = std::max(until, next);
  }
  if (until > now) hold_until[g] = until;
}

bool Executor::Impl::SlotHeld(const InstanceRun& r) const {
  auto h = hold_until.find(r.ip->group);
  return h != hold_until.end() && clock->Now() < h->second;
}

void Executor::Impl::Skip(InstanceRun& r, const std::string& reason) {
  r.state = RunState::kSkipped;
  r.reason = reason;
  schedule.Resolve(Index(r), ApplySchedule::Status::kSkipped);
  Emit(EventKind::kInstanceSkipped, &r, reason);
}

void Executor::Impl::Finish(InstanceRun& r) {
  r.state = RunState::kDone;
  schedule.Resolve(Index(r), ApplySchedule::Status::kDone);
  journal->Append({{"ev", "instance_done"}, {"instance", r.ip->instance_id},
                   {"t", FormatUtcSeconds(clock->Now())}});
  Emit(EventKind::kInstanceDone, &r, r.ip->target_type);
}

void Executor::Impl::StopNew(const std::string& reason, const CloudError* err) {
  if (stop_new) return;
  stop_new = true;
  stop_reason = reason;
  Emit(EventKind::kMessage, nullptr, reason, err);
}

void Executor::Impl::Emit(EventKind k, const InstanceRun* r, std::string message, const CloudError* err) {
  Event e;
  e.kind = k;
  e.time = clock->Now();
  e.message = std::move(message);
  if (r) {
    e.instance_id = r->ip->instance_id;
    e.group = r->ip->group;
    if (r->op != Op::kNone) e.step = OpName(r->op);
    if (const Step* s = CurrentStep(*r)) e.step_id = s->id;
    e.order_id = r->order_id;
    e.action = r->action;
  }
  if (err) {
    e.error = *err;
    e.request_id = err->request_id;
  }
  reporter->OnEvent(e);
}

void Executor::Impl::CheckTimeouts() {
  const auto now = clock->Now();
  for (auto& r : runs) {
    const bool order = r.op == Op::kModify && r.waiting_for == WaitFor::kType;
    // The order deadline is not shrunk by a rehearsal's time scale: API
    // retries and backoff run in real time, and 60 s is bounded anyway.
    const Millis limit = order ? opt.order_deadline : Scaled(opt.step_timeout);
    if (r.state != RunState::kWatching || now - r.op_since < limit) continue;
    waiter.Cancel(static_cast<uint64_t>(Index(r)));
    r.state = RunState::kIdle;
    if (r.on_seen == OnSeen::kTimeoutVerdict) {
      // Not even the re-read came back within a step timeout.
      CloudError e = MakeCloudError("Respec.StepTimeout", std::string("no effect of ") + OpName(r.op) +
                                                              " observed, and the instance could not be read");
      e.instance_id = r.ip->instance_id;
      Fail(r, e);
      continue;
    }
    // Before calling it a failure, look once more: the effect may show now.
    const WaitFor what = r.waiting_for;
    Watch(r, WaitFor::kObserve, r.op, OnSeen::kTimeoutVerdict);
    r.waiting_for = what;
    r.op_since = now;
  }
}

void Executor::Impl::CheckInterrupt(int level) {
  if (level >= 2) {
    aborted = true;
    abort_reason = "stopped at once (second interrupt); run `respec apply` again on the same plan to resume";
    Emit(EventKind::kMessage, nullptr, abort_reason);
    return;
  }
  if (level == 1 && !interrupted) {
    interrupted = true;
    if (!stop_new) {
      stop_new = true;
      stop_reason = "interrupted: starting nothing new";
    }
    Emit(EventKind::kMessage, nullptr,
         "interrupted: finishing the instances in flight so none is left stopped (interrupt again to stop at once)");
  }
}

bool Executor::Impl::Turn() {
  CheckInterrupt(opt.interrupt_level ? opt.interrupt_level() : 0);
  if (aborted) return false;
  Admit();
  for (auto& r : runs)
    if (r.state == RunState::kIdle) Advance(r);
  CheckTimeouts();
  PollIfDue();
  Flush();
  reporter->OnProgress(MakeProgress());
  const bool pending =
      std::any_of(runs.begin(), runs.end(), [](const InstanceRun& r) { return r.state == RunState::kPending; });
  if (schedule.active() == 0 && calls.empty()) {
    if (!pending) return false;
    // Nothing in flight can unblock what is left: a dependency that never resolves.
    for (auto& r : runs)
      if (r.state == RunState::kPending) Skip(r, "its dependencies did not complete");
    return true;
  }
  // Wake when a hold ends too, so a held restart goes at once (in virtual
  // time the next look coincides; in real time the bench's ratio shows it).
  TimePoint deadline = waiter.NextPollAt();
  for (const auto& [g, t] : hold_until)
    if (t > clock->Now()) deadline = std::min(deadline, t);
  if (deadline == TimePoint::max()) deadline = clock->Now() + Millis(1000);
  if (auto token = runner->WaitForCompletion(deadline)) {
    HandleCompletion(*token);
    // Take whatever else finished meanwhile before the next scheduling pass.
    for (int i = 0; i < 256 && !calls.empty(); ++i) {
      auto more = runner->WaitForCompletion(clock->Now());
      if (!more) break;
      HandleCompletion(*more);
    }
  }
  return true;
}

Summary Executor::Impl::Run() {
  started = clock->Now();
  Init();
  journal->Append({{"ev", "begin"}, {"plan_id", plan->plan_id}, {"pid", static_cast<int>(::getpid())},
                   {"t", FormatUtcSeconds(started)}});
  Flush();
  Emit(EventKind::kRunStarted, nullptr, plan->plan_id);
  while (Turn()) {
  }
  if (!aborted) ObserveFinalState();
  Summary s = MakeSummary();
  if (!aborted) {
    // A hard stop writes nothing more, as a crash would; the journal holds
    // every call record already, which is all a resume needs.
    journal->Append({{"ev", "end"}, {"exit_code", s.exit_code}, {"t", FormatUtcSeconds(clock->Now())}});
    (void)journal->Sync();  // best effort: the run is over; a failure loses only outcome records
  }
  reporter->OnProgress(MakeProgress());
  reporter->OnSummary(s);
  return s;
}

}  // namespace respec
