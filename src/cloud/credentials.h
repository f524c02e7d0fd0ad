// Credentials for signing ECS requests. The secret and token are held here
// and in the signer only; nothing else may print them. Redacted() is what a
// log line may show.
#pragma once

#include <string>

namespace respec {

struct Credentials {
  std::string access_key_id;
  std::string access_key_secret;  // never printed
  std::string security_token;     // STS token, never printed; empty for AK mode
  std::string source;             // where they came from, e.g. "environment", "~/.aliyun/config.json profile default"

  bool empty() const { return access_key_id.empty() || access_key_secret.empty(); }
  // "LTAI****abcd (environment)": the key ID shortened, never the secret.
  std::string Redacted() const;
};

}  // namespace respec
