#include "emulator/http/request_log.h"

#include <algorithm>

#include "emulator/http/auth.h"

namespace respec::emulator::http {
namespace {

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

RequestShape ShapeOf(const RawRequest& req, const ApiCall& call) {
  RequestShape s;
  s.method = req.method;
  s.scheme = call.scheme == SignatureScheme::kV3 ? "V3" : "RPC";
  s.action = call.action;
  for (const auto& [name, value] : call.params.list()) s.params.push_back(name);
  SortUnique(&s.params);
  s.signed_headers = SignedHeaderNames(req);
  SortUnique(&s.signed_headers);
  for (const auto& [name, value] : req.headers)
    if (name == "content-type" || name.rfind("x-acs-", 0) == 0) s.headers.push_back(name);
  SortUnique(&s.headers);
  return s;
}

void RequestLog::Record(RequestShape shape) {
  std::lock_guard<std::mutex> l(mu_);
  entries_.push_back(std::move(shape));
  while (entries_.size() > capacity_) entries_.pop_front();
}

Json RequestLog::ToJson() const {
  std::lock_guard<std::mutex> l(mu_);
  Json list = Json::array();
  for (const RequestShape& s : entries_)
    list.push_back(Json{{"Method", s.method}, {"Scheme", s.scheme}, {"Action", s.action},
                        {"Params", s.params}, {"SignedHeaders", s.signed_headers},
                        {"Headers", s.headers}, {"Status", s.status}, {"Code", s.error_code}});
  return list;
}

}  // namespace respec::emulator::http
