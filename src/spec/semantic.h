// The checks a JSON Schema cannot express (times against the clock, an
// instance claimed twice, dependsOn naming unknown groups or forming
// cycles, group names), and the translation of the checked document into a
// FleetSpec with defaults merged and regions resolved.
//
// Tolerates documents that failed the schema: values of the wrong kind are
// skipped (the schema check has reported them), so every problem is found
// in one run. Thread-safe (no shared state).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/diagnostic.h"
#include "spec/spec.h"
#include "spec/yaml_json.h"

namespace respec {

// Fills *out (best effort) and appends diagnostics. Paths in `reported`
// already have a diagnostic and are not reported again.
void BuildFleetSpec(const YamlJson& doc, const Clock& clock, const std::set<std::string>& reported,
                    FleetSpec* out, std::vector<Diagnostic>* diags);

}  // namespace respec
