#include "cloud/retrying_cloud.h"

#include <set>

#include <fmt/format.h>

#include "cloud/error_table.h"

namespace respec {

CallCounters& CallCounters::operator+=(const CallCounters& o) {
  calls += o.calls;
  attempts += o.attempts;
  throttled += o.throttled;
  order_busy += o.order_busy;
  transient += o.transient;
  failed += o.failed;
  state_checks += o.state_checks;
  slept += o.slept;
  paced += o.paced;
  return *this;
}

RetryingCloud::RetryingCloud(Cloud* target, const RetryPolicy& policy, const RateSettings& rate,
                             Clock* clock, uint64_t seed)
    : CloudWrapper(target), policy_(policy), clock_(clock), limiter_(rate, clock), rng_(seed) {}

void RetryingCloud::SetRetryObserver(std::function<void(const RetryEvent&)> observer) {
  std::lock_guard<std::mutex> l(mu_);
  observer_ = std::move(observer);
}

double RetryingCloud::NextUniform() {
  std::lock_guard<std::mutex> l(mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void RetryingCloud::Count(const std::string& action,
                          const std::function<void(CallCounters&)>& f) {
  std::lock_guard<std::mutex> l(mu_);
  f(counters_[action]);
}

std::map<std::string, CallCounters> RetryingCloud::Counters() const {
  std::lock_guard<std::mutex> l(mu_);
  return counters_;
}

CallCounters RetryingCloud::Total() const {
  std::lock_guard<std::mutex> l(mu_);
  CallCounters t;
  for (const auto& [_, c] : counters_) t += c;
  return t;
}

template <class T, class Call>
Result<T> RetryingCloud::Run(const char* action, const std::string& instance_id, Call&& call,
                             const std::function<std::optional<T>()>& resolve) {
  Count(action, [](CallCounters& c) { ++c.calls; });
  const TimePoint start = clock_->Now();
  for (int attempt = 1;; ++attempt) {
    Millis paced = limiter_.Acquire(action);
    Result<T> r = call();
    Count(action, [&](CallCounters& c) {
      ++c.attempts;
      c.paced += paced;
    });
    if (r.ok()) {
      limiter_.OnSuccess(action);
      return r;
    }
    CloudError& e = r.error();
    if (e.action.empty()) e.action = action;
    if (e.instance_id.empty()) e.instance_id = instance_id;
    switch (e.category) {
      case ErrorCategory::kThrottled:
        limiter_.OnThrottled(action);
        Count(action, [](CallCounters& c) { ++c.throttled; });
        break;
      case ErrorCategory::kOrderInProgress:
        Count(action, [](CallCounters& c) { ++c.order_busy; });
        break;
      case ErrorCategory::kTransient:
        Count(action, [](CallCounters& c) { ++c.transient; });
        break;
      default:
        break;
    }
    std::optional<Millis> delay = RetryDelay(policy_, e.category, attempt, NextUniform());
    if (delay) delay = HonourRetryAfter(policy_, e, *delay);
    bool past_deadline = delay && (clock_->Now() - start) + *delay > policy_.deadline;
    if (!delay || past_deadline) {
      if (attempt > 1 || past_deadline) {
        e.message += fmt::format(" (gave up after {} attempt{}{})", attempt, attempt == 1 ? "" : "s",
                                 past_deadline ? ", retry deadline reached" : "");
      }
      Count(action, [](CallCounters& c) { ++c.failed; });
      return r;
    }
    std::function<void(const RetryEvent&)> observer;
    {
      std::lock_guard<std::mutex> l(mu_);
      observer = observer_;
    }
    if (observer) observer(RetryEvent{action, e.instance_id, e.code, attempt, *delay});
    clock_->SleepFor(*delay);
    Count(action, [&](CallCounters& c) { c.slept += *delay; });
    if (e.ambiguous && resolve) {
      if (std::optional<T> done = resolve()) return std::move(*done);
    }
  }
}

Result<DescribeInstancesPage> RetryingCloud::DescribeInstances(const DescribeInstancesRequest& r) {
  return Run<DescribeInstancesPage>("DescribeInstances", "",
                                    [&] { return target()->DescribeInstances(r); });
}

Result<DescribeInstanceTypesPage> RetryingCloud::DescribeInstanceTypes(
    const DescribeInstanceTypesRequest& r) {
  return Run<DescribeInstanceTypesPage>("DescribeInstanceTypes", "",
                                        [&] { return target()->DescribeInstanceTypes(r); });
}

Result<ResourcesModificationResult> RetryingCloud::DescribeResourcesModification(
    const ResourcesModificationRequest& r) {
  return Run<ResourcesModificationResult>(
      "DescribeResourcesModification", r.instance_id,
      [&] { return target()->DescribeResourcesModification(r); });
}

Result<Price> RetryingCloud::DescribeInstanceModificationPrice(const ModificationPriceRequest& r) {
  return Run<Price>("DescribeInstanceModificationPrice", r.instance_id,
                    [&] { return target()->DescribeInstanceModificationPrice(r); });
}

Result<Ack> RetryingCloud::StopInstance(const std::string& region, const std::string& id, bool force_stop) {
  return PowerCall(PowerAction::kStop, region, id, force_stop);
}
Result<Ack> RetryingCloud::StartInstance(const std::string& region, const std::string& id) {
  return PowerCall(PowerAction::kStart, region, id);
}
Result<Ack> RetryingCloud::RebootInstance(const std::string& region, const std::string& id) {
  return PowerCall(PowerAction::kReboot, region, id);
}

static const char* SingleActionName(PowerAction op) {
  return op == PowerAction::kStop ? "StopInstance" : op == PowerAction::kStart ? "StartInstance" : "RebootInstance";
}

Result<Ack> RetryingCloud::PowerCall(PowerAction op, const std::string& region, const std::string& id,
                                     bool force_stop) {
  const char* action = SingleActionName(op);
  auto call = [&]() -> Result<Ack> {
    switch (op) {
      case PowerAction::kStop: return target()->StopInstance(region, id, force_stop);
      case PowerAction::kStart: return target()->StartInstance(region, id);
      case PowerAction::kReboot: return target()->RebootInstance(region, id);
    }
    return target()->StopInstance(region, id, force_stop);  // unreachable
  };
  std::function<std::optional<Ack>()> resolve = [&]() -> std::optional<Ack> {
    std::string request_id;
    if (AlreadyApplied(op, action, region, {id}, &request_id).count(id)) return Ack{request_id};
    return std::nullopt;
  };
  return Run<Ack>(action, id, call, resolve);
}

Result<PowerBatchResult> RetryingCloud::PowerBatch(const PowerBatchRequest& r) {
  const char* action = PowerBatchActionName(r.action);
  PowerBatchRequest pending = r;
  std::map<std::string, InstancePowerResult> settled;  // accepted by an attempt whose answer was lost
  std::function<std::optional<PowerBatchResult>()> resolve = [&]() -> std::optional<PowerBatchResult> {
    std::string request_id;
    std::set<std::string> applied = AlreadyApplied(r.action, action, r.region, pending.instance_ids, &request_id);
    std::vector<std::string> rest;
    for (const auto& id : pending.instance_ids) {
      if (!applied.count(id)) {
        rest.push_back(id);
        continue;
      }
      InstancePowerResult one;
      one.instance_id = id;
      settled[id] = std::move(one);
    }
    pending.instance_ids = std::move(rest);
    if (!pending.instance_ids.empty()) return std::nullopt;
    PowerBatchResult done;
    done.request_id = request_id;
    return done;  // merged with `settled` below
  };
  Result<PowerBatchResult> got =
      Run<PowerBatchResult>(action, "", [&] { return target()->PowerBatch(pending); }, resolve);
  if (settled.empty()) return got;
  // One entry per requested instance, in request order: those settled by a
  // re-read, then the last attempt's answer (or its error) for the rest.
  std::map<std::string, InstancePowerResult> last;
  if (got.ok())
    for (auto& one : got->instances) last.emplace(one.instance_id, std::move(one));
  PowerBatchResult out;
  out.request_id = got.ok() ? got->request_id : got.error().request_id;
  for (const auto& id : r.instance_ids) {
    if (auto s = settled.find(id); s != settled.end()) {
      out.instances.push_back(std::move(s->second));
    } else if (auto l = last.find(id); l != last.end()) {
      out.instances.push_back(std::move(l->second));
    } else if (got.ok()) {
      out.instances.push_back(LeftOutOfAnswer(r.action, id, out.request_id));
    } else {
      InstancePowerResult one;
      one.instance_id = id;
      one.error = got.error();
      one.error->instance_id = id;
      out.instances.push_back(std::move(one));
    }
  }
  return out;
}

std::set<std::string> RetryingCloud::AlreadyApplied(PowerAction op, const char* action, const std::string& region,
                                                    const std::vector<std::string>& ids, std::string* request_id) {
  const char* kDescribe = "DescribeInstances";
  std::set<std::string> applied;
  DescribeInstancesRequest q;
  q.region = region;
  q.instance_ids = ids;
  Millis paced = limiter_.Acquire(kDescribe);
  Result<DescribeInstancesPage> page = target()->DescribeInstances(q);
  Count(action, [&](CallCounters& c) {
    ++c.state_checks;
    c.paced += paced;
  });
  // If the state cannot be read, repeating the call is the safe default:
  // a repeated Stop/Start of an instance already in that state is refused
  // by the API with a wrong-state error, never applied twice.
  if (!page.ok()) {
    if (page.error().category == ErrorCategory::kThrottled) limiter_.OnThrottled(kDescribe);
    return applied;
  }
  limiter_.OnSuccess(kDescribe);
  *request_id = page->request_id;
  for (const Instance& inst : page->instances) {
    const std::string& s = inst.status;
    bool yes = false;
    switch (op) {
      case PowerAction::kStop: yes = s == kStopping || s == kStopped; break;
      case PowerAction::kStart: yes = s == kStarting || s == kRunning; break;
      // A Running instance may or may not have rebooted; only the
      // transitional states prove the reboot was accepted.
      case PowerAction::kReboot: yes = s == kStopping || s == kStarting; break;
    }
    if (yes) applied.insert(inst.id);
  }
  return applied;
}

namespace {
bool IsAsciiPrintable(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}
}  // namespace

Result<ModifyPrepaySpecResult> RetryingCloud::ModifyPrepayInstanceSpec(
    const ModifyPrepaySpecRequest& r) {
  if (r.client_token.empty() || r.client_token.size() > 64 || !IsAsciiPrintable(r.client_token)) {
    CloudError e = MakeCloudError(
        "MissingParameter",
        r.client_token.empty()
            ? "ModifyPrepayInstanceSpec needs a ClientToken: without one a retry after a "
              "timeout could place a second order"
            : "ClientToken must be printable ASCII of at most 64 characters");
    e.http_status = 0;  // refused locally, never sent
    e.action = "ModifyPrepayInstanceSpec";
    e.instance_id = r.instance_id;
    return e;
  }
  // The same request object, hence the same ClientToken, on every attempt.
  return Run<ModifyPrepaySpecResult>("ModifyPrepayInstanceSpec", r.instance_id,
                                     [&] { return target()->ModifyPrepayInstanceSpec(r); });
}

}  // namespace respec
