// Regression tests for the `redtrust test` findings of issue 12 ("fail closed everywhere"), each
// a reproducer that failed before the fix (docs/testing.md):
// - the JUnit `failure` message names every expectation that differs, not just the decision;
// - --record leaves the expectations that still hold alone (byte for byte);
// - an unreadable suite is an error entry in the JUnit file and in the summary, and the other
//   suites still run;
// - a case that cannot be evaluated is an ERROR in the text as in JUnit, and the closing line
//   keeps the `N passed, M failed` form;
// - every write is checked: --junit to a full device, stdout to a full device;
// - names and values reach the terminal escaped and cut;
// - a directory given as a suite is "PATH: is a directory", once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support/run_binary.h"

namespace {

namespace fs = std::filesystem;
using redtrust::testing_support::Lines;
using redtrust::testing_support::ReadFile;
using redtrust::testing_support::RunBinary;
using redtrust::testing_support::RunResult;
using redtrust::testing_support::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const char kSourceDir[] = REDTRUST_SOURCE_DIR;

std::string Fixture(const std::string& rel) { return std::string(kSourceDir) + "/" + rel; }

std::string LastLine(const std::string& text) {
  std::vector<std::string> lines = Lines(text);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines.empty() ? "" : lines.back();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

class AuditTestCmdTest : public redtrust::testing_support::BinaryTest {
 protected:
  // A trust-policy `can` case; `expect` as given.
  static json CanCase(const std::string& name, const std::string& user, const json& expect) {
    return {{"name", name},
            {"can",
             {{"user", user},
              {"cluster", "my-cluster"},
              {"region", "us-west-2"},
              {"account", "123456789012"}}},
            {"expect", expect}};
  }
  static json TrustSuite(const std::string& name, const std::vector<json>& cases) {
    return {{"name", name},
            {"trust_policy", Fixture("fixtures/redshift-guide/trust-externalid.json")},
            {"cases", json(cases)}};
  }
  // An eval case decided by the Allow statement `AllowAll` of an inline policy.
  static json SidCase(const json& expect) {
    return {{"name", "sid case"},
            {"eval",
             {{"principal", {{"AWS", "arn:aws:iam::123456789012:user/alice"}}},
              {"action", "s3:GetObject"},
              {"resource", "arn:aws:s3:::bucket/key"},
              {"resource_account", "123456789012"},
              {"resource_policy",
               {{"Version", "2012-10-17"},
                {"Statement",
                 {{{"Sid", "AllowAll"},
                   {"Effect", "Allow"},
                   {"Principal", {{"AWS", "arn:aws:iam::123456789012:user/alice"}}},
                   {"Action", "s3:*"},
                   {"Resource", "*"}}}}}}}},
            {"expect", expect}};
  }
  std::string Redtrust() const { return std::string(REDTRUST_BIN_DIR) + "/redtrust"; }
};

// Audit: a Sid mismatch read "expected allowed, got allowed".
TEST_F(AuditTestCmdTest, JUnitFailureMessageNamesEveryDifferingExpectation) {
  json suite = {
      {"name", "sids"},
      {"cases", json::array({SidCase({{"decision", "allowed"}, {"sid", "SomethingElse"}})})}};
  std::string report = (tmp_ / "report.xml").string();
  RunResult r = Run({"test", TempFile("s.json", suite.dump(2)), "--junit", report});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("  - sid: SomethingElse\n  + sid: AllowAll\n"));
  std::string xml = ReadFile(report);
  EXPECT_THAT(xml, HasSubstr("<failure message=\"sid: expected SomethingElse, got AllowAll\">"));
  EXPECT_THAT(xml, Not(HasSubstr("expected allowed, got allowed")));

  // Two fields differ: both are named (decision first).
  json two = TrustSuite(
      "two", {CanCase("user3", "user3", {{"decision", "allowed"}, {"message", "no such text"}})});
  RunResult r2 = Run({"test", TempFile("two.json", two.dump(2)), "--junit", report});
  EXPECT_EQ(r2.exit_code, 1) << r2;
  xml = ReadFile(report);
  EXPECT_THAT(xml, HasSubstr("<failure message=\"decision: expected allowed, got denied "
                             "(implicitDeny); message (substring): expected no such text, got "
                             "ERROR:  User arn:aws:redshift:us-west-2:123456789012:dbuser:"
                             "my-cluster/user3 is not authorized"));
}

// Audit: --record rewrote expectations that still hold (a message substring became the whole
// message, a gate "P6" became "P6 sts-hop-1").
TEST_F(AuditTestCmdTest, RecordLeavesExpectationsThatStillHoldAlone) {
  // clang-format off
  const std::string text = R"({
  "name": "keep",
  "world": ")" + Fixture("fixtures/worlds/redshift-guide") + R"(",
  "trust_policy": ")" + Fixture("fixtures/redshift-guide/trust-externalid.json") + R"(",
  "cases": [
    {"name": "substring", "can": {"user": "user3", "cluster": "my-cluster", "region": "us-west-2", "account": "123456789012"},
     "expect": {"decision": "denied",   "message": "not authorized"}},
    {"name": "short gate", "sql": {"user": "user3", "cluster": "my-cluster",
       "sql": "COPY users FROM 's3://redshift-guide-data/tickit/allusers_pipe.txt' IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyUnloadExternalId' DELIMITER '|'"},
     "expect": {"gate": "P6", "decision": "denied"}}
  ]
}
)";
  // clang-format on
  std::string path = TempFile("keep.json", text);
  RunResult check = Run({"test", path});
  ASSERT_EQ(check.exit_code, 0) << check;
  RunResult rec = Run({"test", "--record", path});
  EXPECT_EQ(rec.exit_code, 0) << rec;
  EXPECT_THAT(rec.out, Not(HasSubstr("recorded")));
  EXPECT_THAT(rec.out, HasSubstr("0 expectation(s) changed, 2 unchanged"));
  EXPECT_EQ(ReadFile(path), text);

  // A failing case is rewritten; what still holds in it (the short gate) is kept.
  std::string failing = text;
  failing.replace(failing.find("\"gate\": \"P6\", \"decision\": \"denied\""),
                  std::string("\"gate\": \"P6\", \"decision\": \"denied\"").size(),
                  "\"gate\": \"P6\", \"decision\": \"denied\", \"message\": \"no such text\"");
  WriteFile(path, failing);
  rec = Run({"test", "--record", path});
  EXPECT_EQ(rec.exit_code, 0) << rec;
  EXPECT_THAT(rec.out, HasSubstr("recorded keep/short gate: "));
  EXPECT_THAT(rec.out, Not(HasSubstr("recorded keep/substring")));
  EXPECT_THAT(rec.out, HasSubstr("1 expectation(s) changed, 1 unchanged"));
  json after = json::parse(ReadFile(path));
  EXPECT_EQ(after["cases"][0]["expect"],
            json({{"decision", "denied"}, {"message", "not authorized"}}));
  EXPECT_EQ(after["cases"][1]["expect"]["gate"], "P6");
  EXPECT_THAT(after["cases"][1]["expect"]["message"].get<std::string>(),
              HasSubstr("is not authorized to assume"));
  // The first case's text is untouched.
  const size_t second = text.find("{\"name\": \"short gate\"");
  EXPECT_EQ(ReadFile(path).substr(0, second), text.substr(0, second));
  RunResult again = Run({"test", path});
  EXPECT_EQ(again.exit_code, 0) << again;
}

