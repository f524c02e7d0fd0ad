// The shared waiter on its own: batching per region, restart detection,
// learning step durations, not-found handling.
#include <catch2/catch.hpp>

#include "apply/waiter.h"

using namespace respec;

namespace {

Instance Inst(const std::string& id, const std::string& status, const std::string& type = "ecs.g7.large") {
  Instance i;
  i.id = id;
  i.region = "cn-hangzhou";
  i.status = status;
  i.type = type;
  return i;
}

WatchSpec Spec(uint64_t key, const std::string& id, WaitFor what, const std::string& kind, TimePoint since,
               const std::string& region = "cn-hangzhou") {
  WatchSpec w;
  w.key = key;
  w.region = region;
  w.instance_id = id;
  w.what = what;
  w.kind = kind;
  w.since = since;
  w.target_type = "ecs.g7.xlarge";
  return w;
}

DescribeInstancesPage Page(std::vector<Instance> v) {
  DescribeInstancesPage p;
  p.instances = std::move(v);
  return p;
}

}  // namespace

TEST_CASE("waiter: due watches become DescribeInstances batches of <= 100 IDs per region") {
  VirtualClock clock;
  Waiter w(&clock);
  for (int i = 0; i < 230; ++i)
    w.Watch(Spec(i, "i-a" + std::to_string(i), WaitFor::kStopped, "stop", clock.Now()));
  for (int i = 0; i < 30; ++i)
    w.Watch(Spec(1000 + i, "i-b" + std::to_string(i), WaitFor::kStopped, "stop", clock.Now(), "cn-shanghai"));
  REQUIRE(w.TakeDue(clock.Now()).empty());  // nothing due before half the estimate
  clock.Advance(w.Estimate("stop"));
  auto reqs = w.TakeDue(clock.Now());
  REQUIRE(reqs.size() == 4);  // 100 + 100 + 30 in one region, 30 in the other
  size_t ids = 0;
  for (const auto& r : reqs) {
    REQUIRE(r.instance_ids.size() <= 100);
    ids += r.instance_ids.size();
  }
  REQUIRE(ids == 260);
  REQUIRE(w.TakeDue(clock.Now()).empty());  // all in flight now
  REQUIRE(w.NextPollAt() == TimePoint::max());
}

TEST_CASE("waiter: a restart counts only after a non-Running status or the minimum time") {
  VirtualClock clock;
  WaiterOptions opt;
  Waiter w(&clock, opt);
  const TimePoint t0 = clock.Now();
  w.Watch(Spec(1, "i-r", WaitFor::kRestarted, "reboot", t0));
  clock.Advance(Millis(4000));
  auto req = w.TakeDue(clock.Now());
  REQUIRE(req.size() == 1);
  // Still Running: the restart may not have begun.
  REQUIRE(w.OnAnswer(req[0], Page({Inst("i-r", kRunning)}), clock.Now()).empty());
  clock.Advance(Millis(1000));
  req = w.TakeDue(clock.Now() + Millis(10000));
  REQUIRE(req.size() == 1);
  REQUIRE(w.OnAnswer(req[0], Page({Inst("i-r", kStarting)}), clock.Now()).empty());
  clock.Advance(Millis(1000));
  req = w.TakeDue(clock.Now() + Millis(10000));
  auto done = w.OnAnswer(req[0], Page({Inst("i-r", kRunning)}), clock.Now());
  REQUIRE(done.size() == 1);
  REQUIRE(done[0].key == 1);

}

// Polls a Running-all-along instance until the restart watch resolves; returns the elapsed time.
static Millis RestartSeenAfter(VirtualClock& clock, Waiter& w, uint64_t key) {
  w.Watch(Spec(key, "i-q", WaitFor::kRestarted, "reboot", clock.Now()));
  const TimePoint since = clock.Now();
  for (int polls = 0; polls < 50; ++polls) {
    clock.Set(std::max(clock.Now(), w.NextPollAt()));
    auto r = w.TakeDue(clock.Now());
    REQUIRE(r.size() == 1);
    if (!w.OnAnswer(r[0], Page({Inst("i-q", kRunning)}), clock.Now()).empty())
      return std::chrono::duration_cast<Millis>(clock.Now() - since);
  }
  FAIL("the restart never resolved");
  return Millis(0);
}

