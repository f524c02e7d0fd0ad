// Api: the emulator's HTTP door without the sockets. It turns one raw HTTP
// request into one response: inspection endpoints (/_emulator/*), protocol
// checks (action, version), authentication, required parameters, per-action
// throttling, injected faults, and the action's handler, rendered as JSON
// or XML. The server (server.h) only moves bytes; tests may call Handle
// directly.
//
// Errors: every failure is an API error response with the error table's
// code and HTTP status; nothing throws out of Handle.
// Threads: Handle and the inspection methods are safe from any thread.
// Ownership: borrows the Model and the clock (both must outlive the Api);
// owns its authenticator, throttle and statistics.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "emulator/http/auth.h"
#include "emulator/http/render.h"
#include "emulator/http/request.h"
#include "emulator/http/request_log.h"
#include "emulator/http/sts_door.h"
#include "emulator/http/throttle.h"
#include "emulator/model.h"

namespace respec::emulator::http {

inline constexpr const char* kApiVersion = "2014-05-26";

// What a fault source may decide for one request (see emulator/faults.h).
enum class InjectedFault { kNone, kThrottling, kLastOrder, kInternal, kDrop, kSlow };
using FaultSource = std::function<InjectedFault(const std::string& action)>;

struct ApiOptions {
  std::map<std::string, double> qps_limits;  // per action; absent = default_qps
  double default_qps = 100;                  // <= 0: unlimited
  Millis slow_delay{200};                    // added to a response by the slow fault
  std::string host_id = "ecs.aliyuncs.com";  // HostId in error bodies
  FaultSource faults;                        // empty: no faults
  StsWorld sts;                              // roles and OIDC providers of the STS door
};

struct ApiResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  bool drop = false;  // close the connection without answering (the action was done)
  Millis delay{0};    // wait this long (real time) before answering
  std::string error_code;  // the API error code when status >= 400
  long long retry_after_ms = -1;  // >= 0: sent as x-acs-retry-after (ms), with Throttling
};

class Api {
 public:
  // `wall_clock` times signatures, nonces and throttling: the clients' clocks
  // are real, so this is real time even when the Model's clock is scaled.
  Api(Model* model, Clock* wall_clock, ApiOptions options);

  ApiResponse Handle(const RawRequest& req);

  // Inspection, also served as GET /_emulator/{orders,instances,stats}.
  Json OrdersJson() const;
  Json InstancesJson() const;
  Json StatsJson() const;
  // The shapes of the last API requests (names only, never values), also
  // served as GET /_emulator/requests.
  Json RequestsJson() const { return requests_log_.ToJson(); }

  // The STS door (version 2015-04-01 on the same listener); the metadata
  // door issues through it too.
  StsDoor* sts() { return sts_.get(); }

 private:
  ApiResponse HandleSts(const RawRequest& req, const ApiCall& call, const std::string& request_id);
  ApiResponse HandleApi(const RawRequest& req, std::string* counted_action, RequestShape* shape);
  ApiResponse HandleInspection(const RawRequest& req);
  ApiResponse Error(const CloudError& e, Format f, const std::string& request_id);
  void Count(const std::string& action, const std::string& error_code);
  void CountFault(InjectedFault fault);

  Model* model_;
  ApiOptions options_;
  std::unique_ptr<StsDoor> sts_;
  Authenticator auth_;
  Throttle throttle_;
  mutable std::mutex stats_mu_;
  std::map<std::string, long> requests_;
  std::map<std::string, long> errors_;
  std::map<std::string, long> faults_;  // injected by --faults, by kind (drop, slow, ...)
  RequestLog requests_log_;
};

}  // namespace respec::emulator::http