// Audit: an unreadable suite wrote no JUnit file and no `N passed, M failed` line.
TEST_F(AuditTestCmdTest, UnreadableSuiteIsAnErrorInJUnitAndSummary) {
  std::string good =
      TempFile("good.json",
               TrustSuite("good", {CanCase("user1", "user1", {{"decision", "allowed"}})}).dump(2));
  std::string bad = TempFile("bad.json", R"({"name": "bad", "cases": [}")");
  std::string report = (tmp_ / "report.xml").string();
  RunResult r = Run({"test", good, bad, "--junit", report});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr(bad + ":1:"));
  EXPECT_THAT(r.out, HasSubstr("PASS good/user1\n"));
  EXPECT_THAT(r.out, HasSubstr("ERROR " + bad + ": the suite cannot be read"));
  EXPECT_THAT(r.out, HasSubstr("1 error(s) counted as failed: 1 suite(s) could not be read"));
  EXPECT_EQ(LastLine(r.out), "1 passed, 1 failed");
  ASSERT_TRUE(fs::exists(report)) << r;
  std::string xml = ReadFile(report);
  EXPECT_THAT(xml,
              HasSubstr("<testsuites name=\"redtrust\" tests=\"2\" failures=\"0\" errors=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"bad\" tests=\"1\" failures=\"0\" errors=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<error message=\"the suite cannot be read: " + bad + ":1:"));

  // Alone, too: the report and the summary exist, nothing passed.
  RunResult alone = Run({"test", bad, "--junit", report});
  EXPECT_EQ(alone.exit_code, 2) << alone;
  EXPECT_EQ(LastLine(alone.out), "0 passed, 1 failed");
  EXPECT_THAT(ReadFile(report), HasSubstr("errors=\"1\""));
}

