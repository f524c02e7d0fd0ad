// Reporters: every --json line validates against schemas/events.schema.json,
// the first is the version record and progress lines come from the reporter
// itself (throttled on the virtual clock); the text summary names OrderIds,
// error codes, RequestIds and what respec did; plain output carries a
// periodic progress line with ETA; the live view never outgrows the terminal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "apply_fixture.h"
#include "core/version.h"

using namespace respec;
using namespace respec::testing;

namespace {

struct EventSchema {
  nlohmann::json doc;
  valijson::Schema schema;
  EventSchema() {
    std::ifstream in(std::string(RESPEC_SOURCE_DIR) + "/schemas/events.schema.json");
    REQUIRE(in);
    doc = nlohmann::json::parse(in);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter a(doc);
    parser.populateSchema(a, schema);
  }
  bool Valid(const nlohmann::json& j, std::string* why) const {
    valijson::Validator v;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter a(j);
    if (v.validate(schema, a, &results)) return true;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
      for (const auto& c : e.context) *why += c;
      *why += ": " + e.description + "\n";
    }
    return false;
  }
};

std::vector<Inst> SomeWithFailure() {
  return {{"i-q", "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 3},
          {"i-u", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0},
          {"i-d", "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0},
          {"i-s", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kStopped, 0}};
}

}  // namespace

TEST_CASE("--json events, progress and summary validate against the schema") {
  auto insts = SomeWithFailure();
  Harness h(insts);
  std::ostringstream out;
  auto json = MakeJsonReporter(out, h.clock);
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 5}});
  Journal j(&h.store, "r-test", plan.plan_id);
  Executor ex(&plan, &h.cloud, &h.clock, &h.runner, &j, json.get(), {});
  Summary s = ex.Run();
  REQUIRE(s.exit_code == 1);

  EventSchema schema;
  std::istringstream lines(out.str());
  std::string line;
  std::map<std::string, int> kinds;
  std::string last_type;
  std::vector<std::string> types;
  while (std::getline(lines, line)) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    std::string why;
    INFO(line);
    REQUIRE(schema.Valid(parsed, &why));
    INFO(why);
    ++kinds[parsed.value("event", parsed.value("type", ""))];
    last_type = parsed["type"];
    types.push_back(last_type);
  }
  REQUIRE(types.size() > 2);
  CHECK(types.front() == "version");
  CHECK(std::count(types.begin(), types.end(), "version") == 1);
  CHECK(types.back() == "summary");
  CHECK(nlohmann::json::parse(out.str().substr(0, out.str().find('\n'))) ==
        nlohmann::json({{"type", "version"}, {"format_version", 1}, {"respec_version", respec::kVersion}}));
  REQUIRE(kinds["run_started"] == 1);
  REQUIRE(kinds["instance_done"] == 3);
  REQUIRE(kinds["instance_failed"] == 1);
  REQUIRE(kinds["instance_compensated"] == 1);
  REQUIRE(kinds["summary"] == 1);
  // Progress lines: at most one per second of (virtual) time, only when something moved.
  REQUIRE(kinds["progress"] >= 2);

  // The schema is not a rubber stamp: broken events are refused.
  std::string why;
  REQUIRE_FALSE(schema.Valid({{"type", "event"}, {"event", "instance_failed"}, {"time", "2026-01-01T00:00:00Z"}}, &why));
  REQUIRE_FALSE(schema.Valid({{"type", "event"}, {"event", "exploded"}, {"time", "2026-01-01T00:00:00Z"}}, &why));
  REQUIRE_FALSE(schema.Valid({{"type", "summary"}}, &why));
  REQUIRE_FALSE(schema.Valid({{"type", "version"}, {"format_version", 2}, {"respec_version", "9"}}, &why));
  // Additive fields are allowed: a consumer of format_version 1 ignores them.
  nlohmann::json later = {{"type", "event"}, {"event", "message"}, {"time", "2026-01-01T00:00:00Z"},
                          {"message", "x"}, {"added_in_a_later_release", 1}};
  REQUIRE(schema.Valid(later, &why));
}

TEST_CASE("the text summary lists orders, failures with code, RequestId and what respec did") {
  auto insts = SomeWithFailure();
  Harness h(insts);
  std::ostringstream out;
  auto plain = MakePlainReporter(out, h.clock);
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 5}});
  Journal j(&h.store, "r-test", plan.plan_id);
  Executor ex(&plan, &h.cloud, &h.clock, &h.runner, &j, plain.get(), {});
  Summary s = ex.Run();
  std::string text = out.str();
  for (const auto& o : h.model.Orders()) REQUIRE(text.find("order " + o.order_id) != std::string::npos);
  REQUIRE(text.find("InstanceDowngrade.QuotaExceed") != std::string::npos);
  REQUIRE(text.find("RequestId: ") != std::string::npos);
  REQUIRE(text.find("respec: started again") != std::string::npos);
  REQUIRE(text.find("Apply incomplete: 3 changed") != std::string::npos);
  REQUIRE(s.instances.size() == 4);
}

