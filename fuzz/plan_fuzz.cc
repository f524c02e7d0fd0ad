// libFuzzer target: the plan loader is a trust boundary (a plan travels as a
// pipeline artifact between review and apply). Any bytes must be refused or
// accepted without a crash, a hang or a sanitizer report; a refusal always
// says why; an accepted plan renders, re-serializes to a plan that loads
// again with the same digest, and passes the graph check.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "plan/graph.h"
#include "plan/plan_file.h"
#include "plan/render.h"

namespace {

// Most mutations break the digest, which would hide everything after it:
// also load the input resealed the documented way (as a tamperer would).
std::string Resealed(std::string_view text) {
  if (text.size() > respec::kMaxPlanBytes) return "";
  int depth = 0, deepest = 0;
  for (char c : text) {
    depth += (c == '[' || c == '{') - (c == ']' || c == '}');
    deepest = std::max(deepest, depth);
  }
  if (deepest > 2 * respec::kMaxPlanDepth) return "";  // nlohmann nests without limit
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  j.erase("digest");
  j["digest"] = "sha256:" + respec::Sha256Hex(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return j.dump();
}

void Check(std::string_view text) {
  respec::Plan plan;
  std::vector<std::string> errors;
  bool ok = respec::PlanFromJson(text, "fuzz.json", &plan, &errors);
  if (!ok) {
    if (errors.empty()) std::abort();
    for (const auto& e : errors)
      if (e.empty()) std::abort();
    return;
  }
  if (!errors.empty()) std::abort();
  if (!respec::CheckPlanGraph(plan).ok) std::abort();  // consistency implies a sound graph
  for (auto f : {respec::PlanFormat::kText, respec::PlanFormat::kMarkdown, respec::PlanFormat::kDot})
    (void)respec::MakeRenderer(f, {})->Render(plan);
  respec::Plan again;
  if (!respec::PlanFromJson(respec::PlanToJson(plan), "again.json", &again, &errors)) std::abort();
  if (again.digest != respec::PlanDigest(plan)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Check(text);
  if (std::string sealed = Resealed(text); !sealed.empty()) Check(sealed);
  return 0;
}
