// End-to-end tests of the `redtrust` CLI: runs the built binary the way a user would and checks
// stdout, stderr and the exit status against the contract in issue 2 §3 and §6 (docs/cli.md).
//
// Every child runs with stdin, stdout and stderr redirected to files in a per-test temporary
// directory (no pipes, so no deadlock on large output), with the source tree as its working
// directory (so fixture paths print as `fixtures/redshift-guide/...`) and a time limit: a hang
// is a failure, not a stuck test. Big inputs (10 MB, 10,000 statements, 100,000 nesting levels)
// are generated here at run time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
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
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;

const char kBin[] = REDTRUST_BIN_DIR "/redtrust";
const char kSourceDir[] = REDTRUST_SOURCE_DIR;
const char kGuideDir[] = "fixtures/redshift-guide";

// ---------------------------------------------------------------------------------------------
// Running the binary

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    tmp_ =
        fs::path(::testing::TempDir()) / ("redtrust_e2e_" + std::to_string(getpid()) + "_" + name);
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
    ASSERT_TRUE(fs::exists(kBin)) << kBin << " is not built";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }

  fs::path Temp(const std::string& name) const { return tmp_ / name; }

  // Writes `text` to a file in the test's temp dir and returns its absolute path.
  std::string TempFile(const std::string& name, std::string_view text) {
    fs::path p = Temp(name);
    WriteFile(p, text);
    return p.string();
  }

  // Runs `redtrust args...` (or `program args...` when program is set) in the source dir.
  RunResult Run(const std::vector<std::string>& args, std::string_view stdin_text = "",
                std::vector<std::string> extra_env = {}, const std::string& program = kBin,
                double timeout_s = 20) {
    return RunBinary(program, args, kSourceDir, tmp_, stdin_text, extra_env, timeout_s);
  }

  // `redtrust can` for the guide's cluster and account.
  RunResult Can(const std::string& policy, const std::string& user, const std::string& region,
                std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"can",  "--trust-policy", policy,        "--user",
                                     user,   "--cluster",      "my-cluster",  "--region",
                                     region, "--account",      "123456789012"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  fs::path tmp_;
};

// No ALLOW in any form: not as the first line of `can`, not as a JSON decision (`can --json`
// may still print its object, with the errors).
void ExpectNeverAllow(const RunResult& r) {
  EXPECT_THAT(r.out, Not(StartsWith("ALLOW"))) << r;
  json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    EXPECT_NE(j.value("allowed", false), true) << r;
    EXPECT_NE(j.value("decision", ""), "allowed") << r;
  }
}

// `lint` on unreadable input: exit 2 and a message naming `where` (on stderr or stdout).
void ExpectLintUnreadable(const RunResult& r, const std::string& where) {
  EXPECT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.signal, 0) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.out + r.err, HasSubstr(where)) << r;
}

// The §6 bad-input contract for commands that read a file: exit 2, no crash, no hang, never an
// ALLOW on stdout, a message on stderr that starts with `redtrust:` and names `where`.
void ExpectBadInput(const RunResult& r, const std::string& where) {
  EXPECT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.signal, 0) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  ExpectNeverAllow(r);
  EXPECT_THAT(r.err, StartsWith("redtrust: ")) << r;
  EXPECT_THAT(r.err, HasSubstr(where)) << r;
}

// `where` plus `:LINE:COLUMN: error: ` — a diagnostic that points into the file.
void ExpectBadFile(const RunResult& r, const std::string& path) {
  ExpectBadInput(r, path);
  EXPECT_THAT(r.err, ContainsRegex(
                         std::regex_replace(path, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                         ":[0-9]+:[0-9]+: error: "))
      << r;
}

std::string GuidePath(const std::string& file) { return std::string(kGuideDir) + "/" + file; }

// ---------------------------------------------------------------------------------------------
// 1. The Redshift guide's matrix: 3 trust policies x 3 users x 3 regions (questions.tsv).

struct Question {
  std::string policy, user, region, cluster, account, expected;
};

std::vector<Question> LoadQuestions() {
  std::vector<Question> qs;
  std::ifstream in(std::string(kSourceDir) + "/" + kGuideDir + "/questions.tsv");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("policy\t", 0) == 0) continue;
    std::istringstream fields(line);
    Question q;
    std::getline(fields, q.policy, '\t');
    std::getline(fields, q.user, '\t');
    std::getline(fields, q.region, '\t');
    std::getline(fields, q.cluster, '\t');
    std::getline(fields, q.account, '\t');
    std::getline(fields, q.expected, '\t');
    qs.push_back(q);
  }
  return qs;
}

void PrintTo(const Question& q, std::ostream* os) {
  *os << q.policy << " " << q.user << " " << q.region << " -> " << q.expected;
}

class GuideMatrixTest : public CliTest, public ::testing::WithParamInterface<Question> {};

TEST(GuideQuestions, FileHasTheFullMatrix) {
  auto qs = LoadQuestions();
  ASSERT_EQ(qs.size(), 27u);
  int allow = 0;
  for (const auto& q : qs) allow += q.expected == "ALLOW";
  EXPECT_EQ(allow, 9 + 2 + 6);
}

TEST_P(GuideMatrixTest, DecisionExitCodeAndExplanation) {
  const Question& q = GetParam();
  const std::string policy = GuidePath(q.policy);
  RunResult r = Run({"can", "--trust-policy", policy, "--user", q.user, "--cluster", q.cluster,
                     "--region", q.region, "--account", q.account});
  ASSERT_FALSE(r.timed_out) << r;
  auto lines = Lines(r.out);
  ASSERT_FALSE(lines.empty()) << r;
  EXPECT_EQ(lines[0], q.expected) << r;
  EXPECT_EQ(r.exit_code, q.expected == "ALLOW" ? 0 : 1) << r;

  const std::string external_id =
      "arn:aws:redshift:" + q.region + ":" + q.account + ":dbuser:" + q.cluster + "/" + q.user;
  // The first word after the label is the value; a note may follow it.
  EXPECT_THAT(lines,
              Contains(AnyOf("  caller: redshift." + q.region + ".amazonaws.com",
                             StartsWith("  caller: redshift." + q.region + ".amazonaws.com "))))
      << r;
  EXPECT_THAT(lines, Contains("  external id: " + external_id)) << r;
  EXPECT_THAT(lines, Contains(StartsWith("  role: "))) << r;
  if (q.expected == "ALLOW") {
    EXPECT_THAT(lines, Contains(AnyOf("  decision: allowed", StartsWith("  decision: allowed:"))))
        << r;
    EXPECT_THAT(lines, Contains("  allowed by: " + policy + ":4:5 (statement 0)")) << r;
  } else {
    EXPECT_THAT(
        lines, Contains(AnyOf("  decision: implicitDeny", StartsWith("  decision: implicitDeny:"))))
        << r;
    EXPECT_THAT(r.out, Not(HasSubstr("allowed by:"))) << r;
    // Beyond the four header lines, at least one line says what failed.
    int explanation = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      if (l.rfind("  caller: ", 0) == 0 || l.rfind("  external id: ", 0) == 0 ||
          l.rfind("  role: ", 0) == 0 || l.rfind("  decision: ", 0) == 0)
        continue;
      EXPECT_THAT(l, StartsWith("  ")) << r;
      ++explanation;
    }
    EXPECT_GE(explanation, 1) << r;
    if (q.policy == "trust-externalid.json") {
      // The principal matches; the condition fails: name the key and the value compared.
      EXPECT_THAT(r.out, HasSubstr("sts:ExternalId")) << r;
      EXPECT_THAT(r.out, HasSubstr("StringEquals")) << r;
      EXPECT_THAT(r.out, HasSubstr(GuidePath(q.policy) + ":")) << r;
    }
    if (q.policy == "trust-regional.json") {
      // The Principal is what failed (M9): say so ("no statement matched the caller", or the
      // listed principals against the caller's names).
      EXPECT_THAT(r.out, HasSubstr("the caller")) << r;
      EXPECT_THAT(r.out, HasSubstr("redshift.us-east-1.amazonaws.com")) << r;
    }
  }
  EXPECT_EQ(r.err, "") << r;
}

