// schema_check SCHEMA.json [--lines] < INPUT: validates standard input (one
// JSON document, or with --lines one per non-empty line) against a JSON
// Schema (draft 7) with valijson. Exit 0 when every document is valid; 1
// with "line N: /path: message" for each problem; 2 on bad usage. For the
// shell tests (tests/cli/), which check every JSON output against schemas/.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::string(argv[2]) != "--lines")) {
    std::cerr << "usage: schema_check SCHEMA.json [--lines] < INPUT\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded()) {
    std::cerr << argv[1] << ": not JSON\n";
    return 2;
  }
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter sa(doc);
  parser.populateSchema(sa, schema);

  std::vector<std::string> docs;
  if (argc == 3) {
    std::string line;
    while (std::getline(std::cin, line))
      if (!line.empty()) docs.push_back(line);
  } else {
    std::stringstream all;
    all << std::cin.rdbuf();
    docs.push_back(all.str());
  }
  if (docs.empty()) {
    std::cerr << "no input\n";
    return 1;
  }
  int bad = 0;
  for (size_t i = 0; i < docs.size(); ++i) {
    auto j = nlohmann::json::parse(docs[i], nullptr, false);
    if (j.is_discarded()) {
      std::cerr << "line " << i + 1 << ": not JSON: " << docs[i].substr(0, 200) << "\n";
      ++bad;
      continue;
    }
    valijson::Validator v;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter a(j);
    if (v.validate(schema, a, &results)) continue;
    ++bad;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
      std::string where;
      for (const auto& c : e.context) where += c;
      std::cerr << "line " << i + 1 << ": " << where << ": " << e.description << "\n";
    }
  }
  return bad == 0 ? 0 : 1;
}
