// The process environment as an injectable input, so config and credential
// tests never read or change the real one. Thread-safe to call; the process
// version reads getenv (do not setenv concurrently).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace respec {

// The value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvLookup ProcessEnvironment();
EnvLookup FixedEnvironment(std::map<std::string, std::string> vars);

}  // namespace respec
