// End-to-end tests of `redtrust replay` and `redtrust can USER --world` (issue 3 §4,
// docs/replay.md): runs the built binary on the bundled guide world and its log the way a user
// would, and checks the table, the --json lines (against the golden expectations in
// fixtures/worlds/redshift-guide/expected.jsonl), --trace, the .sql script form, and the exit
// codes (replay: 0 all evaluated, 2 any record not evaluated or bad input; can: 0 allowed,
// 1 denied, 2 bad input).
//
// Runs the binary through the shared harness in tests/support/run_binary.h (as cli_test.cc
// does): every child runs with stdin/stdout/stderr redirected to files in a per-test temporary
// directory, the source tree as its working directory, and a time limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <map>
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
using ::testing::StartsWith;
using json = nlohmann::json;

const char kSourceDir[] = REDTRUST_SOURCE_DIR;
const char kGuideWorld[] = "fixtures/worlds/redshift-guide";
const char kGuideLog[] = "fixtures/worlds/redshift-guide/log.jsonl";
const char kScenarioWorld[] = "fixtures/worlds/scenarios";
const char kScenarioScript[] = "fixtures/worlds/scenarios/log.sql";

// id -> expectation, from a world's expected.jsonl.
std::map<std::string, json> Expectations(const std::string& world_dir) {
  std::map<std::string, json> out;
  for (const std::string& line :
       Lines(ReadFile(fs::path(kSourceDir) / world_dir / "expected.jsonl"))) {
    if (line.empty()) continue;
    json e = json::parse(line);
    out[e["id"].get<std::string>()] = e;
  }
  return out;
}

class ReplayCliTest : public redtrust::testing_support::BinaryTest {};

// The table's columns are fixed-width: ID(24) USER(12) CLUSTER(14) COMMAND(8) RESULT(6)
// GATE(16) MESSAGE; each separated by one space.
struct Row {
  std::string id, user, cluster, command, result, gate, message;
};

std::string Trim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

Row ParseRow(const std::string& line) {
  Row r;
  size_t pos = 0;
  auto take = [&](size_t width) {
    std::string f = line.size() > pos ? line.substr(pos, width) : "";
    pos += width + 1;
    return Trim(f);
  };
  r.id = take(24);
  r.user = take(12);
  r.cluster = take(14);
  r.command = take(8);
  r.result = take(6);
  r.gate = take(16);
  r.message = line.size() > pos ? line.substr(pos) : "";
  return r;
}

// ---------------------------------------------------------------------------------------------
// replay: the guide log

TEST_F(ReplayCliTest, GuideLogTableMatchesGoldenAndExitsZero) {
  RunResult r = Run({"replay", "--world", kGuideWorld, kGuideLog});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.signal, 0) << r;
  // Every record of the guide log is evaluated (bad SQL lives in the scenarios world) -> exit 0.
  EXPECT_EQ(r.exit_code, 0) << r;
  // A message with a DETAIL box (S3 access denials) goes on under its row, each line indented by
  // two spaces: fold those lines back into the row's message.
  std::vector<std::string> lines;
  for (const std::string& line : Lines(r.out)) {
    if (line.rfind("  ", 0) == 0 && !lines.empty()) {
      lines.back() += "\n" + line.substr(2);
    } else {
      lines.push_back(line);
    }
  }
  const auto expected = Expectations(kGuideWorld);
  ASSERT_EQ(lines.size(), expected.size() + 2) << r;  // header + one row per record + summary
  EXPECT_THAT(lines.front(), StartsWith("ID ")) << r;
  for (const char* column : {"USER", "CLUSTER", "COMMAND", "RESULT", "GATE", "MESSAGE"}) {
    EXPECT_THAT(lines.front(), HasSubstr(column));
  }
  size_t allowed = 0, denied = 0, errors = 0;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    Row row = ParseRow(lines[i]);
    ASSERT_EQ(expected.count(row.id), 1u) << "unexpected row: " << lines[i];
    const json& e = expected.at(row.id);
    const std::string decision = e["decision"];
    EXPECT_EQ(row.result, decision) << lines[i];
    if (decision == "ALLOW") {
      ++allowed;
      EXPECT_EQ(row.gate, "-") << lines[i];
      EXPECT_EQ(row.message, "-") << lines[i];
    } else if (decision == "DENY") {
      ++denied;
      EXPECT_EQ(row.gate, e["failing_gate"].get<std::string>()) << lines[i];
      EXPECT_EQ(row.message, e["message"].get<std::string>()) << lines[i];
    } else {
      ++errors;
      EXPECT_EQ(row.gate, "-") << lines[i];
      EXPECT_THAT(row.message, HasSubstr(e["message"].get<std::string>())) << lines[i];
      // An error names where: the log file and its line.
      EXPECT_THAT(row.message, HasSubstr(std::string(kGuideLog) + ":")) << lines[i];
    }
  }
  EXPECT_EQ(lines.back(), std::to_string(expected.size()) + " records: " +
                              std::to_string(allowed) + " allowed, " + std::to_string(denied) +
                              " denied, " + std::to_string(errors) + " could not be evaluated")
      << r;
  EXPECT_GT(allowed, 0u);
  EXPECT_GT(denied, 0u);
  EXPECT_EQ(errors, 0u);
}

