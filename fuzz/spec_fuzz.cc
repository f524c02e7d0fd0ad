// libFuzzer target: the fleet spec loader must survive any bytes (no crash,
// no hang, no sanitizer report) and always explain a rejection.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "spec/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static respec::VirtualClock clock;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  respec::FleetSpec spec;
  std::vector<respec::Diagnostic> diags;
  bool ok = respec::LoadFleetSpecFromString(text, "fuzz.yaml", clock, &spec, &diags);
  // A rejected file always says why; every message renders.
  if (!ok && diags.empty()) std::abort();
  for (const respec::Diagnostic& d : diags)
    if (d.ToString().empty() || d.message.empty()) std::abort();
  return 0;
}