std::string QuestionName(const ::testing::TestParamInfo<Question>& info) {
  std::string s = info.param.policy.substr(0, info.param.policy.find('.')) + "_" + info.param.user +
                  "_" + info.param.region;
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(RedshiftGuide, GuideMatrixTest, ::testing::ValuesIn(LoadQuestions()),
                         QuestionName);

// ---------------------------------------------------------------------------------------------
// 2. The demo (tools/demo) and its golden output.

TEST_F(CliTest, DemoMatchesGoldenOutput) {
  const std::string demo = std::string(kSourceDir) + "/tools/demo";
  RunResult r = Run({}, "", {std::string("REDTRUST=") + kBin}, demo, 30);
  EXPECT_EQ(r.exit_code, 0) << r;
  const std::string golden = ReadFile(std::string(kSourceDir) + "/" + kGuideDir + "/expected.txt");
  ASSERT_FALSE(golden.empty()) << "fixtures/redshift-guide/expected.txt is missing";
  EXPECT_EQ(r.out, golden) << "tools/demo output differs from expected.txt";
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, DemoFailsWhenADecisionDiffers) {
  // A stand-in binary that allows everything: the demo must notice the 10 expected DENYs.
  std::string fake = TempFile("fake-redtrust", "#!/bin/sh\necho ALLOW\necho '  allowed by: x'\n");
  fs::permissions(fake, fs::perms::owner_all);
  const std::string demo = std::string(kSourceDir) + "/tools/demo";
  RunResult r = Run({}, "", {"REDTRUST=" + fake}, demo, 30);
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("10 differ from the expected decisions")) << r;
}

// docs/cli.md and docs/diff.md: every ```console block is run as one bash script (standard error merged into
// standard output) and must print exactly the lines shown. Lines starting with "$ " are commands
// (continued while they end in a backslash); the others are the expected output.
TEST_F(CliTest, DocsExamplesMatchRealOutput) {
  int blocks = 0;
  for (const char* page : {"docs/cli.md", "docs/diff.md"}) {
  const std::string doc = ReadFile(std::string(kSourceDir) + "/" + page);
  ASSERT_FALSE(doc.empty()) << page << " is missing";
  auto lines = Lines(doc);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "```console") continue;
    ++blocks;
    const size_t first = i + 1;
    std::string script = "exec 2>&1\n", expected;
    bool continued = false;
    for (++i; i < lines.size() && lines[i] != "```"; ++i) {
      const std::string& l = lines[i];
      if (continued || l.rfind("$ ", 0) == 0) {
        std::string cmd = continued ? l : l.substr(2);
        script += std::regex_replace(cmd, std::regex("build/bin/redtrust"), kBin) + "\n";
        continued = !l.empty() && l.back() == '\\';
      } else {
        expected += l + "\n";
      }
    }
    RunResult r = Run({"-c", script}, "", {}, "/bin/bash");
    EXPECT_EQ(r.out, expected) << page << ":" << first << ": the console block's output "
                               << "differs from the real output";
  }
  }
  EXPECT_GE(blocks, 11);
}

// ---------------------------------------------------------------------------------------------
// 3. `redtrust can`: flags, --json, partitions, user names.

TEST_F(CliTest, CanJsonAllowed) {
  const std::string policy = GuidePath("trust-externalid.json");
  RunResult r = Can(policy, "user1", "us-west-2",
                    {"--json", "--role-arn", "arn:aws:iam::123456789012:role/MyRedshiftRole"});
  ASSERT_EQ(r.exit_code, 0) << r;
  json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(j.is_object()) << r;
  EXPECT_EQ(j["decision"], "allowed");
  EXPECT_EQ(j["allowed"], true);
  EXPECT_EQ(j["caller"], "redshift.us-west-2.amazonaws.com");
  EXPECT_EQ(j["external_id"], "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1");
  EXPECT_EQ(j["role_arn"], "arn:aws:iam::123456789012:role/MyRedshiftRole");
  ASSERT_TRUE(j["matched_statements"].is_array()) << j.dump(2);
  ASSERT_EQ(j["matched_statements"].size(), 1u) << j.dump(2);
  const json& m = j["matched_statements"][0];
  EXPECT_EQ(m["policy"], policy);
  EXPECT_EQ(m["index"], 0);
  EXPECT_TRUE(m.contains("sid")) << m.dump();
  EXPECT_EQ(m["line"], 4);
  EXPECT_EQ(m["column"], 5);
  ASSERT_TRUE(j["explanation"].is_array()) << j.dump(2);
  for (const auto& e : j["explanation"]) EXPECT_TRUE(e.is_string()) << j.dump(2);
  EXPECT_EQ(j["missing_context_keys"], json::array());
  EXPECT_EQ(j["errors"], json::array());
}

TEST_F(CliTest, CanJsonDenied) {
  RunResult r = Can(GuidePath("trust-externalid.json"), "user3", "us-west-2", {"--json"});
  ASSERT_EQ(r.exit_code, 1) << r;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r;
  EXPECT_EQ(j["decision"], "implicitDeny");
  EXPECT_EQ(j["allowed"], false);
  EXPECT_EQ(j["external_id"], "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user3");
  EXPECT_EQ(j["matched_statements"], json::array());
  ASSERT_TRUE(j["explanation"].is_array());
  ASSERT_FALSE(j["explanation"].empty());
  EXPECT_THAT(j["explanation"].dump(), HasSubstr("sts:ExternalId"));
  EXPECT_TRUE(j["missing_context_keys"].is_array());
  EXPECT_TRUE(j["errors"].is_array());
  EXPECT_TRUE(j.contains("role_arn"));
  EXPECT_EQ(j["caller"], "redshift.us-west-2.amazonaws.com");
}