TEST_F(ReplayCliTest, GuideLogJsonLinesMatchGolden) {
  RunResult r = Run({"replay", "--world", kGuideWorld, kGuideLog, "--json"});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  const auto expected = Expectations(kGuideWorld);
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), expected.size()) << "one JSON line per record, no summary" << r;
  std::map<std::string, json> records;  // the log's own records, by id
  for (const std::string& line : Lines(ReadFile(fs::path(kSourceDir) / kGuideLog))) {
    json rec = json::parse(line);
    records[rec["id"].get<std::string>()] = rec;
  }
  std::vector<std::string> ids;
  for (const std::string& line : lines) {
    json j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    for (const char* f : {"id", "user", "cluster", "command", "decision", "failing_gate", "message",
                          "detail", "trace"}) {
      EXPECT_TRUE(j.contains(f)) << "missing `" << f << "`: " << line;
    }
    const std::string id = j["id"];
    ids.push_back(id);
    ASSERT_EQ(expected.count(id), 1u) << line;
    const json& e = expected.at(id);
    EXPECT_EQ(j["user"], records.at(id)["user"]) << line;
    EXPECT_EQ(j["cluster"], records.at(id)["cluster"]) << line;
    EXPECT_EQ(j["decision"], e["decision"]) << line;
    EXPECT_EQ(j["failing_gate"], e["failing_gate"]) << line;
    if (e["decision"] == "ERROR") {
      EXPECT_THAT(j["message"].get<std::string>(), HasSubstr(e["message"].get<std::string>()));
      EXPECT_EQ(j["command"], "") << line;
    } else {
      EXPECT_EQ(j["message"], e["message"]) << line;
      EXPECT_THAT(j["command"].get<std::string>(), testing::AnyOf("COPY", "UNLOAD")) << line;
      ASSERT_TRUE(j["trace"].is_array()) << line;
      ASSERT_FALSE(j["trace"].empty()) << line;
      // The trace is every gate that ran, in order; a DENY ends at its failing gate.
      const json& last = j["trace"].back();
      EXPECT_EQ(last["passed"], e["decision"] == "ALLOW") << line;
      if (e["decision"] == "DENY") {
        EXPECT_EQ(last["gate"], e["failing_gate"]) << line;
      }
      for (const json& step : j["trace"]) {
        EXPECT_TRUE(step.contains("gate") && step.contains("passed") && step.contains("summary") &&
                    step.contains("details"))
            << line;
      }
    }
  }
  // Records come out in log order.
  std::vector<std::string> in_order;
  for (const std::string& line : Lines(ReadFile(fs::path(kSourceDir) / kGuideLog))) {
    in_order.push_back(json::parse(line)["id"]);
  }
  EXPECT_EQ(ids, in_order);
}

TEST_F(ReplayCliTest, AllEvaluatedExitsZero) {
  // The guide log without its bad-SQL record: every record is evaluated (ALLOW or DENY) -> 0,
  // even though some are denied.
  std::string kept;
  const auto expected = Expectations(kGuideWorld);
  size_t n = 0;
  for (const std::string& line : Lines(ReadFile(fs::path(kSourceDir) / kGuideLog))) {
    if (expected.at(json::parse(line)["id"].get<std::string>())["decision"] != "ERROR") {
      kept += line + "\n";
      ++n;
    }
  }
  std::string log = TempFile("evaluable.jsonl", kept);
  RunResult r = Run({"replay", "--world", kGuideWorld, log});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr(std::to_string(n) + " records: ")) << r;
  EXPECT_THAT(r.out, HasSubstr(" denied, 0 could not be evaluated")) << r;
  EXPECT_THAT(r.out, HasSubstr("DENY")) << r;
}

