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

void Executor::Impl::Init() {
  for (const auto& g : plan->groups) {
    group_index[g.name] = static_cast<int>(groups.size());
    groups.push_back(GroupRun{g, {}, 0, 0, 0, 0});
  }
  auto group_of = [&](const std::string& name) {
    auto it = group_index.find(name);
    if (it != group_index.end()) return it->second;
    GroupConstraint c;
    c.name = name;
    group_index[name] = static_cast<int>(groups.size());
    groups.push_back(GroupRun{c, {}, 0, 0, 0, 0});
    return static_cast<int>(groups.size()) - 1;
  };
  for (const auto& ip : plan->instances) group_of(ip.group);
  // maxFailures left at "default" (-1): 0 for a group another group depends
  // on, else its maxUnavailable (plan/graph.h).
  for (auto& g : groups) {
    if (g.c.max_failures >= 0) continue;
    bool depended_on = false;
    for (const auto& other : groups)
      for (const auto& d : other.c.depends_on) depended_on |= d == g.c.name;
    g.c.max_failures = depended_on ? 0 : std::max(1, g.c.max_unavailable);
  }
  // Transitive dependsOn, so a group with no changes still passes its own dependencies on.
  for (size_t g = 0; g < groups.size(); ++g) {
    std::set<int> seen;
    std::vector<std::string> stack = groups[g].c.depends_on;
    while (!stack.empty()) {
      std::string name = stack.back();
      stack.pop_back();
      auto it = group_index.find(name);
      if (it == group_index.end() || it->second == static_cast<int>(g) || !seen.insert(it->second).second) continue;
      for (const auto& d : groups[it->second].c.depends_on) stack.push_back(d);
    }
    groups[g].deps.assign(seen.begin(), seen.end());
  }
  run_of_step.assign(plan->steps.size(), -1);
  step_done.assign(plan->steps.size(), 0);
  external_preds.assign(plan->steps.size(), {});
  for (const auto& ip : plan->instances) {
    if (ip.verdict != Verdict::kChange) continue;
    InstanceRun r;
    r.ip = &ip;
    r.group = group_of(ip.group);
    auto lv = opt.live.find(ip.instance_id);
    if (lv != opt.live.end()) {
      r.live = lv->second;
      r.have_live = true;
    }
    r.stopped_by_respec = opt.resume.stopped.count(ip.instance_id) > 0;
    auto oid = opt.resume.order_ids.find(ip.instance_id);
    if (oid != opt.resume.order_ids.end()) r.order_id = oid->second;
    run_of_instance[ip.instance_id] = static_cast<int>(runs.size());
    runs.push_back(std::move(r));
  }
  for (size_t i = 0; i < runs.size(); ++i)
    for (int s : runs[i].ip->steps)
      if (s >= 0 && s < static_cast<int>(plan->steps.size())) run_of_step[s] = static_cast<int>(i);
  for (int s : opt.resume.steps_done)
    if (s >= 0 && s < static_cast<int>(step_done.size())) step_done[s] = 1;
  for (const auto& [a, b] : plan->edges) {
    if (a < 0 || b < 0 || a >= static_cast<int>(plan->steps.size()) || b >= static_cast<int>(plan->steps.size())) continue;
    if (plan->steps[a].instance_id == plan->steps[b].instance_id) continue;
    external_preds[b].push_back(a);
  }
  for (auto& r : runs) {
    GroupRun& g = groups[r.group];
    ++g.total;
    bool all_done = !r.ip->steps.empty() &&
                    std::all_of(r.ip->steps.begin(), r.ip->steps.end(), [&](int s) { return step_done[s]; });
    if (opt.resume.finished.count(r.ip->instance_id) || all_done) {
      r.state = RunState::kDone;
      r.already_applied = true;
      r.reason = "applied by an earlier run (journal)";
      continue;
    }
    ++g.unresolved;
  }
}

bool Executor::Impl::FirstStepDisruptive(const InstanceRun& r) const {
  for (size_t i = r.next; i < r.ip->steps.size(); ++i) {
    int s = r.ip->steps[i];
    if (step_done[s]) continue;
    StepKind k = plan->steps[s].kind;
    if (k == StepKind::kStop || k == StepKind::kReboot) return true;
    if (k == StepKind::kModify)
      return r.ip->direction == Direction::kDowngrade && r.have_live && r.live.status == kRunning;
    return false;
  }
  return false;
}

