// Walks both seed references of ModifyPrepayInstanceSpec (English markdown
// table, Chinese plain-text table) and proves that every error code they
// list is in the one error table with a category, the seed's HTTP status and
// the seed's message. Also checks the table itself for consistency, and that
// every Respec.* code src/ names has a row.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "cloud/error_table.h"

using namespace respec;

namespace {

struct SeedRow {
  int line = 0;
  int status = 0;
  std::string code;
  std::string message;
};

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string SeedPath(const char* name) {
  return std::string(RESPEC_SOURCE_DIR) + "/tests/data/seeds/" + name;
}

// "|400|Code|Message|Description|" rows after "## Error codes".
std::vector<SeedRow> EnglishRows() {
  std::vector<SeedRow> rows;
  auto lines = Lines(SeedPath("ModifyPrepayInstanceSpec.en.md"));
  bool in_section = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("## ", 0) == 0) in_section = l == "## Error codes";
    if (!in_section || l.size() < 2 || l[0] != '|') continue;
    std::vector<std::string> cells;
    std::stringstream ss(l.substr(1));
    for (std::string c; std::getline(ss, c, '|');) cells.push_back(c);
    if (cells.size() < 4 || cells[0].empty() || !std::isdigit(static_cast<unsigned char>(cells[0][0])))
      continue;  // header and separator rows
    rows.push_back(SeedRow{static_cast<int>(i + 1), std::stoi(cells[0]), cells[1], cells[2]});
  }
  return rows;
}

// "400 Code Message 描述" lines after the "错误码" heading.
std::vector<SeedRow> ChineseRows() {
  std::vector<SeedRow> rows;
  auto lines = Lines(SeedPath("ModifyPrepayInstanceSpec.zh.txt"));
  bool in_section = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l == "错误码") {
      in_section = true;
      continue;
    }
    if (!in_section || l.size() < 5 || !std::isdigit(static_cast<unsigned char>(l[0]))) continue;
    std::stringstream ss(l);
    SeedRow r;
    r.line = static_cast<int>(i + 1);
    ss >> r.status >> r.code;
    std::getline(ss, r.message);
    rows.push_back(r);
  }
  return rows;
}

void CheckCovered(const std::vector<SeedRow>& rows, const char* seed) {
  for (const SeedRow& r : rows) {
    INFO(seed << ":" << r.line << ": " << r.status << " " << r.code);
    const ErrorInfo* e = FindError(r.code);
    REQUIRE(e != nullptr);
    CHECK(e->category != ErrorCategory::kUnknown);
    CHECK(!e->description.empty());
    CHECK(CategorizeError(r.code, r.status) == e->category);
    // Some row for this code carries the seed's HTTP status and message.
    bool status_found = false, message_found = false;
    for (const ErrorInfo& row : AllErrors()) {
      if (row.code != r.code) continue;
      status_found |= row.http_status == r.status;
      // The Chinese lines carry the English message followed by the Chinese
      // description; the English one is exact.
      message_found |= r.message == row.message ||
                       r.message.rfind(" " + std::string(row.message) + " ", 0) == 0;
    }
    CHECK(status_found);
    CHECK(message_found);
  }
}

}  // namespace

TEST_CASE("Every error code of the English seed is mapped") {
  auto rows = EnglishRows();
  REQUIRE(rows.size() >= 40);  // the parser found the table
  CheckCovered(rows, "ModifyPrepayInstanceSpec.en.md");
}

TEST_CASE("Every error code of the Chinese seed is mapped") {
  auto rows = ChineseRows();
  REQUIRE(rows.size() >= 40);
  std::set<std::string> codes;
  for (const auto& r : rows) codes.insert(r.code);
  CHECK(codes.count("InvalidInstanceId.Released") == 1);  // only the Chinese seed has it
  CheckCovered(rows, "ModifyPrepayInstanceSpec.zh.txt");
}