TEST_F(CliTest, CanExplicitDeny) {
  std::string p = TempFile("deny.json", R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowRedshift",
      "Effect": "Allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": "sts:AssumeRole"
    },
    {
      "Sid": "DenyUser3",
      "Effect": "Deny",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringLike": {"sts:ExternalId": "*/user3"}}
    }
  ]
}
)");
  RunResult allow = Can(p, "user1", "eu-west-1");
  EXPECT_EQ(allow.exit_code, 0) << allow;
  EXPECT_THAT(allow.out, HasSubstr(p + ":4:5 (statement 0")) << allow;

  RunResult deny = Can(p, "user3", "eu-west-1");
  EXPECT_EQ(deny.exit_code, 1) << deny;
  EXPECT_THAT(deny.out, StartsWith("DENY\n")) << deny;
  EXPECT_THAT(deny.out, HasSubstr("  decision: explicitDeny")) << deny;
  EXPECT_THAT(deny.out, HasSubstr(p + ":10:5")) << deny;

  RunResult dj = Can(p, "user3", "eu-west-1", {"--json"});
  EXPECT_EQ(dj.exit_code, 1) << dj;
  json j = json::parse(dj.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << dj;
  EXPECT_EQ(j["decision"], "explicitDeny");
  EXPECT_EQ(j["allowed"], false);
  ASSERT_EQ(j["matched_statements"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["matched_statements"][0]["index"], 1);
  EXPECT_EQ(j["matched_statements"][0]["sid"], "DenyUser3");
  EXPECT_EQ(j["matched_statements"][0]["line"], 10);
  EXPECT_EQ(j["matched_statements"][0]["column"], 5);
}

TEST_F(CliTest, CanPartitionFromRegion) {
  std::string p = TempFile("plain.json", R"({"Version": "2012-10-17", "Statement": {
  "Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"}})");
  struct Case {
    const char* region;
    const char* partition;
  } cases[] = {{"cn-north-1", "aws-cn"},
               {"cn-northwest-1", "aws-cn"},
               {"us-gov-west-1", "aws-us-gov"},
               {"eu-central-1", "aws"}};
  for (const auto& c : cases) {
    RunResult r = Can(p, "user1", c.region);
    EXPECT_EQ(r.exit_code, 0) << c.region << "\n" << r;
    EXPECT_THAT(Lines(r.out),
                Contains(std::string("  external id: arn:") + c.partition +
                         ":redshift:" + c.region + ":123456789012:dbuser:my-cluster/user1"))
        << r;
    const std::string caller = std::string("  caller: redshift.") + c.region + ".amazonaws.com";
    EXPECT_THAT(Lines(r.out), Contains(AnyOf(caller, StartsWith(caller + " ")))) << r;
  }
}

TEST_F(CliTest, CanTakesTheStoredUserNameAsGiven) {
  // Redshift folds unquoted names to lowercase; `can` does not: "User1" is a different user, and
  // StringEquals is case-sensitive, so the guide's ExternalId policy denies it.
  RunResult r = Can(GuidePath("trust-externalid.json"), "User1", "us-west-2");
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("  external id: arn:aws:redshift:us-west-2:123456789012:dbuser:"
                               "my-cluster/User1"))
      << r;
  // Characters inside STS's pattern are fine: IdP-namespaced and IAM-mapped names (rule R2).
  RunResult ns = Can(GuidePath("trust-plain.json"), "myco_aad:bob", "us-west-2");
  EXPECT_EQ(ns.exit_code, 0) << ns;
  EXPECT_THAT(ns.out, HasSubstr("dbuser:my-cluster/myco_aad:bob")) << ns;
}

TEST_F(CliTest, CanRoleArn) {
  RunResult r = Can(GuidePath("trust-plain.json"), "user1", "us-west-2",
                    {"--role-arn", "arn:aws:iam::123456789012:role/MyRedshiftRole"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(Lines(r.out), Contains("  role: arn:aws:iam::123456789012:role/MyRedshiftRole")) << r;
}

TEST_F(CliTest, CanContextAndMissingContextKeys) {
  std::string p = TempFile("source.json", R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    }
  ]
}
)");
  RunResult without = Can(p, "user1", "us-west-2", {"--json"});
  EXPECT_EQ(without.exit_code, 1) << without;
  json j = json::parse(without.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << without;
  EXPECT_EQ(j["decision"], "implicitDeny");
  EXPECT_THAT(j["missing_context_keys"].dump(), HasSubstr("aws:SourceAccount")) << j.dump(2);

  RunResult with = Can(p, "user1", "us-west-2", {"--context", "aws:SourceAccount=123456789012"});
  EXPECT_EQ(with.exit_code, 0) << with;
  EXPECT_THAT(with.out, StartsWith("ALLOW\n")) << with;

  RunResult wrong = Can(p, "user1", "us-west-2", {"--context", "aws:SourceAccount=999999999999"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong;

  // Several --context flags; a value may itself contain '='.
  RunResult two = Can(p, "user1", "us-west-2",
                      {"--context", "aws:SourceAccount=123456789012", "--context", "my:Key=a=b"});
  EXPECT_EQ(two.exit_code, 0) << two;

  RunResult bad = Can(p, "user1", "us-west-2", {"--context", "no-equals-sign"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr("no-equals-sign")) << bad;
}

TEST_F(CliTest, CanNow) {
  std::string p = TempFile("time.json", R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}
    }
  ]
}
)");
  EXPECT_EQ(Can(p, "user1", "us-west-2", {"--now", "2029-12-31T23:59:59Z"}).exit_code, 0);
  EXPECT_EQ(Can(p, "user1", "us-west-2", {"--now", "2030-01-01T00:00:01Z"}).exit_code, 1);
  RunResult bad = Can(p, "user1", "us-west-2", {"--now", "yesterday"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr("yesterday")) << bad;
}

TEST_F(CliTest, CanTrustPolicyFromStdin) {
  const std::string text = ReadFile(std::string(kSourceDir) + "/" + GuidePath("trust-plain.json"));
  RunResult r = Run({"can", "--trust-policy", "-", "--user", "user1", "--cluster", "my-cluster",
                     "--region", "us-west-2", "--account", "123456789012"},
                    text);
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("  allowed by: -:4:5 (statement 0)")) << r;
}

TEST_F(CliTest, CanMaxPolicyChars) {
  // trust-plain.json has 132 characters without white space: under the default 2,048.
  RunResult small =
      Can(GuidePath("trust-plain.json"), "user1", "us-west-2", {"--max-policy-chars", "100"});
  ExpectBadFile(small, GuidePath("trust-plain.json"));
  EXPECT_THAT(small.err, HasSubstr("ACLSizePerRole")) << small;
  EXPECT_EQ(Can(GuidePath("trust-plain.json"), "user1", "us-west-2", {"--max-policy-chars", "132"})
                .exit_code,
            0);
}

