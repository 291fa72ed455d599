// Issue 12 ("fail closed everywhere: what an outside audit found"), the CLI items, end to end:
// each reproducer from the audit, run against the built `redtrust`. Library halves:
// tests/engine/audit_cli_test.cc, tests/sim/model/audit_cli_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../support/run_binary.h"

namespace {

namespace fs = std::filesystem;
using redtrust::testing_support::BinaryTest;
using redtrust::testing_support::Lines;
using redtrust::testing_support::RunBinary;
using redtrust::testing_support::RunResult;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const char kBin[] = REDTRUST_BIN_DIR "/redtrust";
const char kPlain[] = "fixtures/redshift-guide/trust-plain.json";
const char kGuideWorld[] = "fixtures/worlds/redshift-guide";

const std::vector<std::string> kCanArgs = {"can",       "--trust-policy", kPlain,
                                           "--user",    "user1",          "--cluster",
                                           "my-cluster", "--region",      "us-west-2",
                                           "--account", "123456789012"};

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Bad input: exit 2, nothing on stdout, every stderr line prefixed.
void ExpectUsageError(const RunResult& r) {
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  ASSERT_FALSE(r.err.empty()) << r;
  for (const std::string& line : Lines(r.err)) EXPECT_THAT(line, StartsWith("redtrust: ")) << r;
}

class AuditCliTest : public BinaryTest {
 protected:
  // Runs redtrust with standard output sent to /dev/full.
  RunResult RunToDevFull(const std::vector<std::string>& args) {
    std::vector<std::string> sh = {"-c", "exec \"$0\" \"$@\" >/dev/full", kBin};
    sh.insert(sh.end(), args.begin(), args.end());
    return RunBinary("/bin/sh", sh, REDTRUST_SOURCE_DIR, tmp_, "", {}, 30);
  }
  // A trust policy that allows everyone, padded to `chars` characters over its quota.
  std::string BigAllowPolicy() {
    std::string sid(3000, 'A');
    return TempFile("big.json", R"({"Version":"2012-10-17","Statement":[{"Sid":")" + sid +
                                    R"(","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]})");
  }
};

// ---- Errors that slip through as answers

TEST_F(AuditCliTest, BadNumbersAreUsageErrorsForEveryNumericFlag) {
  const std::string big = BigAllowPolicy();
  const std::string requests = TempFile("r.jsonl", "");
  const std::vector<std::vector<std::string>> commands = {
      With(kCanArgs, {"--max-policy-chars"}),
      {"eval", requests, "--max-policy-chars"},
      {"eval", requests, "--max-line-bytes"},
      {"lint", big, "--max-policy-chars"},
      {"diff", kPlain, kPlain, "--max-policy-chars"},
  };
  for (const auto& command : commands) {
    for (const std::string bad : {"-1", "18446744073709551616", "", "1.5", " 5", "+5", "0x10", "1e3"}) {
      SCOPED_TRACE(command.front() + " " + command.back() + " `" + bad + "`");
      ExpectUsageError(Run(With(command, {bad})));
    }
  }
  // The audit's reproducer: the quota cannot be turned off by a bad number, so the over-quota
  // policy is never ALLOWED.
  RunResult r = Run({"can", "--trust-policy", big, "--user", "user1", "--cluster", "my-cluster",
                     "--region", "us-west-2", "--account", "123456789012", "--max-policy-chars",
                     "-1"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("--max-policy-chars"));
  EXPECT_THAT(r.err, Not(HasSubstr("Could not convert")));
  // 0 still turns it off, on purpose.
  r = Run({"can", "--trust-policy", big, "--user", "user1", "--cluster", "my-cluster", "--region",
           "us-west-2", "--account", "123456789012", "--max-policy-chars", "0"});
  EXPECT_EQ(r.exit_code, 0) << r;
  // --max-line-bytes 0 would refuse every line: out of range.
  ExpectUsageError(Run({"eval", requests, "--max-line-bytes", "0"}));
}

TEST_F(AuditCliTest, PositionalUserInTrustFormOrTwoUsersIsAUsageError) {
  RunResult r = Run(With({"can", "user3"}, std::vector<std::string>(kCanArgs.begin() + 1, kCanArgs.end())));
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("twice"));
  r = Run(With(kCanArgs, {"--user", "user2"}));
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("--user was given more than once"));
  r = Run({"can", "user1", "user2", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
           "RedshiftCopyUnload"});
  ExpectUsageError(r);
  r = Run({"can", "user1", "--user", "user2", "--world", kGuideWorld, "--cluster", "my-cluster",
           "--role", "RedshiftCopyUnload"});
  ExpectUsageError(r);
  // An option of the other form is refused, not ignored.
  r = Run({"can", "user1", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
           "RedshiftCopyUnload", "--region", "eu-west-1"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("--region"));
  r = Run(With(kCanArgs, {"--for", "copy"}));
  ExpectUsageError(r);
}

