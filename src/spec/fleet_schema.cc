#include "spec/fleet_schema.h"

namespace respec {

// Keep byte-identical to schemas/fleet.schema.json (checked by a test).
static constexpr char kFleetSchema[] = R"json(
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://respec.dev/schemas/fleet.schema.json",
  "title": "respec fleet spec",
  "description": "The desired instance types of Alibaba Cloud ECS subscription (PrePaid) instances. respec plan diffs this file against the live fleet; respec apply changes the instances with ModifyPrepayInstanceSpec. Keys are camelCase; an 'errorMessage' next to a rule is the text respec validate prints when the rule fails.",
  "type": "object",
  "additionalProperties": false,
  "required": ["version", "groups"],
  "properties": {
    "version": {
      "description": "Format version of this file. Always 1.",
      "const": 1,
      "errorMessage": "version must be 1"
    },
    "regions": {
      "description": "Default region IDs (e.g. cn-hangzhou) for every group that names none. When neither the file nor a group names a region, the profile's region from respec.toml is used.",
      "$ref": "#/definitions/regionList"
    },
    "maxParallel": {
      "description": "Fleet-wide limit on instances being changed at the same time, across all groups. Default 20.",
      "type": "integer",
      "minimum": 1,
      "maximum": 1000,
      "errorMessage": "maxParallel must be an integer from 1 to 1000"
    },
    "defaults": {
      "description": "Target options applied to every target unless the target sets them itself.",
      "$ref": "#/definitions/options"
    },
    "groups": {
      "description": "Rollout groups by name (letters, digits, '-' and '_'). A group finishes before the groups that dependsOn it start.",
      "type": "object",
      "minProperties": 1,
      "propertyNames": {
        "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$",
        "errorMessage": "group name {value} must be 1 to 63 letters, digits, '-' or '_', starting with a letter or digit"
      },
      "additionalProperties": { "$ref": "#/definitions/group" },
      "errorMessage": { "minProperties": "groups must name at least one group" }
    }
  },
  "definitions": {
    "region": {
      "description": "An Alibaba Cloud region ID, e.g. cn-hangzhou, cn-shanghai, ap-southeast-1.",
      "type": "string",
      "pattern": "^[a-z]{2,}(-[a-z0-9]+)+$",
      "errorMessage": "malformed region ID {value}: expected something like cn-hangzhou"
    },
    "regionList": {
      "type": "array",
      "minItems": 1,
      "uniqueItems": true,
      "items": { "$ref": "#/definitions/region" },
      "errorMessage": { "type": "expected a list of region IDs, e.g. [cn-hangzhou]", "minItems": "the region list is empty", "uniqueItems": "a region is listed twice" }
    },
    "group": {
      "description": "A rollout group: its targets and how fast they may change.",
      "type": "object",
      "additionalProperties": false,
      "required": ["targets"],
      "properties": {
        "region": {
          "description": "The region of this group's instances (instead of the file's regions).",
          "$ref": "#/definitions/region"
        },
        "regions": {
          "description": "The regions of this group's instances (instead of the file's regions). Use region or regions, not both.",
          "$ref": "#/definitions/regionList"
        },
        "maxUnavailable": {
          "description": "How many of this group's instances may be stopped or restarting at once: a count (e.g. 2) or a percentage of the group's changed instances (e.g. \"25%\", rounded down, at least 1). Default 1.",
          "if": { "type": "integer" },
          "then": { "minimum": 1 },
          "else": { "type": "string", "pattern": "^([1-9][0-9]?|100)%$" },
          "errorMessage": "maxUnavailable must be a count of at least 1 or a percentage from \"1%\" to \"100%\", got {value}"
        },
        "maxFailures": {
          "description": "How many instances of this group may fail before the rollout stops. Default 0 when another group dependsOn this one, else the group's maxUnavailable (as a count).",
          "type": "integer",
          "minimum": 0,
          "errorMessage": "maxFailures must be an integer of 0 or more, got {value}"
        },
        "dependsOn": {
          "description": "Groups that must finish (without exceeding their maxFailures) before this group starts, e.g. [canary].",
          "type": "array",
          "uniqueItems": true,
          "items": {
            "type": "string",
            "errorMessage": "dependsOn lists group names, got {value}"
          },
          "errorMessage": { "type": "dependsOn must be a list of group names, e.g. [canary]", "uniqueItems": "a group is listed twice in dependsOn" }
        },
        "targets": {
          "description": "What to change. Each target picks instances by instanceIds or by selector (exactly one) and names the instanceType they should have.",
          "type": "array",
          "minItems": 1,
          "items": { "$ref": "#/definitions/target" },
          "errorMessage": { "type": "targets must be a list of targets", "minItems": "targets is empty: a group needs at least one target" }
        }
      },
      "errorMessage": { "type": "a group must be a mapping with targets (and optionally region, maxUnavailable, dependsOn)" }
    },
    "target": {
      "description": "Instances picked by instanceIds or by selector (exactly one of the two), the instanceType they should have, and options overriding defaults.",
      "type": "object",
      "additionalProperties": false,
      "required": ["instanceType"],
      "properties": {
        "instanceIds": {
          "description": "Explicit instance IDs, e.g. [i-bp1demo000000000001]. (Listing one twice is a warning: respec checks that itself, as uniqueItems is quadratic in validators.)",
          "type": "array",
          "minItems": 1,
          "items": {
            "type": "string",
            "pattern": "^i-[a-z0-9]{6,30}$",
            "errorMessage": "malformed instance ID {value}: expected i- followed by 6 to 30 lowercase letters or digits"
          },
          "errorMessage": { "type": "instanceIds must be a list, e.g. [i-bp1demo000000000001]", "minItems": "instanceIds is empty" }
        },
        "selector": {
          "description": "Tags an instance must all carry to be picked, e.g. {role: web, env: prod}. Tag values are strings: quote true, false and numbers.",
          "type": "object",
          "minProperties": 1,
          "propertyNames": {
            "minLength": 1,
            "maxLength": 128,
            "errorMessage": "a tag key must be 1 to 128 characters"
          },
          "additionalProperties": {
            "type": "string",
            "maxLength": 128,
            "errorMessage": { "type": "tag values are strings: write {value} in quotes", "maxLength": "a tag value must be at most 128 characters" }
          },
          "errorMessage": { "type": "selector must be a mapping of tags, e.g. {role: web, env: prod}", "minProperties": "selector is empty: it would pick every instance" }
        },
        "instanceType": {
          "description": "The instance type these instances should have, e.g. ecs.g6.xlarge.",
          "$ref": "#/definitions/instanceType"
        },
        "reboot": { "$ref": "#/definitions/reboot" },
        "autoPay": { "$ref": "#/definitions/autoPay" },
        "powerState": { "$ref": "#/definitions/powerState" },
        "migrateAcrossZone": { "$ref": "#/definitions/migrateAcrossZone" },
        "systemDiskCategory": { "$ref": "#/definitions/systemDiskCategory" },
        "endTime": { "$ref": "#/definitions/endTime" },
        "operation": {
          "description": "upgrade or downgrade (ModifyPrepayInstanceSpec OperatorType). Only needed when respec cannot derive the direction from the two instance types.",
          "enum": ["upgrade", "downgrade"],
          "errorMessage": "operation must be upgrade or downgrade, got {value}"
        }
      },
      "errorMessage": { "type": "a target must be a mapping with instanceIds or selector, and instanceType" }
    },
    "instanceType": {
      "type": "string",
      "pattern": "^ecs\\.[a-z0-9-]+\\.[a-z0-9-]+$",
      "errorMessage": "malformed instance type {value}: expected ecs.FAMILY.SIZE, e.g. ecs.g6.xlarge"
    },
    "utcMinute": {
      "type": "string",
      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
    },
    "reboot": {
      "description": "When the instance restarts into its new type: whenFinished (right after the change, the default), manual (you restart it; the type takes effect then), or {at: \"yyyy-MM-ddTHH:mmZ\"} (a UTC time in the future). A Stopped instance is started only if powerState asks for it.",
      "if": { "type": "string" },
      "then": { "enum": ["whenFinished", "manual"] },
      "else": {
        "type": "object",
        "additionalProperties": false,
        "required": ["at"],
        "properties": {
          "at": {
            "description": "Restart time, RFC 3339 with Z or an offset, whole minutes, e.g. \"2026-12-01T02:00Z\" or \"2026-12-01T10:00+08:00\" (RebootTime, sent in UTC).",
            "$ref": "#/definitions/utcMinute",
            "errorMessage": "reboot time {value} is not an RFC 3339 time, e.g. 2026-12-01T02:00Z or 2026-12-01T10:00+08:00"
          }
        }
      },
      "errorMessage": { "enum": "reboot must be whenFinished, manual or {at: \"yyyy-MM-ddTHH:mmZ\"}, got {value}", "type": "reboot must be whenFinished, manual or {at: \"yyyy-MM-ddTHH:mmZ\"}, got {value}", "required": "reboot: {at: ...} needs the time, e.g. {at: \"2026-12-01T02:00Z\"}" }
    },
    "autoPay": {
      "description": "Pay the upgrade order automatically (AutoPay). Default true; false leaves an unpaid order to pay in the console. Ignored for downgrades.",
      "type": "boolean",
      "errorMessage": "autoPay must be true or false, got {value}"
    },
    "powerState": {
      "description": "The power state after the change: keep (the state it was in: Running stays Running, Stopped stays Stopped; the default), running or stopped.",
      "enum": ["keep", "running", "stopped"],
      "errorMessage": "powerState must be keep, running or stopped, got {value}"
    },
    "migrateAcrossZone": {
      "description": "Allow the change to move the instance to another cluster (MigrateAcrossZone); its private IP may change. Default false.",
      "type": "boolean",
      "errorMessage": "migrateAcrossZone must be true or false, got {value}"
    },
    "systemDiskCategory": {
      "description": "New system disk category (SystemDisk.Category), only for upgrading a retired non-I/O-optimized type: cloud_efficiency or cloud_ssd.",
      "enum": ["cloud_efficiency", "cloud_ssd"],
      "errorMessage": "systemDiskCategory must be cloud_efficiency or cloud_ssd, got {value}"
    },
    "endTime": {
      "description": "End of a temporary change, UTC, e.g. \"2027-01-01T00:00Z\" (EndTime); the instance returns to its old type then.",
      "$ref": "#/definitions/utcMinute",
      "errorMessage": "endTime {value} is not an RFC 3339 time, e.g. 2027-01-01T00:00Z or 2027-01-01T08:00+08:00"
    },
    "options": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "reboot": { "$ref": "#/definitions/reboot" },
        "autoPay": { "$ref": "#/definitions/autoPay" },
        "powerState": { "$ref": "#/definitions/powerState" },
        "migrateAcrossZone": { "$ref": "#/definitions/migrateAcrossZone" },
        "systemDiskCategory": { "$ref": "#/definitions/systemDiskCategory" },
        "endTime": { "$ref": "#/definitions/endTime" }
      },
      "errorMessage": { "type": "defaults must be a mapping of target options, e.g. {reboot: whenFinished}" }
    }
  }
}
)json";

std::string_view FleetSchemaText() {
  // The raw string starts with the newline after R"json( ; skip it.
  return std::string_view(kFleetSchema + 1, sizeof(kFleetSchema) - 2);
}

}  // namespace respec
