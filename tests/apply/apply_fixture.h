// Test fixture for the executor: an in-process Model on a VirtualClock, a
// plan built the way plan/decide.cc builds chains, and a call-recording
// Cloud wrapper that samples the model's truth at every call.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "apply/call_runner.h"
#include "apply/executor.h"
#include "apply/journal.h"
#include "support/inline_runner.h"
#include "support/memory_store.h"
#include "support/recording_reporter.h"
#include "apply/reporter.h"
#include "cloud/cloud_wrapper.h"
#include "emulator/model.h"
#include "plan/steps.h"

namespace respec::testing {

struct Inst {
  std::string id;
  std::string group = "main";
  std::string from = "ecs.g7.xlarge";
  std::string to = "ecs.g7.2xlarge";
  std::string status = kRunning;
  int downgrades_used = 0;
};

inline Direction DirectionOf(const std::string& from, const std::string& to) {
  auto size = [](const std::string& t) {
    static const std::map<std::string, int> k = {{"large", 2}, {"xlarge", 4}, {"2xlarge", 8}, {"3xlarge", 12},
                                                 {"4xlarge", 16}, {"6xlarge", 24}, {"8xlarge", 32}};
    auto it = k.find(t.substr(t.rfind('.') + 1));
    return it == k.end() ? 0 : it->second;
  };
  return size(to) >= size(from) ? Direction::kUpgrade : Direction::kDowngrade;
}

inline emulator::World MakeWorld(const std::vector<Inst>& insts) {
  emulator::World w = emulator::DefaultWorld();
  for (const auto& i : insts) {
    emulator::WorldInstance wi;
    wi.instance.id = i.id;
    wi.instance.region = "cn-hangzhou";
    wi.instance.zone = "cn-hangzhou-h";
    wi.instance.type = i.from;
    wi.instance.type_family = i.from.substr(0, i.from.rfind('.'));
    wi.instance.status = i.status;
    wi.instance.charge_type = "PrePaid";
    wi.instance.expired_time = "2030-01-01T00:00Z";
    wi.instance.network_type = "vpc";
    wi.instance.image_id = "aliyun_3_x64_20G_alibase_20240528.vhd";
    wi.instance.name = "n-" + i.id;
    wi.downgrades_used = i.downgrades_used;
    w.instances.push_back(wi);
  }
  return w;
}

struct GroupSpec {
  std::string name;
  int max_unavailable = 1;
  std::vector<std::string> depends_on;
  int max_failures = 0;
};

inline Plan MakeTestPlan(const std::vector<Inst>& insts, std::vector<GroupSpec> groups = {},
                         int max_parallel = 20) {
  Plan p;
  p.plan_id = "test-plan-1";
  p.max_parallel = max_parallel;
  std::set<std::string> named;
  for (const auto& g : groups) {
    p.groups.push_back(GroupConstraint{g.name, g.max_unavailable, g.depends_on, g.max_failures});
    named.insert(g.name);
  }
  for (const auto& i : insts)
    if (named.insert(i.group).second) p.groups.push_back(GroupConstraint{i.group, 1, {}, 0});
  for (const auto& i : insts) {
    InstancePlan ip;
    ip.instance_id = i.id;
    ip.name = "n-" + i.id;
    ip.group = i.group;
    ip.region = "cn-hangzhou";
    ip.zone = "cn-hangzhou-h";
    ip.observed_type = i.from;
    ip.observed_status = i.status;
    ip.target_type = i.to;
    if (i.from == i.to) {
      p.instances.push_back(ip);
      continue;
    }
    ip.verdict = Verdict::kChange;
    ip.direction = DirectionOf(i.from, i.to);
    std::vector<StepKind> chain;
    if (i.status == kRunning) {
      if (ip.direction == Direction::kDowngrade)
        chain = {StepKind::kStop, StepKind::kModify, StepKind::kStart};
      else
        chain = {StepKind::kModify, StepKind::kReboot};
      ip.final_status = kRunning;
    } else {
      chain = {StepKind::kModify};
      ip.final_status = kStopped;
    }
    int prev = -1;
    for (StepKind k : chain) {
      Step s;
      s.id = static_cast<int>(p.steps.size());
      s.instance_id = i.id;
      s.kind = k;
      s.group = i.group;
      if (k == StepKind::kModify) s.client_token = MakeClientToken(p.plan_id, i.id, "modify");
      p.steps.push_back(s);
      ip.steps.push_back(s.id);
      if (prev >= 0) p.edges.emplace_back(prev, s.id);
      prev = s.id;
    }
    p.instances.push_back(ip);
  }
  return p;
}

// Records every call and the model's truth at that moment.
class RecordingCloud : public CloudWrapper {
 public:
  RecordingCloud(emulator::Model* model, Clock* clock) : CloudWrapper(model), model_(model), clock_(clock) {}

