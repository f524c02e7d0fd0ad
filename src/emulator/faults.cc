#include "emulator/faults.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "cloud/error_table.h"

namespace respec::emulator {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseDouble(std::string_view v, double* out) {
  std::string s(v);
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  *out = d;
  return true;
}

template <class Int>
bool ParseInt(std::string_view v, Int* out) {
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  return ec == std::errc() && p == v.data() + v.size();
}

}  // namespace

bool ParseFaultSpec(std::string_view text, FaultSpec* spec, std::string* error) {
  FaultSpec out;
  text = Trim(text);
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      *error = fmt::format("fault \"{}\" has no value: write key=value, e.g. throttling=0.1", item);
      return false;
    }
    std::string key(Trim(item.substr(0, eq)));
    std::string_view value = Trim(item.substr(eq + 1));
    for (char& c : key)
      if (c == '_') c = '-';
    double* prob = key == "throttling"                           ? &out.throttling
                   : key == "last-order" || key == "lastorder"   ? &out.last_order
                   : key == "internal" || key == "internal-error" ? &out.internal_error
                   : key == "drop"                               ? &out.drop
                   : key == "slow"                               ? &out.slow
                                                                 : nullptr;
    if (prob) {
      if (!ParseDouble(value, prob) || !(*prob >= 0 && *prob <= 1)) {
        *error = fmt::format("fault {}={}: the probability must be a number from 0 to 1", key, value);
        return false;
      }
    } else if (key == "slow-ms") {
      if (!ParseInt(value, &out.slow_ms) || out.slow_ms < 0 || out.slow_ms > 600000) {
        *error = fmt::format("fault slow-ms={}: must be an integer from 0 to 600000", value);
        return false;
      }
    } else if (key == "seed") {
      if (!ParseInt(value, &out.seed)) {
        *error = fmt::format("fault seed={}: must be a non-negative integer", value);
        return false;
      }
    } else {
      *error = fmt::format(
          "unknown fault \"{}\" (known: throttling, last-order, internal, drop, slow, slow-ms, seed)", key);
      return false;
    }
  }
  double sum = out.throttling + out.last_order + out.internal_error + out.drop + out.slow;
  if (sum > 1.0 + 1e-9) {
    *error = fmt::format("fault probabilities add up to {:.3g}; they must add up to at most 1", sum);
    return false;
  }
  *spec = out;
  return true;
}

const char* FaultName(Fault f) {
  switch (f) {
    case Fault::kNone: return "none";
    case Fault::kThrottling: return "throttling";
    case Fault::kLastOrder: return "last-order";
    case Fault::kInternal: return "internal";
    case Fault::kDrop: return "drop";
    case Fault::kSlow: return "slow";
  }
  return "none";
}

FaultInjector::FaultInjector(FaultSpec spec) : spec_(spec), rng_(spec.seed) {}

FaultInjector::FaultInjector(FaultSpec spec, uint64_t seed)
    : spec_(spec), rng_(seed * 0x9E3779B97F4A7C15ULL + spec.seed) {}

Fault FaultInjector::Next(std::string_view action) {
  std::lock_guard<std::mutex> l(mu_);
  // 53 random bits -> [0,1): identical on every platform, unlike
  // std::uniform_real_distribution.
  double u = double(rng_() >> 11) * (1.0 / 9007199254740992.0);
  Fault f = Fault::kNone;
  double edge = 0;
  auto band = [&](double p, Fault which) {
    if (f != Fault::kNone || p <= 0) return;
    if (u < edge + p) f = which;
    edge += p;
  };
  band(spec_.throttling, Fault::kThrottling);
  band(spec_.last_order, Fault::kLastOrder);
  band(spec_.internal_error, Fault::kInternal);
  band(spec_.drop, Fault::kDrop);
  band(spec_.slow, Fault::kSlow);
  if (f == Fault::kLastOrder && action != "ModifyPrepayInstanceSpec") f = Fault::kNone;
  ++counts_[size_t(f)];
  return f;
}

