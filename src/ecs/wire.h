// Small pieces of the request wire format shared by the ECS and STS clients:
// a fresh signature nonce and form/query encoding. Pure functions (the nonce
// reads OpenSSL's RNG), thread-safe.
#pragma once

#include <string>

#include "ecs/signer.h"

namespace respec::ecs {

// 32 hex characters, different for every call.
std::string NewNonce();

// k1=v1&k2=v2 with Alibaba Cloud's percent-encoding (query strings and
// application/x-www-form-urlencoded bodies alike).
std::string FormEncode(const sign::Params& params);

}  // namespace respec::ecs
