// Internal to the emulator: YAML text -> JSON (for valijson) with the source
// position of every value, so world-file errors read FILE:LINE:COL.
//
// Plain scalars resolve with the YAML 1.2 core schema (null, true/false,
// integers, floats); quoted scalars stay strings. Duplicate keys, non-scalar
// keys, syntax errors and oversized documents are errors. No exceptions
// escape; no shared state.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace respec::emulator {

struct SourceMark {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct MarkedJson {
  nlohmann::json root;
  // JSON pointer ("/instances/3/zone") -> where the value starts; pointer +
  // "#key" -> where its mapping key starts.
  std::unordered_map<std::string, SourceMark> marks;

  // The mark of `pointer`, or of its nearest ancestor that has one.
  SourceMark MarkOf(std::string pointer) const;
};

// Appends "FILE:LINE:COL: message" lines to `errors` and returns false when
// the text is not one usable YAML document.
bool ParseMarkedYaml(std::string_view text, const std::string& file, MarkedJson* out,
                     std::vector<std::string>* errors);

// "FILE:LINE:COL: path: message" for the value at `pointer` (or its key).
std::string FormatAt(const MarkedJson& doc, const std::string& file, const std::string& pointer,
                     const std::string& message, bool at_key = false);

// "/instances/3/zone" -> "instances[3].zone".
std::string PointerToPath(const nlohmann::json& root, const std::string& pointer);

}  // namespace respec::emulator
