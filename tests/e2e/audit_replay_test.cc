// Issue 12 (outside audit), the replay's findings, through the built CLI on
// fixtures/replay-audit/: one clock for `replay` and `can USER --world` (--now, a JSON Lines
// record's `time`, a script's `-- redtrust: time=`), Spectrum's user agent on columnar COPY, the
// DETAIL box of an S3 access denial (table and --json), and `replay --help`'s exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support/run_binary.h"

namespace {

using redtrust::testing_support::Lines;
using redtrust::testing_support::RunResult;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;

const char kWorld[] = "fixtures/replay-audit";
const char kLog[] = "fixtures/replay-audit/log.jsonl";
const char kScript[] = "fixtures/replay-audit/log.sql";
const char k2026[] = "2026-01-01T00:00:00Z";
const char k2019[] = "2019-06-01T00:00:00Z";

class AuditReplayCliTest : public redtrust::testing_support::BinaryTest {
 protected:
  // id -> the record's JSON line.
  std::map<std::string, json> ReplayJson(const std::vector<std::string>& extra, RunResult* out) {
    std::vector<std::string> args = {"replay", "--world", kWorld, kLog, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    *out = Run(args);
    std::map<std::string, json> records;
    for (const std::string& line : Lines(out->out)) {
      json j = json::parse(line, nullptr, false);
      EXPECT_TRUE(j.is_object()) << line;
      if (j.is_object()) records[j["id"].get<std::string>()] = j;
    }
    return records;
  }
};

TEST_F(AuditReplayCliTest, EveryRecordRunsAtTheRunsTimeOrItsOwn) {
  RunResult r;
  auto records = ReplayJson({"--now", k2026}, &r);
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 2) << "one record has a bad `time`" << r;
  ASSERT_EQ(records.size(), 10u) << r;
  // Before issue 12 every request of the replay ran in 1970: the time-gated trust denied them.
  EXPECT_EQ(records["time-run-clock"]["decision"], "ALLOW") << r;
  EXPECT_EQ(records["time-before-2020"]["decision"], "DENY") << r;
  EXPECT_EQ(records["time-before-2020"]["failing_gate"], "P6 sts-hop-1") << r;
  EXPECT_EQ(records["time-epoch-seconds"]["decision"], "ALLOW") << r;
  EXPECT_EQ(records["time-hop-2"]["decision"], "ALLOW") << r;
  // A `time` that is not a date is that record's error, named FILE:LINE:COLUMN; the batch goes on.
  EXPECT_EQ(records["time-not-a-date"]["decision"], "ERROR") << r;
  EXPECT_THAT(records["time-not-a-date"]["message"].get<std::string>(),
              HasSubstr(std::string(kLog) + ":5:")) << r;
  EXPECT_THAT(records["time-not-a-date"]["message"].get<std::string>(),
              HasSubstr("`time` must be an ISO 8601 date")) << r;
  EXPECT_EQ(records["chain-11-roles"]["failing_gate"], "P1 options") << r;
}

TEST_F(AuditReplayCliTest, NowMovesEveryRecordWithoutItsOwnTime) {
  RunResult r;
  auto records = ReplayJson({"--now", k2019}, &r);
  EXPECT_EQ(records["time-run-clock"]["decision"], "DENY") << r;
  EXPECT_EQ(records["time-hop-2"]["decision"], "DENY") << r;
  EXPECT_EQ(records["time-hop-2"]["failing_gate"], "P7 sts-chain") << r;
  EXPECT_EQ(records["time-epoch-seconds"]["decision"], "ALLOW") << "its own time wins" << r;
}

TEST_F(AuditReplayCliTest, WithoutNowTheWallClockIsUsed) {
  // Any day after 2020: the time-gated trust allows (it denied every COPY in 1970).
  RunResult r;
  auto records = ReplayJson({}, &r);
  EXPECT_EQ(records["time-run-clock"]["decision"], "ALLOW") << r;
}

TEST_F(AuditReplayCliTest, BadNowIsBadInput) {
  RunResult r = Run({"replay", "--world", kWorld, kLog, "--now", "tomorrow"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("--now `tomorrow` is not a date")) << r;
  EXPECT_EQ(r.out, "") << r;
}

TEST_F(AuditReplayCliTest, ColumnarCopyIsDeniedByASpectrumUserAgentCondition) {
  RunResult r;
  auto records = ReplayJson({"--now", k2026}, &r);
  EXPECT_EQ(records["spectrum-csv"]["decision"], "ALLOW") << r;
  for (const char* id : {"spectrum-parquet", "spectrum-orc"}) {
    EXPECT_EQ(records[id]["decision"], "DENY") << id << r;
    EXPECT_EQ(records[id]["failing_gate"], "P9 permissions") << id << r;
    EXPECT_THAT(records[id].dump(), HasSubstr("aws:UserAgent = `AWS Redshift/Spectrum`")) << id;
  }
  // The world option switches the inferred key off.
  RunResult off = Run({"replay", "--world", "fixtures/replay-audit/world-options.json", kLog,
                       "--json", "--now", k2026});
  EXPECT_THAT(off.out, HasSubstr("\"id\":\"spectrum-parquet\"")) << off;
  for (const std::string& line : Lines(off.out)) {
    json j = json::parse(line);
    if (j["id"] == "spectrum-parquet" || j["id"] == "spectrum-orc" || j["id"] == "chain-11-roles") {
      EXPECT_EQ(j["decision"], "ALLOW") << line;
    }
  }
}

const char kBox[] =
    "  -----------------------------------------------\n"
    "  error:  S3ServiceException:Access Denied,Status 403,Error AccessDenied\n"
    "  code:      8001\n"
    "  context:   S3 key being read : s3://audit-locked/secret/part-0000.csv\n"
    "  -----------------------------------------------";

TEST_F(AuditReplayCliTest, S3AccessDenialCarriesTheDetailBox) {
  RunResult r;
  auto records = ReplayJson({"--now", k2026}, &r);
  const json& d = records["detail-object-read"];
  EXPECT_EQ(d["decision"], "DENY") << r;
  EXPECT_EQ(d["detail"], kBox) << r;
  EXPECT_EQ(d["message"], std::string("ERROR:  S3ServiceException:Access Denied,Status 403,Error "
                                      "AccessDenied\nDETAIL:\n") + kBox)
      << r;
  EXPECT_TRUE(records["time-before-2020"]["detail"].is_null()) << r;
  EXPECT_TRUE(records["spectrum-csv"]["detail"].is_null()) << r;

  // The table: the ERROR line in the row, the box under it, indented by two spaces.
  RunResult t = Run({"replay", "--world", kWorld, kLog, "--now", k2026});
  std::string indented = "  DETAIL:\n";
  for (const std::string& line : Lines(kBox)) indented += "  " + line + "\n";
  EXPECT_THAT(t.out, HasSubstr("ERROR:  S3ServiceException:Access Denied,Status 403,Error "
                               "AccessDenied\n" + indented))
      << t;
  for (const std::string& line : Lines(t.out)) {
    EXPECT_THAT(line, Not(StartsWith("DETAIL"))) << "only record rows start at the margin";
  }
}

TEST_F(AuditReplayCliTest, ScriptTimeAndBadDirectives) {
  RunResult r = Run({"replay", "--world", kWorld, kScript, "--json", "--now", k2026});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  std::map<std::string, json> by_id;
  for (const std::string& line : Lines(r.out)) {
    json j = json::parse(line);
    by_id[j["id"].get<std::string>()] = j;
  }
  const std::string s = kScript;
  ASSERT_EQ(by_id.size(), 5u) << r;
  EXPECT_EQ(by_id[s + ":4"]["decision"], "ALLOW") << r;
  EXPECT_EQ(by_id[s + ":7"]["decision"], "DENY") << "time=2019-..." << r;
  EXPECT_EQ(by_id[s + ":7"]["failing_gate"], "P6 sts-hop-1") << r;
  // An unknown setting is not ignored (the statement would run as the previous user): the
  // directive is an error record, and what follows has no session user until a good directive.
  EXPECT_EQ(by_id[s + ":9"]["decision"], "ERROR") << r;
  EXPECT_THAT(by_id[s + ":9"]["message"].get<std::string>(),
              HasSubstr("bad `-- redtrust:` directive: `usr=bob`"))
      << r;
  EXPECT_EQ(by_id[s + ":10"]["decision"], "ERROR") << r;
  EXPECT_EQ(by_id[s + ":10"]["message"],
            s + ":10: no session user or cluster: add `-- redtrust: user=NAME cluster=ID` before "
                "the statement")
      << r;
  EXPECT_EQ(by_id[s + ":13"]["decision"], "ALLOW") << r;
}

TEST_F(AuditReplayCliTest, CanWorldFormUsesTheClockAndNow) {
  const std::vector<std::string> base = {"can", "alice", "--world", kWorld, "--cluster", "audit",
                                         "--role", "time-gated", "--for", "copy"};
  RunResult wall = Run(base);
  EXPECT_EQ(wall.exit_code, 0) << "the wall clock is after 2020" << wall;
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--now", k2019});
  RunResult before = Run(args);
  EXPECT_EQ(before.exit_code, 1) << before;
  EXPECT_THAT(before.out, HasSubstr("COPY: denied at P6 sts-hop-1")) << before;
  args.back() = k2026;
  EXPECT_EQ(Run(args).exit_code, 0);
  args.back() = "soon";
  RunResult bad = Run(args);
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr("--now `soon` is not a date")) << bad;
}

TEST_F(AuditReplayCliTest, HelpStatesTheExitCodesReplayUses) {
  RunResult r = Run({"replay", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("--now")) << r;
  EXPECT_THAT(r.out, HasSubstr("Never 1.")) << r;
  EXPECT_THAT(r.out, Not(HasSubstr("1 denied"))) << r;
}

}  // namespace

namespace {

TEST_F(AuditReplayCliTest, WorldDiffAsksRedshiftAtNow) {
  // world-untimed.json drops the time condition of time-gated's trust. At any time after 2020
  // both worlds let alice use the role: the Redshift answers do not change (before issue 12 the
  // diff asked them in 1970 and reported four COPY/UNLOAD accesses as new). The trust policies
  // themselves still differ (the 1970-2020 requests), which the trust-policy part lists.
  RunResult r = Run({"diff", "fixtures/replay-audit/world.json",
                     "fixtures/replay-audit/world-untimed.json", "--now", k2026});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("questions examined\nNEW ACCESS (0)\nREMOVED ACCESS (0)\n")) << r;
  EXPECT_THAT(r.out, Not(HasSubstr("+ COPY as alice"))) << r;
}

}  // namespace

// Ids, user and cluster names in the text table quote the log: control characters reach the
// terminal escaped, never raw (a record cannot forge a row or recolour the terminal).
TEST_F(AuditReplayCliTest, TextTableEscapesLogText) {
  const std::string log = TempFile(
      "escape.jsonl",
      "{\"id\": \"evil\\u001b[31m\\nALLOW\", \"user\": \"alice\\u001b]0;x\\u0007\", "
      "\"cluster\": \"audit\", \"sql\": \"COPY t FROM 's3://audit-data/csv/' IAM_ROLE "
      "'arn:aws:iam::111111111111:role/time-gated' CSV\"}\n");
  RunResult r = Run({"replay", "--world", kWorld, log, "--now", k2026});
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r;
  EXPECT_EQ(r.out.find('\x07'), std::string::npos) << r;
  for (const std::string& line : Lines(r.out)) {
    EXPECT_THAT(line, Not(StartsWith("ALLOW"))) << "a record cannot forge a row" << r;
  }
}