uint64_t FaultInjector::Count(Fault f) const {
  std::lock_guard<std::mutex> l(mu_);
  return counts_[size_t(f)];
}

FaultInjectingCloud::FaultInjectingCloud(Cloud* target, FaultSpec spec, Clock* clock)
    : CloudWrapper(target), injector_(spec), clock_(clock) {}

template <class T, class Call>
Result<T> FaultInjectingCloud::Inject(std::string_view action, const std::string& instance_id, Call call) {
  Fault f = injector_.Next(action);
  auto fail = [&](const char* code) {
    CloudError e = MakeCloudError(code, "");
    e.action = std::string(action);
    e.instance_id = instance_id;
    e.request_id = fmt::format("FAULT-{}-{}", FaultName(f), injector_.Count(f));
    return e;
  };
  switch (f) {
    case Fault::kThrottling: return fail("Throttling");
    case Fault::kLastOrder: return fail("LastOrderProcessing");
    case Fault::kInternal: return fail("InternalError");
    case Fault::kDrop: {
      Result<T> ignored = call();  // the server acted; the answer is lost
      (void)ignored;
      CloudError e = fail("Transport.ConnectionFailed");
      e.request_id.clear();  // no response, so no RequestId
      e.ambiguous = true;
      return e;
    }
    case Fault::kSlow:
      if (clock_) clock_->SleepFor(Millis(injector_.spec().slow_ms));
      return call();
    case Fault::kNone:
      break;
  }
  return call();
}

Result<DescribeInstancesPage> FaultInjectingCloud::DescribeInstances(const DescribeInstancesRequest& r) {
  return Inject<DescribeInstancesPage>("DescribeInstances", "", [&] { return CloudWrapper::DescribeInstances(r); });
}
Result<DescribeInstanceTypesPage> FaultInjectingCloud::DescribeInstanceTypes(
    const DescribeInstanceTypesRequest& r) {
  return Inject<DescribeInstanceTypesPage>("DescribeInstanceTypes", "",
                                           [&] { return CloudWrapper::DescribeInstanceTypes(r); });
}
Result<ResourcesModificationResult> FaultInjectingCloud::DescribeResourcesModification(
    const ResourcesModificationRequest& r) {
  return Inject<ResourcesModificationResult>("DescribeResourcesModification", r.instance_id,
                                             [&] { return CloudWrapper::DescribeResourcesModification(r); });
}
Result<Price> FaultInjectingCloud::DescribeInstanceModificationPrice(const ModificationPriceRequest& r) {
  return Inject<Price>("DescribeInstanceModificationPrice", r.instance_id,
                       [&] { return CloudWrapper::DescribeInstanceModificationPrice(r); });
}
Result<Ack> FaultInjectingCloud::StopInstance(const std::string& region, const std::string& id, bool force_stop) {
  return Inject<Ack>("StopInstance", id, [&] { return CloudWrapper::StopInstance(region, id, force_stop); });
}
Result<Ack> FaultInjectingCloud::StartInstance(const std::string& region, const std::string& id) {
  return Inject<Ack>("StartInstance", id, [&] { return CloudWrapper::StartInstance(region, id); });
}
Result<Ack> FaultInjectingCloud::RebootInstance(const std::string& region, const std::string& id) {
  return Inject<Ack>("RebootInstance", id, [&] { return CloudWrapper::RebootInstance(region, id); });
}
Result<ModifyPrepaySpecResult> FaultInjectingCloud::ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& r) {
  return Inject<ModifyPrepaySpecResult>("ModifyPrepayInstanceSpec", r.instance_id,
                                        [&] { return CloudWrapper::ModifyPrepayInstanceSpec(r); });
}
Result<PowerBatchResult> FaultInjectingCloud::PowerBatch(const PowerBatchRequest& r) {
  return Inject<PowerBatchResult>(PowerBatchActionName(r.action), "", [&] { return CloudWrapper::PowerBatch(r); });
}

}  // namespace respec::emulator