TEST_CASE("waiter: without a non-Running sighting, a minimum time decides; it shrinks on a fast cloud") {
  VirtualClock clock;
  WaiterOptions opt;
  {
    Waiter w(&clock, opt);
    REQUIRE(RestartSeenAfter(clock, w, 1) >= opt.restart_min);
  }
  Waiter fast(&clock, opt);
  // Orders settle within 0.5 s instead of the seed's 5-10 s: a 10x faster (emulated) cloud.
  for (int i = 0; i < 3; ++i) {
    fast.Watch(Spec(10 + i, "i-m", WaitFor::kType, "modify", clock.Now()));
    clock.Set(fast.NextPollAt());
    auto r = fast.TakeDue(clock.Now());
    REQUIRE(fast.OnAnswer(r[0], Page({Inst("i-m", kRunning, "ecs.g7.xlarge")}), clock.Now()).size() == 1);
  }
  Millis seen = RestartSeenAfter(clock, fast, 2);
  REQUIRE(seen < opt.restart_min / 2);
  REQUIRE(seen >= opt.min_interval);
}

TEST_CASE("waiter: estimates learn from completions, so a fast cloud is polled sooner") {
  VirtualClock clock;
  Waiter w(&clock);
  const Millis initial = w.Estimate("modify");
  for (int round = 0; round < 10; ++round) {
    w.Watch(Spec(round, "i-m", WaitFor::kType, "modify", clock.Now()));
    clock.Set(w.NextPollAt());
    auto r = w.TakeDue(clock.Now());
    REQUIRE(r.size() == 1);
    // The order is always done by the first check: the cloud is faster than the seed's 5-10 s.
    REQUIRE(w.OnAnswer(r[0], Page({Inst("i-m", kStopped, "ecs.g7.xlarge")}), clock.Now()).size() == 1);
  }
  REQUIRE(w.Estimate("modify") < initial / 3);
}

TEST_CASE("waiter: an instance missing from answers resolves as not found; failed polls retry") {
  VirtualClock clock;
  WaiterOptions opt;
  Waiter w(&clock, opt);
  w.Watch(Spec(7, "i-gone", WaitFor::kObserve, "observe", clock.Now()));
  int answers = 0;
  std::vector<WatchResult> out;
  while (out.empty() && answers < 10) {
    clock.Set(std::max(clock.Now(), w.NextPollAt()));
    auto r = w.TakeDue(clock.Now());
    REQUIRE(r.size() == 1);
    if (answers == 0) {
      // A failed poll (e.g. throttled past retries) changes nothing but the schedule.
      REQUIRE(w.OnAnswer(r[0], MakeCloudError("Throttling", ""), clock.Now()).empty());
    } else {
      out = w.OnAnswer(r[0], Page({}), clock.Now());
    }
    ++answers;
  }
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].not_found);
  REQUIRE(answers == 1 + opt.not_found_after);
}

TEST_CASE("waiter: a kType watch with give_up_after times out at the bound, not before") {
  VirtualClock clock;
  WaiterOptions o;
  CHECK(TypeVisibleBound(o) == Millis(20000));  // twice the seeds' upper 10 s
  o.time_scale = 4;
  CHECK(TypeVisibleBound(o) == Millis(5000));
  Waiter w(&clock, WaiterOptions{});
  WatchSpec s = Spec(1, "i-1", WaitFor::kType, "modify", clock.Now());
  s.give_up_after = TypeVisibleBound(WaiterOptions{});
  w.Watch(s);
  WatchSpec shows = Spec(2, "i-2", WaitFor::kType, "modify", clock.Now());
  shows.give_up_after = s.give_up_after;
  w.Watch(shows);
  bool timed_out = false, resolved_2 = false;
  for (int guard = 0; guard < 200 && !timed_out; ++guard) {
    TimePoint at = w.NextPollAt();
    REQUIRE(at != TimePoint::max());
    if (at > clock.Now()) clock.Advance(std::chrono::duration_cast<Millis>(at - clock.Now()));
    for (const auto& req : w.TakeDue(clock.Now())) {
      // i-1 keeps its old type (the type shows only after a restart);
      // i-2 shows the new type after 8 s.
      bool new2 = clock.Now() - s.since >= Millis(8000);
      auto res = w.OnAnswer(req, Page({Inst("i-1", kRunning), Inst("i-2", kRunning, new2 ? "ecs.g7.xlarge" : "ecs.g7.large")}),
                            clock.Now());
      for (const auto& r : res) {
        if (r.key == 2) {
          resolved_2 = true;
          CHECK_FALSE(r.timed_out);
        } else {
          CHECK(r.timed_out);
          CHECK(r.elapsed >= Millis(20000));
          CHECK(r.elapsed < Millis(20000) + Millis(1000));  // checked right at the bound
          CHECK(r.instance.type == "ecs.g7.large");
          timed_out = true;
        }
      }
    }
  }
  CHECK(timed_out);
  CHECK(resolved_2);
}