TEST_CASE("The categories the executor acts on") {
  CHECK(CategorizeError("Throttling", 400) == ErrorCategory::kThrottled);
  CHECK(CategorizeError("Throttling.User", 400) == ErrorCategory::kThrottled);
  CHECK(CategorizeError("Throttling.SomethingNew", 400) == ErrorCategory::kThrottled);
  CHECK(CategorizeError("LastOrderProcessing", 400) == ErrorCategory::kOrderInProgress);
  // The seed says "try it again later": retried with backoff.
  CHECK(CategorizeError("OrderCreationFailed", 400) == ErrorCategory::kTransient);
  CHECK(CategorizeError("InternalError", 500) == ErrorCategory::kTransient);
  CHECK(CategorizeError("ServiceUnavailable", 503) == ErrorCategory::kTransient);
  CHECK(CategorizeError("Transport.Timeout", 0) == ErrorCategory::kTransient);
  CHECK(CategorizeError("Transport.ConnectionFailed", 0) == ErrorCategory::kTransient);
  CHECK(CategorizeError("Transport.TLS", 0) == ErrorCategory::kAuth);
  CHECK(CategorizeError("InvalidStatus.NotStopped", 400) == ErrorCategory::kWrongState);
  CHECK(CategorizeError("IncorrectInstanceStatus", 403) == ErrorCategory::kWrongState);
  CHECK(CategorizeError("InvalidInstanceStatus", 403) == ErrorCategory::kWrongState);
  CHECK(CategorizeError("InstanceDowngrade.QuotaExceed", 400) == ErrorCategory::kQuotaOrBilling);
  CHECK(CategorizeError("Account.Arrearage", 400) == ErrorCategory::kQuotaOrBilling);
  CHECK(CategorizeError("InvalidBillingMethod.ValueNotSupported", 400) == ErrorCategory::kQuotaOrBilling);
  CHECK(CategorizeError("OperationDenied.NoStock", 403) == ErrorCategory::kStock);
  CHECK(CategorizeError("InstanceType.Offline", 403) == ErrorCategory::kStock);
  CHECK(CategorizeError("InvalidParameter", 400) == ErrorCategory::kBadRequest);
  CHECK(CategorizeError("SignatureDoesNotMatch", 400) == ErrorCategory::kAuth);
  CHECK(CategorizeError("InvalidAccessKeyId.NotFound", 404) == ErrorCategory::kAuth);
  CHECK(CategorizeError("InvalidSecurityToken.Expired", 400) == ErrorCategory::kAuth);
  CHECK(CategorizeError("Never.Seen", 502) == ErrorCategory::kTransient);
  CHECK(CategorizeError("Never.Seen", 429) == ErrorCategory::kThrottled);
  CHECK(CategorizeError("Never.Seen", 400) == ErrorCategory::kUnknown);
  for (ErrorCategory c : {ErrorCategory::kThrottled, ErrorCategory::kOrderInProgress, ErrorCategory::kTransient})
    CHECK(IsRetryable(c));
  for (ErrorCategory c : {ErrorCategory::kWrongState, ErrorCategory::kQuotaOrBilling, ErrorCategory::kStock,
                          ErrorCategory::kNotFound, ErrorCategory::kBlocked, ErrorCategory::kBadRequest,
                          ErrorCategory::kAuth, ErrorCategory::kUnknown})
    CHECK_FALSE(IsRetryable(c));
}

TEST_CASE("Table rows are consistent") {
  std::set<std::string> seen;
  for (const ErrorInfo& e : AllErrors()) {
    INFO(e.code);
    CHECK(!e.code.empty());
    CHECK(!e.message.empty());
    // Every row of one code agrees on the category.
    CHECK(FindError(e.code)->category == e.category);
    bool local = e.code.rfind("Transport.", 0) == 0 || e.code.rfind("Response.", 0) == 0 ||
                 e.code.rfind("Credentials.", 0) == 0 || e.code.rfind("Respec.", 0) == 0;
    CHECK((local ? e.http_status == 0 : (e.http_status >= 400 && e.http_status < 600)));
    seen.insert(std::string(e.code));
  }
  // MakeCloudError: category, default message, ambiguity.
  CloudError t = MakeCloudError("Transport.Timeout", "");
  CHECK(t.ambiguous);
  CHECK(t.category == ErrorCategory::kTransient);
  CloudError s = MakeCloudError("InvalidStatus.NotStopped", "");
  CHECK(s.message == "Instance status must be stopped.");
  CHECK(s.http_status == 400);
  CHECK_FALSE(s.ambiguous);
}

TEST_CASE("CloudError::Describe strips control characters from API text") {
  CloudError e = MakeCloudError("Throttling\x1b[2J", "slow \x1b]0;owned\x07" "down\r\nplease", 400);
  e.request_id = "req\x1b[1A-1";
  std::string d = e.Describe();
  INFO(d);
  CHECK(d.find('\x1b') == std::string::npos);
  CHECK(d.find('\n') == std::string::npos);
  CHECK(d.find('\x07') == std::string::npos);
  CHECK(d.find("slow down  please") != std::string::npos);
  CHECK(d.find("RequestId=req-1") != std::string::npos);
}

// respec's own codes (Respec.*) are errors too: every one that src/ names,
// in a string or a comment, has a row with its meaning and remedy, so a new
// code cannot ship without one.
TEST_CASE("every Respec.* code named in src/ is a row of the error table") {
  namespace fs = std::filesystem;
  const std::regex code_re(R"(Respec\.[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*)");
  std::map<std::string, std::string> found;  // code -> first file naming it
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(RESPEC_SOURCE_DIR) / "src")) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".cc" && ext != ".h") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (std::sregex_iterator it(s.begin(), s.end(), code_re), end; it != end; ++it)
      found.emplace(it->str(), entry.path().lexically_relative(RESPEC_SOURCE_DIR).string());
  }
  REQUIRE(files > 50);        // the scan saw the sources
  REQUIRE(found.size() >= 5);  // and respec's codes in them (StepTimeout, OrderPending, ...)
  for (const auto& [code, file] : found) {
    INFO(code << " (named in " << file << ")");
    const ErrorInfo* e = FindError(code);
    REQUIRE(e != nullptr);
    CHECK(e->category != ErrorCategory::kUnknown);
    CHECK(!e->description.empty());
    CHECK(MakeCloudError(code, "").category == e->category);
  }
  CHECK(found.count("Respec.OrderPending"));
  CHECK(found.count("Respec.TypeNotConfirmed"));
}
