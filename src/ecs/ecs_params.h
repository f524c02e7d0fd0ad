// The ECS API parameters of each call respec makes, built from cloud.h's
// typed requests: names and value formats as the API reference spells them
// (InstanceIds as a JSON array string, Tag.N.Key/Value, booleans as
// "true"/"false"). Empty optional fields are omitted, never sent empty.
// Pure functions, thread-safe.
#pragma once

#include <string>

#include "cloud/cloud.h"
#include "ecs/signer.h"

namespace respec::ecs {

sign::Params DescribeInstancesParams(const DescribeInstancesRequest& r);
sign::Params DescribeInstanceTypesParams(const DescribeInstanceTypesRequest& r);
sign::Params ResourcesModificationParams(const ResourcesModificationRequest& r);
sign::Params ModificationPriceParams(const ModificationPriceRequest& r);
sign::Params PowerParams(const std::string& instance_id);
// StopInstance: PowerParams plus ForceStop=true when asked. Never StoppedMode:
// StopCharging would release a subscription instance's resources.
sign::Params StopParams(const std::string& instance_id, bool force_stop);
sign::Params ModifyPrepayParams(const ModifyPrepaySpecRequest& r);
// StopInstances / StartInstances / RebootInstances: RegionId, InstanceId.N,
// BatchOptimization=SuccessFirst (each instance on its own), and
// ForceStop / ForceReboot=true when asked. Never StoppedMode.
sign::Params PowerBatchParams(const PowerBatchRequest& r);

}  // namespace respec::ecs