// Audit: a run-time error counted as "failed" in the text and as an error in JUnit.
TEST_F(AuditTestCmdTest, RunTimeErrorIsAnErrorInTextAndJUnit) {
  json suite = {
      {"name", "rt"},
      {"world", Fixture("fixtures/worlds/redshift-guide")},
      {"cases",
       {{{"name", "unknown user"},
         {"sql",
          {{"user", "nobody"},
           {"cluster", "my-cluster"},
           {"sql",
            "COPY venue FROM 's3://redshift-guide-data/tickit/venue_pipe.txt' "
            "IAM_ROLE default DELIMITER '|'"}}},
         {"expect", {{"decision", "denied"}}}},
        {{"name", "user1"},
         {"sql",
          {{"user", "user1"},
           {"cluster", "my-cluster"},
           {"sql",
            "COPY venue FROM 's3://redshift-guide-data/tickit/venue_pipe.txt' "
            "IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyUnload' DELIMITER '|'"}}},
         {"expect", {{"decision", "denied"}}}}}}};
  std::string report = (tmp_ / "report.xml").string();
  RunResult r = Run({"test", TempFile("rt.json", suite.dump(2)), "--junit", report});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.out, HasSubstr("ERROR rt/unknown user\n  error: "));
  EXPECT_THAT(r.out, Not(HasSubstr("FAIL rt/unknown user")));
  EXPECT_THAT(r.out, HasSubstr("FAIL rt/user1\n"));
  EXPECT_THAT(r.out, HasSubstr("\n1 error(s) counted as failed: 0 suite(s) could not be read, "
                               "1 case(s) could not be evaluated\n"));
  EXPECT_EQ(LastLine(r.out), "0 passed, 2 failed");
  std::string xml = ReadFile(report);
  EXPECT_THAT(xml, HasSubstr("tests=\"2\" failures=\"1\" errors=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<error message=\"error: "));
}

// Audit: `test --junit /dev/full` exited 0. A symlink to /dev/full in the test's directory
// (the old code replaced the link itself with a regular file; as root it would have replaced
// /dev/full, which is why the test does not name /dev/full directly).
TEST_F(AuditTestCmdTest, JUnitWriteFailureExitsTwoNamingTheFile) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  std::string suite = TempFile(
      "s.json", TrustSuite("s", {CanCase("user1", "user1", {{"decision", "allowed"}})}).dump(2));
  const fs::path link = tmp_ / "report.xml";
  fs::create_symlink("/dev/full", link);
  RunResult r = Run({"test", suite, "--junit", link.string()});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr(link.string() + ": cannot write the JUnit report: No space left"));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(LastLine(r.out), "1 passed, 0 failed");  // the run itself is reported

  // A directory, and an empty name, are errors too.
  RunResult dir = Run({"test", suite, "--junit", tmp_.string()});
  EXPECT_EQ(dir.exit_code, 2) << dir;
  EXPECT_THAT(dir.err, HasSubstr(tmp_.string() + ": cannot write the JUnit report"));
  RunResult empty = Run({"test", suite, "--junit", ""});
  EXPECT_EQ(empty.exit_code, 2) << empty;
  EXPECT_THAT(empty.err, HasSubstr("--junit"));
  // --record writes no report: asking for one is a usage error, not silently ignored.
  RunResult both = Run({"test", suite, "--record", "--junit", (tmp_ / "r2.xml").string()});
  EXPECT_EQ(both.exit_code, 2) << both;
  EXPECT_FALSE(fs::exists(tmp_ / "r2.xml"));
}

