// The plan file's JSON Schema: schemas/plan.schema.json, compiled in at
// build time (core/embedded.h) so `respec show/apply` validate wherever the
// binary runs.
#include "core/embedded.h"
#include "plan/plan_file.h"

namespace respec {

const char* PlanSchemaText() { return embedded::plan_schema_json; }

}  // namespace respec
