// Issue 12 (outside audit), the SQL parser's and record readers' part, end to end on the built
// CLI and the guide world (fixtures/worlds/redshift-guide):
//  * a COPY / UNLOAD that Redshift itself refuses (option rules) is DENY at gate P1 with
//    `ERROR:  ...`, exit 0, in `replay` (JSON Lines and .sql), `redtrust test` and `can --role`;
//    SQL redtrust cannot read stays an ERROR record, exit 2;
//  * E'...' strings;
//  * RESET SESSION AUTHORIZATION in a .sql log returns to the session user;
//  * a GRANT SELECT / INSERT (gate P3, not modelled) is named on stderr once per run;
//  * a field given as "" is reported as empty, not missing.
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
using redtrust::testing_support::RunResult;
using redtrust::testing_support::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const char kGuideWorld[] = "fixtures/worlds/redshift-guide";
const char kRole[] = "arn:aws:iam::123456789012:role/RedshiftCopyUnload";
const char kCopy[] = "COPY venue FROM 's3://redshift-guide-data/tickit/venue_pipe.txt' ";
const char kUnload[] = "UNLOAD ('select * from venue') TO 's3://redshift-guide-data/unload/venue_' ";

std::string Role() { return std::string("IAM_ROLE '") + kRole + "'"; }

// One JSON Lines record for user1 on my-cluster.
std::string Record(const std::string& id, const std::string& sql) {
  return json{{"id", id}, {"user", "user1"}, {"cluster", "my-cluster"}, {"sql", sql}}.dump() + "\n";
}

