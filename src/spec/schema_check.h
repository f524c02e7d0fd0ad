// Validates a parsed spec against the fleet JSON Schema (valijson) and turns
// valijson's generic errors into operator-facing diagnostics: positioned with
// the YAML marks, worded by the schema's "errorMessage" (the ajv-errors
// convention: a string, or an object keyed by the failed keyword; "{value}"
// is replaced by the offending value), unknown keys listed one by one with a
// did-you-mean suggestion.
//
// Thread-safe: the compiled schema is built once (function-local static).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "spec/yaml_json.h"

namespace respec {

// Appends one diagnostic per problem; adds the path (PathToString) of each
// reported value to *reported so later checks do not repeat them. Returns
// true when the document matches the schema.
bool CheckAgainstSchema(const YamlJson& doc, std::vector<Diagnostic>* diags,
                        std::set<std::string>* reported);

}  // namespace respec
