// Bridges the emulator's fault injector (emulator/faults.h: a spec such as
// "throttling=0.1,drop=0.05" and a seed give a deterministic sequence of
// faults) to the Api's FaultSource hook.
// Errors: false with a message naming the bad part of the spec.
// Threads: the returned source is safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "emulator/http/api.h"

namespace respec::emulator::http {

// Sets options->faults (and options->slow_delay when the spec gives one);
// `keep_alive` owns the injector for as long as the source is used.
bool MakeFaultSource(const std::string& spec, uint64_t seed, ApiOptions* options,
                     std::shared_ptr<void>* keep_alive, std::string* error);

}  // namespace respec::emulator::http