TEST_F(CliTest, CanJsonBadInput) {
  std::string p =
      TempFile("trust.json", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n");
  RunResult r = Can(p, "user1", "us-west-2", {"--json"});
  ExpectBadFile(r, p);
  json j = json::parse(r.out, nullptr, false);
  if (!r.out.empty()) {
    ASSERT_TRUE(j.is_object()) << r;
    EXPECT_EQ(j["allowed"], false);
    ASSERT_TRUE(j["errors"].is_array());
    EXPECT_FALSE(j["errors"].empty()) << j.dump(2);
  }
}

TEST_F(CliTest, CanMissingRequiredFlag) {
  RunResult r = Run({"can", "--trust-policy", GuidePath("trust-plain.json"), "--cluster",
                     "my-cluster", "--region", "us-west-2", "--account", "123456789012"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("--user")) << r;
  EXPECT_THAT(r.out, Not(StartsWith("ALLOW"))) << r;
}

// ---------------------------------------------------------------------------------------------
// 4. `redtrust eval`: JSON Lines in, one line out per line, in order.

std::string EvalLine(
    const std::string& id, const std::string& service, const std::string& external_id,
    const std::string& policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1"}}}]})") {
  return R"({"id":")" + id + R"(","principal":{"Service":")" + service +
         R"("},"action":"sts:AssumeRole","resource":"arn:aws:iam::123456789012:role/R","resource_policy":)" +
         policy + R"(,"context":{"sts:ExternalId":")" + external_id + R"("}})";
}

const char kUser1[] = "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1";
const char kUser3[] = "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user3";
const char kW2[] = "redshift.us-west-2.amazonaws.com";

std::vector<json> ParseJsonLines(const RunResult& r) {
  std::vector<json> out;
  for (const auto& l : Lines(r.out)) {
    json j = json::parse(l, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << l;
    out.push_back(j);
  }
  return out;
}

TEST_F(CliTest, EvalAllGoodExitsZero) {
  std::string input = EvalLine("a", kW2, kUser1) + "\n" + EvalLine("b", kW2, kUser3) + "\n" +
                      EvalLine("c", "redshift.amazonaws.com", kUser1) + "\n";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"eval", "-"}, std::vector<std::string>{"eval"}}) {
    RunResult r = Run(args, input);
    EXPECT_EQ(r.exit_code, 0) << r;
    auto out = ParseJsonLines(r);
    ASSERT_EQ(out.size(), 3u) << r;
    EXPECT_EQ(out[0]["id"], "a");
    EXPECT_EQ(out[0]["decision"], "allowed");
    ASSERT_EQ(out[0]["matched_statements"].size(), 1u) << out[0].dump();
    EXPECT_EQ(out[0]["matched_statements"][0]["policy"], "resource_policy");
    EXPECT_EQ(out[0]["matched_statements"][0]["index"], 0);
    EXPECT_EQ(out[0]["matched_statements"][0]["line"], 1);
    EXPECT_EQ(out[1]["id"], "b");
    EXPECT_EQ(out[1]["decision"], "implicitDeny");
    EXPECT_EQ(out[2]["id"], "c");
    EXPECT_EQ(out[2]["decision"], "allowed");
    for (const auto& o : out) {
      EXPECT_TRUE(o["matched_statements"].is_array()) << o.dump();
      EXPECT_TRUE(o["missing_context_keys"].is_array()) << o.dump();
      EXPECT_TRUE(o["errors"].is_array()) << o.dump();
      EXPECT_EQ(o["errors"].size(), 0u) << o.dump();
    }
  }
}

TEST_F(CliTest, EvalFromFile) {
  std::string f = TempFile("in.jsonl", EvalLine("x", kW2, kUser1) + "\n");
  RunResult r = Run({"eval", f});
  EXPECT_EQ(r.exit_code, 0) << r;
  auto out = ParseJsonLines(r);
  ASSERT_EQ(out.size(), 1u) << r;
  EXPECT_EQ(out[0]["id"], "x");
  EXPECT_EQ(out[0]["decision"], "allowed");
}

TEST_F(CliTest, EvalBadLineInTheMiddleKeepsGoing) {
  std::string input;
  for (int i = 0; i < 3; ++i) input += EvalLine("ok" + std::to_string(i), kW2, kUser1) + "\n";
  input += "{\"id\": \"broken\", \"principal\": \n";  // line 4: truncated JSON
  for (int i = 3; i < 6; ++i) input += EvalLine("ok" + std::to_string(i), kW2, kUser3) + "\n";
  RunResult r = Run({"eval", "-"}, input);
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.signal, 0) << r;
  auto out = ParseJsonLines(r);
  ASSERT_EQ(out.size(), 7u) << r;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i]["id"], "ok" + std::to_string(i));
    EXPECT_EQ(out[i]["decision"], "allowed");
  }
  EXPECT_EQ(out[3]["decision"], "error") << out[3].dump();
  ASSERT_TRUE(out[3]["errors"].is_array());
  ASSERT_FALSE(out[3]["errors"].empty()) << out[3].dump();
  const json& e = out[3]["errors"][0];
  for (const char* k : {"code", "message", "path", "line", "column"}) {
    EXPECT_TRUE(e.contains(k)) << k << " missing in " << e.dump();
  }
  EXPECT_EQ(e["line"], 4) << e.dump();
  for (int i = 4; i < 7; ++i) {
    EXPECT_EQ(out[i]["id"], "ok" + std::to_string(i - 1));
    EXPECT_EQ(out[i]["decision"], "implicitDeny");
  }
}

TEST_F(CliTest, EvalMatchedStatementLineIsTheInputLine) {
  std::string input =
      EvalLine("first", kW2, kUser3) + "\n" + EvalLine("second", kW2, kUser1) + "\n";
  RunResult r = Run({"eval", "-"}, input);
  auto out = ParseJsonLines(r);
  ASSERT_EQ(out.size(), 2u) << r;
  ASSERT_EQ(out[1]["matched_statements"].size(), 1u) << out[1].dump();
  EXPECT_EQ(out[1]["matched_statements"][0]["line"], 2);
  // The statement object's column inside the input line.
  const std::string second = Lines(input)[1];
  EXPECT_EQ(out[1]["matched_statements"][0]["column"], second.find(R"({"Effect")") + 1);
}

TEST_F(CliTest, EvalIdentityPoliciesAndClock) {
  const std::string head =
      R"({"principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/A/s1"},"action":"sts:AssumeRole",)"
      R"("resource":"arn:aws:iam::123456789012:role/B","resource_policy":{"Version":"2012-10-17",)"
      R"("Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},)"
      R"("Action":"sts:AssumeRole"}]})";
  const std::string identity =
      R"(,"identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/B"}]}])";
  const std::string dated =
      R"({"principal":{"Service":"redshift.amazonaws.com"},"action":"sts:AssumeRole",)"
      R"("resource":"arn:aws:iam::123456789012:role/B","resource_policy":{"Version":"2012-10-17",)"
      R"("Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},)"
      R"("Action":"sts:AssumeRole","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]})";
  // Same account, trust at account level: the caller's identity policy decides (rule E5).
  std::string input = head +
                      R"(,"id":"no-identity"})"
                      "\n" +
                      head + identity +
                      R"(,"id":"identity"})"
                      "\n" +
                      dated +
                      R"(,"id":"line-now","now":"2031-01-01T00:00:00Z"})"
                      "\n" +
                      dated +
                      R"(,"id":"session-now"})"
                      "\n";
  RunResult r = Run({"eval", "--now", "2029-06-01T00:00:00Z", "-"}, input);
  EXPECT_EQ(r.exit_code, 0) << r;
  auto out = ParseJsonLines(r);
  ASSERT_EQ(out.size(), 4u) << r;
  EXPECT_EQ(out[0]["decision"], "implicitDeny") << out[0].dump();
  EXPECT_EQ(out[1]["decision"], "allowed") << out[1].dump();
  EXPECT_THAT(out[1]["matched_statements"].dump(), HasSubstr("identity_policies/0"));
  EXPECT_EQ(out[2]["decision"], "implicitDeny") << out[2].dump();  // the line's own "now"
  EXPECT_EQ(out[3]["decision"], "allowed") << out[3].dump();       // --now
}

