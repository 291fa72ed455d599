// The data-driven conformance suite (STYLE guideline 13): every fixtures/conformance/*.json file
// holds cases of the semantics rules (docs/conformance.md), each an `eval` request line and the
// expected decision. One TEST_P runs each case through redtrust::EvalSession.
//
// Fixture files are strict: unknown fields, duplicate keys, wrong types and malformed names make
// the case (or the whole file) fail instead of being ignored, like Cedar's deny_unknown_fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tools/questions/eval_json.h"

namespace redtrust {
namespace {

// Fixture requests keep their key order when re-serialized, so failures print as written.
using Json = nlohmann::ordered_json;

// The suite's clock when a request has no "now": 2026-01-01T00:00:00Z.
constexpr int64_t kDefaultNowMicros = 1767225600000000;
constexpr size_t kMinimumCases = 200;

const std::set<std::string> kFileKeys = {"group", "cases"};
const std::set<std::string> kCaseKeys = {"name", "rule", "note", "request", "request_line", "want"};
const std::set<std::string> kWantKeys = {"decision", "matched_statements", "missing_context_keys",
                                         "error_codes"};
const std::set<std::string> kStatementKeys = {"policy", "index"};
// The `redtrust eval` input contract (tools/questions/eval_json.h). A typo such as "identity_policy"
// would otherwise be silently ignored and change what the case tests.
const std::set<std::string> kRequestKeys = {"id",
                                            "principal",
                                            "action",
                                            "resource",
                                            "resource_policy",
                                            "identity_policies",
                                            "resource_account",
                                            "context",
                                            "now"};
const std::set<std::string> kDecisions = {"allowed", "explicitDeny", "implicitDeny", "error"};

using StatementSet = std::set<std::pair<std::string, int64_t>>;

struct FixtureCase {
  std::string file;  // path relative to the source tree
  std::string group;
  std::string name;
  std::string rule;
  std::string note;
  std::string id;            // the request's "id" (empty for raw request lines)
  std::string request_line;  // exactly what EvaluateLine gets
  std::string decision;
  std::optional<StatementSet> matched;
  std::optional<std::set<std::string>> missing;  // lower-cased: key names are case-insensitive
  std::vector<std::string> error_codes;
  std::vector<std::string> problems;  // fixture errors; a case with problems fails
  std::string test_name;              // unique gtest name: group_name, non-alphanumerics as '_'
};

// gtest prints parameters of failing tests; keep it to the case's identity.
void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.group << "/" << c.name; }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

bool IsSlug(const std::string& s) {
  if (s.empty() || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

bool IsPolicyName(const std::string& s) {
  if (s == "resource_policy") return true;
  const std::string prefix = "identity_policies/";
  if (s.rfind(prefix, 0) != 0 || s.size() == prefix.size()) return false;
  return std::all_of(s.begin() + prefix.size(), s.end(),
                     [](unsigned char ch) { return std::isdigit(ch) != 0; });
}

void CheckKeys(const Json& obj, const std::set<std::string>& allowed, const std::string& where,
               std::vector<std::string>* problems) {
  for (const auto& item : obj.items()) {
    if (allowed.count(item.key()) == 0) {
      problems->push_back("unknown field `" + item.key() + "` in " + where);
    }
  }
}

// Parses a fixture file, reporting duplicate object keys (nlohmann's DOM would keep the last).
Json ParseStrict(const std::string& text, std::vector<std::string>* problems) {
  std::vector<std::set<std::string>> open_objects;
  // The name of the most recent key at each nesting depth, to say where a duplicate is.
  std::vector<std::string> last_key;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    using E = Json::parse_event_t;
    if (event == E::object_start) {
      open_objects.emplace_back();
    } else if (event == E::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == E::key && !open_objects.empty()) {
      const std::string key = parsed.get<std::string>();
      const size_t d = static_cast<size_t>(std::max(depth, 0));
      if (last_key.size() <= d) last_key.resize(d + 1);
      last_key[d] = key;
      if (!open_objects.back().insert(key).second) {
        std::string where;
        for (size_t i = 0; i < d; ++i) {
          if (!last_key[i].empty()) where += "/" + last_key[i];
        }
        problems->push_back("duplicate key `" + key + "`" +
                            (where.empty() ? std::string() : " inside `" + where + "`"));
      }
    }
    return true;
  };
  try {
    return Json::parse(text, callback);
  } catch (const nlohmann::json::exception& e) {
    problems->push_back(std::string("not valid JSON: ") + e.what());
    return Json();
  }
}

void ReadWant(const Json& want, FixtureCase* c) {
  auto& p = c->problems;
  if (!want.is_object()) {
    p.push_back("`want` must be an object");
    return;
  }
  CheckKeys(want, kWantKeys, "want", &p);
  if (!want.contains("decision") || !want["decision"].is_string() ||
      kDecisions.count(want["decision"].get<std::string>()) == 0) {
    p.push_back("want.decision must be one of allowed, explicitDeny, implicitDeny, error");
  } else {
    c->decision = want["decision"].get<std::string>();
  }
  if (want.contains("matched_statements")) {
    const Json& ms = want["matched_statements"];
    StatementSet set;
    if (!ms.is_array()) p.push_back("want.matched_statements must be an array");
    for (const Json& m : ms.is_array() ? ms : Json::array()) {
      if (!m.is_object()) {
        p.push_back("want.matched_statements entries must be objects");
        continue;
      }
      CheckKeys(m, kStatementKeys, "want.matched_statements[]", &p);
      if (!m.contains("policy") || !m["policy"].is_string() ||
          !IsPolicyName(m["policy"].get<std::string>())) {
        p.push_back("matched statement policy must be resource_policy or identity_policies/N");
        continue;
      }
      if (!m.contains("index") || !m["index"].is_number_unsigned()) {
        p.push_back("matched statement index must be a non-negative integer");
        continue;
      }
      set.emplace(m["policy"].get<std::string>(), m["index"].get<int64_t>());
    }
    if (c->decision == "error") p.push_back("a decision \"error\" has no matched_statements");
    if (c->decision == "implicitDeny" && !set.empty()) {
      p.push_back("implicitDeny reports no matched statements");
    }
    c->matched = std::move(set);
  }
  if (want.contains("missing_context_keys")) {
    const Json& mk = want["missing_context_keys"];
    std::set<std::string> set;
    if (!mk.is_array()) p.push_back("want.missing_context_keys must be an array");
    for (const Json& k : mk.is_array() ? mk : Json::array()) {
      if (!k.is_string()) {
        p.push_back("want.missing_context_keys entries must be strings");
        continue;
      }
      set.insert(Lower(k.get<std::string>()));
    }
    c->missing = std::move(set);
  }
  if (want.contains("error_codes")) {
    const Json& ec = want["error_codes"];
    if (c->decision != "error") p.push_back("want.error_codes needs decision \"error\"");
    if (!ec.is_array()) p.push_back("want.error_codes must be an array");
    for (const Json& code : ec.is_array() ? ec : Json::array()) {
      if (!code.is_string()) {
        p.push_back("want.error_codes entries must be strings");
        continue;
      }
      c->error_codes.push_back(code.get<std::string>());
    }
  }
}

FixtureCase ReadCase(const Json& j, const std::string& file, const std::string& group,
                     size_t index) {
  FixtureCase c;
  c.file = file;
  c.group = group;
  c.name = "case" + std::to_string(index);
  auto& p = c.problems;
  if (!j.is_object()) {
    p.push_back("case " + std::to_string(index) + " is not an object");
    return c;
  }
  CheckKeys(j, kCaseKeys, "case", &p);
  auto text = [&](const char* key) -> std::string {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty()) {
      p.push_back(std::string("`") + key + "` must be a non-empty string");
      return "";
    }
    return j[key].get<std::string>();
  };
  const std::string name = text("name");
  if (!name.empty()) c.name = name;
  if (!IsSlug(c.name)) p.push_back("name `" + c.name + "` must be a slug of [a-z0-9-]");
  c.rule = text("rule");
  c.note = text("note");

  const bool has_request = j.contains("request");
  const bool has_line = j.contains("request_line");
  if (has_request == has_line) {
    p.push_back("exactly one of `request` and `request_line` is required");
  } else if (has_request) {
    Json request = j["request"];
    if (!request.is_object()) {
      p.push_back("`request` must be an object");
    } else {
      CheckKeys(request, kRequestKeys, "request", &p);
      if (!request.contains("id")) request["id"] = c.name;
      if (request["id"].is_string()) c.id = request["id"].get<std::string>();
      c.request_line = request.dump();  // one line, UTF-8 as written
    }
  } else if (!j["request_line"].is_string()) {
    p.push_back("`request_line` must be a string");
  } else {
    c.request_line = j["request_line"].get<std::string>();
    if (c.request_line.find('\n') != std::string::npos) {
      p.push_back("`request_line` must be a single line");
    }
  }
  if (!j.contains("want")) {
    p.push_back("`want` is required");
  } else {
    ReadWant(j["want"], &c);
  }
  return c;
}

// "grammar_g1-keys-in-any-order" -> "grammar_g1_keys_in_any_order".
std::string SanitizedName(std::string name) {
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

struct LoadedSuite {
  std::vector<FixtureCase> cases;
  std::vector<std::string> files;
};

void ReadFile(const std::filesystem::path& path, LoadedSuite* suite) {
  const std::string rel = "fixtures/conformance/" + path.filename().string();
  const std::string stem = path.stem().string();
  suite->files.push_back(rel);
  // File-level problems become one failing pseudo-case so they show up as a test.
  FixtureCase file_case;
  file_case.file = rel;
  file_case.group = stem;
  file_case.name = "file-level-error";

  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in) file_case.problems.push_back("cannot read the file");
  Json doc = ParseStrict(buf.str(), &file_case.problems);
  if (!file_case.problems.empty() || !doc.is_object()) {
    if (file_case.problems.empty()) file_case.problems.push_back("the file must hold an object");
    suite->cases.push_back(std::move(file_case));
    return;
  }
  CheckKeys(doc, kFileKeys, "the file", &file_case.problems);
  if (!doc.contains("group") || !doc["group"].is_string() ||
      doc["group"].get<std::string>() != stem) {
    file_case.problems.push_back("`group` must equal the file name without .json (`" + stem + "`)");
  }
  if (!doc.contains("cases") || !doc["cases"].is_array() || doc["cases"].empty()) {
    file_case.problems.push_back("`cases` must be a non-empty array");
  }
  if (!file_case.problems.empty()) {
    suite->cases.push_back(std::move(file_case));
    return;
  }
  size_t index = 0;
  for (const Json& j : doc["cases"]) suite->cases.push_back(ReadCase(j, rel, stem, index++));
}

const LoadedSuite& Suite() {
  static const LoadedSuite* const suite = [] {
    auto* s = new LoadedSuite;
    const std::filesystem::path dir =
        std::filesystem::path(REDTRUST_SOURCE_DIR) / "fixtures" / "conformance";
    std::vector<std::filesystem::path> paths;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") {
        paths.push_back(entry.path());
      }
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) ReadFile(path, s);
    // gtest aborts the whole binary on a duplicate parameter name, so names are made unique
    // here; LoadsEnoughUniqueCases reports the clash instead.
    std::set<std::string> used;
    for (FixtureCase& c : s->cases) {
      std::string base = SanitizedName(c.group + "_" + c.name);
      c.test_name = base;
      for (int n = 2; !used.insert(c.test_name).second; ++n) {
        c.test_name = base + "_" + std::to_string(n);
      }
    }
    return s;
  }();
  return *suite;
}

