#include "cloud/credentials.h"

namespace respec {

std::string Credentials::Redacted() const {
  std::string id = access_key_id;
  if (id.size() > 8) id = id.substr(0, 4) + "****" + id.substr(id.size() - 4);
  else if (!id.empty()) id = id.substr(0, 1) + "****";
  std::string s = id.empty() ? "(no access key)" : id;
  if (!security_token.empty()) s += " +STS";
  if (!source.empty()) s += " (" + source + ")";
  return s;
}

}  // namespace respec
