// Request parameters of the ECS RPC protocol: decoding of query strings and
// application/x-www-form-urlencoded bodies, and typed access that reports a
// bad value as the InvalidParameter error naming the parameter.
// Pure functions and value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cloud/error.h"

namespace respec::emulator::http {

using ParamList = std::vector<std::pair<std::string, std::string>>;

// Percent-decoding; '+' becomes a space (form encoding). Returns false on a
// malformed escape ("%G1", a lone "%").
bool UrlDecode(std::string_view in, std::string* out);

// Appends "a=1&b=2" to `out`. Returns false (and names the offending piece in
// `bad`) when an escape is malformed.
bool ParseUrlEncoded(std::string_view text, ParamList* out, std::string* bad);

// A request's parameters, looked up by exact (case-sensitive) name as the API
// does. The first occurrence of a name wins.
class Params {
 public:
  Params() = default;
  explicit Params(ParamList list) : list_(std::move(list)) {}

  const ParamList& list() const { return list_; }
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  const std::string* Find(std::string_view name) const;
  std::string Get(std::string_view name) const;  // "" when absent

  // "true"/"false" (any case). Absent: nullopt. Bad: an InvalidParameter error.
  std::optional<bool> Bool(std::string_view name, CloudError* err) const;
  // Decimal integer within [lo, hi]. Absent: `fallback`.
  int Int(std::string_view name, int fallback, int lo, int hi, CloudError* err) const;

 private:
  ParamList list_;
};

// InvalidParameter with a message naming the parameter and its value.
CloudError InvalidParameter(std::string_view name, std::string_view why);
CloudError MissingParameter(std::string_view name);

}  // namespace respec::emulator::http