TEST_F(CliTest, EvalMissingFile) {
  RunResult r = Run({"eval", Temp("nope.jsonl").string()});
  ExpectBadInput(r, "nope.jsonl");
}

// ---------------------------------------------------------------------------------------------
// 5. `redtrust lint`

TEST_F(CliTest, LintCleanFilesExitZero) {
  // The guide's three policies are valid; only trust-externalid.json has the ExternalId guard,
  // so the other two get a security finding unless --no-security.
  RunResult r = Run({"lint", "--no-security", GuidePath("trust-plain.json"),
                     GuidePath("trust-externalid.json"), GuidePath("trust-regional.json")});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, "") << r;
  RunResult k = Run({"lint", "--kind", "trust", GuidePath("trust-externalid.json")});
  EXPECT_EQ(k.exit_code, 0) << k;
  EXPECT_EQ(k.out, "") << k;
}

TEST_F(CliTest, LintSecurityFindings) {
  RunResult r = Run({"lint", GuidePath("trust-plain.json"), GuidePath("trust-externalid.json"),
                     GuidePath("trust-regional.json")});
  EXPECT_EQ(r.exit_code, 1) << r;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r;
  EXPECT_THAT(lines[0], StartsWith(GuidePath("trust-plain.json") +
                                   ":7:20: warning: security.redshift_no_confused_deputy_guard: "
                                   "`redshift.amazonaws.com` may assume the role with no "
                                   "`sts:ExternalId` condition"))
      << r;
  EXPECT_THAT(lines[0], HasSubstr("(restrict `sts:ExternalId`")) << r;
  EXPECT_THAT(lines[1], StartsWith(GuidePath("trust-regional.json") +
                                   ":8:11: warning: security.redshift_no_confused_deputy_guard: "))
      << r;
  // Validation findings and security findings together, sorted by position.
  std::string p = TempFile("risky.json", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Any", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
    {
      "Effect": "Allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringLike": {"sts:ExternalId": "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/Alice"},
        "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}
      }
    }
  ]
}
)");
  RunResult s = Run({"lint", p});
  EXPECT_EQ(s.exit_code, 1) << s;
  auto got = Lines(s.out);
  ASSERT_EQ(got.size(), 4u) << s;
  EXPECT_THAT(got[0], StartsWith(p + ":4:60: warning: security.any_principal_without_condition: "))
      << s;
  // Same position: sorted by code.
  EXPECT_THAT(got[1], StartsWith(p + ":10:42: warning: security.external_id_uppercase_user: "))
      << s;
  EXPECT_THAT(got[2], StartsWith(p + ":10:42: info: security.like_without_wildcard: ")) << s;
  EXPECT_THAT(got[3], StartsWith(p + ":11:23: warning: security.key_redshift_never_sends: ")) << s;
  RunResult quiet = Run({"lint", "--no-security", p});
  EXPECT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_EQ(quiet.out, "") << quiet;
  // Not for identity/resource policies, and not for a policy with errors.
  EXPECT_EQ(Run({"lint", "--kind", "resource", GuidePath("trust-plain.json")}).exit_code, 1);
  std::string bad = TempFile("bad-effect.json", R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
)");
  RunResult b = Run({"lint", bad});
  EXPECT_EQ(b.exit_code, 1) << b;
  EXPECT_THAT(b.out, Not(HasSubstr("security."))) << b;
}

TEST_F(CliTest, LintFindingsFormat) {
  std::string bad = TempFile("bad.json", R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "not-alnum",
      "Effect": "allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Resource": "*",
      "Condition": {"StringEqualz": {"sts:ExternalId": "x"}}
    }
  ]
}
)");
  RunResult r = Run({"lint", GuidePath("trust-externalid.json"), bad});
  EXPECT_EQ(r.exit_code, 1) << r;
  auto lines = Lines(r.out);
  ASSERT_GE(lines.size(), 4u) << r;  // Sid, Effect, Resource, operator
  const std::regex finding(
      "^(.+):([0-9]+):([0-9]+): (error|warning|info): ([A-Za-z0-9_.]+): (.+)$");
  for (const auto& l : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, finding)) << "not FILE:LINE:COLUMN: severity: code: "
                                                    "message: "
                                                 << l;
    EXPECT_EQ(m[1], bad) << l;  // the clean file has no findings
  }
  EXPECT_THAT(r.out, HasSubstr(bad + ":5:")) << r;   // Sid
  EXPECT_THAT(r.out, HasSubstr(bad + ":6:")) << r;   // Effect
  EXPECT_THAT(r.out, HasSubstr(bad + ":9:")) << r;   // Resource in a trust policy
  EXPECT_THAT(r.out, HasSubstr(bad + ":10:")) << r;  // unknown operator
  EXPECT_THAT(r.out, HasSubstr("StringEqualz")) << r;
}

TEST_F(CliTest, LintKinds) {
  // A trust policy linted as an identity policy: Principal is prohibited, Resource is required.
  RunResult id = Run({"lint", "--kind", "identity", GuidePath("trust-plain.json")});
  EXPECT_EQ(id.exit_code, 1) << id;
  EXPECT_THAT(id.out, ContainsRegex("trust-plain.json:[0-9]+:[0-9]+: error: ")) << id;
  std::string ident = TempFile("identity.json", R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::123456789012:role/R"}]}
)");
  EXPECT_EQ(Run({"lint", "--kind", "identity", ident}).exit_code, 0);
  EXPECT_EQ(Run({"lint", ident, "--kind", "identity"}).exit_code, 0);
  EXPECT_EQ(Run({"lint", ident}).exit_code, 1);  // default kind trust: no Principal
  std::string bucket = TempFile("bucket.json", R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}]}
)");
  EXPECT_EQ(Run({"lint", "--kind", "resource", bucket}).exit_code, 0);
  RunResult badkind = Run({"lint", "--kind", "bucket", bucket});
  EXPECT_EQ(badkind.exit_code, 2) << badkind;
}

TEST_F(CliTest, LintUnreadableInputExitsTwo) {
  ExpectLintUnreadable(Run({"lint", Temp("missing.json").string()}), "missing.json");
  std::string malformed = TempFile("malformed.json", "{\"Version\": \"2012-10-17\",,}\n");
  ExpectLintUnreadable(Run({"lint", malformed}), malformed + ":1:");
  std::string utf8 = TempFile("utf8.json", "{\"Version\": \"2012-10-17\", \"Id\": \"\xff\"}\n");
  ExpectLintUnreadable(Run({"lint", utf8}), utf8 + ":1:");
  // Unreadable beats findings: a clean file, a file with findings and a broken one.
  std::string finding =
      TempFile("f.json", R"({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}})");
  RunResult mixed = Run({"lint", GuidePath("trust-plain.json"), finding, malformed});
  EXPECT_EQ(mixed.exit_code, 2) << mixed;
}

