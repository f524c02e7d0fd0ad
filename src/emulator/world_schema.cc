// The world file's JSON Schema, compiled in so an installed respec validates
// without its source tree. schemas/world.schema.json is the copy editors use;
// tests/emulator/world_test.cc fails when the two differ (to update, paste
// the file between the R"json( and )json" markers).
#include "emulator/world_schema.h"

namespace respec::emulator {

static constexpr char kWorldSchema[] = R"json(
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://respec.dev/schemas/world.schema.json",
  "title": "respec emulator world",
  "description": "What `respec emulator --world FILE` serves: access keys, regions and zones, the instance-type catalog, stock, images, the account and its instances. Sections left out fall back to the built-in world (DefaultWorld). Keys are snake_case.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "version": {"description": "Format version. Always 1.", "const": 1},
    "access_keys": {
      "description": "Key pairs the emulator accepts. Replaces the built-in demo key when given.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "secret"],
        "properties": {
          "id": {"type": "string", "minLength": 1, "maxLength": 128},
          "secret": {"type": "string", "minLength": 1, "maxLength": 256},
          "security_token": {"description": "Non-empty: an STS key; requests must carry this SecurityToken.", "type": "string"}
        }
      }
    },
    "regions": {
      "description": "Regions and their zones. Replaces the built-in cn-hangzhou and cn-shanghai when given.",
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "zones"],
        "properties": {
          "id": {"$ref": "#/definitions/id"},
          "name": {"type": "string"},
          "zones": {
            "type": "array",
            "minItems": 1,
            "items": {
              "type": "object",
              "additionalProperties": false,
              "required": ["id"],
              "properties": {"id": {"$ref": "#/definitions/id"}, "name": {"type": "string"}}
            }
          }
        }
      }
    },
    "type_visible_after_restart": {
      "description": "The other reading of the seeds' 'wait 5-10 s, then restart': false (default): DescribeInstances shows the new InstanceType of a Running instance as soon as its order completes; true: only after the next restart through the API (RebootInstance, StartInstance, RebootTime, RebootWhenFinished).",
      "type": "boolean"
    },
    "builtin_catalog": {
      "description": "Start from the built-in catalog (ecs.g5/g6/g7/c7/r7, retired ecs.n1, local-disk ecs.i2). Default true; false: only the types listed under catalog exist.",
      "type": "boolean"
    },
    "catalog": {
      "description": "Instance types added to (or overriding, by id) the catalog.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "cpu", "memory_gib"],
        "properties": {
          "id": {"type": "string", "pattern": "^ecs\\.[a-z0-9-]+\\.[a-z0-9-]+$"},
          "family": {"description": "Default: the id without its last dot-part.", "type": "string"},
          "cpu": {"type": "integer", "minimum": 1, "maximum": 1024},
          "memory_gib": {"type": "number", "exclusiveMinimum": 0, "maximum": 65536},
          "local_storage_category": {"description": "Non-empty: the type has local disks (e.g. local_ssd_pro).", "type": "string"},
          "local_storage_amount": {"type": "integer", "minimum": 0},
          "retired": {"type": "boolean"},
          "monthly_price": {"description": "CNY per month.", "type": "number", "minimum": 0}
        }
      }
    },
    "stock": {
      "description": "Stock per zone and type; unlisted pairs are WithStock.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["zone", "type", "status"],
        "properties": {
          "zone": {"$ref": "#/definitions/id"},
          "type": {"type": "string"},
          "status": {"enum": ["WithStock", "WithoutStock", "ClosedWithStock", "ClosedWithoutStock"]}
        }
      }
    },
    "images": {
      "description": "Images with restrictions; marketplace images (m-...) may allow only some families.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id"],
        "properties": {
          "id": {"type": "string", "minLength": 1},
          "allowed_families": {"type": "array", "items": {"type": "string"}}
        }
      }
    },
    "account": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "in_arrears": {"description": "true: upgrades get Account.Arrearage.", "type": "boolean"},
        "billing_method": {"description": "false: changes get BillingMethodNotFound.", "type": "boolean"}
      }
    },
    "qps": {
      "description": "Per-action request rate limits of the HTTP server (Throttling beyond).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "default": {"type": "number", "exclusiveMinimum": 0},
        "actions": {"type": "object", "additionalProperties": {"type": "number", "exclusiveMinimum": 0}}
      }
    },
    "instances": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "zone", "type"],
        "properties": {
          "id": {"type": "string", "pattern": "^i-[a-z0-9]{1,40}$"},
          "region": {"description": "Default: the region that holds the zone.", "$ref": "#/definitions/id"},
          "zone": {"$ref": "#/definitions/id"},
          "type": {"type": "string"},
          "status": {"enum": ["Pending", "Running", "Starting", "Stopping", "Stopped"]},
          "charge_type": {"enum": ["PrePaid", "PostPaid"]},
          "expired_time": {"description": "yyyy-MM-ddTHH:mmZ (UTC). Default: 2030-12-31T16:00Z.", "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z$"},
          "network_type": {"enum": ["vpc", "classic"]},
          "image_id": {"type": "string"},
          "eip_address": {"type": "string"},
          "name": {"type": "string"},
          "tags": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
          "lock_reasons": {"type": "array", "items": {"enum": ["financial", "security", "recycling", "dedicatedhostfinancial", "refunded"]}},
          "downgrades_used": {"type": "integer", "minimum": 0, "maximum": 3},
          "released": {"type": "boolean"}
        }
      }
    }
  },
  "definitions": {
    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}
  }
}
)json";

std::string_view WorldSchemaText() { return kWorldSchema; }

}  // namespace respec::emulator
