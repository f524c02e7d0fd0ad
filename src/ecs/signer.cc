#include "ecs/signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace respec::sign {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

// HMAC into `out`; returns the digest length (0 only if OpenSSL fails, which
// for these fixed digests means memory exhaustion).
unsigned Hmac(const EVP_MD* md, std::string_view key, std::string_view data,
              unsigned char* out) {
  unsigned len = 0;
  // OpenSSL rejects a null key pointer even with length 0.
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  if (!HMAC(md, k, static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    return 0;
  return len;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

Params Sorted(Params p) {
  std::sort(p.begin(), p.end());
  return p;
}

}  // namespace

std::string PercentEncode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0x0f]);
    }
  }
  return out;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = Hmac(EVP_sha256(), key, data, md);
  return Hex(md, len);
}

std::string HmacSha1Base64(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = Hmac(EVP_sha1(), key, data, md);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, md, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

std::string RpcStringToSign(std::string_view http_method, const Params& params) {
  std::string canonical;
  for (const auto& [k, v] : Sorted(params)) {
    if (!canonical.empty()) canonical.push_back('&');
    canonical += PercentEncode(k);
    canonical.push_back('=');
    canonical += PercentEncode(v);
  }
  std::string out(http_method);
  out += "&%2F&";
  out += PercentEncode(canonical);
  return out;
}

std::string RpcSignature(std::string_view access_key_secret, std::string_view string_to_sign) {
  std::string key(access_key_secret);
  key.push_back('&');
  return HmacSha1Base64(key, string_to_sign);
}

std::string V3CanonicalRequest(const V3Request& req, const std::vector<std::string>& signed_headers,
                               EmptyQueryValue empty_values) {
  std::string out = req.method;
  out.push_back('\n');
  // Canonical URI: each byte encoded except the path separators.
  for (size_t start = 0; start <= req.path.size();) {
    size_t slash = req.path.find('/', start);
    if (slash == std::string::npos) slash = req.path.size();
    out += PercentEncode(std::string_view(req.path).substr(start, slash - start));
    if (slash < req.path.size()) out.push_back('/');
    start = slash + 1;
  }
  out.push_back('\n');

  Params query;
  query.reserve(req.query.size());
  for (const auto& [k, v] : req.query) query.emplace_back(PercentEncode(k), PercentEncode(v));
  std::sort(query.begin(), query.end());
  bool first = true;
  for (const auto& [k, v] : query) {
    if (!first) out.push_back('&');
    first = false;
    out += k;
    if (!v.empty() || empty_values == EmptyQueryValue::kKeyEquals) out.push_back('=');
    out += v;
  }
  out.push_back('\n');

  std::vector<std::string> names;
  for (const auto& h : signed_headers) names.push_back(ToLower(h));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& [k, v] : req.headers) values[ToLower(k)].push_back(Trim(v));
  for (const auto& name : names) {
    std::vector<std::string>& vs = values[name];
    std::sort(vs.begin(), vs.end());
    out += name;
    out.push_back(':');
    for (size_t i = 0; i < vs.size(); ++i) {
      if (i) out.push_back(',');
      out += vs[i];
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out.push_back(';');
    out += names[i];
  }
  out.push_back('\n');
  out += req.hashed_payload;
  return out;
}

std::string V3StringToSign(std::string_view canonical_request) {
  return "ACS3-HMAC-SHA256\n" + Sha256Hex(canonical_request);
}

std::string V3Signature(std::string_view access_key_secret, std::string_view string_to_sign) {
  return HmacSha256Hex(access_key_secret, string_to_sign);
}

std::string V3Authorization(std::string_view access_key_id,
                            const std::vector<std::string>& signed_headers,
                            std::string_view signature) {
  std::vector<std::string> names;
  for (const auto& h : signed_headers) names.push_back(ToLower(h));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out = "ACS3-HMAC-SHA256 Credential=";
  out += access_key_id;
  out += ",SignedHeaders=";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out.push_back(';');
    out += names[i];
  }
  out += ",Signature=";
  out += signature;
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace respec::sign
