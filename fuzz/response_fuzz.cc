// libFuzzer target over the ECS response decoder: any bytes, any HTTP
// status, every action's decoder. The decoder must return a value or a
// CloudError, never crash, hang or leak; successful decodes must carry a
// RequestId (a 200 without one is an error).
//
// Input layout: byte 0 picks the HTTP status, byte 1 the decoder, the rest
// is the body. Seeds: fuzz/corpus/response/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ecs/decode.h"

using namespace respec;
using namespace respec::ecs;

namespace {
template <class T>
void Check(const Result<T>& r) {
  if (r.ok()) {
    if (r.value().request_id.empty()) std::abort();
  } else if (r.error().code.empty() || r.error().action.empty()) {
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const int kStatuses[] = {200, 200, 200, 400, 403, 404, 500, 502, 503, 204};
  RawResponse raw;
  raw.http_status = kStatuses[data[0] % (sizeof(kStatuses) / sizeof(kStatuses[0]))];
  raw.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);
  CallInfo call{"Fuzz", "i-fuzz", "cn-hangzhou"};
  switch (data[1] % 6) {
    case 0: Check(DecodeDescribeInstances(raw, call)); break;
    case 1: Check(DecodeDescribeInstanceTypes(raw, call)); break;
    case 2: Check(DecodeResourcesModification(raw, call)); break;
    case 3: Check(DecodeModificationPrice(raw, call)); break;
    case 4: Check(DecodeAck(raw, call)); break;
    default: {
      auto r = DecodeModifyPrepay(raw, call);
      Check(r);
      if (r.ok() && r->order_id.empty()) std::abort();
      break;
    }
  }
  return 0;
}
