// The plan file's JSON Schema, compiled in so `respec show/apply` validate
// wherever the binary runs. Must equal schemas/plan.schema.json (a test in
// tests/plan/plan_file_test.cc compares them); edit both together.
#include "plan/plan_file.h"

namespace respec {

const char* PlanSchemaText() {
  return R"schema({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://respec.dev/schemas/plan.schema.json",
  "title": "respec plan file",
  "description": "What `respec plan --out` saves and `respec apply PLAN.json` executes. format_version 2. Never holds a secret. digest is sha256 over the canonical form (compact JSON, keys sorted) of everything but digest; respec refuses a plan whose digest does not match.",
  "type": "object",
  "required": ["format_version", "digest", "respec_version", "created_at", "spec", "plan_id", "max_parallel",
               "api_qps", "groups", "instances", "steps", "edges", "warnings", "catalog"],
  "additionalProperties": false,
  "properties": {
    "format_version": {"type": "integer", "const": 2},
    "digest": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
    "respec_version": {"type": "string", "minLength": 1},
    "created_at": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z$"},
    "spec": {
      "type": "object",
      "required": ["path", "sha256"],
      "additionalProperties": false,
      "properties": {
        "path": {"type": "string"},
        "sha256": {"type": "string", "pattern": "^([0-9a-f]{64})?$"}
      }
    },
    "plan_id": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "max_parallel": {"type": "integer", "minimum": 1},
    "api_qps": {"type": "number", "exclusiveMinimum": 0},
    "groups": {"type": "array", "items": {"$ref": "#/definitions/group"}},
    "instances": {"type": "array", "items": {"$ref": "#/definitions/instance"}},
    "steps": {"type": "array", "items": {"$ref": "#/definitions/step"}},
    "edges": {
      "type": "array",
      "items": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}
    },
    "warnings": {"type": "array", "items": {"type": "string"}},
    "summary": {"$ref": "#/definitions/summary"},
    "catalog": {
      "description": "region -> instance type -> its size, for every observed and target type of a change",
      "type": "object",
      "additionalProperties": {
        "type": "object",
        "additionalProperties": {
          "type": "object",
          "required": ["cpu", "memory_gib"],
          "additionalProperties": false,
          "properties": {"cpu": {"type": "integer", "minimum": 0}, "memory_gib": {"type": "number", "minimum": 0}}
        }
      }
    }
  },
  "definitions": {
    "group": {
      "type": "object",
      "required": ["name", "max_unavailable", "max_failures", "depends_on"],
      "additionalProperties": false,
      "properties": {
        "name": {"type": "string", "minLength": 1},
        "max_unavailable": {"type": "integer", "minimum": 1},
        "max_failures": {"type": "integer", "minimum": 0},
        "depends_on": {"type": "array", "items": {"type": "string"}}
      }
    },
    "blocker": {
      "type": "object",
      "required": ["code", "reason", "remedy"],
      "additionalProperties": false,
      "properties": {
        "code": {"type": "string", "minLength": 1},
        "reason": {"type": "string"},
        "remedy": {"type": "string"}
      }
    },
    "price": {
      "type": "object",
      "required": ["original", "discount", "trade", "currency"],
      "additionalProperties": false,
      "properties": {
        "original": {"type": "number"},
        "discount": {"type": "number"},
        "trade": {"type": "number"},
        "currency": {"type": "string"}
      }
    },
    "options": {
      "type": "object",
      "required": ["reboot", "power_state", "migrate_across_zone"],
      "additionalProperties": false,
      "properties": {
        "auto_pay": {"type": "boolean"},
        "migrate_across_zone": {"type": "boolean"},
        "system_disk_category": {"enum": ["", "cloud_efficiency", "cloud_ssd"]},
        "reboot": {"enum": ["whenFinished", "at", "manual"]},
        "reboot_at": {"type": "string"},
        "end_time": {"type": "string"},
        "operation": {"enum": ["", "upgrade", "downgrade"]},
        "power_state": {"enum": ["keep", "running", "stopped"]}
      }
    },
    "instance": {
      "type": "object",
      "required": ["instance_id", "group", "verdict", "direction", "target_type", "observed", "options", "steps"],
      "additionalProperties": false,
      "properties": {
        "instance_id": {"type": "string", "minLength": 1},
        "name": {"type": "string"},
        "group": {"type": "string"},
        "region": {"type": "string"},
        "zone": {"type": "string"},
        "observed": {
          "type": "object",
          "required": ["type", "status"],
          "additionalProperties": false,
          "properties": {"type": {"type": "string"}, "status": {"type": "string"}}
        },
        "target_type": {"type": "string"},
        "target_pos": {"type": "string"},
        "direction": {"enum": ["none", "upgrade", "downgrade"]},
        "verdict": {"enum": ["unchanged", "change", "blocked"]},
        "blockers": {"type": "array", "items": {"$ref": "#/definitions/blocker"}},
        "final_status": {"type": "string"},
        "options": {"$ref": "#/definitions/options"},
        "steps": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "price": {"$ref": "#/definitions/price"},
        "priced_on": {"type": "string"},
        "downgrades_used": {"type": "integer", "minimum": -1},
        "notes": {"type": "array", "items": {"type": "string"}},
        "alternatives": {"type": "array", "items": {"type": "string"}}
      }
    },
    "step": {
      "type": "object",
      "required": ["id", "instance_id", "kind", "group"],
      "additionalProperties": false,
      "properties": {
        "id": {"type": "integer", "minimum": 0},
        "instance_id": {"type": "string", "minLength": 1},
        "kind": {"enum": ["wait_stable", "stop", "modify", "start", "reboot"]},
        "group": {"type": "string"},
        "client_token": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,64}$"}
      }
    },
    "summary": {
      "description": "Derived from instances for readers; covered by the digest, otherwise ignored on load.",
      "type": "object"
    }
  }
}
)schema";
}

}  // namespace respec
