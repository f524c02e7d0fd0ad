#include "emulator/http/fault_source.h"

#if __has_include("emulator/faults.h")
#include "emulator/faults.h"
#define RESPEC_HAVE_FAULTS 1
#endif

namespace respec::emulator::http {

#ifdef RESPEC_HAVE_FAULTS
bool MakeFaultSource(const std::string& spec, uint64_t seed, ApiOptions* options,
                     std::shared_ptr<void>* keep_alive, std::string* error) {
  FaultSpec parsed;
  if (!ParseFaultSpec(spec, &parsed, error)) return false;
  options->slow_delay = Millis(parsed.slow_ms);
  auto injector = std::make_shared<FaultInjector>(parsed, seed);
  *keep_alive = injector;
  options->faults = [inj = injector.get()](const std::string& action) {
    switch (inj->Next(action)) {
      case Fault::kThrottling: return InjectedFault::kThrottling;
      case Fault::kLastOrder: return InjectedFault::kLastOrder;
      case Fault::kInternal: return InjectedFault::kInternal;
      case Fault::kDrop: return InjectedFault::kDrop;
      case Fault::kSlow: return InjectedFault::kSlow;
      default: return InjectedFault::kNone;
    }
  };
  return true;
}
#else
bool MakeFaultSource(const std::string&, uint64_t, ApiOptions*, std::shared_ptr<void>*,
                     std::string* error) {
  *error = "--faults is not available in this build (emulator/faults.h is missing)";
  return false;
}
#endif

}  // namespace respec::emulator::http