TEST_CASE("an order pending is its own outcome: order_pending with the OrderId in --json, its own section in text") {
  std::vector<Inst> insts = {{"i-unpaid", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0},
                             {"i-paid", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0}};
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 5}});
  plan.instances[0].options.auto_pay = false;
  for (bool as_json : {true, false}) {
    Harness h(insts);
    std::ostringstream out;
    auto rep = as_json ? MakeJsonReporter(out, h.clock) : MakePlainReporter(out, h.clock);
    Journal j(&h.store, "r-test", plan.plan_id);
    Executor ex(&plan, &h.cloud, &h.clock, &h.runner, &j, rep.get(), {});
    Summary s = ex.Run();
    REQUIRE(s.exit_code == 1);
    std::string order;
    for (const auto& o : h.model.Orders())
      if (o.instance_id == "i-unpaid") order = o.order_id;
    REQUIRE_FALSE(order.empty());
    const std::string text = out.str();
    if (!as_json) {
      INFO(text);
      CHECK(text.find("Orders pending") != std::string::npos);
      CHECK(text.find("order " + order) != std::string::npos);
      CHECK(text.find("waits for payment in the console") != std::string::npos);
      CHECK(text.find("Apply incomplete: 1 changed, 0 already applied, 1 order(s) pending, 0 failed") !=
            std::string::npos);
      CHECK(text.find("Failed:") == std::string::npos);
      continue;
    }
    auto summary = nlohmann::json::parse(text.substr(text.rfind('\n', text.size() - 2) + 1));
    EventSchema schema;
    std::string why;
    INFO(summary.dump());
    REQUIRE(schema.Valid(summary, &why));
    CHECK(summary["order_pending"] == 1);
    CHECK(summary["failed"] == 0);
    CHECK(summary["changed"] == 1);
    CHECK(summary["exit_code"] == 1);
    bool seen = false;
    for (const auto& i : summary["instances"]) {
      if (i["instance"] != "i-unpaid") continue;
      seen = true;
      CHECK(i["outcome"] == "order_pending");
      CHECK(i["order_id"] == order);
      CHECK(i["error"]["code"] == "Respec.OrderPending");
    }
    CHECK(seen);
    // The schema holds order_pending to its promise: an OrderId and an error.
    nlohmann::json bad = summary;
    for (auto& i : bad["instances"])
      if (i["outcome"] == "order_pending") i.erase("order_id");
    CHECK_FALSE(schema.Valid(bad, &why));
  }
}

TEST_CASE("plain output (CI logs) has a progress line with the ETA every interval of clock time") {
  auto insts = SomeWithFailure();
  Harness h(insts);
  std::ostringstream out;
  auto plain = MakePlainReporter(out, h.clock, Millis(1000));
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 5}});
  Journal j(&h.store, "r-test", plan.plan_id);
  Executor ex(&plan, &h.cloud, &h.clock, &h.runner, &j, plain.get(), {});
  ex.Run();
  std::istringstream lines(out.str());
  std::string line;
  std::vector<double> at;
  while (std::getline(lines, line)) {
    auto p = line.find("] progress: ");
    if (p == std::string::npos) continue;
    CHECK(line.find(" done, ") != std::string::npos);
    CHECK(line.find(", ETA ") != std::string::npos);
    at.push_back(std::stod(line.substr(1, p - 1)));
  }
  // The run takes a while of virtual time: several lines, 1 s apart at least.
  INFO(out.str());
  REQUIRE(at.size() >= 2);
  for (size_t i = 1; i < at.size(); ++i) CHECK(at[i] - at[i - 1] >= 1.0 - 0.05);

  // Never: no progress line at all.
  std::ostringstream quiet;
  auto none = MakePlainReporter(quiet, h.clock, Millis(0));
  Progress p;
  p.total = 3;
  for (int i = 0; i < 100; ++i, h.clock.Advance(Millis(60000))) none->OnProgress(p);
  CHECK(quiet.str().empty());
}

TEST_CASE("the live view cuts every redrawn line to the terminal width, read at each redraw") {
  VirtualClock clock;
  int columns = 80;
  std::ostringstream out;
  auto tty = MakeTtyReporter(out, clock, false, [&] { return columns; });
  Progress p;
  p.total = 1000;
  p.done = 400;
  p.in_flight = 20;
  p.waiting = 580;
  p.elapsed_s = 3725;
  p.eta_s = 5000;
  p.groups = {{"a-rather-long-group-name", 600, 300, 10, 290, 0, 0}, {"web", 400, 100, 10, 290, 3, 0}};
  for (int width : {80, 40, 120, 20}) {
    columns = width;
    out.str("");
    clock.Advance(Millis(1000));
    tty->OnProgress(p);
    std::string text = out.str();
    // Strip the redraw prefix (cursor up, clear) and check every line.
    auto esc = text.rfind("\x1b[J");
    if (esc != std::string::npos) text = text.substr(esc + 3);
    std::istringstream lines(text);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      INFO(width << ": " << line);
      CHECK(line.size() <= size_t(std::max(20, width) - 1));
      CHECK(!line.empty());
      ++n;
    }
    CHECK(n == 3);
  }
  // Wide enough: the full line with the bar and the ETA.
  columns = 200;
  clock.Advance(Millis(1000));
  out.str("");
  tty->OnProgress(p);
  CHECK(out.str().find("ETA 1:23:20") != std::string::npos);
  CHECK(out.str().find("[##########..........]") != std::string::npos);
}