int Executor::Impl::DependencyVerdict(const InstanceRun& r, std::string* why) {
  const GroupRun& own = groups[r.group];
  if (own.over_budget()) {
    *why = "group " + own.c.name + " exceeded maxFailures (" + std::to_string(own.failures) + " failed, " +
           std::to_string(own.c.max_failures) + " allowed)";
    return 2;
  }
  for (int d : own.deps) {
    const GroupRun& g = groups[d];
    if (g.over_budget()) {
      *why = "depends on group " + g.c.name + ", which exceeded maxFailures (" +
             std::to_string(g.failures) + " failed)";
      return 2;
    }
    if (g.unresolved > 0) return 1;
  }
  for (int s : r.ip->steps) {
    for (int p : external_preds[s]) {
      if (step_done[p]) continue;
      int pr = run_of_step[p];
      if (pr < 0) continue;
      const InstanceRun& other = runs[pr];
      if (other.state == RunState::kSkipped) {
        *why = "depends on " + other.ip->instance_id + ", which was skipped";
        return 2;
      }
      if (other.state == RunState::kFailed && groups[other.group].over_budget()) {
        *why = "depends on " + other.ip->instance_id + ", which failed";
        return 2;
      }
      if (other.state == RunState::kFailed || other.state == RunState::kDone) continue;
      if (s == r.ip->steps.front()) return 1;  // later steps are checked when reached
    }
  }
  return 0;
}

void Executor::Impl::Admit() {
  for (auto& r : runs) {
    if (r.state != RunState::kPending) continue;
    if (stop_new) {
      Skip(r, stop_reason);
      continue;
    }
    std::string why;
    int v = DependencyVerdict(r, &why);
    if (v == 2) {
      Skip(r, why);
      continue;
    }
    if (v == 1) continue;
    if (active >= std::max(1, plan->max_parallel)) continue;
    GroupRun& g = groups[r.group];
    bool already_down = r.have_live && r.live.status != kRunning && r.stopped_by_respec;
    if (!already_down && FirstStepDisruptive(r) && g.unavailable >= std::max(1, g.c.max_unavailable)) continue;
    r.state = RunState::kActive;
    ++active;
    if (already_down && WantsRunning(r)) {
      // Resumed: respec stopped it in an earlier run; it stays counted until Running.
      r.unavailable = true;
      ++g.unavailable;
    }
    Advance(r);
  }
}

void Executor::Impl::Skip(InstanceRun& r, const std::string& reason) {
  r.state = RunState::kSkipped;
  r.reason = reason;
  --groups[r.group].unresolved;
  Emit(EventKind::kInstanceSkipped, &r, reason);
}

void Executor::Impl::Finish(InstanceRun& r) {
  ReleaseUnavailable(r);
  r.state = RunState::kDone;
  --active;
  --groups[r.group].unresolved;
  journal->Append({{"ev", "instance_done"}, {"instance", r.ip->instance_id},
                   {"t", FormatUtcSeconds(clock->Now())}});
  Emit(EventKind::kInstanceDone, &r, r.ip->target_type);
}