TEST_F(CliTest, LintStdin) {
  const std::string text =
      ReadFile(std::string(kSourceDir) + "/" + GuidePath("trust-externalid.json"));
  EXPECT_EQ(Run({"lint", "-"}, text).exit_code, 0);
  const std::string plain =
      ReadFile(std::string(kSourceDir) + "/" + GuidePath("trust-plain.json"));
  RunResult s = Run({"lint", "-"}, plain);
  EXPECT_EQ(s.exit_code, 1) << s;
  EXPECT_THAT(s.out, StartsWith("-:7:20: warning: security.redshift_no_confused_deputy_guard: "))
      << s;
  EXPECT_EQ(Run({"lint", "--no-security", "-"}, plain).exit_code, 0);
  RunResult r =
      Run({"lint", "-"}, R"({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}})");
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, StartsWith("-:1:")) << r;
}

TEST_F(CliTest, LintNoFiles) {
  RunResult r = Run({"lint"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err, "") << r;
}

// ---------------------------------------------------------------------------------------------
// 6. Help, version, usage errors.

TEST_F(CliTest, HelpAndVersion) {
  RunResult h = Run({"--help"});
  EXPECT_EQ(h.exit_code, 0) << h;
  for (const char* cmd : {"can", "eval", "lint"}) EXPECT_THAT(h.out, HasSubstr(cmd)) << h;

  RunResult ch = Run({"can", "--help"});
  EXPECT_EQ(ch.exit_code, 0) << ch;
  for (const char* flag : {"--trust-policy", "--user", "--cluster", "--region", "--account",
                           "--role-arn", "--context", "--now", "--json"})
    EXPECT_THAT(ch.out, HasSubstr(flag)) << ch;

  RunResult eh = Run({"eval", "--help"});
  EXPECT_EQ(eh.exit_code, 0) << eh;
  RunResult lh = Run({"lint", "--help"});
  EXPECT_EQ(lh.exit_code, 0) << lh;
  EXPECT_THAT(lh.out, HasSubstr("--kind")) << lh;
  EXPECT_THAT(lh.out, HasSubstr("--no-security")) << lh;

  RunResult v = Run({"--version"});
  EXPECT_EQ(v.exit_code, 0) << v;
  EXPECT_THAT(v.out, ContainsRegex("[0-9]+\\.[0-9]+\\.[0-9]+")) << v;
}

TEST_F(CliTest, UsageErrors) {
  RunResult none = Run({});
  EXPECT_EQ(none.exit_code, 2) << none;
  RunResult unknown = Run({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  RunResult flag = Run({"can", "--bogus-flag"});
  EXPECT_EQ(flag.exit_code, 2) << flag;
}

// ---------------------------------------------------------------------------------------------
// 7. Bad input (issue §6): exit 2 naming where, no crash, no hang, never ALLOW.

class BadInputTest : public CliTest {};

TEST_F(BadInputTest, MalformedJson) {
  std::string p =
      TempFile("trust.json", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n");
  RunResult r = Can(p, "user1", "us-west-2");
  ExpectBadFile(r, p);
  EXPECT_THAT(r.err, HasSubstr(p + ":3:")) << r;
}

TEST_F(BadInputTest, TruncatedFile) {
  std::string full = ReadFile(std::string(kSourceDir) + "/" + GuidePath("trust-plain.json"));
  for (size_t cut : {size_t{1}, full.size() / 2, full.size() - 3}) {
    std::string p = TempFile("truncated" + std::to_string(cut) + ".json", full.substr(0, cut));
    ExpectBadFile(Can(p, "user1", "us-west-2"), p);
  }
}

TEST_F(BadInputTest, InvalidUtf8) {
  std::string full = ReadFile(std::string(kSourceDir) + "/" + GuidePath("trust-plain.json"));
  std::string bad = full;
  bad.replace(bad.find("redshift.amazonaws.com"), 8, "redsh\xc3\x28t");  // invalid 2-byte seq
  std::string p = TempFile("utf8.json", bad);
  RunResult r = Can(p, "user1", "us-west-2");
  ExpectBadFile(r, p);
  EXPECT_THAT(r.err, HasSubstr(p + ":7:")) << r;
  // A stray byte outside strings, and an overlong encoding of '/'.
  std::string p2 = TempFile("utf8b.json", "\xff" + full);
  ExpectBadFile(Can(p2, "user1", "us-west-2"), p2);
  std::string p3 = TempFile("utf8c.json", R"({"Version": "2012-10-17", "Id": ")" +
                                              std::string("\xc0\xaf") + R"(", "Statement": []})");
  ExpectBadFile(Can(p3, "user1", "us-west-2"), p3);
}

TEST_F(BadInputTest, TenMegabytePolicy) {
  // A syntactically valid policy of 10 MB: far beyond the size quota.
  std::string s =
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", )"
      R"("Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole", )"
      R"("Condition": {"StringEquals": {"sts:ExternalId": [)";
  const std::string v = "\"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1\",\n";
  while (s.size() < 10u * 1000 * 1000) s += v;
  s += "\"x\"]}}}]}\n";
  std::string p = TempFile("big.json", s);
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = Can(p, "user1", "us-west-2");
  ExpectBadFile(r, p);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  // lint: over the policy's value limit (docs/limits.md), unreadable like a file over the size
  // limit, with the position of the first value too many.
  RunResult l = Run({"lint", p});
  EXPECT_EQ(l.exit_code, 2) << l;
  EXPECT_THAT(l.out, ContainsRegex(":[0-9]+:[0-9]+: error: json.too_many_values: ")) << l;
}

TEST_F(BadInputTest, FileOverTheReadLimit) {
  // Files are read up to 16 MiB; a larger one is refused without being read whole.
  std::string p = TempFile("huge.json", "{\"Id\": \"" + std::string(17u << 20, 'a') + "\"}");
  ExpectBadInput(Can(p, "user1", "us-west-2"), p);
  ExpectLintUnreadable(Run({"lint", p}), p);
}

TEST_F(BadInputTest, TenThousandStatements) {
  std::string s = "{\"Version\": \"2012-10-17\", \"Statement\": [\n";
  for (int i = 0; i < 10000; ++i) {
    if (i) s += ",\n";
    s +=
        R"({"Sid": "S)" + std::to_string(i) +
        R"(", "Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"})";
  }
  s += "\n]}\n";
  std::string p = TempFile("many.json", s);
  ExpectBadFile(Can(p, "user1", "us-west-2"), p);
}

