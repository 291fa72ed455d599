// End-to-end tests of `redtrust test` (issue 4 §1, §5; docs/testing.md): the bundled suites in
// fixtures/suites pass; a failing case exits 1 with a diff; a typo, a missing `expect` or a
// missing world exits 2 with a location and runs nothing; --junit writes well-formed JUnit XML;
// --record rewrites expectations so the suite passes again; 10,000 cases run quickly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support/run_binary.h"

namespace {

namespace fs = std::filesystem;
using redtrust::testing_support::Lines;
using redtrust::testing_support::ReadFile;
using redtrust::testing_support::RunResult;
using redtrust::testing_support::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const char kSourceDir[] = REDTRUST_SOURCE_DIR;

std::string Fixture(const std::string& rel) { return std::string(kSourceDir) + "/" + rel; }

class TestCmdTest : public redtrust::testing_support::BinaryTest {};

// A trust-policy suite with one passing and (optionally) one failing case.
std::string TrustSuite(bool with_failure) {
  json s;
  s["name"] = "trust";
  s["trust_policy"] = Fixture("fixtures/redshift-guide/trust-externalid.json");
  s["cases"] = json::array();
  s["cases"].push_back({{"name", "user1 allowed"},
                        {"can", {{"user", "user1"}, {"cluster", "my-cluster"}, {"region", "us-west-2"},
                                 {"account", "123456789012"}}},
                        {"expect", {{"decision", "allowed"}}}});
  if (with_failure) {
    s["cases"].push_back({{"name", "user3 wrongly expected"},
                          {"can", {{"user", "user3"}, {"cluster", "my-cluster"},
                                   {"region", "us-west-2"}, {"account", "123456789012"}}},
                          {"expect", {{"decision", "allowed"}}}});
  }
  return s.dump(2);
}

TEST_F(TestCmdTest, BundledSuitesPass) {
  std::vector<std::string> args = {"test"};
  for (const auto& e : fs::directory_iterator(fs::path(kSourceDir) / "fixtures/suites")) {
    if (e.path().extension() == ".json") args.push_back(e.path().string());
  }
  ASSERT_GE(args.size(), 5u);
  RunResult r = Run(args);
  EXPECT_EQ(r.exit_code, 0) << r;
  std::vector<std::string> lines = Lines(r.out);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines.back(), ::testing::MatchesRegex("[0-9]+ passed, 0 failed"));
  EXPECT_THAT(r.out, HasSubstr("PASS guide-sql/guide-04"));
  EXPECT_THAT(r.out, HasSubstr("PASS guide-can-world/"));
  EXPECT_THAT(r.out, HasSubstr("PASS guide-can-trust/"));
  EXPECT_THAT(r.out, HasSubstr("PASS guide-eval/"));
  EXPECT_THAT(r.out, Not(HasSubstr("FAIL")));
}

TEST_F(TestCmdTest, FailingCaseExitsOneWithDiff) {
  RunResult r = Run({"test", TempFile("s.json", TrustSuite(true))});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("PASS trust/user1 allowed\n"));
  EXPECT_THAT(r.out, HasSubstr("FAIL trust/user3 wrongly expected\n"));
  EXPECT_THAT(r.out, HasSubstr("  - decision: allowed\n  + decision: denied"));
  EXPECT_THAT(r.out, HasSubstr("sts:ExternalId"));  // the explanation
  std::vector<std::string> lines = Lines(r.out);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  EXPECT_EQ(lines.back(), "1 passed, 1 failed");
}

TEST_F(TestCmdTest, TypoInFieldIsBadInputWithLocation) {
  std::string text = TrustSuite(false);
  size_t at = text.find("\"decision\"");
  text.replace(at, 10, "\"decison\"");
  std::string path = TempFile("typo.json", text);
  RunResult r = Run({"test", path});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr(path + ":"));
  EXPECT_THAT(r.err, HasSubstr("unknown field `decison`"));
  EXPECT_THAT(r.err, ::testing::ContainsRegex("typo\\.json:[0-9]+:[0-9]+: "));
  EXPECT_THAT(r.out, Not(HasSubstr("PASS")));
}

TEST_F(TestCmdTest, MissingExpectIsBadInput) {
  json s = json::parse(TrustSuite(false));
  s["cases"][0].erase("expect");
  RunResult r = Run({"test", TempFile("noexpect.json", s.dump(2))});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("has no `expect`"));
  EXPECT_THAT(r.out, Not(HasSubstr("PASS")));
}

TEST_F(TestCmdTest, UnknownWorldIsBadInput) {
  RunResult r = Run({"test", TempFile("w.json", R"({"world": "no-such-world", "cases": []})")});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("w.json:1:11: world"));
}