TEST_F(AuditCliTest, RoleArnIsCheckedAsTheWorldLoaderChecksIt) {
  for (const std::string& arn : {std::string("arn:aws:iam::123456789012:role/"),
                                "arn:aws:iam::123456789012:role/" + std::string(65, 'r')}) {
    RunResult r = Run(With(kCanArgs, {"--role-arn", arn}));
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("is not an IAM role ARN")) << r;
    EXPECT_THAT(r.err, HasSubstr("1 to 64 characters")) << r;
  }
  RunResult r = Run(With(kCanArgs, {"--role-arn", "arn:aws:iam::123456789012:role/" + std::string(64, 'r')}));
  EXPECT_EQ(r.exit_code, 0) << r;
}

TEST_F(AuditCliTest, UnknownRegionIsRefusedUnlessAllowed) {
  std::vector<std::string> args = kCanArgs;
  args[8] = "eu-west-99";
  RunResult r = Run(args);
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("unknown region"));
  EXPECT_THAT(r.err, HasSubstr("--allow-unknown-region"));
  r = Run(With(args, {"--allow-unknown-region"}));
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("redshift.eu-west-99.amazonaws.com"));
  // A malformed name stays an error with the option.
  args[8] = "mars-1";
  ExpectUsageError(Run(With(args, {"--allow-unknown-region"})));
  // A region AWS opened recently is in the table.
  args[8] = "ap-southeast-7";
  EXPECT_EQ(Run(args).exit_code, 0);
  // eval: the region of a service principal.
  const std::string line =
      R"({"id":"a","principal":{"Service":"redshift.eu-west-99.amazonaws.com"},"action":"sts:AssumeRole",)"
      R"("resource":"arn:aws:iam::123456789012:role/R","resource_policy":{"Version":"2012-10-17",)"
      R"("Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}})";
  const std::string in = TempFile("region.jsonl", line + "\n");
  r = Run({"eval", in});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.out, HasSubstr("\"decision\":\"error\""));
  EXPECT_THAT(r.out, HasSubstr("unknown region"));
  r = Run({"eval", in, "--allow-unknown-region"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("\"decision\":\"allowed\""));
}

TEST_F(AuditCliTest, FailedWritesToStandardOutputExitTwo) {
  const std::string log = TempFile("log.jsonl", R"({"id":"1","user":"user1","cluster":"my-cluster",)"
                                                R"("sql":"COPY t FROM 's3://redshift-guide-data/tickit/allusers_pipe.txt' IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyUnload'"})"
                                                "\n");
  const std::vector<std::vector<std::string>> commands = {
      kCanArgs,
      With(kCanArgs, {"--json"}),
      {"can", "user1", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
       "RedshiftCopyUnload"},
      {"eval", "fixtures/redshift-guide/requests.jsonl"},
      {"lint", "--kind", "trust", TempFile("warn.json", R"({"Version":"2012-10-17","Statement":[)"
                                                       R"({"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]})")},
      {"replay", "--world", kGuideWorld, log},
      {"diff", kPlain, "fixtures/redshift-guide/trust-externalid.json"},
      {"test", "fixtures/suites/guide-can-trust.json"},
      {"--help"},
  };
  for (const auto& command : commands) {
    SCOPED_TRACE(command.front());
    RunResult r = RunToDevFull(command);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("redtrust: error writing to standard output: No space left on device"))
        << r;
  }
}

// ---- Work that does not end

TEST_F(AuditCliTest, InputWithoutNewlinesEnds) {
  RunResult r = Run({"eval", "/dev/zero"}, 120);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("/dev/zero:1: no newline within 268435456 bytes"));
  r = Run({"replay", "--world", kGuideWorld, "/dev/zero"}, 120);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("no newline within"));
}