void Executor::Impl::Emit(EventKind k, const InstanceRun* r, std::string message, const CloudError* err) {
  Event e;
  e.kind = k;
  e.time = clock->Now();
  e.message = std::move(message);
  if (r) {
    e.instance_id = r->ip->instance_id;
    e.group = r->ip->group;
    e.step = r->op;
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

void Executor::Impl::PollIfDue() {
  auto now = clock->Now();
  if (waiter.NextPollAt() > now) return;
  for (auto& req : waiter.TakeDue(now)) {
    uint64_t token = next_token++;
    CallSlot& slot = calls[token];
    slot.op = "describe";
    slot.poll = req;
    polls_to_submit.emplace_back(token, [this, &slot] { slot.page.emplace(cloud->DescribeInstances(slot.poll)); });
  }
}

void Executor::Impl::Flush() {
  // Polls need no journal record.
  for (auto& [token, work] : polls_to_submit) runner->Submit(token, std::move(work), "DescribeInstances");
  polls_to_submit.clear();
  if (to_submit.empty() || sync_in_flight) return;
  uint64_t token = next_token++;
  CallSlot& slot = calls[token];
  slot.is_sync = true;
  slot.sync_batch = journal->TakePending();
  after_sync = std::move(to_submit);
  to_submit.clear();
  sync_in_flight = true;
  runner->Submit(token, [this, &slot] { slot.sync_status = journal->WriteSynced(slot.sync_batch); },
                 "journal");
}

void Executor::Impl::OnSynced(CallSlot& slot) {
  sync_in_flight = false;
  if (!slot.sync_status.ok() && !stop_new) {
    // Without a journal a crash could not be resumed safely: start nothing new
    // (the chains in flight still finish, so nothing is left stopped).
    stop_new = true;
    stop_reason = "journal write failed: " + slot.sync_status.message();
    Emit(EventKind::kMessage, nullptr, stop_reason);
  }
  for (auto& [t, work] : after_sync) {
    auto it = calls.find(t);
    runner->Submit(t, std::move(work), it == calls.end() ? "" : it->second.op);
  }
  after_sync.clear();
  Flush();
}

void Executor::Impl::HandleCompletion(uint64_t token) {
  auto it = calls.find(token);
  if (it == calls.end()) return;
  CallSlot slot = std::move(it->second);
  calls.erase(it);
  if (slot.is_sync) return OnSynced(slot);
  if (slot.run < 0) {
    auto now = clock->Now();
    if (slot.page && !slot.page->ok() && slot.page->error().category == ErrorCategory::kAuth && !stop_new) {
      stop_new = true;
      stop_reason = "authentication failed: " + slot.page->error().Describe();
      Emit(EventKind::kMessage, nullptr, stop_reason, &slot.page->error());
    }
    for (const auto& w : waiter.OnAnswer(slot.poll, *slot.page, now)) HandleWatchResult(w);
    return;
  }
  OnCallResult(runs[slot.run], slot);
}

void Executor::Impl::HandleWatchResult(const WatchResult& w) {
  InstanceRun& r = runs[w.key];
  if (r.phase != Phase::kWatching) return;
  r.phase = Phase::kIdle;
  if (w.not_found) {
    CloudError e = MakeCloudError("InvalidInstanceId.NotFound", "");
    e.action = "DescribeInstances";
    e.instance_id = r.ip->instance_id;
    r.have_live = false;
    if (r.compensating) return EndFailed(r, "no longer visible to DescribeInstances; check it by hand");
    Fail(r, e);
    return;
  }
  r.live = w.instance;
  r.have_live = true;
  if (r.live.status == kRunning) ReleaseUnavailable(r);
  if (r.compensating) {
    Compensate(r);
  } else if (r.watch_is_effect) {
    StepDone(r, "", false);
  } else {
    Advance(r);
  }
}

void Executor::Impl::CheckTimeouts() {
  auto now = clock->Now();
  auto limit = Millis(static_cast<int64_t>(opt.step_timeout.count() / std::max(opt.waiter.time_scale, 1e-9)));
  for (auto& r : runs) {
    if (r.state != RunState::kActive || r.phase != Phase::kWatching || now - r.op_since < limit) continue;
    waiter.Cancel(static_cast<uint64_t>(Index(r)));
    r.phase = Phase::kIdle;
    CloudError e = MakeCloudError("Respec.StepTimeout",
                                  "no effect of " + r.op + " observed after " +
                                      std::to_string(limit.count() / 1000) + " s");
    e.instance_id = r.ip->instance_id;
    if (r.compensating) {
      EndFailed(r, "could not confirm it started again; check it by hand");
    } else {
      Fail(r, e);
    }
  }
}

Summary Executor::Impl::Run() {
  started = clock->Now();
  Init();
  journal->Append({{"ev", "begin"}, {"plan_id", plan->plan_id}, {"pid", static_cast<int>(::getpid())},
                   {"t", FormatUtcSeconds(started)}});
  Flush();
  Emit(EventKind::kRunStarted, nullptr, plan->plan_id);
  for (;;) {
    int level = opt.interrupt_level ? opt.interrupt_level() : 0;
    if (level >= 2) {
      aborted = true;
      abort_reason = "stopped at once (second interrupt); run `respec apply` again on the same plan to resume";
      Emit(EventKind::kMessage, nullptr, abort_reason);
      break;
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
    Admit();
    for (auto& r : runs)
      if (r.state == RunState::kActive && r.phase == Phase::kIdle) Advance(r);
    CheckTimeouts();
    PollIfDue();
    Flush();
    reporter->OnProgress(MakeProgress());
    bool pending = std::any_of(runs.begin(), runs.end(), [](const InstanceRun& r) { return r.state == RunState::kPending; });
    if (active == 0 && calls.empty()) {
      if (!pending) break;
      // Nothing in flight can unblock what is left: a dependency that never resolves.
      for (auto& r : runs)
        if (r.state == RunState::kPending) Skip(r, "its dependencies did not complete");
      continue;
    }
    TimePoint deadline = waiter.NextPollAt();
    auto now = clock->Now();
    if (deadline == TimePoint::max()) deadline = now + Millis(1000);
    if (auto token = runner->WaitForCompletion(deadline)) {
      HandleCompletion(*token);
      // Take whatever else finished meanwhile before the next scheduling pass.
      for (int i = 0; i < 256 && !calls.empty(); ++i) {
        auto more = runner->WaitForCompletion(clock->Now());
        if (!more) break;
        HandleCompletion(*more);
      }
    }
  }
  Summary s = MakeSummary();
  journal->Append({{"ev", "end"}, {"exit_code", s.exit_code}, {"t", FormatUtcSeconds(clock->Now())}});
  // Best effort: the run is over; a failure here loses only outcome records.
  (void)journal->Sync();
  reporter->OnProgress(MakeProgress());
  reporter->OnSummary(s);
  return s;
}

}  // namespace respec
