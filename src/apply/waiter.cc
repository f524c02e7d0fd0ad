#include "apply/waiter.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <utility>

namespace respec {

Waiter::Waiter(Clock* clock, WaiterOptions options) : clock_(clock), opt_(std::move(options)) {
  if (opt_.time_scale <= 0) opt_.time_scale = 1;
  for (const auto& [kind, ms] : opt_.estimates) estimate_ms_[kind] = seed_ms_[kind] = Scaled(ms).count();
}

Millis Waiter::Scaled(Millis m) const {
  return Millis(static_cast<int64_t>(std::llround(m.count() / opt_.time_scale)));
}

Millis Waiter::Estimate(const std::string& kind) const {
  auto it = estimate_ms_.find(kind);
  if (it == estimate_ms_.end()) return Scaled(Millis(5000));
  return Millis(static_cast<int64_t>(it->second));
}

void Waiter::Watch(WatchSpec spec) {
  Live w;
  w.last_check = spec.since;
  w.saw_not_running = spec.began;
  w.spec = std::move(spec);
  auto now = clock_->Now();
  if (w.spec.what == WaitFor::kObserve) {
    w.next_check = now;
  } else if (w.spec.timed && Trusted(w.spec.kind)) {
    // At the estimate plus half a poll interval: the estimate is the middle
    // of the intervals completions were seen in.
    w.timed = true;
    w.next_check = std::max(now, w.spec.since + Estimate(w.spec.kind) + Scaled(opt_.min_interval) / 2);
  } else {
    w.next_check = std::max(now, w.spec.since + FirstCheck(w.spec.kind));
  }
  watches_[w.spec.key] = std::move(w);
}

void Waiter::Cancel(uint64_t key) { watches_.erase(key); }

TimePoint Waiter::NextPollAt() const {
  TimePoint t = TimePoint::max();
  for (const auto& [k, w] : watches_)
    if (!w.in_flight) t = std::min(t, w.next_check);
  return t;
}

TimePoint Waiter::NextCheckOf(uint64_t key) const {
  auto it = watches_.find(key);
  if (it == watches_.end() || it->second.in_flight) return TimePoint::max();
  return it->second.next_check;
}

bool Waiter::Trusted(const std::string& kind) const {
  auto n = samples_.find(kind);
  return n != samples_.end() && n->second >= kTrustedSamples;
}

void Waiter::Early(const std::string& kind) {
  auto it = estimate_ms_.find(kind);
  if (it != estimate_ms_.end()) it->second *= 1.5;
}

std::vector<WatchResult> Waiter::TakeTimed(TimePoint now) {
  std::vector<WatchResult> out;
  for (auto it = watches_.begin(); it != watches_.end();) {
    const Live& w = it->second;
    if (!w.timed || w.next_check > now) {
      ++it;
      continue;
    }
    WatchResult r;
    r.key = w.spec.key;
    r.elapsed = std::chrono::duration_cast<Millis>(now - w.spec.since);
    r.timed = true;
    out.push_back(std::move(r));
    it = watches_.erase(it);
  }
  return out;
}

std::vector<DescribeInstancesRequest> Waiter::TakeDue(TimePoint now) {
  // Coalesce: whatever is due within one minimum interval rides along.
  const TimePoint horizon = now + Scaled(opt_.min_interval);
  std::map<std::string, std::vector<std::string>> by_region;
  std::set<std::string> seen;
  bool any_due = false;
  for (const auto& [k, w] : watches_)
    if (!w.in_flight && !w.timed && w.next_check <= now) any_due = true;
  if (!any_due) return {};
  auto take = [&](Live& w, bool extra) {
    w.in_flight = true;
    w.extra = extra;
    if (seen.insert(w.spec.region + "/" + w.spec.instance_id).second)
      by_region[w.spec.region].push_back(w.spec.instance_id);
  };
  for (auto& [k, w] : watches_)
    if (!w.in_flight && !w.timed && w.next_check <= horizon) take(w, false);
  // Every other watch of a region rides along while the requests above
  // have room (100 IDs each): a free look, never an extra request. An
  // early look that misses leaves its schedule as it was.
  for (auto& [k, w] : watches_) {
    if (w.in_flight || w.timed || !by_region.count(w.spec.region)) continue;
    const size_t n = by_region[w.spec.region].size();
    if (n % 100 == 0 && !seen.count(w.spec.region + "/" + w.spec.instance_id)) continue;  // full
    take(w, true);
  }
  std::vector<DescribeInstancesRequest> out;
  for (auto& [region, ids] : by_region) {
    for (size_t i = 0; i < ids.size(); i += 100) {
      DescribeInstancesRequest r;
      r.region = region;
      r.instance_ids.assign(ids.begin() + i, ids.begin() + std::min(ids.size(), i + 100));
      r.max_results = 100;
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool Waiter::Met(Live& w, const Instance& inst, TimePoint now) const {
  if (inst.status != kRunning) w.saw_not_running = true;
  switch (w.spec.what) {
    case WaitFor::kObserve: return true;
    case WaitFor::kStable: return inst.status == kRunning || inst.status == kStopped;
    case WaitFor::kStopped: return inst.status == kStopped;
    case WaitFor::kRunning: return inst.status == kRunning;
    case WaitFor::kRestarted:
      return inst.status == kRunning &&
             (w.saw_not_running || now - w.spec.since >= RestartMin());
    case WaitFor::kType: return inst.type == w.spec.target_type;
  }
  return false;
}

void Waiter::Learn(const Live& w, TimePoint now) {
  if (w.spec.what == WaitFor::kObserve) return;
  // The effect happened between the previous check and this one.
  auto prev = w.last_check;
  double sample = std::chrono::duration<double, std::milli>((prev + (now - prev) / 2) - w.spec.since).count();
  // A first look (at a learned estimate, or a free ride-along) that already
  // sees the effect says only "done by now": take that, not half of it,
  // which would set the next looks early, where they miss. Looks that land
  // earlier than the estimate and still see the effect pull it down.
  if (prev == w.spec.since && Learned(w.spec.kind))
    sample = std::chrono::duration<double, std::milli>(now - w.spec.since).count();
  sample = std::max(sample, static_cast<double>(Scaled(opt_.min_interval).count()) / 2);
  double& est = estimate_ms_[w.spec.kind];
  int& n = samples_[w.spec.kind];
  double alpha = std::max(opt_.ewma_alpha, 1.0 / (n + 1));
  est = (1 - alpha) * est + alpha * sample;
  ++n;
}

Millis Waiter::RestartMin() const {
  const double full = static_cast<double>(Scaled(opt_.restart_min).count());
  double factor = 1;
  for (const auto& [kind, n] : samples_) {
    auto seed = seed_ms_.find(kind);
    if (n == 0 || seed == seed_ms_.end() || seed->second <= 0) continue;
    factor = std::min(factor, estimate_ms_.at(kind) / seed->second);
  }
  double ms = std::max(full * factor, static_cast<double>(Scaled(opt_.min_interval).count()));
  return Millis(static_cast<int64_t>(std::min(ms, full)));
}

bool Waiter::Learned(const std::string& kind) const {
  auto n = samples_.find(kind);
  return n != samples_.end() && n->second > 0;
}

Millis Waiter::FirstCheck(const std::string& kind) const {
  const Millis est = Estimate(kind);
  const Millis lo = Scaled(opt_.min_interval), hi = Scaled(opt_.max_interval);
  // A learned estimate is this cloud's own timing: look when the effect is
  // expected (looks before it would mostly see nothing). A seed estimate
  // may be far too slow for this cloud: look at a quarter of it, to learn.
  if (Learned(kind)) return std::clamp(est, lo, hi);
  return std::clamp(est / 4, lo, hi);
}

void Waiter::Schedule(Live& w, TimePoint now) {
  const Millis est = Estimate(w.spec.kind);
  const Millis lo = Scaled(opt_.min_interval), hi = Scaled(opt_.max_interval);
  const TimePoint due = w.spec.since + est;
  if (now < due && Learned(w.spec.kind)) {
    // A learned estimate: the next look is at the expected completion.
    w.next_check = std::max(due, now + lo);
  } else if (now < due) {
    // Approaching the expected completion: check at it, or a quarter estimate sooner.
    Millis step = std::clamp(est / 4, lo, hi);
    w.next_check = std::min(due, now + step);
    if (w.next_check < now + lo) w.next_check = now + lo;
  } else {
    double factor = std::pow(1.5, std::min(w.overdue_misses, 12));
    Millis step(static_cast<int64_t>(std::max(lo.count(), est.count() / 4) * factor));
    w.next_check = now + std::clamp(step, lo, hi);
    ++w.overdue_misses;
  }
}

std::vector<WatchResult> Waiter::OnAnswer(const DescribeInstancesRequest& req,
                                          const Result<DescribeInstancesPage>& answer,
                                          TimePoint now) {
  std::vector<WatchResult> out;
  std::unordered_map<std::string, const Instance*> found;
  if (answer.ok())
    for (const auto& inst : answer->instances) found[inst.id] = &inst;
  std::set<std::string> asked(req.instance_ids.begin(), req.instance_ids.end());
  for (auto it = watches_.begin(); it != watches_.end();) {
    Live& w = it->second;
    if (!w.in_flight || w.spec.region != req.region || !asked.count(w.spec.instance_id)) {
      ++it;
      continue;
    }
    w.in_flight = false;
    const bool extra = std::exchange(w.extra, false);
    if (!answer.ok()) {
      if (!extra) w.next_check = now + Scaled(opt_.min_interval) * 2;
      ++it;
      continue;
    }
    auto f = found.find(w.spec.instance_id);
    if (f == found.end()) {
      if (++w.not_found >= opt_.not_found_after) {
        WatchResult r{w.spec.key, true, {}, std::chrono::duration_cast<Millis>(now - w.spec.since)};
        out.push_back(std::move(r));
        it = watches_.erase(it);
        continue;
      }
      w.next_check = now + Scaled(opt_.min_interval);
      ++it;
      continue;
    }
    w.not_found = 0;
    if (Met(w, *f->second, now)) {
      Learn(w, now);
      out.push_back({w.spec.key, false, *f->second, std::chrono::duration_cast<Millis>(now - w.spec.since)});
      it = watches_.erase(it);
      continue;
    }
    if (w.spec.give_up_after.count() > 0 && now - w.spec.since >= w.spec.give_up_after) {
      WatchResult r{w.spec.key, false, *f->second, std::chrono::duration_cast<Millis>(now - w.spec.since)};
      r.timed_out = true;
      out.push_back(std::move(r));
      it = watches_.erase(it);
      continue;
    }
    w.last_check = now;
    if (extra && w.next_check > now) {  // a free look that missed: the schedule stands
      ++it;
      continue;
    }
    Schedule(w, now);
    if (w.spec.give_up_after.count() > 0)  // check again right at the bound, not later
      w.next_check = std::min(w.next_check, w.spec.since + w.spec.give_up_after);
    ++it;
  }
  return out;
}

Millis TypeVisibleBound(const WaiterOptions& o) {
  double scale = o.time_scale > 0 ? o.time_scale : 1;
  return Millis(static_cast<long long>(static_cast<double>(kTypeVisibleBound.count()) / scale));
}

}  // namespace respec
