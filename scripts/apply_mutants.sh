#!/usr/bin/env bash
# Hand-made mutants of apply (issues 10, 12 and 15; 24-34 from session 4): each breaks one behaviour in
# the source; the named test_apply case must then fail. The file is restored
# from git after each mutant, so run this on a clean tree.
#   scripts/apply_mutants.sh [BUILD_DIR] [MUTANT_NUMBER...]
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}; shift || true
# file % sed expression % test case that must fail
MUTANTS=(
  'src/apply/executor_calls.cc%s/if (durable || !slot.journaled) {/if (true) {/%a journal that fails stops new work; no unjournaled call but the restoring start'
  'src/apply/executor_calls.cc%s/  to_submit.emplace_back(token, std::move(work));/  runner->Submit(token, std::move(work), ActionOf(op));/%every action call'"'"'s record is durable before the cloud sees the call'
  'src/apply/executor.cc%s/  if (!aborted) {/  if (true) {/%a hard stop looks like a crash: no end record, nothing synced after the last call'
  'src/apply/executor_calls.cc%s/if (req.client_token.empty()) req.client_token = MakeClientToken(plan->plan_id, id, "modify");/req.client_token = MakeClientToken(plan->plan_id, id, "modify" + std::to_string(token));/%resume re-sends the same ClientToken for an order in flight at the crash'
  'src/apply/executor.cc%s/if (!opt.resume.finished.count(id) && /if (/%resume honours the journal'"'"'s finished, steps_done and stopped'
  'src/apply/schedule.cc%s/  for (int s : steps_done)/  for (int s : std::set<int>{})/%resume honours the journal'"'"'s finished, steps_done and stopped'
  'src/apply/executor.cc%s/r.stopped_by_respec = opt.resume.stopped.count(id) > 0;/r.stopped_by_respec = false;/%resume honours stopped: an instance respec stopped counts against maxUnavailable at once'
  'src/apply/executor_steps.cc%s/^  ObserveAfresh(r);$/  Compensate(r);/%an ambiguous stop (no answer, but it happened) is compensated from a fresh read'
  'src/apply/executor_calls.cc%/could not start it again (/{n;s/.*/    return EndFailed(r, "could not start it again");/}%restoring the power state retries the start within its own budget'
  'src/apply/executor.cc%s/  if (!aborted) ObserveFinalState();//%the summary reports the live state read after respec'"'"'s last action'
  'src/apply/executor.cc%s/if (r.live && r.live->type != r.ip->target_type) {/if (false) {/%already applied needs the journal AND the live type: a cloud that lost the change is not'
  'src/apply/executor_summary.cc%s/      if (type_ok) {/      if (true) {/%already applied needs the journal AND the live type: a cloud that lost the change is not'
  'src/apply/executor_calls.cc%s/  slot.journaled = !(r.goal == Goal::kRestore && op == Op::kStart);/  slot.journaled = true;/%a journal that fails stops new work; no unjournaled call but the restoring start'
  'src/apply/executor.cc%s/    Watch(r, WaitFor::kObserve, r.op, OnSeen::kTimeoutVerdict);/    Fail(r, MakeCloudError("Respec.StepTimeout", "")); continue;/%a stop whose effect shows just after the step timeout completes the step'
  'src/apply/executor.cc%s/    const bool order = r.op == Op::kModify \&\& r.waiting_for == WaitFor::kType;/    const bool order = false;/%an unpaid order (autoPay: false) is reported as its own outcome within the order deadline'
  'src/apply/executor_steps.cc%s/    if (clock->Now() - r.restore_since < Scaled(opt.restore_timeout)) return ObserveAfresh(r);//%the restoring read outlasts a step timeout: respec keeps looking within its restore budget'
  'src/apply/executor_steps.cc%s/  if (r.ip->options.auto_pay == false) return false;/  if (r.ip) return false;/%a Running whenFinished upgrade whose type shows only after the restart: restart at the bound, then confirm'
  'src/apply/executor_steps.cc%s/if (r.live \&\& r.live->type != r.ip->target_type) return Fail(r, TypeNotConfirmed(r));/if (false) return;/%the type still old after the restart: not changed, the observation said, exit non-zero'
  'src/apply/executor_steps.cc%s/  if (r.ip->options.auto_pay == false) return false;//%an unpaid order (autoPay: false) is reported as its own outcome within the order deadline'
  'src/apply/executor_summary.cc%s/        o.kind = InstanceOutcomeKind::kOrderPending;/        o.kind = InstanceOutcomeKind::kFailed;/%an order pending is its own outcome: order_pending with the OrderId in --json, its own section in text'
  'src/apply/executor_summary.cc%s/s.order_pending == 0 \&\& //%an unpaid order (autoPay: false) is reported as its own outcome within the order deadline'
  'src/apply/executor_calls.cc%s/    const bool force = slot.op == Op::kStop \&\& ip.options.force_stop;/    const bool force = false;/%forceStop: StopInstance carries ForceStop only when the plan says so'
  'src/apply/executor_steps.cc%s/      if (r.live->type != r.ip->target_type) r.type_unconfirmed = true;//%resumed after the order, before the restart: the restart still confirms the type'
  # Session 4 (issue 15's budget case): batches, the timed stop, restarts in step.
  'src/apply/executor_calls.cc%s/i < members.size(); i += kPowerBatchMax) {/i < members.size(); i += 1) {/;s/std::min(members.size(), i + kPowerBatchMax)/std::min(members.size(), i + 1)/%stops admitted together leave as one StopInstances of every instance'
  'src/apply/executor_calls.cc%s/  const bool left_out = e.code == "Response.MissingInstance";/  const bool left_out = false;/%an instance a batch answer left out is read again, not failed, and not stopped twice'
  'src/apply/executor_calls.cc%s/      const bool timed = completes == OnSeen::kCompleteStep \&\& NextCallChecksStopped(r);/      const bool timed = false;/%once stops are learned, a downgrade'"'"'s order goes out at the stop time; the API checks Stopped'
  'src/apply/executor_steps.cc%s/  if (r.stop_unread) return Call(r, Op::kModify, \&s);.*//%once stops are learned, a downgrade'"'"'s order goes out at the stop time; the API checks Stopped'
  'src/apply/executor_calls.cc%s/    waiter.Early(OpName(Op::kStop));/    (void)0;/%once stops are learned, a downgrade'"'"'s order goes out at the stop time; the API checks Stopped'
  'src/apply/executor.cc%s/  if (opt.align_window.count() <= 0) return;/  return;/%a freed slot waits for a peer expected back soon, so restarts fall into step'
  'src/apply/executor_steps.cc%s/      if (SlotHeld(r) || !schedule.TakeUnavailable(i)) return;/      if (!schedule.TakeUnavailable(i)) return;/%a freed slot waits for a peer expected back soon, so restarts fall into step'
  'src/apply/waiter.cc%s/  if (it != estimate_ms_.end()) it->second \*= 1.5;/  if (it != estimate_ms_.end()) it->second *= 1.0;/%waiter: a timed watch resolves at the trusted estimate without a poll; Early() pushes it out'
  'src/apply/waiter.cc%s/    if (!w.in_flight \&\& !w.timed \&\& w.next_check <= horizon) take(w, false);/    if (!w.in_flight \&\& w.next_check <= horizon) take(w, false);/%waiter: a timed watch resolves at the trusted estimate without a poll; Early() pushes it out'
  'src/apply/waiter.cc%s/  w.saw_not_running = spec.began;//%waiter: a restart whose call answer showed it leave Running needs no minimum time'
  'src/apply/waiter.cc%s/  if (prev == w.spec.since \&\& Learned(w.spec.kind))/  if (false)/%waiter: a first look at a learned estimate that sees the effect keeps the estimate'
)
want=("$@")
n=0; killed=0; survived=0
for m in "${MUTANTS[@]}"; do
  n=$((n + 1))
  if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " == *" $n "* ]]; then continue; fi
  IFS='%' read -r file expr test <<<"$m"
  if ! git diff --quiet -- "$file"; then echo "mutant $n: $file has local changes; skipped"; continue; fi
  sed -i "$expr" "$file"
  if git diff --quiet -- "$file"; then echo "mutant $n: the expression matched nothing ($file)"; survived=$((survived + 1)); continue; fi
  if ! cmake --build "$BUILD" --target test_apply >/dev/null 2>&1; then
    echo "mutant $n: does not compile ($file)"; git checkout -q -- "$file"; survived=$((survived + 1)); continue
  fi
  spec=${test//,/\\,}  # Catch reads a comma as "or"
  out=$("$BUILD/test_apply" "$spec" 2>&1); rc=$?
  if [[ "$out" == *"No test cases matched"* ]]; then
    echo "mutant $n: no test named '$test'"; survived=$((survived + 1))
  elif [ $rc -eq 0 ]; then
    echo "mutant $n SURVIVED: $file [$expr] — '$test' still passes"; survived=$((survived + 1))
  else
    echo "mutant $n killed by '$test' ($file)"; killed=$((killed + 1))
  fi
  git checkout -q -- "$file"
done
cmake --build "$BUILD" --target test_apply >/dev/null 2>&1
echo "killed $killed, survived $survived"
[ "$survived" -eq 0 ]