  struct CallRecord {
    std::string action;
    std::string instance;
    size_t ids = 0;
    TimePoint time;
  };
  std::vector<CallRecord> calls;
  std::vector<std::string> client_tokens;  // of every ModifyPrepayInstanceSpec, in order
  // Max over samples of instances (originally Running) not Running, per group.
  std::map<std::string, std::string> group_of;  // instance -> group
  std::set<std::string> originally_running;
  std::map<std::string, int> max_down;
  std::function<void(const std::string& action, const std::string& id)> before;  // fault hooks
  // Returns an error to answer instead of forwarding the call.
  std::function<std::optional<CloudError>(const std::string& action, const std::string& id)> fail;

  int Count(const std::string& action) const {
    int n = 0;
    for (const auto& c : calls) n += c.action == action;
    return n;
  }

  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override {
    Record("DescribeInstances", "", r.instance_ids.size());
    if (fail)
      if (auto e = fail("DescribeInstances", "")) return *e;
    return CloudWrapper::DescribeInstances(r);
  }
  std::vector<bool> stop_force;  // ForceStop of every instance stopped, in order
  Result<Ack> StopInstance(const std::string& region, const std::string& id, bool force_stop = false) override {
    Record("StopInstance", id, 1);
    stop_force.push_back(force_stop);
    if (fail)
      if (auto e = fail("StopInstance", id)) return *e;
    return CloudWrapper::StopInstance(region, id, force_stop);
  }
  Result<Ack> StartInstance(const std::string& region, const std::string& id) override {
    Record("StartInstance", id, 1);
    if (fail)
      if (auto e = fail("StartInstance", id)) return *e;
    return CloudWrapper::StartInstance(region, id);
  }
  Result<Ack> RebootInstance(const std::string& region, const std::string& id) override {
    Record("RebootInstance", id, 1);
    if (fail)
      if (auto e = fail("RebootInstance", id)) return *e;
    return CloudWrapper::RebootInstance(region, id);
  }
  // One record for the request (the batch action, no instance, `ids` its
  // size), then one per instance under the single action's name, which is
  // what Count("StopInstance") and the fault hooks see.
  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& r) override {
    const char* single = r.action == PowerAction::kStop    ? "StopInstance"
                         : r.action == PowerAction::kStart ? "StartInstance"
                                                           : "RebootInstance";
    Record(PowerBatchActionName(r.action), "", r.instance_ids.size());
    std::map<std::string, CloudError> refused;
    PowerBatchRequest rest = r;
    rest.instance_ids.clear();
    for (const auto& id : r.instance_ids) {
      Record(single, id, 1);
      if (r.action == PowerAction::kStop) stop_force.push_back(r.force);
      if (fail)
        if (auto e = fail(single, id)) {
          refused[id] = *e;
          continue;
        }
      rest.instance_ids.push_back(id);
    }
    // A hook's throttling, transient or auth answer fails the whole request
    // before anything is done; an ambiguous one (no answer) after the others
    // were acted on; any other refusal is that instance's entry.
    const CloudError* lost = nullptr;
    for (auto& [id, e] : refused) {
      if (e.code == "Response.MissingInstance") continue;  // an entry the answer left out
      if (e.ambiguous) lost = &e;
      else if (e.category == ErrorCategory::kThrottled || e.category == ErrorCategory::kAuth ||
               e.category == ErrorCategory::kTransient || e.category == ErrorCategory::kOrderInProgress)
        return e;
    }
    PowerBatchResult out;
    if (!rest.instance_ids.empty()) {
      auto got = CloudWrapper::PowerBatch(rest);
      if (!got.ok()) return got;
      out = std::move(got.value());
    }
    if (lost) return *lost;
    for (auto& [id, e] : refused) {
      InstancePowerResult one;
      one.instance_id = id;
      one.error = e;
      out.instances.push_back(std::move(one));
    }
    if (out.request_id.empty()) out.request_id = "req-batch";
    return out;
  }
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& r) override {
    Record("ModifyPrepayInstanceSpec", r.instance_id, 1);
    client_tokens.push_back(r.client_token);
    if (fail)
      if (auto e = fail("ModifyPrepayInstanceSpec", r.instance_id)) return *e;
    return CloudWrapper::ModifyPrepayInstanceSpec(r);
  }

 private:
  void Record(const std::string& action, const std::string& id, size_t n) {
    if (before) before(action, id);
    calls.push_back({action, id, n, clock_->Now()});
    std::map<std::string, int> down;
    for (const auto& wi : model_->Instances())
      if (originally_running.count(wi.instance.id) && wi.instance.status != kRunning)
        ++down[group_of[wi.instance.id]];
    for (const auto& [g, n2] : down) max_down[g] = std::max(max_down[g], n2);
  }
  emulator::Model* model_;
  Clock* clock_;
};