TEST_F(BadInputTest, DeeplyNestedJson) {
  const int kDepth = 100000;
  std::string arrays = std::string(kDepth, '[') + std::string(kDepth, ']');
  std::string p = TempFile("deep.json", arrays);
  ExpectBadFile(Can(p, "user1", "us-west-2"), p);
  std::string objects;
  for (int i = 0; i < kDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kDepth, '}');
  std::string p2 = TempFile("deep2.json", objects);
  ExpectBadFile(Can(p2, "user1", "us-west-2"), p2);
  // Nested inside a real policy's Condition.
  std::string p3 =
      TempFile("deep3.json",
               R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", )"
               R"("Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole", )"
               R"("Condition": {"StringEquals": {"sts:ExternalId": )" +
                   std::string(kDepth, '[') + std::string(kDepth, ']') + "}}}]}");
  ExpectBadFile(Can(p3, "user1", "us-west-2"), p3);
  ExpectLintUnreadable(Run({"lint", p}), p + ":1:");
}

TEST_F(BadInputTest, UnknownOperatorsAndKeys) {
  const std::string head = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": "sts:AssumeRole",
)";
  struct Case {
    const char* name;
    std::string text;
    int line;
  } cases[] = {
      {"operator",
       head + R"(      "Condition": {"StringEqualz": {"sts:ExternalId": "x"}})"
              "\n    }\n  ]\n}\n",
       8},
      {"lowercase-operator",
       head + R"(      "Condition": {"stringequals": {"sts:ExternalId": "x"}})"
              "\n    }\n  ]\n}\n",
       8},
      {"prefix",
       head + R"(      "Condition": {"ForSomeValues:StringEquals": {"sts:ExternalId": "x"}})"
              "\n    }\n  ]\n}\n",
       8},
      {"statement-key",
       head + R"(      "Effects": "Deny")"
              "\n    }\n  ]\n}\n",
       8},
      {"top-level-key",
       std::string(R"({"Version": "2012-10-17", "Conditions": {},)") +
           "\n"
           R"( "Statement": {"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"}})",
       1},
      {"principal-key",
       R"({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Services": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"}})",
       1},
      {"duplicate-key",
       head + R"(      "Effect": "Deny")"
              "\n    }\n  ]\n}\n",
       8},
      {"version",
       R"({"Version": "2020-01-01", "Statement": {"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"}})",
       1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string p = TempFile(std::string(c.name) + ".json", c.text);
    RunResult r = Can(p, "user1", "us-west-2");
    ExpectBadFile(r, p);
    EXPECT_THAT(r.err, HasSubstr(p + ":" + std::to_string(c.line) + ":")) << r;
    // lint reports it as a finding (exit 1); a duplicate key may count as malformed JSON (exit 2).
    RunResult l = Run({"lint", p});
    if (std::string(c.name) == "duplicate-key") {
      EXPECT_THAT(l.exit_code, AnyOf(1, 2)) << l;
    } else {
      EXPECT_EQ(l.exit_code, 1) << l;
    }
    EXPECT_THAT(l.out + l.err, HasSubstr(p + ":" + std::to_string(c.line) + ":")) << l;
  }
}

TEST_F(BadInputTest, InvalidArnsInPolicy) {
  for (const char* principal :
       {R"({"AWS": "arn:aws:iam:123456789012:role/x"})", R"({"AWS": "arn:aws:iam::12345:root"})",
        R"({"AWS": "not-an-arn"})", R"({"Service": ["redshift.amazonaws.com", 42]})"}) {
    SCOPED_TRACE(principal);
    std::string p = TempFile("arn.json", std::string(R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"},
  {"Effect": "Allow", "Principal": )") + principal +
                                             R"(, "Action": "sts:AssumeRole"}]}
)");
    RunResult r = Can(p, "user1", "us-west-2");
    ExpectBadFile(r, p);
    EXPECT_THAT(r.err, HasSubstr(p + ":3:")) << r;
  }
}

TEST_F(BadInputTest, InvalidRoleArnFlag) {
  for (const char* arn : {"not-an-arn", ""}) {
    SCOPED_TRACE(arn);
    RunResult r = Can(GuidePath("trust-plain.json"), "user1", "us-west-2", {"--role-arn", arn});
    ExpectBadInput(r, "redtrust: ");
    EXPECT_THAT(r.err, AnyOf(HasSubstr("roleArn"), HasSubstr("role-arn"), HasSubstr("role ARN")))
        << r;
  }
}

// Partitions never cross (rules M11, R6): Redshift in an `aws` region cannot assume a role
// of `aws-cn` or `aws-us-gov`. Bad input (2) or a deny (1), never ALLOW.
TEST_F(BadInputTest, RoleArnInAnotherPartition) {
  struct Case {
    const char* region;
    const char* role;
  } cases[] = {{"us-west-2", "arn:aws-cn:iam::123456789012:role/R"},
               {"us-west-2", "arn:aws-us-gov:iam::123456789012:role/R"},
               {"cn-north-1", "arn:aws:iam::123456789012:role/R"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.region) + " " + c.role);
    RunResult r = Can(GuidePath("trust-plain.json"), "user1", c.region, {"--role-arn", c.role});
    EXPECT_THAT(r.exit_code, AnyOf(1, 2)) << r;
    ExpectNeverAllow(r);
  }
}

TEST_F(BadInputTest, InvalidRegions) {
  for (const char* region : {"mars-1", "", "us-west-2 ", "US-WEST-2", "us_west_2", "../etc"}) {
    SCOPED_TRACE(region);
    RunResult r = Can(GuidePath("trust-plain.json"), "user1", region);
    ExpectBadInput(r, "region");
    if (*region) {
      EXPECT_THAT(r.err, HasSubstr(region)) << r;
    }
  }
}

TEST_F(BadInputTest, InvalidAccounts) {
  for (const char* account : {"12345", "1234567890123", "12345678901a", "", "-23456789012"}) {
    SCOPED_TRACE(account);
    RunResult r = Run({"can", "--trust-policy", GuidePath("trust-plain.json"), "--user", "user1",
                       "--cluster", "my-cluster", "--region", "us-west-2", "--account", account});
    ExpectBadInput(r, "account");
  }
}

TEST_F(BadInputTest, InvalidClusters) {
  // Rule R3: 1-63 lowercase letters, digits or hyphens, a letter first, no "--", no
  // trailing hyphen.
  for (const char* cluster :
       {"My-Cluster", "-abc", "a--b", "abc-", "1abc", "my_cluster", "", "a/b"}) {
    SCOPED_TRACE(cluster);
    // `--cluster=-abc`, so that the value is not taken for a flag.
    std::vector<std::string> flag = {"--cluster", cluster};
    if (cluster[0] == '-') flag = {"--cluster=" + std::string(cluster)};
    std::vector<std::string> args = {"can",       "--trust-policy", GuidePath("trust-plain.json"),
                                     "--user",    "user1",          "--region",
                                     "us-west-2", "--account",      "123456789012"};
    args.insert(args.end(), flag.begin(), flag.end());
    ExpectBadInput(Run(args), "cluster");
  }
  RunResult r63 =
      Run({"can", "--trust-policy", GuidePath("trust-plain.json"), "--user", "user1", "--cluster",
           "a" + std::string(62, 'b'), "--region", "us-west-2", "--account", "123456789012"});
  EXPECT_EQ(r63.exit_code, 0) << r63;
  RunResult r64 =
      Run({"can", "--trust-policy", GuidePath("trust-plain.json"), "--user", "user1", "--cluster",
           "a" + std::string(63, 'b'), "--region", "us-west-2", "--account", "123456789012"});
  ExpectBadInput(r64, "cluster");
}

