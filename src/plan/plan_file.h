// The plan file: JSON (2-space indent, keys in a fixed order), versioned by
// `format_version`, validated against schemas/plan.schema.json on load.
// Deterministic: the same Plan always serialises to the same bytes. It holds
// what was observed and decided, never a credential, token or signature.
//
// Errors: never throws. Loading reports every problem as a line naming the
// file and the JSON path ("plan.json: /instances/3/verdict: ..."); an
// unknown format_version is refused before schema validation.
// Threads: pure functions; safe. Ownership: values in, values out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.h"

namespace respec {

const char* PlanSchemaText();  // the compiled-in copy of schemas/plan.schema.json

std::string PlanToJson(const Plan& plan);  // ends with a newline

// Parses and validates `text`; `source` names it in messages.
bool PlanFromJson(std::string_view text, const std::string& source, Plan* plan,
                  std::vector<std::string>* errors);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);
// What a reviewer ties a PR comment to the artifact with: "sha256:<hex>" of
// the plan file's bytes (for a plan not yet saved: of PlanToJson(plan), the
// bytes SavePlanFile writes).
std::string PlanDigest(std::string_view file_bytes);

// Writes atomically (temporary file + rename).
bool SavePlanFile(const Plan& plan, const std::string& path, std::string* error);
bool LoadPlanFile(const std::string& path, Plan* plan, std::vector<std::string>* errors);

}  // namespace respec