inline emulator::World Tweaked(emulator::World w, const std::function<void(emulator::World*)>& tweak) {
  if (tweak) tweak(&w);
  return w;
}

struct Harness {
  // `tweak` edits the world before the model is built (world options).
  explicit Harness(const std::vector<Inst>& insts, uint64_t seed = 7, emulator::Timing timing = {},
                   const std::function<void(emulator::World*)>& tweak = {})
      : model(Tweaked(MakeWorld(insts), tweak), &clock, timing, seed), cloud(&model, &clock), runner(&clock) {
    for (const auto& i : insts) {
      cloud.group_of[i.id] = i.group;
      if (i.status == kRunning) cloud.originally_running.insert(i.id);
    }
  }
  // Runs the plan with its journal in `journal_store` (default: this
  // harness's in-memory store).
  Summary Run(const Plan& plan, ExecutorOptions opt = {}, StateStore* journal_store = nullptr) {
    StateStore* st = journal_store ? journal_store : &store;
    RunRecord run;
    run.plan_id = plan.plan_id;
    if (Status s = st->BeginRun(&run); !s.ok()) throw std::runtime_error(s.ToString());
    Journal j(st, run.run_id, plan.plan_id);
    Executor ex(&plan, &cloud, &clock, &runner, &j, &reporter, std::move(opt));
    Summary s = ex.Run();
    (void)st->EndRun(run.run_id, s.exit_code == 0 ? "succeeded" : "failed");
    return s;
  }
  JournalState JournalOf(const Plan& plan, StateStore* journal_store = nullptr) {
    auto st = LoadJournalState(journal_store ? journal_store : &store, plan.plan_id);
    if (!st.ok()) throw std::runtime_error(st.status().ToString());
    return st.value();
  }
  std::map<std::string, Instance> Truth() {
    std::map<std::string, Instance> m;
    for (const auto& wi : model.Instances()) m[wi.instance.id] = wi.instance;
    return m;
  }
  std::map<std::string, int> OrdersPerInstance() {
    std::map<std::string, int> m;
    for (const auto& o : model.Orders()) ++m[o.instance_id];
    return m;
  }

  VirtualClock clock;
  emulator::Model model;
  RecordingCloud cloud;
  InlineRunner runner;
  RecordingReporter reporter;
  MemoryStateStore store;
};

}  // namespace respec::testing
