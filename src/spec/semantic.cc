#include "spec/semantic.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/timefmt.h"
#include "core/did_you_mean.h"

namespace respec {
namespace {

using nlohmann::json;

YamlPath Join(YamlPath p, std::string key, bool index = false) {
  p.push_back({std::move(key), index});
  return p;
}

bool ValidGroupName(const std::string& n) {
  if (n.empty() || n.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(n[0])) return false;
  return std::all_of(n.begin(), n.end(), [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

class Builder {
 public:
  Builder(const YamlJson& doc, const Clock& clock, const std::set<std::string>& reported,
          std::vector<Diagnostic>* diags)
      : doc_(doc), now_(clock.Now()), reported_(reported), diags_(diags) {}

  void Build(FleetSpec* out) {
    const json& root = doc_.root;
    if (!root.is_object()) return;
    out->regions = Strings(root, "regions");
    if (auto it = root.find("maxParallel"); it != root.end() && it->is_number_integer())
      out->max_parallel = static_cast<int>(std::clamp<int64_t>(it->get<int64_t>(), 1, 1000));
    TargetOptions defaults;
    if (auto it = root.find("defaults"); it != root.end() && it->is_object())
      ReadOptions(*it, {{"defaults", false}}, &defaults);
    auto groups = root.find("groups");
    if (groups == root.end() || !groups->is_object()) return;
    for (const std::string& name : doc_.KeysInOrder({{"groups", false}})) {
      YamlPath gpath = {{"groups", false}, {name, false}};
      out->groups.push_back(ReadGroup(name, (*groups)[name], gpath, defaults, out->regions));
    }
    CheckDependencies(*out);
    CheckDuplicateInstances(*out);
  }

 private:
  void Report(const YamlPath& path, std::string message, bool at_key = false, bool warning = false) {
    std::string p = PathToString(path);
    if (reported_.count(p)) return;
    NodeMarks m = doc_.MarksOf(path);
    Diagnostic d;
    d.line = at_key && m.key_line ? m.key_line : m.line;
    d.column = at_key && m.key_line ? m.key_column : m.column;
    d.path = p;
    d.message = std::move(message);
    d.warning = warning;
    diags_->push_back(std::move(d));
  }

  static std::vector<std::string> Strings(const json& obj, const char* key) {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    if (it->is_string()) out.push_back(it->get<std::string>());
    if (it->is_array())
      for (const json& v : *it)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  }

  // An RFC 3339 time (offset allowed, whole minutes) that must lie in the
  // future, returned in the API's UTC form yyyy-MM-ddTHH:mmZ. `what` names it.
  std::string FutureTime(const json& v, const YamlPath& path, const char* what) {
    if (!v.is_string()) return "";
    std::string s = v.get<std::string>();
    if (reported_.count(PathToString(path))) return s;  // malformed: already said
    auto t = ParseRfc3339(s);
    if (!t) {
      Report(path, fmt::format("{} {} is not a valid date and time", what, DescribeValue(v)));
      return s;
    }
    if (std::chrono::floor<std::chrono::minutes>(*t) != *t) {
      Report(path, fmt::format("{} {} has seconds; the API takes whole minutes", what, s));
    } else if (*t <= now_) {
      Report(path, fmt::format("{} {} is in the past (it is now {})", what, s, FormatUtcMinutes(now_)));
    }
    return FormatUtcMinutes(*t);
  }

  void ReadOptions(const json& obj, const YamlPath& path, TargetOptions* o) {
    if (auto it = obj.find("autoPay"); it != obj.end() && it->is_boolean()) o->auto_pay = it->get<bool>();
    if (auto it = obj.find("migrateAcrossZone"); it != obj.end() && it->is_boolean())
      o->migrate_across_zone = it->get<bool>();
    if (auto it = obj.find("forceStop"); it != obj.end() && it->is_boolean()) o->force_stop = it->get<bool>();
    if (auto it = obj.find("systemDiskCategory"); it != obj.end() && it->is_string())
      o->system_disk_category = it->get<std::string>();
    if (auto it = obj.find("operation"); it != obj.end() && it->is_string()) o->operation = it->get<std::string>();
    if (auto it = obj.find("powerState"); it != obj.end() && it->is_string()) {
      std::string s = it->get<std::string>();
      o->power_state = s == "running" ? PowerState::kRunning : s == "stopped" ? PowerState::kStopped : PowerState::kKeep;
    }
    if (auto it = obj.find("endTime"); it != obj.end())
      o->end_time = FutureTime(*it, Join(path, "endTime"), "endTime");
    if (auto it = obj.find("reboot"); it != obj.end()) {
      if (it->is_string()) {
        o->reboot = it->get<std::string>() == "manual" ? RebootPolicy::kManual : RebootPolicy::kWhenFinished;
        o->reboot_at.clear();
      } else if (it->is_object() && it->contains("at")) {
        o->reboot = RebootPolicy::kAt;
        o->reboot_at = FutureTime((*it)["at"], Join(Join(path, "reboot"), "at"), "reboot time");
      }
    }
  }

  Group ReadGroup(const std::string& name, const json& g, const YamlPath& path, const TargetOptions& defaults,
                  const std::vector<std::string>& fleet_regions) {
    Group group;
    group.name = name;
    NodeMarks m = doc_.MarksOf(path);
    group.pos = {m.key_line, m.key_column};
    if (!ValidGroupName(name))
      Report(path, fmt::format("group name {} must be 1 to 63 letters, digits, '-' or '_', starting with a letter or digit",
                               DescribeValue(name)), true);
    group.regions = fleet_regions;
    if (!g.is_object()) return group;
    std::vector<std::string> own = Strings(g, "region");
    std::vector<std::string> own_list = Strings(g, "regions");
    if (g.contains("region") && g.contains("regions"))
      Report(Join(path, "regions"), "use region or regions in a group, not both", true);
    own.insert(own.end(), own_list.begin(), own_list.end());
    if (!own.empty()) group.regions = own;
    if (auto it = g.find("maxUnavailable"); it != g.end()) {
      if (it->is_number_integer() && it->get<int64_t>() >= 1) {
        group.max_unavailable = {static_cast<int>(std::min<int64_t>(it->get<int64_t>(), 1000000)), false};
      } else if (it->is_string()) {
        std::string s = it->get<std::string>();
        int pct = std::atoi(s.c_str());
        if (!s.empty() && s.back() == '%' && pct >= 1 && pct <= 100) group.max_unavailable = {pct, true};
      }
    }
    if (auto it = g.find("maxFailures"); it != g.end() && it->is_number_integer() && it->get<int64_t>() >= 0)
      group.max_failures = static_cast<int>(std::min<int64_t>(it->get<int64_t>(), 1000000));
    group.depends_on = Strings(g, "dependsOn");
    auto targets = g.find("targets");
    if (targets == g.end() || !targets->is_array()) return group;
    for (size_t i = 0; i < targets->size(); ++i) {
      const json& t = (*targets)[i];
      YamlPath tpath = Join(Join(path, "targets"), std::to_string(i), true);
      if (!t.is_object()) continue;
      Target target;
      NodeMarks tm = doc_.MarksOf(tpath);
      target.pos = {tm.line, tm.column};
      target.instance_ids = Strings(t, "instanceIds");
      if (auto s = t.find("selector"); s != t.end() && s->is_object()) {
        YamlPath spath = Join(tpath, "selector");
        for (const std::string& key : doc_.KeysInOrder(spath)) {
          if (key.empty() || key.size() > 128)
            Report(Join(spath, key), "a tag key must be 1 to 128 characters", true);
          const json& v = (*s)[key];
          if (v.is_string()) target.selector.emplace_back(key, v.get<std::string>());
        }
      }
      bool has_ids = t.contains("instanceIds"), has_selector = t.contains("selector");
      if (has_ids && has_selector)
        Report(Join(tpath, "selector"), "a target picks instances by instanceIds or by selector, not both", true);
      else if (!has_ids && !has_selector)
        Report(tpath, "a target needs instanceIds or selector to pick its instances");
      if (auto it = t.find("instanceType"); it != t.end() && it->is_string())
        target.instance_type = it->get<std::string>();
      target.options = defaults;
      ReadOptions(t, tpath, &target.options);
      group.targets.push_back(std::move(target));
    }
    return group;
  }

  YamlPath DependsOnItem(const Group& g, const std::string& dep) {
    YamlPath p = {{"groups", false}, {g.name, false}, {"dependsOn", false}};
    auto it = std::find(g.depends_on.begin(), g.depends_on.end(), dep);
    return Join(p, std::to_string(it - g.depends_on.begin()), true);
  }

  void CheckDependencies(const FleetSpec& spec) {
    std::map<std::string, size_t> index;
    std::vector<std::string> names;
    for (size_t i = 0; i < spec.groups.size(); ++i) {
      index[spec.groups[i].name] = i;
      names.push_back(spec.groups[i].name);
    }
    for (const Group& g : spec.groups) {
      for (const std::string& dep : g.depends_on) {
        if (index.count(dep)) continue;
        std::string hint = ClosestMatch(dep, names);
        Report(DependsOnItem(g, dep), fmt::format("dependsOn names unknown group {}{}", DescribeValue(dep),
                                                  hint.empty() ? "" : "; did you mean " + DescribeValue(hint) + "?"));
      }
    }
    // Depth-first search; every back edge closes one cycle, reported once.
    std::vector<int> state(spec.groups.size(), 0);  // 0 new, 1 on stack, 2 done
    std::vector<size_t> stack;
    std::set<std::vector<size_t>> cycles;
    auto visit = [&](auto&& self, size_t v) -> void {
      state[v] = 1;
      stack.push_back(v);
      for (const std::string& dep : spec.groups[v].depends_on) {
        auto it = index.find(dep);
        if (it == index.end()) continue;
        size_t w = it->second;
        if (state[w] == 0) {
          self(self, w);
        } else if (state[w] == 1) {
          std::vector<size_t> cycle(std::find(stack.begin(), stack.end(), w), stack.end());
          std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
          if (!cycles.insert(cycle).second) continue;
          // Named in the order groups run: a group after the ones it dependsOn.
          std::vector<std::string> order;
          order.push_back(spec.groups[cycle[0]].name);
          for (size_t k = cycle.size(); k > 0; --k) order.push_back(spec.groups[cycle[k - 1]].name);
          const Group& first = spec.groups[cycle[0]];
          const Group& depended = spec.groups[cycle.size() > 1 ? cycle[1] : cycle[0]];
          Report(DependsOnItem(first, depended.name),
                 fmt::format("dependsOn cycle: {}", fmt::join(order, " -> ")));
        }
      }
      stack.pop_back();
      state[v] = 2;
    };
    for (size_t v = 0; v < spec.groups.size(); ++v)
      if (state[v] == 0) visit(visit, v);
  }

  void CheckDuplicateInstances(const FleetSpec& spec) {
    struct Claim {
      std::string type;
      YamlPath path;
      int line;
    };
    std::map<std::string, Claim> claims;
    for (const Group& g : spec.groups) {
      for (size_t t = 0; t < g.targets.size(); ++t) {
        const Target& target = g.targets[t];
        YamlPath tpath = {{"groups", false}, {g.name, false}, {"targets", false}, {std::to_string(t), true}};
        for (size_t i = 0; i < target.instance_ids.size(); ++i) {
          const std::string& id = target.instance_ids[i];
          YamlPath ipath = Join(Join(tpath, "instanceIds"), std::to_string(i), true);
          auto [it, inserted] = claims.emplace(id, Claim{target.instance_type, ipath, doc_.MarksOf(ipath).line});
          if (inserted) continue;
          const Claim& first = it->second;
          if (first.type != target.instance_type) {
            Report(ipath, fmt::format("instance {} is claimed by two targets with different types: {} here, {} at {} (line {})",
                                      id, target.instance_type, first.type, PathToString(first.path), first.line));
          } else {
            Report(ipath, fmt::format("instance {} is also listed at {} (line {}); the first listing decides its group",
                                      id, PathToString(first.path), first.line), false, true);
          }
        }
      }
    }
  }

  const YamlJson& doc_;
  TimePoint now_;
  const std::set<std::string>& reported_;
  std::vector<Diagnostic>* diags_;
};

}  // namespace

void BuildFleetSpec(const YamlJson& doc, const Clock& clock, const std::set<std::string>& reported,
                    FleetSpec* out, std::vector<Diagnostic>* diags) {
  Builder(doc, clock, reported, diags).Build(out);
}

}  // namespace respec