TEST_F(ReplayCliTest, TraceShowsEveryGateWithSourcePositions) {
  std::string log = TempFile(
      "one.jsonl",
      R"({"id":"t1","user":"user3","cluster":"my-cluster","sql":"COPY users FROM 's3://redshift-guide-data/tickit/allusers_pipe.txt' IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyUnloadExternalId'"})"
      "\n");
  RunResult r = Run({"replay", "--world", kGuideWorld, log, "--trace"});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("P6 sts-hop-1")) << r;
  // The grant came through nested RBAC roles; its GRANT is named by file:line:column.
  EXPECT_THAT(r.out, HasSubstr("  P4 assumerole: ok: ")) << r;
  EXPECT_THAT(r.out, HasSubstr("setup.sql:")) << r;
  EXPECT_THAT(r.out, HasSubstr("  P5 association: ok: ")) << r;
  EXPECT_THAT(r.out, HasSubstr("  P6 sts-hop-1: FAILED: ")) << r;
  EXPECT_THAT(r.out, HasSubstr("trust-externalid.json:")) << r;
  EXPECT_THAT(r.out, HasSubstr("dbuser:my-cluster/user3")) << r;
}

TEST_F(ReplayCliTest, SqlScriptRecordsAreNamedByFileAndLine) {
  RunResult r = Run({"replay", "--world", kScenarioWorld, kScenarioScript, "--json"});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 2) << "the script holds one bad statement" << r;
  const auto expected = Expectations(kScenarioWorld);
  std::vector<std::string> lines = Lines(r.out);
  size_t checked = 0;
  for (const std::string& line : lines) {
    json j = json::parse(line);
    std::string id = j["id"];
    ASSERT_THAT(id, StartsWith(std::string(kScenarioScript) + ":")) << line;
    // The golden file names script records relative to the world: log.sql:LINE.
    std::string rel = "log.sql:" + id.substr(std::string(kScenarioScript).size() + 1);
    ASSERT_EQ(expected.count(rel), 1u) << rel;
    const json& e = expected.at(rel);
    EXPECT_EQ(j["decision"], e["decision"]) << line;
    EXPECT_EQ(j["failing_gate"], e["failing_gate"]) << line;
    if (e["decision"] == "ERROR") {
      EXPECT_THAT(j["message"].get<std::string>(), HasSubstr(e["message"].get<std::string>()));
    } else {
      EXPECT_EQ(j["message"], e["message"]) << line;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 8u) << r;
}

TEST_F(ReplayCliTest, BadInputExitsTwo) {
  RunResult missing_log = Run({"replay", "--world", kGuideWorld, "fixtures/worlds/no-such-log.jsonl"});
  EXPECT_EQ(missing_log.exit_code, 2) << missing_log;
  EXPECT_THAT(missing_log.err, HasSubstr("no-such-log.jsonl")) << missing_log;

  RunResult missing_world = Run({"replay", "--world", "fixtures/worlds/no-such-world", kGuideLog});
  EXPECT_EQ(missing_world.exit_code, 2) << missing_world;
  EXPECT_THAT(missing_world.out, Not(HasSubstr("ALLOW"))) << missing_world;

  // A truncated log: every line is still answered, the bad one as an error naming its line.
  std::string log = TempFile(
      "truncated.jsonl",
      R"({"id":"ok","user":"user1","cluster":"my-cluster","sql":"COPY venue FROM 's3://redshift-guide-data/tickit/venue_pipe.txt' IAM_ROLE default"})"
      "\n"
      R"({"id":"cut","user":"user1","cluster":"my-clu)");
  RunResult r = Run({"replay", "--world", kGuideWorld, log, "--json"});
  EXPECT_EQ(r.exit_code, 2) << r;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r;
  EXPECT_EQ(json::parse(lines[0])["decision"], "ALLOW") << r;
  json bad = json::parse(lines[1]);
  EXPECT_EQ(bad["decision"], "ERROR") << r;
  EXPECT_THAT(bad["message"].get<std::string>(), HasSubstr("truncated.jsonl:2")) << r;
}

// ---------------------------------------------------------------------------------------------
// can USER --world