TEST_F(BadInputTest, EmptyUser) {
  RunResult r = Can(GuidePath("trust-plain.json"), "", "us-west-2");
  ExpectBadInput(r, "--user");
}

TEST_F(BadInputTest, ExternalIdOutsideStsPattern) {
  // Legal Redshift user names (quoted identifiers, `$`, non-ASCII) whose dbuser ARN breaks
  // `[\w+=,.@:/-]*`: STS rejects the request before any policy is read (rules S3, S5).
  for (const char* user : {"bob smith", "bob$", "jos\xc3\xa9", "tab\there", "a\"b", "50%"}) {
    SCOPED_TRACE(user);
    RunResult r = Can(GuidePath("trust-plain.json"), user, "us-west-2");
    ExpectBadInput(r, "externalId");
    EXPECT_THAT(r.err, AnyOf(HasSubstr("ValidationError"), HasSubstr("validation error"))) << r;
  }
}

TEST_F(BadInputTest, EmptyFiles) {
  for (const char* text : {"", "   \n\t\n"}) {
    std::string p = TempFile("empty.json", text);
    RunResult r = Can(p, "user1", "us-west-2");
    ExpectBadInput(r, p);
    EXPECT_THAT(r.err, ContainsRegex(":[0-9]+:[0-9]+: error: ")) << r;
    ExpectLintUnreadable(Run({"lint", p}), p);
  }
  // Valid JSON, but not a policy.
  for (const char* text : {"{}", "[]", "null", "\"policy\"", R"({"Statement": []})"}) {
    SCOPED_TRACE(text);
    std::string p = TempFile("notpolicy.json", text);
    ExpectBadFile(Can(p, "user1", "us-west-2"), p);
  }
}

TEST_F(BadInputTest, UnreadableFiles) {
  std::string missing = Temp("does-not-exist.json").string();
  ExpectBadInput(Can(missing, "user1", "us-west-2"), missing);
  std::string dir = Temp("a-directory").string();
  fs::create_directories(dir);
  ExpectBadInput(Can(dir, "user1", "us-west-2"), dir);
}

// The same bad inputs in `eval`: an "error" line (never "allowed"), the run goes on, exit 2.
TEST_F(BadInputTest, EvalBadLines) {
  const std::string good = EvalLine("good", kW2, kUser1);
  std::string big_policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":[)";
  while (big_policy.size() < 10u * 1000 * 1000) big_policy += "\"" + std::string(kUser1) + "\",";
  big_policy += R"("x"]}}}]})";
  std::string many = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 10000; ++i) {
    if (i) many += ",";
    many +=
        R"({"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"})";
  }
  many += "]}";
  const std::string plain =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  std::string unknown_op = plain;
  unknown_op.insert(unknown_op.size() - 3,
                    R"(,"Condition":{"StringEqualz":{"sts:ExternalId":"x"}})");
  std::string bad_principal = plain;
  bad_principal.replace(bad_principal.find("redshift.amazonaws.com"), 22, "\xff\xfe");

  struct Case {
    const char* name;
    std::string line;
  } cases[] = {
      {"malformed", R"({"id": "m", "principal": {"Service": ]})"},
      {"truncated", good.substr(0, good.size() / 2)},
      {"invalid-utf8", EvalLine("u", "redshift.us-west-2.amazonaws.com\xff", kUser1)},
      {"invalid-utf8-in-policy", EvalLine("u2", kW2, kUser1, bad_principal)},
      {"10MB", EvalLine("big", kW2, kUser1, big_policy)},
      {"10000-statements", EvalLine("many", kW2, kUser1, many)},
      {"deep",
       R"({"id": "deep", "context": )" + std::string(100000, '[') + std::string(100000, ']') + "}"},
      {"unknown-operator", EvalLine("op", kW2, kUser1, unknown_op)},
      {"invalid-resource-arn",
       R"({"id": "arn", "principal": {"Service": "redshift.amazonaws.com"}, "action": "sts:AssumeRole", "resource": "role/R", "resource_policy": )" +
           plain + "}"},
      {"invalid-principal-arn",
       R"({"id": "parn", "principal": {"AWS": "arn:aws:iam:123:user/x"}, "action": "sts:AssumeRole", "resource": "arn:aws:iam::123456789012:role/R", "resource_policy": )" +
           plain + "}"},
      {"external-id-pattern",
       EvalLine("ext", kW2, "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/bob smith",
                plain)},
      {"external-id-empty", EvalLine("ext0", kW2, "", plain)},
      {"not-an-object", "[1, 2, 3]"},
  };
  std::string input;
  for (const auto& c : cases) input += good + "\n" + c.line + "\n";
  input += good + "\n";
  RunResult r = Run({"eval", "-"}, input);
  EXPECT_EQ(r.signal, 0) << r;
  EXPECT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  auto out = ParseJsonLines(r);
  ASSERT_EQ(out.size(), 2 * std::size(cases) + 1) << r;
  for (size_t i = 0; i < std::size(cases); ++i) {
    SCOPED_TRACE(cases[i].name);
    const json& before = out[2 * i];
    const json& bad = out[2 * i + 1];
    EXPECT_EQ(before["id"], "good");
    EXPECT_EQ(before["decision"], "allowed");
    EXPECT_EQ(bad["decision"], "error") << bad.dump().substr(0, 1000);
    ASSERT_TRUE(bad["errors"].is_array() && !bad["errors"].empty()) << bad.dump().substr(0, 1000);
    EXPECT_EQ(bad["errors"][0]["line"], 2 * i + 2) << bad.dump().substr(0, 1000);
    EXPECT_TRUE(bad["errors"][0]["message"].is_string());
  }
  EXPECT_EQ(out.back()["decision"], "allowed");
}

// "one JSON line out per input line": a blank line is a bad line too, so output line N always
// answers input line N.
TEST_F(BadInputTest, EvalBlankLineGetsAnErrorLine) {
  const std::string good = EvalLine("good", kW2, kUser1);
  RunResult r = Run({"eval", "-"}, good + "\n\n   \n" + good + "\n");
  EXPECT_EQ(r.exit_code, 2) << r;
  auto out = ParseJsonLines(r);
  ASSERT_EQ(out.size(), 4u) << r;
  EXPECT_EQ(out[0]["decision"], "allowed");
  EXPECT_EQ(out[1]["decision"], "error");
  EXPECT_EQ(out[1]["errors"][0]["line"], 2);
  EXPECT_EQ(out[2]["decision"], "error");
  EXPECT_EQ(out[2]["errors"][0]["line"], 3);
  EXPECT_EQ(out[3]["decision"], "allowed");
  EXPECT_EQ(out[3]["matched_statements"][0]["line"], 4);
}

TEST_F(BadInputTest, EvalEmptyInput) {
  RunResult r = Run({"eval", "-"}, "");
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, "") << r;
}

}  // namespace