TEST_F(TestCmdTest, JUnitIsWellFormed) {
  std::string report = (tmp_ / "report.xml").string();
  RunResult r = Run({"test", TempFile("s.json", TrustSuite(true)), "--junit", report});
  EXPECT_EQ(r.exit_code, 1) << r;
  std::string xml = ReadFile(report);
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"redtrust\" tests=\"2\" failures=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"trust\" tests=\"2\" failures=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"trust\" name=\"user1 allowed\""));
  EXPECT_THAT(
      xml,
      HasSubstr("<failure message=\"decision: expected allowed, got denied (implicitDeny)\">"));
  // Balanced tags, and no raw '<' or '&' outside markup.
  auto count = [&](const std::string& s) {
    size_t n = 0;
    for (size_t p = xml.find(s); p != std::string::npos; p = xml.find(s, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<testsuites"), count("</testsuites>"));
  EXPECT_EQ(count("<testsuite "), count("</testsuite>"));
  EXPECT_EQ(count("<failure"), count("</failure>"));
  for (size_t p = xml.find('&'); p != std::string::npos; p = xml.find('&', p + 1)) {
    std::string ent = xml.substr(p, 6);
    EXPECT_TRUE(ent.rfind("&amp;", 0) == 0 || ent.rfind("&lt;", 0) == 0 ||
                ent.rfind("&gt;", 0) == 0 || ent.rfind("&quot;", 0) == 0 ||
                ent.rfind("&apos;", 0) == 0)
        << ent;
  }
}

TEST_F(TestCmdTest, RecordRoundTrip) {
  std::string text = TrustSuite(true);
  // Unrelated content must survive: a suite name and the layout of the other cases.
  std::string path = TempFile("s.json", text);
  RunResult rec = Run({"test", "--record", path});
  EXPECT_EQ(rec.exit_code, 0) << rec;
  EXPECT_THAT(rec.out, HasSubstr("recorded trust/user3 wrongly expected"));
  EXPECT_THAT(rec.out, Not(HasSubstr("recorded trust/user1 allowed")));
  std::string after = ReadFile(path);
  json j = json::parse(after);
  EXPECT_EQ(j["cases"][1]["expect"]["decision"], "denied");
  EXPECT_THAT(j["cases"][1]["expect"]["message"].get<std::string>(), HasSubstr("not authorized"));
  EXPECT_EQ(j["cases"][0]["expect"], json({{"decision", "allowed"}}));
  // Everything before the changed expectation is byte-identical.
  size_t first = text.find("user3");
  EXPECT_EQ(after.substr(0, first), text.substr(0, first));
  RunResult r = Run({"test", path});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("2 passed, 0 failed"));
  // Recording again changes nothing.
  RunResult again = Run({"test", "--record", path});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_THAT(again.out, HasSubstr("0 expectation(s) changed"));
  EXPECT_EQ(ReadFile(path), after);
}

TEST_F(TestCmdTest, TenThousandCasesRunQuickly) {
  std::string text = "{\"name\": \"big\", \"trust_policy\": \"" +
                     Fixture("fixtures/redshift-guide/trust-externalid.json") +
                     "\", \"cases\": [\n";
  for (int i = 0; i < 10000; ++i) {
    const bool allowed = i % 2 == 0;
    const std::string user = allowed ? (i % 4 == 0 ? "user1" : "user2") : "nobody" + std::to_string(i);
    if (i) text += ",\n";
    if (i % 3 == 0) {
      text += "{\"name\": \"c" + std::to_string(i) + "\", \"eval\": {\"principal\": {\"Service\": "
              "\"redshift.amazonaws.com\"}, \"action\": \"sts:AssumeRole\", \"resource\": "
              "\"arn:aws:iam::123456789012:role/R\", \"context\": {\"sts:ExternalId\": "
              "\"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/" + user + "\"}}, "
              "\"expect\": {\"decision\": \"" + (allowed ? "allowed" : "denied") + "\"}}";
    } else {
      text += "{\"name\": \"c" + std::to_string(i) + "\", \"can\": {\"user\": \"" + user +
              "\", \"cluster\": \"my-cluster\", \"region\": \"us-west-2\", \"account\": "
              "\"123456789012\"}, \"expect\": {\"decision\": \"" +
              (allowed ? "allowed" : "denied") + "\"}}";
    }
  }
  text += "\n]}\n";
  std::string path = TempFile("big.json", text);
  const auto start = std::chrono::steady_clock::now();
  RunResult r = Run({"test", path}, 60);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string tail = r.out.size() > 2000 ? r.out.substr(r.out.size() - 2000) : r.out;
  EXPECT_THAT(tail, HasSubstr("\n10000 passed, 0 failed\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("FAIL "))) << tail;
  // Under a second on a developer machine; a generous bound keeps loaded CI machines green.
  EXPECT_LT(seconds, 5.0);
  RecordProperty("seconds", std::to_string(seconds));
}

}  // namespace
