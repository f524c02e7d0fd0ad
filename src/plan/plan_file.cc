#include "plan/plan_file.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/sha.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "core/file_read.h"
#include "core/json_depth.h"
#include "core/terminal_text.h"
#include "plan/plan_check.h"
#include "plan/planner.h"

namespace respec {
namespace {

using ojson = nlohmann::ordered_json;

ojson OptionsJson(const TargetOptions& o) {
  ojson j;
  if (o.auto_pay) j["auto_pay"] = *o.auto_pay;
  j["migrate_across_zone"] = o.migrate_across_zone;
  if (!o.system_disk_category.empty()) j["system_disk_category"] = o.system_disk_category;
  j["reboot"] = RebootPolicyName(o.reboot);
  if (!o.reboot_at.empty()) j["reboot_at"] = o.reboot_at;
  if (!o.end_time.empty()) j["end_time"] = o.end_time;
  if (!o.operation.empty()) j["operation"] = o.operation;
  j["power_state"] = PowerStateName(o.power_state);
  if (o.force_stop) j["force_stop"] = true;  // absent = false, so older plans read the same
  return j;
}

ojson InstanceJson(const InstancePlan& p) {
  ojson j;
  j["instance_id"] = p.instance_id;
  if (!p.name.empty()) j["name"] = p.name;
  j["group"] = p.group;
  if (!p.region.empty()) j["region"] = p.region;
  if (!p.zone.empty()) j["zone"] = p.zone;
  j["observed"] = {{"type", p.observed_type}, {"status", p.observed_status}};
  j["target_type"] = p.target_type;
  if (!p.target_pos.empty()) j["target_pos"] = p.target_pos;
  j["direction"] = DirectionName(p.direction);
  j["verdict"] = VerdictName(p.verdict);
  if (!p.blockers.empty()) {
    ojson bs = ojson::array();
    for (const auto& b : p.blockers)
      bs.push_back({{"code", b.code}, {"reason", b.reason}, {"remedy", b.remedy}});
    j["blockers"] = bs;
  }
  if (!p.final_status.empty()) j["final_status"] = p.final_status;
  j["options"] = OptionsJson(p.options);
  j["steps"] = p.steps;
  if (p.price)
    j["price"] = {{"original", p.price->original},
                  {"discount", p.price->discount},
                  {"trade", p.price->trade},
                  {"currency", p.price->currency}};
  if (!p.priced_on.empty()) j["priced_on"] = p.priced_on;
  if (!p.notes.empty()) j["notes"] = p.notes;
  if (!p.alternatives.empty()) j["alternatives"] = p.alternatives;
  return j;
}

ojson SummaryJson(const Plan& plan) {
  PlanCounts c = CountPlan(plan);
  ojson s;
  s["to_resize"] = c.changes();
  s["upgrades"] = c.upgrades;
  s["downgrades"] = c.downgrades;
  s["blocked"] = c.blocked;
  s["unchanged"] = c.unchanged;
  // Prices are estimates: each instance is priced on a representative.
  std::map<std::string, double> by_group;
  double total = 0;
  std::string currency;
  for (const auto& p : plan.instances)
    if (p.verdict == Verdict::kChange && p.price) {
      by_group[p.group] += p.price->trade;
      total += p.price->trade;
      if (currency.empty()) currency = p.price->currency;
    }
  ojson groups = ojson::object();
  for (const auto& g : plan.groups)
    if (by_group.count(g.name)) groups[g.name] = by_group[g.name];
  s["price_estimate"] = {{"currency", currency}, {"total", total}, {"by_group", groups}};
  return s;
}

template <class T>
T Get(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

TargetOptions OptionsFrom(const nlohmann::json& j) {
  TargetOptions o;
  if (j.contains("auto_pay")) o.auto_pay = j["auto_pay"].get<bool>();
  o.migrate_across_zone = Get(j, "migrate_across_zone", false);
  o.system_disk_category = Get<std::string>(j, "system_disk_category", "");
  o.reboot = ParseRebootPolicy(Get<std::string>(j, "reboot", "whenFinished")).value_or(RebootPolicy::kWhenFinished);
  o.reboot_at = Get<std::string>(j, "reboot_at", "");
  o.end_time = Get<std::string>(j, "end_time", "");
  o.operation = Get<std::string>(j, "operation", "");
  o.power_state = ParsePowerState(Get<std::string>(j, "power_state", "keep")).value_or(PowerState::kKeep);
  o.force_stop = Get(j, "force_stop", false);
  return o;
}

Plan Decode(const nlohmann::json& j) {
  Plan p;
  p.format_version = j.at("format_version").get<int>();
  p.respec_version = j.at("respec_version").get<std::string>();
  p.created_at = j.at("created_at").get<std::string>();
  p.spec_path = j.at("spec").at("path").get<std::string>();
  p.spec_sha256 = j.at("spec").at("sha256").get<std::string>();
  p.plan_id = j.at("plan_id").get<std::string>();
  p.max_parallel = j.at("max_parallel").get<int>();
  p.api_qps = j.at("api_qps").get<double>();
  for (const auto& g : j.at("groups")) {
    GroupConstraint c;
    c.name = g.at("name").get<std::string>();
    c.max_unavailable = g.at("max_unavailable").get<int>();
    c.max_failures = g.at("max_failures").get<int>();
    c.depends_on = g.at("depends_on").get<std::vector<std::string>>();
    p.groups.push_back(std::move(c));
  }
  for (const auto& i : j.at("instances")) {
    InstancePlan x;
    x.instance_id = i.at("instance_id").get<std::string>();
    x.name = Get<std::string>(i, "name", "");
    x.group = i.at("group").get<std::string>();
    x.region = Get<std::string>(i, "region", "");
    x.zone = Get<std::string>(i, "zone", "");
    x.observed_type = i.at("observed").at("type").get<std::string>();
    x.observed_status = i.at("observed").at("status").get<std::string>();
    x.target_type = i.at("target_type").get<std::string>();
    x.target_pos = Get<std::string>(i, "target_pos", "");
    x.direction = ParseDirection(i.at("direction").get<std::string>()).value_or(Direction::kNone);
    x.verdict = ParseVerdict(i.at("verdict").get<std::string>()).value_or(Verdict::kBlocked);
    if (i.contains("blockers"))
      for (const auto& b : i["blockers"])
        x.blockers.push_back({b.at("code").get<std::string>(), b.at("reason").get<std::string>(),
                              b.at("remedy").get<std::string>()});
    x.final_status = Get<std::string>(i, "final_status", "");
    x.options = OptionsFrom(i.at("options"));
    x.steps = i.at("steps").get<std::vector<int>>();
    if (i.contains("price")) {
      const auto& pr = i["price"];
      x.price = Price{pr.at("original").get<double>(), pr.at("discount").get<double>(),
                      pr.at("trade").get<double>(), pr.at("currency").get<std::string>(), ""};
    }
    x.priced_on = Get<std::string>(i, "priced_on", "");
    x.notes = Get<std::vector<std::string>>(i, "notes", {});
    x.alternatives = Get<std::vector<std::string>>(i, "alternatives", {});
    p.instances.push_back(std::move(x));
  }
  for (const auto& s : j.at("steps")) {
    Step st;
    st.id = s.at("id").get<int>();
    st.instance_id = s.at("instance_id").get<std::string>();
    st.kind = ParseStepKind(s.at("kind").get<std::string>()).value_or(StepKind::kModify);
    st.group = s.at("group").get<std::string>();
    st.client_token = Get<std::string>(s, "client_token", "");
    p.steps.push_back(std::move(st));
  }
  for (const auto& e : j.at("edges")) p.edges.emplace_back(e.at(0).get<int>(), e.at(1).get<int>());
  p.warnings = j.at("warnings").get<std::vector<std::string>>();
  for (const auto& [region, types] : j.at("catalog").items())
    for (const auto& [id, t] : types.items()) {
      InstanceType x;
      x.id = id;
      x.cpu = t.at("cpu").get<int>();
      x.memory_gib = t.at("memory_gib").get<double>();
      p.catalog[region][id] = x;
    }
  return p;
}

ojson Body(const Plan& plan) {
  ojson j;
  j["format_version"] = plan.format_version;
  j["respec_version"] = plan.respec_version;
  j["created_at"] = plan.created_at;
  j["spec"] = {{"path", plan.spec_path}, {"sha256", plan.spec_sha256}};
  j["plan_id"] = plan.plan_id;
  j["max_parallel"] = plan.max_parallel;
  j["api_qps"] = plan.api_qps;
  ojson groups = ojson::array();
  for (const auto& g : plan.groups)
    groups.push_back({{"name", g.name},
                      {"max_unavailable", g.max_unavailable},
                      {"max_failures", g.max_failures},
                      {"depends_on", g.depends_on}});
  j["groups"] = groups;
  j["summary"] = SummaryJson(plan);
  ojson instances = ojson::array();
  for (const auto& p : plan.instances) instances.push_back(InstanceJson(p));
  j["instances"] = std::move(instances);
  ojson steps = ojson::array();
  for (const auto& s : plan.steps) {
    ojson x = {{"id", s.id}, {"instance_id", s.instance_id}, {"kind", StepKindName(s.kind)}, {"group", s.group}};
    if (!s.client_token.empty()) x["client_token"] = s.client_token;
    steps.push_back(std::move(x));
  }
  j["steps"] = std::move(steps);
  ojson edges = ojson::array();
  for (const auto& [a, b] : plan.edges) edges.push_back({a, b});
  j["edges"] = std::move(edges);
  j["warnings"] = plan.warnings;
  ojson catalog = ojson::object();
  for (const auto& [region, types] : plan.catalog)
    for (const auto& [id, t] : types)
      catalog[region][id] = {{"cpu", t.cpu}, {"memory_gib", t.memory_gib}};
  j["catalog"] = std::move(catalog);
  return j;
}

// "sha256:" + SHA-256 of the canonical form of `doc` without its "digest":
// compact JSON, object keys sorted (nlohmann::json's std::map order), UTF-8
// as is, numbers as nlohmann prints them (shortest round-trip form) -- the
// same as Python's json.dumps(doc, sort_keys=True, separators=(",", ":"),
// ensure_ascii=False) for the values a plan holds.
std::string DigestOf(nlohmann::json doc) {
  doc.erase("digest");
  return "sha256:" + Sha256Hex(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::string PlanToJson(const Plan& plan) {
  ojson j = Body(plan);
  // The digest covers everything else; it goes second so a reader sees it first.
  ojson out;
  out["format_version"] = j["format_version"];
  out["digest"] = DigestOf(nlohmann::json(j));
  for (auto& [key, value] : j.items())
    if (key != "format_version") out[key] = std::move(value);
  return out.dump(2) + "\n";
}

std::string PlanDigest(const Plan& plan) { return DigestOf(nlohmann::json(Body(plan))); }

bool PlanFromJson(std::string_view text, const std::string& source, Plan* plan,
                  std::vector<std::string>* errors) {
  size_t before = errors->size();
  // Bounded before parsing: nlohmann::json holds the whole document (about
  // ten times the text) and nests without limit.
  if (text.size() > kMaxPlanBytes) {
    errors->push_back(fmt::format("{}: file is too large: {} bytes; a plan may be at most {} bytes ({} MiB)",
                                  source, text.size(), kMaxPlanBytes, kMaxPlanBytes >> 20));
    return false;
  }
  if (auto where = DeeperThan(text, kMaxPlanDepth)) {
    errors->push_back(fmt::format("{}: nesting too deep at byte {}: more than {} levels of [ and {{ "
                                  "(a plan needs about 6)", source, *where, kMaxPlanDepth));
    return false;
  }
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    // Re-parse for the position: the non-throwing parse does not report it.
    try {
      auto unused = nlohmann::json::parse(text.begin(), text.end());
      (void)unused;
    } catch (const nlohmann::json::parse_error& e) {
      errors->push_back(fmt::format("{}: not valid JSON (byte {}): {}", source, e.byte, e.what()));
      return false;
    } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range: a number like 1e3080
      errors->push_back(fmt::format("{}: not valid JSON: {}", source, e.what()));
      return false;
    }
    errors->push_back(fmt::format("{}: not valid JSON", source));
    return false;
  }
  if (!doc.is_object() || !doc.contains("format_version")) {
    errors->push_back(fmt::format("{}: not a respec plan file (no format_version)", source));
    return false;
  }
  const auto& fv = doc["format_version"];
  if (fv.is_number_integer() && fv.get<long long>() == 1) {
    errors->push_back(fmt::format("{}: format_version 1 is no longer accepted: it carries no content digest, so "
                                  "nothing shows it is the plan that was reviewed; make a new plan with this "
                                  "respec ({}) and review it", source, RESPEC_VERSION));
    return false;
  }
  if (!fv.is_number_integer() || fv.get<long long>() != kPlanFormatVersion) {
    errors->push_back(fmt::format("{}: unsupported format_version {} (this respec {} reads {}); "
                                  "make a new plan with this respec",
                                  source, fv.dump(), RESPEC_VERSION, kPlanFormatVersion));
    return false;
  }
  // The digest before anything is believed: an edited plan is refused whole.
  const auto dj = doc.find("digest");
  if (dj == doc.end() || !dj->is_string()) {
    errors->push_back(fmt::format("{}: /digest: missing; a plan file carries the digest of its content", source));
    return false;
  }
  const std::string digest = DigestOf(doc);
  if (dj->get<std::string>() != digest) {
    errors->push_back(fmt::format("{}: /digest: mismatch: the file says {} but its content is {}; the plan was "
                                  "edited after it was made (or is damaged). Make a new plan and review it",
                                  source, ForTerminal(dj->get<std::string>()), digest));
    return false;
  }
  try {
    static const nlohmann::json schema_doc = nlohmann::json::parse(PlanSchemaText());
    static const std::unique_ptr<valijson::Schema> schema_ptr = [] {
      auto s = std::make_unique<valijson::Schema>();
      valijson::SchemaParser parser;
      valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
      parser.populateSchema(schema_adapter, *s);
      return s;
    }();
    const valijson::Schema& schema = *schema_ptr;
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(doc);
    if (!validator.validate(schema, target, &results)) {
      valijson::ValidationResults::Error e;
      int shown = 0;
      while (results.popError(e) && shown < 20) {
        std::string path;
        for (const auto& c : e.context)
          if (c != "<root>") path += "/" + (c.size() > 2 && c.front() == '[' ? c.substr(1, c.size() - 2) : c);
        errors->push_back(fmt::format("{}: {}: {}", source, path.empty() ? "/" : path, e.description));
        ++shown;
      }
      return false;
    }
    *plan = Decode(doc);
  } catch (const std::exception& e) {
    errors->push_back(fmt::format("{}: {}", source, e.what()));
    return false;
  }
  plan->digest = digest;
  CheckPlanConsistency(*plan, source, errors);
  return errors->size() == before;
}

bool SavePlanFile(const Plan& plan, const std::string& path, std::string* error) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      *error = fmt::format("{}: cannot write", tmp);
      return false;
    }
    f << PlanToJson(plan);
    f.flush();
    if (!f) {
      *error = fmt::format("{}: write failed", tmp);
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = fmt::format("{}: cannot rename to {}", tmp, path);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool LoadPlanFile(const std::string& path, Plan* plan, std::vector<std::string>* errors) {
  std::string text;
  if (Status s = ReadFileBounded(path, kMaxPlanBytes, "plan", &text); !s.ok()) {
    errors->push_back(fmt::format("{}: {}", path, s.message()));
    return false;
  }
  return PlanFromJson(text, path, plan, errors);
}

}  // namespace respec
