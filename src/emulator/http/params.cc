#include "emulator/http/params.h"

#include <charconv>
#include <fmt/format.h>

#include "cloud/error_table.h"

namespace respec::emulator::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool UrlDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseUrlEncoded(std::string_view text, ParamList* out, std::string* bad) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) amp = text.size();
    std::string_view piece = text.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty()) {
      if (amp == text.size()) break;
      continue;
    }
    size_t eq = piece.find('=');
    std::string_view raw_name = piece.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    std::string name, value;
    if (!UrlDecode(raw_name, &name) || !UrlDecode(raw_value, &value)) {
      if (bad) *bad = std::string(piece.substr(0, 64));
      return false;
    }
    out->emplace_back(std::move(name), std::move(value));
    if (amp == text.size()) break;
  }
  return true;
}

const std::string* Params::Find(std::string_view name) const {
  for (const auto& [k, v] : list_)
    if (k == name) return &v;
  return nullptr;
}

std::string Params::Get(std::string_view name) const {
  const std::string* v = Find(name);
  return v ? *v : std::string();
}

std::optional<bool> Params::Bool(std::string_view name, CloudError* err) const {
  const std::string* v = Find(name);
  if (!v) return std::nullopt;
  std::string low;
  for (char c : *v) low.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (low == "true") return true;
  if (low == "false") return false;
  *err = InvalidParameter(name, fmt::format("\"{}\" is not a Boolean (true or false)", v->substr(0, 64)));
  return std::nullopt;
}

int Params::Int(std::string_view name, int fallback, int lo, int hi, CloudError* err) const {
  const std::string* v = Find(name);
  if (!v) return fallback;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < lo || n > hi) {
    *err = InvalidParameter(
        name, fmt::format("\"{}\" is not an integer from {} to {}", v->substr(0, 64), lo, hi));
    return fallback;
  }
  return n;
}

CloudError InvalidParameter(std::string_view name, std::string_view why) {
  return MakeCloudError("InvalidParameter",
                        fmt::format("The specified parameter \"{}\" is not valid: {}.", name, why));
}

CloudError MissingParameter(std::string_view name) {
  return MakeCloudError(
      "MissingParameter",
      fmt::format("The input parameter \"{}\" that is mandatory for processing this request is not "
                  "supplied.",
                  name));
}

}  // namespace respec::emulator::http
