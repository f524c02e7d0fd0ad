#include "emulator/http/api.h"

#include <fmt/format.h>

#include "cloud/error_table.h"
#include "emulator/http/actions.h"

namespace respec::emulator::http {
namespace {

ApiResponse JsonResponse(int status, const Json& body) {
  ApiResponse r;
  r.status = status;
  r.content_type = ContentType(Format::kJson);
  r.body = RenderJson(body);
  return r;
}

}  // namespace

Api::Api(Model* model, Clock* wall_clock, ApiOptions options)
    : model_(model),
      options_(std::move(options)),
      sts_(std::make_unique<StsDoor>(options_.sts, wall_clock)),
      auth_(
          [model, sts = sts_.get()](const std::string& id) {
            const AccessKey* k = model->FindAccessKey(id);
            return k ? k : sts->Find(id);
          },
          wall_clock),
      throttle_(options_.qps_limits, options_.default_qps, wall_clock) {}

void Api::Count(const std::string& action, const std::string& error_code) {
  std::lock_guard<std::mutex> l(stats_mu_);
  ++requests_[action.empty() ? "(none)" : action];
  if (!error_code.empty()) ++errors_[error_code];
}

ApiResponse Api::Error(const CloudError& e, Format f, const std::string& request_id) {
  ApiResponse r;
  int status = e.http_status;
  if (status == 0) {
    const ErrorInfo* info = FindError(e.code);
    status = info && info->http_status ? info->http_status : 400;
  }
  r.status = status;
  r.error_code = e.code;
  r.content_type = ContentType(f);
  r.body = Render(f, "Error", ErrorBody(e, request_id, options_.host_id));
  return r;
}

ApiResponse Api::Handle(const RawRequest& req) {
  if (req.Path().rfind("/_emulator/", 0) == 0) return HandleInspection(req);
  std::string action;
  RequestShape shape;
  ApiResponse r = HandleApi(req, &action, &shape);
  Count(action, r.error_code);
  if (!shape.method.empty()) {
    shape.status = r.status;
    shape.error_code = r.error_code;
    requests_log_.Record(std::move(shape));
  }
  return r;
}

ApiResponse Api::HandleApi(const RawRequest& req, std::string* counted_action, RequestShape* shape) {
  std::string request_id = model_->NewRequestId();
  auto parsed = ParseApiCall(req);
  if (!parsed.ok()) return Error(parsed.error(), Format::kJson, request_id);
  const ApiCall& call = parsed.value();
  *shape = ShapeOf(req, call);
  Format f = call.format;
  *counted_action = call.action;

  if (req.Path() != "/" || (req.method != "GET" && req.method != "POST"))
    return Error(MakeCloudError("InvalidAction.NotFound",
                                fmt::format("Specified api is not found, please check your url and "
                                            "method: {} {} (the ECS RPC API is served on /).",
                                            req.method, req.Path().substr(0, 80))),
                 f, request_id);
  if (call.action.empty()) return Error(MissingParameter("Action"), f, request_id);
  if (call.version.empty()) return Error(MissingParameter("Version"), f, request_id);
  if (call.version == kStsApiVersion) return HandleSts(req, call, request_id);
  if (call.version != kApiVersion)
    return Error(MakeCloudError("InvalidVersion",
                                fmt::format("Specified parameter Version is not valid: \"{}\"; the "
                                            "emulator serves ECS {}.",
                                            call.version.substr(0, 40), kApiVersion)),
                 f, request_id);
  const ActionSpec* spec = FindAction(call.action);
  if (!spec)
    return Error(MakeCloudError("InvalidAction.NotFound",
                                fmt::format("Specified api is not found, please check your url and "
                                            "method: ECS {} has no action \"{}\" in the emulator.",
                                            kApiVersion, call.action.substr(0, 80))),
                 f, request_id);

  if (auto e = auth_.Verify(req, call)) return Error(*e, f, request_id);
  for (std::string_view name : spec->required)
    if (!call.params.Has(name)) return Error(MissingParameter(name), f, request_id);
  if (long long wait = -1; !throttle_.Admit(call.action, &wait)) {
    ApiResponse r = Error(MakeCloudError("Throttling", ""), f, request_id);
    r.retry_after_ms = wait;  // the gateway's hint, as x-acs-retry-after
    return r;
  }

  InjectedFault fault = options_.faults ? options_.faults(call.action) : InjectedFault::kNone;
  if (fault == InjectedFault::kLastOrder && call.action != "ModifyPrepayInstanceSpec") fault = InjectedFault::kNone;
  CountFault(fault);
  switch (fault) {
    case InjectedFault::kThrottling:
      return Error(MakeCloudError("Throttling", ""), f, request_id);
    case InjectedFault::kLastOrder:
      if (call.action == "ModifyPrepayInstanceSpec")
        return Error(MakeCloudError("LastOrderProcessing", ""), f, request_id);
      break;
    case InjectedFault::kInternal:
      return Error(MakeCloudError("InternalError", ""), f, request_id);
    default:
      break;
  }

  std::string raw_members;
  auto result = spec->handler(ActionContext{call.params, *model_, f, &raw_members});
  ApiResponse r;
  if (!result.ok()) {
    r = Error(result.error(), f, request_id);
  } else {
    Json body;
    body["RequestId"] = request_id;
    for (auto it = result->begin(); it != result->end(); ++it) body[it.key()] = std::move(*it);
    r.content_type = ContentType(f);
    r.body = Render(f, call.action + "Response", body);
    if (!raw_members.empty() && f == Format::kJson) {
      r.body.pop_back();  // the closing brace; RequestId guarantees a member before
      r.body += ',';
      r.body += raw_members;
      r.body += '}';
    }
  }
  if (fault == InjectedFault::kDrop) r.drop = true;
  if (fault == InjectedFault::kSlow) r.delay = options_.slow_delay;
  return r;
}

ApiResponse Api::HandleSts(const RawRequest& req, const ApiCall& call, const std::string& request_id) {
  const Format f = call.format;
  const AccessKey* caller = nullptr;
  if (!StsDoor::Anonymous(call.action)) {
    if (auto e = auth_.Verify(req, call, &caller)) return Error(*e, f, request_id);
  }
  if (!throttle_.Admit(call.action)) return Error(MakeCloudError("Throttling", ""), f, request_id);
  Result<Json> result = sts_->Handle(call.action, call.params, caller);
  if (!result.ok()) return Error(result.error(), f, request_id);
  Json body;
  body["RequestId"] = request_id;
  for (auto it = result->begin(); it != result->end(); ++it) body[it.key()] = std::move(*it);
  ApiResponse r;
  r.content_type = ContentType(f);
  r.body = Render(f, call.action + "Response", body);
  return r;
}

Json Api::OrdersJson() const {
  Json list = Json::array();
  for (const Order& o : model_->Orders()) list.push_back(OrderJson(o));
  return list;
}

Json Api::InstancesJson() const {
  Json list = Json::array();
  for (const WorldInstance& w : model_->Instances()) {
    Json j = InstanceJson(w.instance);
    j["DowngradesUsed"] = w.downgrades_used;
    j["Released"] = w.released;
    list.push_back(std::move(j));
  }
  return list;
}

void Api::CountFault(InjectedFault fault) {
  const char* name = nullptr;
  switch (fault) {
    case InjectedFault::kThrottling: name = "throttling"; break;
    case InjectedFault::kLastOrder: name = "last-order"; break;
    case InjectedFault::kInternal: name = "internal"; break;
    case InjectedFault::kDrop: name = "drop"; break;
    case InjectedFault::kSlow: name = "slow"; break;
    default: return;
  }
  std::lock_guard<std::mutex> l(stats_mu_);
  ++faults_[name];
}

Json Api::StatsJson() const {
  std::lock_guard<std::mutex> l(stats_mu_);
  Json req = Json::object(), err = Json::object(), faults = Json::object();
  for (const auto& [k, v] : requests_) req[k] = v;
  for (const auto& [k, v] : errors_) err[k] = v;
  for (const auto& [k, v] : faults_) faults[k] = v;
  return Json{{"requests", req}, {"errors", err}, {"faults", faults}};
}

ApiResponse Api::HandleInspection(const RawRequest& req) {
  if (req.method != "GET") return JsonResponse(405, Json{{"error", "use GET"}});
  std::string path = req.Path();
  if (path == "/_emulator/orders") return JsonResponse(200, OrdersJson());
  if (path == "/_emulator/instances") return JsonResponse(200, InstancesJson());
  if (path == "/_emulator/stats") return JsonResponse(200, StatsJson());
  if (path == "/_emulator/stops") {
    Json list = Json::array();
    for (const StopRecord& s : model_->Stops())
      list.push_back(Json{{"InstanceId", s.instance_id}, {"ForceStop", s.force_stop}, {"StoppedMode", s.stopped_mode}});
    return JsonResponse(200, list);
  }
  if (path == "/_emulator/sts") return JsonResponse(200, sts_->IssuedJson());
  if (path == "/_emulator/requests") return JsonResponse(200, RequestsJson());
  return JsonResponse(404, Json{{"error", "unknown inspection endpoint " + path.substr(0, 80) +
                                              "; try /_emulator/orders, /_emulator/instances, "
                                              "/_emulator/stops, /_emulator/stats or /_emulator/requests"}});
}

}  // namespace respec::emulator::http