TEST_F(ReplayCliTest, CanWorldAllowedExitsZero) {
  // By role name: resolved among the cluster account's roles.
  RunResult r = Run({"can", "user1", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                     "RedshiftCopyUnload"});
  ASSERT_FALSE(r.timed_out) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, StartsWith("ALLOW\n")) << r;
  EXPECT_THAT(r.out, HasSubstr("arn:aws:iam::123456789012:role/RedshiftCopyUnload")) << r;
  EXPECT_THAT(r.out, HasSubstr("external id: arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1"))
      << r;
  EXPECT_THAT(r.out, HasSubstr("COPY: allowed")) << r;
  EXPECT_THAT(r.out, HasSubstr("UNLOAD: allowed")) << r;

  RunResult j = Run({"can", "user1", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                     "arn:aws:iam::123456789012:role/RedshiftCopyUnload", "--for", "copy", "--json"});
  EXPECT_EQ(j.exit_code, 0) << j;
  json doc = json::parse(j.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << j;
  EXPECT_EQ(doc["allowed"], true) << j;
  EXPECT_EQ(doc["decision"], "allowed") << j;
  ASSERT_EQ(doc["commands"].size(), 1u) << j;
  EXPECT_EQ(doc["commands"][0]["command"], "COPY") << j;
  EXPECT_EQ(doc["commands"][0]["decision"], "ALLOW") << j;
}

TEST_F(ReplayCliTest, CanWorldDeniedExitsOne) {
  // ASSUMEROLE: user3 holds no grant on the plain role.
  RunResult p4 = Run({"can", "user3", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                      "RedshiftCopyUnload", "--for", "copy"});
  ASSERT_FALSE(p4.timed_out) << p4;
  EXPECT_EQ(p4.exit_code, 1) << p4;
  EXPECT_THAT(p4.out, StartsWith("DENY\n")) << p4;
  EXPECT_THAT(p4.out, HasSubstr("COPY: denied at P4 assumerole")) << p4;
  EXPECT_THAT(p4.out,
              HasSubstr("redshift would print: ERROR:  User user3 does not have ASSUMEROLE permission "
                        "on IAM role \"arn:aws:iam::123456789012:role/RedshiftCopyUnload\" for COPY"))
      << p4;

  // Trust: user3 may try the ExternalId role (nested RBAC grant) but the trust names user1/user2.
  RunResult p6 = Run({"can", "user3", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                      "RedshiftCopyUnloadExternalId", "--for", "copy", "--json"});
  EXPECT_EQ(p6.exit_code, 1) << p6;
  json doc = json::parse(p6.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << p6;
  EXPECT_EQ(doc["allowed"], false) << p6;
  EXPECT_EQ(doc["commands"][0]["failing_gate"], "P6 sts-hop-1") << p6;
  EXPECT_EQ(doc["commands"][0]["message"],
            "ERROR:  User arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user3 is not "
            "authorized to assume IAM Role arn:aws:iam::123456789012:role/RedshiftCopyUnloadExternalId")
      << p6;

  // --for all: allowed for COPY, denied for UNLOAD -> denied overall.
  RunResult mixed = Run({"can", "user3", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                         "RedshiftCopyUnloadRegional"});
  EXPECT_EQ(mixed.exit_code, 1) << mixed;
  EXPECT_THAT(mixed.out, HasSubstr("COPY: allowed")) << mixed;
  EXPECT_THAT(mixed.out, HasSubstr("UNLOAD: denied at P4 assumerole")) << mixed;
}

TEST_F(ReplayCliTest, CanWorldBadInputExitsTwo) {
  RunResult no_cluster = Run({"can", "user1", "--world", kGuideWorld, "--cluster", "nope", "--role",
                              "RedshiftCopyUnload"});
  EXPECT_EQ(no_cluster.exit_code, 2) << no_cluster;
  EXPECT_THAT(no_cluster.err, HasSubstr("nope")) << no_cluster;
  EXPECT_THAT(no_cluster.out, Not(StartsWith("ALLOW"))) << no_cluster;

  RunResult no_user = Run({"can", "zed", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                           "RedshiftCopyUnload"});
  EXPECT_EQ(no_user.exit_code, 2) << no_user;
  EXPECT_THAT(no_user.err, HasSubstr("zed")) << no_user;

  RunResult no_role = Run({"can", "user1", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                           "NoSuchRole"});
  EXPECT_EQ(no_role.exit_code, 2) << no_role;
  EXPECT_THAT(no_role.err, HasSubstr("NoSuchRole")) << no_role;

  RunResult no_world = Run({"can", "user1", "--world", "fixtures/worlds/no-such-world", "--cluster",
                            "my-cluster", "--role", "RedshiftCopyUnload"});
  EXPECT_EQ(no_world.exit_code, 2) << no_world;
}

}  // namespace
