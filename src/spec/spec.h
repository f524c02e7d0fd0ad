// The fleet spec: the desired state a user keeps in git. Loaded by
// spec/loader.h from YAML (validated against schemas/fleet.schema.json);
// consumed by plan/. Plain data, no behaviour.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cloud/cloud.h"

namespace respec {

// Where a value came from, for messages like "fleet.yaml:12:5: ...".
struct SourcePos {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
};

enum class RebootPolicy {
  kWhenFinished,  // RebootWhenFinished=true: the API restarts the instance (default)
  kAt,            // RebootTime: the API restarts it at `reboot_at`
  kManual,        // leave the restart to the user; the type takes effect at the next API restart
};

enum class PowerState {
  kKeep,     // end in the state the instance was in (default)
  kRunning,
  kStopped,
};

struct TargetOptions {
  std::optional<bool> auto_pay;              // autoPay; API default true
  bool migrate_across_zone = false;          // migrateAcrossZone
  std::string system_disk_category;          // "" | cloud_efficiency | cloud_ssd
  RebootPolicy reboot = RebootPolicy::kWhenFinished;
  std::string reboot_at;                     // yyyy-MM-ddTHH:mmZ when reboot == kAt
  std::string end_time;                      // endTime, for a temporary change
  std::string operation;                     // "" (derive) | "upgrade" | "downgrade"
  PowerState power_state = PowerState::kKeep;
  // forceStop: respec's StopInstances calls carry ForceStop=true (a hung
  // guest that never stops cleanly; like pulling the plug, unsaved data in
  // the guest is lost). Off by default. StoppedMode is never sent.
  bool force_stop = false;
};

struct Target {
  std::vector<std::string> instance_ids;  // explicit IDs, or
  std::vector<Tag> selector;              // tags, all of which must match
  std::string instance_type;              // desired InstanceType
  TargetOptions options;
  SourcePos pos;
};

struct MaxUnavailable {
  int value = 1;
  bool percent = false;  // value is a percentage of the group's changed instances
};

struct Group {
  std::string name;
  std::vector<std::string> regions;  // resolved: the group's own, or the fleet's
  MaxUnavailable max_unavailable;
  std::vector<std::string> depends_on;
  int max_failures = -1;  // -1: default (0 when another group depends on this one)
  std::vector<Target> targets;
  SourcePos pos;
};

struct FleetSpec {
  std::string path;                  // as given by the user
  std::string sha256;                // of the file's bytes, hex
  std::vector<std::string> regions;  // fleet-wide default regions
  int max_parallel = 20;             // fleet-wide limit on instances changing at once
  std::vector<Group> groups;         // in file order
};

}  // namespace respec
