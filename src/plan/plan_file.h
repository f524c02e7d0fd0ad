// The plan file: JSON (2-space indent, keys in a fixed order), versioned by
// `format_version`, validated against schemas/plan.schema.json on load.
// Deterministic: the same Plan always serialises to the same bytes. It holds
// what was observed and decided, never a credential, token or signature.
//
// A plan is a trust boundary (it travels as a pipeline artifact between
// review and apply), so loading checks, in this order, and stops at the
// first stage that fails:
//   1. size (kMaxPlanBytes; a file is refused by its size before it is read)
//      and nesting (kMaxPlanDepth levels of [ and {), before any parser;
//   2. JSON, then format_version (1 is refused: it has no digest);
//   3. "digest": "sha256:<hex>" over the canonical form of everything else
//      (compact JSON, keys sorted; see DigestOf in plan_file.cc) -- an
//      edited plan is refused naming both digests;
//   4. the schema, then plan/plan_check.h's self-consistency checks.
// The digest is what `respec show` prints and what a reviewer approves.
//
// Errors: never throws. Loading reports every problem as a line naming the
// file and the JSON path ("plan.json: /instances/3/verdict: ...").
// Threads: pure functions; safe. Ownership: values in, values out.
#pragma once

#include <string>

#include "core/sha256.h"
#include <string_view>
#include <vector>

#include "plan/plan.h"

namespace respec {

const char* PlanSchemaText();  // the compiled-in copy of schemas/plan.schema.json

// A 10,000-instance plan is about 15 MiB; a plan nests 6 levels deep.
inline constexpr size_t kMaxPlanBytes = 64u << 20;
inline constexpr int kMaxPlanDepth = 32;

std::string PlanToJson(const Plan& plan);  // ends with a newline, digest included

// "sha256:<hex>": the digest PlanToJson writes for `plan` (plan.digest is ignored).
std::string PlanDigest(const Plan& plan);

// Parses and validates `text`; `source` names it in messages.
bool PlanFromJson(std::string_view text, const std::string& source, Plan* plan,
                  std::vector<std::string>* errors);


// Writes atomically (temporary file + rename).
bool SavePlanFile(const Plan& plan, const std::string& path, std::string* error);
bool LoadPlanFile(const std::string& path, Plan* plan, std::vector<std::string>* errors);

}  // namespace respec
