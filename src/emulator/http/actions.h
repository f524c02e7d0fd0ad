// The emulator's action table: one entry per ECS action it serves, with the
// parameters the API requires and a small handler that turns parameters
// into a Model call and the Model's answer into the API's response shape
// (without RequestId, which the dispatcher adds). Handlers live in
// actions_*.cc by theme, like watchman's cmds/.
// Errors: handlers return CloudError values (InvalidParameter naming the
// parameter for a bad value; the Model's own errors otherwise).
// Threads: handlers are stateless; the Model is thread-safe.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cloud/error.h"
#include "emulator/http/params.h"
#include "emulator/http/render.h"
#include "emulator/model.h"

namespace respec::emulator::http {

struct ActionContext {
  const Params& params;
  Model& model;
  Format format = Format::kJson;
  // For the JSON format a handler may append members as JSON text here
  // ("\"Instances\":{...}") instead of building them in the returned tree;
  // they follow the tree's members in the answer.
  std::string* raw_json_members = nullptr;
};

using ActionHandler = Result<Json> (*)(const ActionContext&);

struct ActionSpec {
  std::string_view name;
  std::vector<std::string_view> required;
  ActionHandler handler;
};

// Every action, by name.
std::span<const ActionSpec> AllActions();
const ActionSpec* FindAction(std::string_view name);

// Response shapes shared by actions and the inspection endpoints.
Json InstanceJson(const Instance& i);
void AppendInstanceJsonText(const Instance& i, std::string* out);
Json OrderJson(const Order& o);

// Handlers (defined in actions_describe.cc, actions_power.cc, actions_modify.cc).
Result<Json> HandleDescribeRegions(const ActionContext& c);
Result<Json> HandleDescribeZones(const ActionContext& c);
Result<Json> HandleDescribeInstances(const ActionContext& c);
Result<Json> HandleDescribeInstanceStatus(const ActionContext& c);
Result<Json> HandleDescribeInstanceTypes(const ActionContext& c);
Result<Json> HandleDescribeResourcesModification(const ActionContext& c);
Result<Json> HandleDescribeInstanceModificationPrice(const ActionContext& c);
Result<Json> HandleStopInstance(const ActionContext& c);
Result<Json> HandleStartInstance(const ActionContext& c);
Result<Json> HandleRebootInstance(const ActionContext& c);
Result<Json> HandleStopInstances(const ActionContext& c);
Result<Json> HandleStartInstances(const ActionContext& c);
Result<Json> HandleRebootInstances(const ActionContext& c);
Result<Json> HandleModifyPrepayInstanceSpec(const ActionContext& c);
Result<Json> HandleModifyInstanceSpec(const ActionContext& c);

}  // namespace respec::emulator::http