// ---- Messages that mislead or are unsafe

TEST_F(AuditCliTest, UserTextIsEscapedAndCut) {
  const std::string esc = "\x1b[31m";
  std::vector<RunResult> runs;
  runs.push_back(Run({"can", "--trust-policy", "no-such-" + esc + "\nfile", "--user", "user1",
                      "--cluster", "my-cluster", "--region", "us-west-2", "--account",
                      "123456789012"}));
  std::vector<std::string> args = kCanArgs;
  args[4] = "user" + esc;
  runs.push_back(Run(args));  // STS's ValidationError quotes the dbuser ARN
  args = kCanArgs;
  args[8] = "us-west-2" + esc;
  runs.push_back(Run(args));
  runs.push_back(Run({"lint", "no-such-" + esc}));
  runs.push_back(Run({"eval", "no-such-" + esc}));
  runs.push_back(Run({"can", esc, "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                      "RedshiftCopyUnload"}));
  for (const RunResult& r : runs) {
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r;
    EXPECT_THAT(r.err + r.out, HasSubstr("\\u001b[31m")) << r;
  }
  EXPECT_THAT(runs[0].err, HasSubstr("\\nfile"));
  // A 5,000-character path is cut, as docs/limits.md promises.
  RunResult r = Run({"lint", std::string(5000, 'p')});
  ExpectUsageError(r);
  EXPECT_LT(r.err.size(), 400u) << r;
  EXPECT_THAT(r.err, HasSubstr("..."));
}

TEST_F(AuditCliTest, DirectoryInputSaysSo) {
  const std::string dir = tmp_.string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"can", "--trust-policy", dir, "--user", "user1", "--cluster", "my-cluster", "--region",
            "us-west-2", "--account", "123456789012"},
           {"lint", dir},
           {"eval", dir},
           {"replay", "--world", kGuideWorld, dir}}) {
    SCOPED_TRACE(args.front());
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("is a directory")) << r;
    EXPECT_THAT(r.err, Not(HasSubstr("read error"))) << r;
  }
}

TEST_F(AuditCliTest, UnknownCommandAndParserErrorsInWords) {
  RunResult r = Run({"bogus"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("unknown command `bogus`"));
  EXPECT_THAT(r.err, HasSubstr("can, diff, eval, lint, replay, test"));
  r = Run({});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("a command is required"));
  r = Run({"can", "--region"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("--region needs a value"));
  r = Run({"lint", "--kind", "policy", kPlain});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("`policy` is not one of: trust, identity, resource"));
  r = Run({"lint", "--bogus", kPlain});
  ExpectUsageError(r);
}

TEST_F(AuditCliTest, EmptyValuesAreReportedAsEmpty) {
  std::vector<std::string> args = kCanArgs;
  args[8] = "";
  RunResult r = Run(args);
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("--region: the value is empty"));
  EXPECT_THAT(r.err, Not(HasSubstr("required")));
  for (const auto& a : std::vector<std::vector<std::string>>{
           {"can", "user1", "--world", "", "--cluster", "my-cluster", "--role", "R"},
           {"eval", ""},
           {"lint", ""},
           {"eval", "--now", ""},
           {"lint", "--kind", "", kPlain},
           With(kCanArgs, {"--role-arn", ""}),
           With(kCanArgs, {"--context", ""})}) {
    r = Run(a);
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("empty")) << r;
  }
}

// ---- Docs: blank eval lines

TEST_F(AuditCliTest, BlankEvalLineGetsAnErrorLine) {
  const std::string line =
      R"({"id":"a","principal":{"Service":"redshift.amazonaws.com"},"action":"sts:AssumeRole",)"
      R"("resource":"arn:aws:iam::123456789012:role/R"})";
  RunResult r = Run({"eval", TempFile("blank.jsonl", line + "\n\n" + line + "\n")});
  EXPECT_EQ(r.exit_code, 2) << r;
  std::vector<std::string> out = Lines(r.out);
  ASSERT_EQ(out.size(), 3u) << r;
  EXPECT_THAT(out[1], HasSubstr("request.empty_line"));
  EXPECT_THAT(out[2], HasSubstr("\"id\":\"a\""));
}

}  // namespace