TEST_CASE("waiter: every other watch rides along in a due poll while its requests have room") {
  VirtualClock clock;
  Waiter w(&clock);
  const TimePoint t0 = clock.Now();
  w.Watch(Spec(1, "i-due", WaitFor::kStopped, "stop", t0));
  clock.Advance(Millis(1100));
  // 250 watches started later: none is due (or within the coalescing window) when i-due is.
  for (int i = 0; i < 250; ++i)
    w.Watch(Spec(100 + i, "i-later" + std::to_string(i), WaitFor::kStopped, "stop", clock.Now()));
  const TimePoint later_due = clock.Now() + w.Estimate("stop") / 4;
  clock.Set(t0 + w.Estimate("stop") / 4);
  REQUIRE(clock.Now() + WaiterOptions{}.min_interval < later_due);
  auto reqs = w.TakeDue(clock.Now());
  // One request, filled to 100 IDs by watches not yet due; never a second request for them.
  REQUIRE(reqs.size() == 1);
  REQUIRE(reqs[0].instance_ids.size() == 100);
  std::vector<Instance> seen;
  for (const auto& id : reqs[0].instance_ids) seen.push_back(Inst(id, id == "i-due" ? kStopping : kRunning));
  REQUIRE(w.OnAnswer(reqs[0], Page(seen), clock.Now()).empty());
  // The ride-alongs that missed keep their schedule; i-due is re-checked
  // after the minimum interval, with the watches due by then riding along.
  REQUIRE(w.NextPollAt() >= clock.Now() + WaiterOptions{}.min_interval);
  clock.Set(later_due);
  reqs = w.TakeDue(clock.Now());
  size_t ids = 0;
  for (const auto& r : reqs) ids += r.instance_ids.size();
  REQUIRE(ids == 251);
  REQUIRE(reqs.size() == 3);
  // A ride-along that sees the effect resolves at once.
  std::vector<WatchResult> done;
  for (const auto& r : reqs) {
    std::vector<Instance> stopped;
    for (const auto& id : r.instance_ids) stopped.push_back(Inst(id, kStopped));
    for (auto& d : w.OnAnswer(r, Page(stopped), clock.Now())) done.push_back(d);
  }
  REQUIRE(done.size() == 251);

  // Ride-alongs that missed are looked at again when they were due, not later.
  Waiter few(&clock);
  const TimePoint t1 = clock.Now();
  few.Watch(Spec(1, "i-due", WaitFor::kStopped, "stop", t1));
  clock.Advance(Millis(1100));
  const TimePoint few_due = clock.Now() + few.Estimate("stop") / 4;
  for (int i = 0; i < 5; ++i) few.Watch(Spec(10 + i, "i-f" + std::to_string(i), WaitFor::kStopped, "stop", clock.Now()));
  clock.Set(t1 + few.Estimate("stop") / 4);
  reqs = few.TakeDue(clock.Now());
  REQUIRE(reqs.size() == 1);
  REQUIRE(reqs[0].instance_ids.size() == 6);
  std::vector<Instance> running;
  for (const auto& id : reqs[0].instance_ids) running.push_back(Inst(id, kRunning));
  REQUIRE(few.OnAnswer(reqs[0], Page(running), clock.Now()).empty());
  REQUIRE(few.NextPollAt() == few_due);
}

TEST_CASE("waiter: once a kind's duration is learned, a watch is first checked when it is expected") {
  VirtualClock clock;
  Waiter w(&clock);
  // Unlearned: a quarter of the seed estimate.
  w.Watch(Spec(1, "i-s", WaitFor::kStopped, "stop", clock.Now()));
  REQUIRE(w.NextPollAt() == clock.Now() + w.Estimate("stop") / 4);
  clock.Advance(Millis(2000));
  auto r = w.TakeDue(clock.Now());
  REQUIRE(w.OnAnswer(r[0], Page({Inst("i-s", kStopping)}), clock.Now()).empty());
  clock.Advance(Millis(2000));
  r = w.TakeDue(clock.Now() + Millis(10000));
  REQUIRE(w.OnAnswer(r[0], Page({Inst("i-s", kStopped)}), clock.Now()).size() == 1);
  const Millis learned = w.Estimate("stop");
  REQUIRE(learned == Millis(3000));  // midway between the last miss (2 s) and the hit (4 s)
  // Learned: the first look is at the expected completion, not before it.
  const TimePoint since = clock.Now();
  w.Watch(Spec(2, "i-t", WaitFor::kStopped, "stop", since));
  REQUIRE(w.NextPollAt() == since + learned);
  clock.Set(since + learned);
  r = w.TakeDue(clock.Now());
  REQUIRE(r.size() == 1);
  // Not there yet: the next look is after the minimum interval.
  REQUIRE(w.OnAnswer(r[0], Page({Inst("i-t", kStopping)}), clock.Now()).empty());
  REQUIRE(w.NextPollAt() == clock.Now() + WaiterOptions{}.min_interval);
}

