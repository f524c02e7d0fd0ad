#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "state/state_store.h"

namespace respec {

std::string Holder::Describe() const {
  std::string s = "run " + (run_id.empty() ? std::string("?") : run_id) + " (pid " + std::to_string(pid) +
                  " on host " + (host.empty() ? std::string("?") : host);
  if (!ci_run.empty()) s += ", CI run " + ci_run;
  if (!plan_id.empty()) s += ", plan " + plan_id;
  if (!since.empty()) s += ", since " + since;
  return s + ")";
}

std::string NewRunId(const std::string& started) {
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  std::string stamp;
  for (char c : started)
    if (std::isdigit(static_cast<unsigned char>(c))) stamp += c;
  return "r-" + stamp.substr(0, 14) + "-" + suffix;
}

Holder ThisProcessHolder() {
  Holder h;
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) == 0) h.host = host;
  h.pid = static_cast<int>(::getpid());
  // The usual CI systems' run ids, most specific first.
  for (const char* var : {"GITHUB_RUN_ID", "CI_PIPELINE_ID", "BUILD_ID", "BUILDKITE_BUILD_ID",
                          "CIRCLE_WORKFLOW_ID", "RESPEC_RUN_LABEL"}) {
    if (const char* v = std::getenv(var); v && *v) {
      h.ci_run = std::string(var) + "=" + v;
      break;
    }
  }
  return h;
}

}  // namespace respec
