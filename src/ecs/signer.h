// Request signing for the ECS API, both schemes the official SDKs send:
//   RPC signature 1.0: HMAC-SHA1 over "METHOD&%2F&" + encoded canonical query,
//     key = secret + "&", Base64.
//   V3 ACS3-HMAC-SHA256: canonical request (method, path, query, signed
//     headers, hex SHA-256 of the body), string to sign
//     "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)), hex HMAC-SHA256.
// Used by the client to sign and by the emulator to verify. Pure functions,
// thread-safe. Outputs are secrets-derived: never log a signature.
#pragma once

#include <string>

#include "core/sha256.h"
#include <string_view>
#include <utility>
#include <vector>

namespace respec::sign {

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding as Alibaba Cloud specifies it: unreserved
// A-Z a-z 0-9 - _ . ~ kept, everything else %XX (uppercase), space as %20.
std::string PercentEncode(std::string_view s);

std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string HmacSha1Base64(std::string_view key, std::string_view data);

// --- RPC signature 1.0 ---
// `params` are all request parameters except Signature, in any order.
std::string RpcStringToSign(std::string_view http_method, const Params& params);
std::string RpcSignature(std::string_view access_key_secret, std::string_view string_to_sign);

// --- V3 ACS3-HMAC-SHA256 ---
struct V3Request {
  std::string method;     // GET | POST
  std::string path;       // "/" for RPC-style APIs
  Params query;           // decoded names and values
  Params headers;         // names in any case; values as sent
  std::string hashed_payload;  // x-acs-content-sha256 value: hex SHA-256 of the body
};
// How a query parameter with an empty value appears in the canonical query
// string. The official SDKs disagree: the Go and Java SDKs write "key=", the
// Python SDK writes "key". respec never sends empty values; a verifier that
// must accept every SDK can try both.
enum class EmptyQueryValue { kKeyEquals, kKeyOnly };

// `signed_headers`: names (any case; lowercased, sorted and de-duplicated
// here), e.g. host;x-acs-action;... Headers named several times in
// req.headers are joined with ',' after sorting their trimmed values. The
// path is used as given (percent-encoded, '/' kept): pass "/" for RPC APIs.
std::string V3CanonicalRequest(const V3Request& req, const std::vector<std::string>& signed_headers,
                               EmptyQueryValue empty_values = EmptyQueryValue::kKeyEquals);
std::string V3StringToSign(std::string_view canonical_request);
std::string V3Signature(std::string_view access_key_secret, std::string_view string_to_sign);
std::string V3Authorization(std::string_view access_key_id,
                            const std::vector<std::string>& signed_headers,
                            std::string_view signature);

// Compares two signatures in time independent of where they differ, so a
// verifier does not leak how much of a forged signature was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace respec::sign