// Teaches `kind` a duration of `d` with `n` completions, each seen on the
// first look at the (then learned) estimate or later.
static void Teach(VirtualClock& clock, Waiter& w, const std::string& kind, Millis d, int n, uint64_t key0) {
  for (int i = 0; i < n; ++i) {
    const TimePoint since = clock.Now();
    w.Watch(Spec(key0 + i, "i-teach", WaitFor::kStopped, kind, since));
    for (;;) {
      clock.Set(std::max(clock.Now(), w.NextPollAt()));
      auto r = w.TakeDue(clock.Now());
      REQUIRE(r.size() == 1);
      const bool done = clock.Now() - since >= d;
      if (!w.OnAnswer(r[0], Page({Inst("i-teach", done ? kStopped : kStopping)}), clock.Now()).empty()) break;
    }
  }
}

TEST_CASE("waiter: a timed watch resolves at the trusted estimate without a poll; Early() pushes it out") {
  VirtualClock clock;
  Waiter w(&clock);
  // Not trusted yet: an ordinary watch, polled.
  REQUIRE_FALSE(w.Trusted("stop"));
  WatchSpec untrusted = Spec(1, "i-u", WaitFor::kStopped, "stop", clock.Now());
  untrusted.timed = true;
  w.Watch(untrusted);
  clock.Set(w.NextPollAt());
  REQUIRE(w.TakeTimed(clock.Now()).empty());
  REQUIRE(w.TakeDue(clock.Now()).size() == 1);
  w.Cancel(1);

  Teach(clock, w, "stop", Millis(3000), kTrustedSamples, 10);
  REQUIRE(w.Trusted("stop"));
  const Millis est = w.Estimate("stop");
  REQUIRE(est >= Millis(2500));
  REQUIRE(est <= Millis(3500));
  const TimePoint since = clock.Now();
  WatchSpec t = Spec(2, "i-t", WaitFor::kStopped, "stop", since);
  t.timed = true;
  w.Watch(t);
  const TimePoint at = since + est + WaiterOptions{}.min_interval / 2;
  REQUIRE(w.NextPollAt() == at);  // the executor wakes for it
  clock.Set(at - Millis(1));
  REQUIRE(w.TakeTimed(clock.Now()).empty());
  REQUIRE(w.TakeDue(clock.Now()).empty());
  // Never in a poll, not even within another watch's coalescing window or
  // as a ride-along.
  w.Watch(Spec(3, "i-o", WaitFor::kObserve, "observe", clock.Now()));
  auto other = w.TakeDue(clock.Now());
  REQUIRE(other.size() == 1);
  REQUIRE(other[0].instance_ids == std::vector<std::string>{"i-o"});
  REQUIRE(w.OnAnswer(other[0], Page({Inst("i-o", kRunning)}), clock.Now()).size() == 1);
  clock.Set(at);
  REQUIRE(w.TakeDue(clock.Now()).empty());
  auto done = w.TakeTimed(clock.Now());
  REQUIRE(done.size() == 1);
  CHECK(done[0].key == 2);
  CHECK(done[0].timed);
  CHECK(done[0].instance.id.empty());
  REQUIRE(w.size() == 0);

  // Refused for the state: the estimate grows by half, so the next waits longer.
  w.Early("stop");
  REQUIRE(w.Estimate("stop").count() == est.count() * 3 / 2);
}

TEST_CASE("waiter: a restart whose call answer showed it leave Running needs no minimum time") {
  VirtualClock clock;
  Waiter w(&clock);
  WatchSpec s = Spec(1, "i-b", WaitFor::kRestarted, "reboot", clock.Now());
  s.began = true;  // RebootInstances answered CurrentStatus=Stopping
  w.Watch(s);
  clock.Set(w.NextPollAt());
  auto r = w.TakeDue(clock.Now());
  REQUIRE(r.size() == 1);
  REQUIRE(clock.Now() - s.since < Millis(5000));  // well before the minimum time
  REQUIRE(w.OnAnswer(r[0], Page({Inst("i-b", kRunning)}), clock.Now()).size() == 1);
}

TEST_CASE("waiter: a first look at a learned estimate that sees the effect keeps the estimate") {
  VirtualClock clock;
  Waiter w(&clock);
  Teach(clock, w, "start", Millis(4000), 1, 1);
  const Millis learned = w.Estimate("start");
  for (int i = 0; i < 5; ++i) {
    const TimePoint since = clock.Now();
    w.Watch(Spec(100 + i, "i-k", WaitFor::kRunning, "start", since));
    clock.Set(w.NextPollAt());
    REQUIRE(clock.Now() - since == w.Estimate("start"));
    auto r = w.TakeDue(clock.Now());
    REQUIRE(w.OnAnswer(r[0], Page({Inst("i-k", kRunning)}), clock.Now()).size() == 1);
  }
  // Done by each first look: "done by then", not "done at half of it".
  CHECK(w.Estimate("start") == learned);
}
