// Decoding of ECS API responses (JSON: respec always sends Format=JSON; an
// XML or HTML body is reported as malformed, never guessed at) into the
// typed results of cloud/cloud.h.
//
// Tolerant of what the real API does: OrderId as a string or a number (the
// Chinese reference's sample returns a number, possibly beyond 64 bits, kept
// digit for digit), numbers sent as strings, absent optional fields, unknown
// new fields, a one-element list given as an object.
// Strict about what respec relies on: a body that is not JSON (an HTML error
// page from a proxy, a truncated body), a 200 without RequestId, or a missing
// required field (e.g. an instance without InstanceId or Status) becomes a
// CloudError "Response.Malformed" / "Response.MissingField" naming the field
// path, never a crash or a silent default.
// Error bodies {RequestId, HostId, Code, Message, Recommend} become a
// CloudError with code, message, HTTP status, RequestId and the category from
// the error table.
//
// Every error carries `action` and `instance_id` as given. Pure functions,
// no exceptions escape, thread-safe. Bodies never contain our secrets, but
// callers still scrub messages (see ecs_cloud.cc) in case a server echoes a
// request back.
#pragma once

#include <string>
#include <string_view>

#include "cloud/cloud.h"

namespace respec::ecs {

struct RawResponse {
  int http_status = 0;
  std::string body;
  long long retry_after_ms = -1;  // x-acs-retry-after header, -1 when absent or not a number
};

// Context for error values.
struct CallInfo {
  std::string action;
  std::string instance_id;
  std::string region;  // fills Instance::region when the response omits RegionId
};

Result<DescribeInstancesPage> DecodeDescribeInstances(const RawResponse& r, const CallInfo& c);
Result<DescribeInstanceTypesPage> DecodeDescribeInstanceTypes(const RawResponse& r,
                                                              const CallInfo& c);
Result<ResourcesModificationResult> DecodeResourcesModification(const RawResponse& r,
                                                                const CallInfo& c);
Result<Price> DecodeModificationPrice(const RawResponse& r, const CallInfo& c);
Result<Ack> DecodeAck(const RawResponse& r, const CallInfo& c);
Result<ModifyPrepaySpecResult> DecodeModifyPrepay(const RawResponse& r, const CallInfo& c);
// StopInstances / StartInstances / RebootInstances: one entry per
// InstanceResponse in the answer's order (Code "200" = accepted; any other
// code becomes the entry's error, with the table's category). Entries are
// not matched to the request here (EcsCloud::PowerBatch does that).
Result<PowerBatchResult> DecodePowerBatch(const RawResponse& r, const CallInfo& c);

// Deepest JSON nesting accepted; real responses stay under 10.
inline constexpr int kMaxJsonDepth = 64;

}  // namespace respec::ecs
