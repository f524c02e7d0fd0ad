// Reporters: every --json line validates against schemas/events.schema.json;
// the text summary names OrderIds, error codes, RequestIds and what respec did.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "apply_fixture.h"

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
  auto json = MakeJsonReporter(out);
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 5}});
  Journal j(&h.store, "r-test", plan.plan_id);
  Executor ex(&plan, &h.cloud, &h.clock, &h.runner, &j, json.get(), {});
  Summary s = ex.Run();
  REQUIRE(s.exit_code == 1);
  // A progress line is throttled to once a second of real time; emit one directly too.
  out << ProgressToJson(h.reporter.last_progress, h.clock.Now()) << "\n";

  EventSchema schema;
  std::istringstream lines(out.str());
  std::string line;
  std::map<std::string, int> kinds;
  std::string last_type;
  while (std::getline(lines, line)) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    std::string why;
    INFO(line);
    REQUIRE(schema.Valid(parsed, &why));
    INFO(why);
    ++kinds[parsed.value("event", parsed.value("type", ""))];
    last_type = parsed["type"];
  }
  REQUIRE(kinds["run_started"] == 1);
  REQUIRE(kinds["instance_done"] == 3);
  REQUIRE(kinds["instance_failed"] == 1);
  REQUIRE(kinds["instance_compensated"] == 1);
  REQUIRE(kinds["summary"] == 1);
  REQUIRE(kinds["progress"] >= 1);

  // The schema is not a rubber stamp: broken events are refused.
  std::string why;
  REQUIRE_FALSE(schema.Valid({{"type", "event"}, {"event", "instance_failed"}, {"time", "2026-01-01T00:00:00Z"}}, &why));
  REQUIRE_FALSE(schema.Valid({{"type", "event"}, {"event", "exploded"}, {"time", "2026-01-01T00:00:00Z"}}, &why));
  REQUIRE_FALSE(schema.Valid({{"type", "summary"}}, &why));
}

TEST_CASE("the text summary lists orders, failures with code, RequestId and what respec did") {
  auto insts = SomeWithFailure();
  Harness h(insts);
  std::ostringstream out;
  auto plain = MakePlainReporter(out);
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