std::string Describe(const FixtureCase& c, const std::string& output) {
  std::ostringstream os;
  os << "\n  case:    " << c.group << "/" << c.name << " (" << c.file << ")"
     << "\n  rule:    " << c.rule << "\n  note:    " << c.note << "\n  request: " << c.request_line
     << "\n  output:  " << output << "\n";
  return os.str();
}

class ConformanceTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(ConformanceTest, Case) {
  const FixtureCase& c = GetParam();
  if (!c.problems.empty()) {
    std::string all;
    for (const std::string& p : c.problems) all += "\n  - " + p;
    FAIL() << "invalid fixture " << c.file << " case `" << c.name << "`:" << all;
  }

  EvalSessionOptions options;
  options.now_micros = kDefaultNowMicros;
  EvalSession session(options);
  bool is_error = false;
  const std::string output = session.EvaluateLine(c.request_line, 1, &is_error);
  const std::string why = Describe(c, output);

  const Json got = Json::parse(output, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(got.is_object()) << "the output is not a JSON object" << why;
  ASSERT_TRUE(got.contains("decision") && got["decision"].is_string())
      << "the output has no decision" << why;
  const std::string decision = got["decision"].get<std::string>();
  EXPECT_EQ(decision, c.decision) << why;
  if (decision == "error") {
    EXPECT_TRUE(is_error) << "decision \"error\" without *is_error" << why;
  }
  if (!c.id.empty() && decision != "error") {
    EXPECT_EQ(got.value("id", std::string()), c.id) << "the id is not echoed" << why;
  }

  if (c.matched) {
    StatementSet actual;
    if (got.contains("matched_statements") && got["matched_statements"].is_array()) {
      for (const Json& m : got["matched_statements"]) {
        if (m.is_object() && m.contains("policy") && m["policy"].is_string() &&
            m.contains("index") && m["index"].is_number_integer()) {
          actual.emplace(m["policy"].get<std::string>(), m["index"].get<int64_t>());
        } else {
          ADD_FAILURE() << "malformed matched statement " << m.dump() << why;
        }
      }
    }
    EXPECT_EQ(actual, *c.matched) << "matched statements (policy, index) differ" << why;
  }

  if (c.missing) {
    std::set<std::string> actual;
    if (got.contains("missing_context_keys") && got["missing_context_keys"].is_array()) {
      for (const Json& k : got["missing_context_keys"]) {
        if (k.is_string()) actual.insert(Lower(k.get<std::string>()));
      }
    }
    EXPECT_EQ(actual, *c.missing) << "missing context keys differ (compared lower-case)" << why;
  }

  if (!c.error_codes.empty()) {
    std::set<std::string> codes;
    if (got.contains("errors") && got["errors"].is_array()) {
      for (const Json& e : got["errors"]) {
        if (e.is_object() && e.contains("code") && e["code"].is_string()) {
          codes.insert(e["code"].get<std::string>());
        }
      }
    }
    for (const std::string& want : c.error_codes) {
      EXPECT_TRUE(codes.count(want) == 1) << "error code `" << want << "` not reported" << why;
    }
  }
}

std::string CaseTestName(const ::testing::TestParamInfo<FixtureCase>& info) {
  return info.param.test_name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ConformanceTest, ::testing::ValuesIn(Suite().cases),
                         CaseTestName);

TEST(ConformanceSuite, LoadsEnoughUniqueCases) {
  const LoadedSuite& suite = Suite();
  EXPECT_FALSE(suite.files.empty()) << "no fixtures/conformance/*.json under " REDTRUST_SOURCE_DIR;
  size_t real_cases = 0;
  std::map<std::string, std::string> seen;  // case name -> file
  std::set<std::string> test_names;
  for (const FixtureCase& c : suite.cases) {
    if (c.name == "file-level-error") {
      ADD_FAILURE() << c.file << " could not be loaded";
      continue;
    }
    ++real_cases;
    auto [it, inserted] = seen.emplace(c.name, c.file);
    EXPECT_TRUE(inserted) << "case name `" << c.name << "` is used in " << it->second << " and "
                          << c.file;
    const std::string test_name = SanitizedName(c.group + "_" + c.name);
    EXPECT_TRUE(test_names.insert(test_name).second)
        << "test name clash: " << test_name << " (" << c.file << ")";
  }
  EXPECT_GE(real_cases, kMinimumCases)
      << "the conformance suite must hold at least " << kMinimumCases << " cases";
}

}  // namespace
}  // namespace redtrust
