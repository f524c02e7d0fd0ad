#include "state/journal_state.h"

namespace respec {

JournalState ReplayJournal(const std::vector<nlohmann::json>& records) {
  JournalState st;
  for (const auto& j : records) {
    if (!j.is_object() || !j.contains("ev") || !j["ev"].is_string()) {
      ++st.bad_lines;
      continue;
    }
    const std::string ev = j["ev"];
    const std::string inst = j.contains("instance") && j["instance"].is_string() ? j["instance"].get<std::string>() : "";
    const int step = j.contains("step") && j["step"].is_number_integer() ? j["step"].get<int>() : -1;
    const std::string kind = j.contains("kind") && j["kind"].is_string() ? j["kind"].get<std::string>() : "";
    if (ev == "begin") {
      ++st.runs;
    } else if (ev == "call") {
      if (!inst.empty()) st.touched.insert(inst);
      if (kind == "stop" && !inst.empty()) st.stopped.insert(inst);
    } else if (ev == "result") {
      std::string order = j.contains("order_id") && j["order_id"].is_string() ? j["order_id"].get<std::string>() : "";
      if (!order.empty() && !inst.empty()) st.order_ids[inst] = order;
    } else if (ev == "step_done") {
      if (step >= 0) st.steps_done.insert(step);
    } else if (ev == "instance_done") {
      if (!inst.empty()) st.finished.insert(inst);
    }
  }
  return st;
}

}  // namespace respec