std::vector<json> JsonLines(const std::string& out) {
  std::vector<json> v;
  for (const std::string& line : Lines(out)) {
    if (!line.empty()) v.push_back(json::parse(line));
  }
  return v;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

class AuditSqlTest : public redtrust::testing_support::BinaryTest {};

TEST_F(AuditSqlTest, RedshiftRejectionsAreDeniesAtP1NotErrors) {
  std::string chain11;
  for (int i = 0; i < 11; ++i) chain11 += (i ? "," : "") + std::string(kRole) + std::to_string(i);
  const std::string log =
      Record("iam-role-and-credentials",
             kCopy + Role() + " CREDENTIALS 'aws_iam_role=" + kRole + "' DELIMITER '|'") +
      Record("kms-without-encrypted", kUnload + Role() + " KMS_KEY_ID 'abcd'") +
      Record("space-in-chain",
             kCopy + std::string("IAM_ROLE '") + kRole + ", " + kRole + "A' DELIMITER '|'") +
      Record("chain-of-11", kCopy + std::string("IAM_ROLE '") + chain11 + "' DELIMITER '|'") +
      Record("parquet-with-keys",
             kCopy + std::string("ACCESS_KEY_ID 'AKIA' SECRET_ACCESS_KEY 's' FORMAT AS PARQUET")) +
      Record("redundant", kCopy + Role() + " DELIMITER '|' DELIMITER ','") +
      Record("e-strings", std::string("COPY venue FROM E's3://redshift-guide-data/tickit/venue_pipe.txt' "
                                      "IAM_ROLE E'") + kRole + "' DELIMITER E'\\x7c'");
  RunResult r = Run({"replay", "--world", kGuideWorld, TempFile("log.jsonl", log), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r;  // every record answered: denials are answers
  const std::vector<json> out = JsonLines(r.out);
  ASSERT_EQ(out.size(), 7u) << r;
  const std::vector<std::string> messages = {
      "ERROR:  CREDENTIALS cannot be used with IAM_ROLE",
      "ERROR:  KMS_KEY_ID requires ENCRYPTED",
      "ERROR:  IAM_ROLE must not contain spaces; write a role chain as 'arn1,arn2' with no space "
      "after the comma",
      "ERROR:  IAM role chain has 11 roles; at most 10 are allowed",
      "ERROR:  COPY from this file format only accepts IAM_ROLE credentials.",
      "ERROR:  conflicting or redundant options",
  };
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(out[i]["decision"], "DENY") << out[i].dump();
    EXPECT_EQ(out[i]["failing_gate"], "P1 options") << out[i].dump();
    EXPECT_EQ(out[i]["message"], messages[i]) << out[i].dump();
    EXPECT_EQ(out[i]["command"], i == 1 ? "UNLOAD" : "COPY") << out[i].dump();
  }
  EXPECT_EQ(out[6]["decision"], "ALLOW") << out[6].dump();  // E'...' strings read like '...'

  // The table says DENY and counts them as denied.
  RunResult t = Run({"replay", "--world", kGuideWorld, TempFile("log2.jsonl", log)});
  EXPECT_EQ(t.exit_code, 0) << t;
  EXPECT_THAT(t.out, HasSubstr("7 records: 1 allowed, 6 denied, 0 could not be evaluated"));
  EXPECT_THAT(t.out, HasSubstr("P1 options       ERROR:  KMS_KEY_ID requires ENCRYPTED"));
}

TEST_F(AuditSqlTest, SqlRedtrustCannotReadIsStillAnErrorWithExit2) {
  const std::string log =
      Record("typo", kCopy + Role() + " FORMATT CSV") +
      // A rejection (space in the chain) before a word redtrust cannot read: the syntax error wins.
      Record("both", kCopy + std::string("IAM_ROLE 'a b' BOGUS"));
  RunResult r = Run({"replay", "--world", kGuideWorld, TempFile("log.jsonl", log), "--json"});
  EXPECT_EQ(r.exit_code, 2) << r;
  const std::vector<json> out = JsonLines(r.out);
  ASSERT_EQ(out.size(), 2u) << r;
  EXPECT_EQ(out[0]["decision"], "ERROR");
  EXPECT_THAT(out[0]["message"].get<std::string>(), HasSubstr("syntax error at or near \"FORMATT\""));
  EXPECT_EQ(out[1]["decision"], "ERROR");
  EXPECT_THAT(out[1]["message"].get<std::string>(), HasSubstr("syntax error at or near \"BOGUS\""));
}

TEST_F(AuditSqlTest, EmptyFieldsAreEmptyNotMissing) {
  const std::string log =
      json{{"id", "a"}, {"user", "user1"}, {"cluster", "my-cluster"}, {"sql", ""}}.dump() + "\n" +
      json{{"id", "b"}, {"user", ""}, {"cluster", "my-cluster"}, {"sql", "COPY"}}.dump() + "\n" +
      json{{"id", "c"}, {"user", "user1"}, {"sql", "COPY"}}.dump() + "\n" +
      json{{"id", ""}, {"user", "user1"}, {"cluster", "my-cluster"}, {"sql", "COPY"}}.dump() + "\n";
  RunResult r = Run({"replay", "--world", kGuideWorld, TempFile("log.jsonl", log), "--json"});
  EXPECT_EQ(r.exit_code, 2) << r;
  const std::vector<json> out = JsonLines(r.out);
  ASSERT_EQ(out.size(), 4u) << r;
  EXPECT_THAT(out[0]["message"].get<std::string>(), HasSubstr("`sql` is empty"));
  EXPECT_THAT(out[0]["message"].get<std::string>(), Not(HasSubstr("missing")));
  EXPECT_THAT(out[1]["message"].get<std::string>(), HasSubstr("`user` is empty"));
  EXPECT_THAT(out[2]["message"].get<std::string>(), HasSubstr("missing field `cluster`"));
  EXPECT_THAT(out[3]["message"].get<std::string>(), HasSubstr("`id` is empty"));
  EXPECT_EQ(out[3]["id"], "line 4");
  for (const json& o : out) EXPECT_EQ(o["decision"], "ERROR") << o.dump();
}

TEST_F(AuditSqlTest, SqlLogResetSessionAuthorizationAndUnmodelledGrants) {
  const std::string script = std::string() +
      "-- redtrust: user=user1 cluster=my-cluster\n" +                // 1
      "SET SESSION AUTHORIZATION user3;\n" +                          // 2
      kCopy + Role() + " DELIMITER '|';\n" +                          // 3: user3, P4
      "RESET SESSION AUTHORIZATION;\n" +                              // 4
      kCopy + Role() + " DELIMITER '|';\n" +                          // 5: user1 again, ALLOW
      "GRANT SELECT ON venue TO user3;\n" +                           // 6: warned
      "GRANT INSERT ON venue TO user3;\n" +                           // 7: not warned again
      "SET SESSION AUTHORIZATION DEFAULT;\n" +                        // 8
      kUnload + Role() + " KMS_KEY_ID 'abcd';\n" +                    // 9: DENY P1
      "REVOKE ALL ON venue FROM user3;\n";                            // 10
  const std::string path = TempFile("log.sql", script);
  RunResult r = Run({"replay", "--world", kGuideWorld, path, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r;
  const std::vector<json> out = JsonLines(r.out);
  ASSERT_EQ(out.size(), 3u) << r;
  EXPECT_EQ(out[0]["id"], path + ":3");
  EXPECT_EQ(out[0]["user"], "user3");
  EXPECT_EQ(out[0]["failing_gate"], "P4 assumerole");
  EXPECT_EQ(out[1]["id"], path + ":5");
  EXPECT_EQ(out[1]["user"], "user1");  // RESET returned to the session user
  EXPECT_EQ(out[1]["decision"], "ALLOW") << out[1].dump();
  EXPECT_EQ(out[2]["id"], path + ":9");
  EXPECT_EQ(out[2]["user"], "user1");
  EXPECT_EQ(out[2]["decision"], "DENY");
  EXPECT_EQ(out[2]["failing_gate"], "P1 options");
  EXPECT_EQ(out[2]["message"], "ERROR:  KMS_KEY_ID requires ENCRYPTED");
  // One warning for the run, naming the first GRANT's file:line.
  EXPECT_EQ(Count(r.err, "warning:"), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr(path + ":6: warning: `GRANT SELECT ON venue TO user3` is accepted "
                                      "but not modelled"));
  EXPECT_THAT(r.err, HasSubstr("gate P3"));
}

TEST_F(AuditSqlTest, SqlLogSetLocalAndRollback) {
  const std::string copy = kCopy + Role() + " DELIMITER '|';\n";
  const std::string script = std::string() +
      "-- redtrust: user=user1 cluster=my-cluster\n" +  // 1
      "SET LOCAL SESSION AUTHORIZATION user3;\n" +       // 2: outside a transaction: no effect
      copy +                                              // 3: user1
      "BEGIN;\n" +                                       // 4
      "SET LOCAL SESSION AUTHORIZATION user3;\n" +       // 5
      copy +                                              // 6: user3
      "COMMIT;\n" +                                      // 7
      copy +                                              // 8: user1 again
      "BEGIN;\n" +                                       // 9
      "SET SESSION AUTHORIZATION user2;\n" +             // 10
      copy +                                              // 11: user2
      "ROLLBACK;\n" +                                    // 12: undoes the SET
      copy +                                              // 13: user1
      "START TRANSACTION;\n" +                           // 14
      "SET SESSION AUTHORIZATION user2;\n" +             // 15
      "END;\n" +                                         // 16: kept
      copy;                                               // 17: user2
  const std::string path = TempFile("log.sql", script);
  RunResult r = Run({"replay", "--world", kGuideWorld, path, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r;
  const std::vector<json> out = JsonLines(r.out);
  ASSERT_EQ(out.size(), 6u) << r;
  const std::vector<std::pair<int, std::string>> want = {
      {3, "user1"}, {6, "user3"}, {8, "user1"}, {11, "user2"}, {13, "user1"}, {17, "user2"}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(out[i]["id"], path + ":" + std::to_string(want[i].first));
    EXPECT_EQ(out[i]["user"], want[i].second) << out[i].dump();
  }
}

TEST_F(AuditSqlTest, SqlLogBadDirectiveIsAnErrorAndDropsTheUser) {
  const std::string copy = kCopy + Role() + " DELIMITER '|';\n";
  const std::string script = std::string() +
      "-- redtrust: user=user1 cluster=my-cluster\n" +  // 1
      copy +                                              // 2: user1
      "-- redtrust: usr=user3\n" +                       // 3: typo: an error, no user after it
      copy +                                              // 4: no session user
      "-- redtrust: user= cluster=my-cluster\n" +        // 5: empty value
      copy +                                              // 6: no session user
      "-- notes: the `-- redtrust:` comments are directives\n" +  // 7: not a directive
      "-- redtrust: user=user2 cluster=my-cluster\r\n" +  // 8: CRLF is fine
      copy;                                               // 9: user2
  const std::string path = TempFile("log.sql", script);
  RunResult r = Run({"replay", "--world", kGuideWorld, path, "--json"});
  EXPECT_EQ(r.exit_code, 2) << r;
  const std::vector<json> out = JsonLines(r.out);
  ASSERT_EQ(out.size(), 6u) << r;
  EXPECT_EQ(out[0]["user"], "user1");
  EXPECT_EQ(out[1]["id"], path + ":3");
  EXPECT_THAT(out[1]["message"].get<std::string>(),
              HasSubstr("bad `-- redtrust:` directive: `usr=user3` is not user=NAME, cluster=ID or time=DATE"));
  EXPECT_EQ(out[2]["id"], path + ":4");
  EXPECT_THAT(out[2]["message"].get<std::string>(), HasSubstr("no session user or cluster"));
  EXPECT_EQ(out[3]["id"], path + ":5");
  EXPECT_THAT(out[3]["message"].get<std::string>(), HasSubstr("`user=` is empty"));
  EXPECT_EQ(out[4]["id"], path + ":6");
  EXPECT_EQ(out[4]["decision"], "ERROR");
  EXPECT_EQ(out[5]["id"], path + ":9");
  EXPECT_EQ(out[5]["user"], "user2");
  EXPECT_EQ(out[5]["decision"], "ALLOW") << out[5].dump();
}

TEST_F(AuditSqlTest, JsonLinesGrantWarnsOncePerRun) {
  const std::string log = Record("g1", std::string("GRANT SELECT ON venue TO user1; ") + kCopy +
                                           Role() + " DELIMITER '|'") +
                          Record("g2", std::string("GRANT INSERT ON venue TO user1; ") + kCopy +
                                           Role() + " DELIMITER '|'");
  const std::string path = TempFile("log.jsonl", log);
  RunResult r = Run({"replay", "--world", kGuideWorld, path});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Count(r.err, "warning:"), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr(path + ":1: warning: `GRANT SELECT ON venue TO user1`"));
}

TEST_F(AuditSqlTest, WorldScriptGrantWarnsOncePerWorld) {
  const fs::path world = tmp_ / "world";
  fs::copy(fs::path(REDTRUST_SOURCE_DIR) / kGuideWorld, world, fs::copy_options::recursive);
  const fs::path setup = world / "setup.sql";
  WriteFile(setup, ReadFile(setup) +
                       "\nGRANT SELECT ON venue TO user1;\nGRANT INSERT ON venue TO GROUP loaders;\n");
  RunResult r = Run({"replay", "--world", world.string(),
                     TempFile("log.jsonl", Record("x", kCopy + Role() + " DELIMITER '|'"))});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Count(r.err, "db.privilege_not_modelled"), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr("setup.sql:"));
}

TEST_F(AuditSqlTest, RedtrustTestAnswersARejectedCopyAsReplayDoes) {
  const json suite = {
      {"name", "audit"},
      {"world", (fs::path(REDTRUST_SOURCE_DIR) / kGuideWorld).string()},
      {"cases",
       {{{"name", "kms without encrypted"},
         {"sql", {{"user", "user1"}, {"cluster", "my-cluster"},
                  {"sql", kUnload + Role() + " KMS_KEY_ID 'abcd'"}}},
         {"expect", {{"decision", "denied"}, {"gate", "P1"},
                     {"message", "ERROR:  KMS_KEY_ID requires ENCRYPTED"}}}},
        {{"name", "iam role with credentials"},
         {"sql", {{"user", "user1"}, {"cluster", "my-cluster"},
                  {"sql", kCopy + Role() + " CREDENTIALS 'aws_iam_role=" + kRole + "'"}}},
         {"expect", {{"decision", "denied"}, {"gate", "P1 options"}}}}}},
  };
  RunResult r = Run({"test", TempFile("suite.json", suite.dump(2))});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("2 passed, 0 failed"));

  // A case whose SQL redtrust cannot read is still the suite's error (exit 2).
  json bad = suite;
  bad["cases"][0]["sql"]["sql"] = kUnload + Role() + " BOGUS";
  RunResult b = Run({"test", TempFile("bad.json", bad.dump(2))});
  EXPECT_EQ(b.exit_code, 2) << b;
  EXPECT_THAT(b.err + b.out, HasSubstr("syntax error at or near \"BOGUS\""));
}

TEST_F(AuditSqlTest, CanWordsABadChainAsReplayDoes) {
  RunResult r = Run({"can", "user1", "--world", kGuideWorld, "--cluster", "my-cluster", "--role",
                     std::string(kRole) + ", " + kRole, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("IAM_ROLE must not contain spaces; write a role chain as "
                               "'arn1,arn2' with no space after the comma"));
  EXPECT_THAT(r.out, HasSubstr("P1 options"));
}

}  // namespace