// Audit: `redtrust test ... > /dev/full` exited 0.
TEST_F(AuditTestCmdTest, StdoutWriteFailureExitsTwo) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  std::string suite = TempFile(
      "s.json", TrustSuite("s", {CanCase("user1", "user1", {{"decision", "allowed"}})}).dump(2));
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--record"}}) {
    std::string cmd = "exec \"$0\" test \"$1\"";
    if (!extra.empty()) cmd += " " + extra[0];
    cmd += " > /dev/full";
    RunResult r = RunBinary("/bin/sh", {"-c", cmd, Redtrust(), suite}, kSourceDir, tmp_);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("standard output: write error: No space left on device"));
  }
}

// Audit: case names reached the terminal raw.
TEST_F(AuditTestCmdTest, NamesAndValuesAreEscapedAndCut) {
  const std::string evil = "evil\x1b[31m\nPASS fake/case\x07\xc2\x9b";
  json suite = TrustSuite(
      "esc\x1b]0;title\x07",
      {CanCase(evil, "user1", {{"decision", "allowed"}}),
       CanCase("wrong " + evil, "user3", {{"decision", "denied"}, {"message", "msg\x1b[2J"}}),
       CanCase(std::string(5000, 'n'), "user1", {{"decision", "allowed"}})});
  std::string report = (tmp_ / "report.xml").string();
  RunResult r = Run({"test", TempFile("esc.json", suite.dump(2)), "--junit", report});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r;
  EXPECT_EQ(r.out.find('\x07'), std::string::npos) << r;
  EXPECT_EQ(r.out.find("\xc2\x9b"), std::string::npos) << r;
  EXPECT_THAT(r.out, HasSubstr("PASS esc\\u001b]0;title\\u0007/evil\\u001b[31m\\nPASS fake/case"
                               "\\u0007\\u009b\n"));
  EXPECT_THAT(r.out, HasSubstr("  - message (substring): msg\\u001b[2J\n"));
  for (const std::string& line : Lines(r.out)) {
    EXPECT_THAT(line, Not(::testing::StartsWith("PASS fake"))) << line;
    EXPECT_LE(line.size(), 1100u) << line.substr(0, 80);
  }
  EXPECT_THAT(r.out, HasSubstr("PASS esc\\u001b]0;title\\u0007/" + std::string(10, 'n')));
  EXPECT_THAT(r.out, HasSubstr("n...\n"));
  std::string xml = ReadFile(report);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_THAT(xml, HasSubstr("name=\"evil\\u001b[31m\\nPASS fake/case"));

  // Suite errors quote names escaped too (stderr).
  json dup = TrustSuite("dup", {CanCase(evil, "user1", {{"decision", "allowed"}}),
                                CanCase(evil, "user1", {{"decision", "allowed"}})});
  RunResult d = Run({"test", TempFile("dup.json", dup.dump(2))});
  EXPECT_EQ(d.exit_code, 2) << d;
  EXPECT_EQ(d.err.find('\x1b'), std::string::npos) << d;
  EXPECT_THAT(d.err, HasSubstr("duplicate case name `evil\\u001b[31m\\nPASS fake/case"));
}

// Audit: a directory as a suite said `read error` and doubled the path.
TEST_F(AuditTestCmdTest, DirectoryAsSuiteSaysSoOnce) {
  const std::string dir = tmp_.string();
  RunResult r = Run({"test", dir});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("redtrust: " + dir + ": is a directory\n"));
  EXPECT_EQ(Count(r.err, dir + ":"), 1u) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("read error")));

  // As the suite's trust policy, too.
  json suite = {{"name", "tp"}, {"trust_policy", dir}, {"cases", json::array()}};
  RunResult t = Run({"test", TempFile("tp.json", suite.dump())});
  EXPECT_EQ(t.exit_code, 2) << t;
  EXPECT_THAT(t.err, HasSubstr("trust policy: " + dir + ": is a directory"));
  EXPECT_THAT(t.err, Not(HasSubstr("read error")));
}

}  // namespace
