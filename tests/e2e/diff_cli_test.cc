// End-to-end tests of `redtrust diff` (issue 4 §2, §5; docs/diff.md), run the way a user runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "../support/run_binary.h"

namespace {

using redtrust::testing_support::RunResult;
using ::testing::HasSubstr;
using json = nlohmann::json;

class DiffCliTest : public redtrust::testing_support::BinaryTest {};

const char kPlain[] = "fixtures/redshift-guide/trust-plain.json";
const char kExternalId[] = "fixtures/redshift-guide/trust-externalid.json";

TEST_F(DiffCliTest, NarrowingRemovesAccessAndPassesTheNewAccessGate) {
  RunResult r = Run({"diff", kPlain, kExternalId, "--fail-on", "new-access"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("NEW ACCESS (0)"));
  EXPECT_THAT(r.out, HasSubstr("REMOVED ACCESS (1)"));
  EXPECT_THAT(r.out, HasSubstr("exact"));
  EXPECT_THAT(r.out, HasSubstr("summary: 0 new access, 1 removed access"));
}

TEST_F(DiffCliTest, WideningFailsTheNewAccessGate) {
  RunResult r = Run({"diff", kExternalId, kPlain, "--fail-on", "new-access"});
  ASSERT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("NEW ACCESS (1)"));
  EXPECT_THAT(r.out, HasSubstr("witness: redshift.amazonaws.com"));
  // Without --fail-on a diff is a report, not a failure.
  EXPECT_EQ(Run({"diff", kExternalId, kPlain}).exit_code, 0);
  EXPECT_EQ(Run({"diff", kExternalId, kPlain, "--fail-on", "removed-access"}).exit_code, 0);
  EXPECT_EQ(Run({"diff", kExternalId, kPlain, "--fail-on", "any-change"}).exit_code, 1);
}

TEST_F(DiffCliTest, JsonWitnessIsAnEvalRequestThatReallyDiffers) {
  RunResult r = Run({"diff", kExternalId, kPlain, "--json", "--role-arn",
                     "arn:aws:iam::123456789012:role/R"});
  ASSERT_EQ(r.exit_code, 0) << r;
  json j = json::parse(r.out);
  EXPECT_TRUE(j["exact"].get<bool>());
  ASSERT_EQ(j["new_access"].size(), 1u);
  EXPECT_EQ(j["removed_access"].size(), 0u);
  json w = j["new_access"][0]["witness"];
  EXPECT_EQ(w["resource"], "arn:aws:iam::123456789012:role/R");
  EXPECT_EQ(j["new_access"][0]["new"]["decision"], "allowed");
  EXPECT_EQ(j["new_access"][0]["old"]["decision"], "implicitDeny");
  // Feed the witness to `eval` with each policy: OLD denies, NEW allows.
  for (auto [policy, want] : {std::pair{kExternalId, "implicitDeny"}, {kPlain, "allowed"}}) {
    json req = {{"principal", w["principal"]}, {"action", w["action"]},
                {"resource", w["resource"]}, {"context", w["context"]}, {"now", w["now"]},
                {"resource_policy", json::parse(redtrust::testing_support::ReadFile(
                                        std::string(REDTRUST_SOURCE_DIR) + "/" + policy))}};
    std::string path = TempFile("req.jsonl", req.dump() + "\n");
    RunResult e = Run({"eval", path});
    ASSERT_EQ(e.exit_code, 0) << e;
    EXPECT_EQ(json::parse(e.out)["decision"], want) << policy;
  }
}

TEST_F(DiffCliTest, WorldsReportRedshiftAndTrustChanges) {
  RunResult r = Run({"diff", "fixtures/diff/world-old", "fixtures/diff/world-new", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  json j = json::parse(r.out);
  EXPECT_TRUE(j["exact"].get<bool>());
  const json& rs = j["redshift"];
  ASSERT_EQ(rs["new_access"].size(), 2u) << rs.dump(2);
  ASSERT_EQ(rs["removed_access"].size(), 2u);
  for (const json& c : rs["new_access"]) EXPECT_EQ(c["user"], "user3");
  for (const json& c : rs["removed_access"]) EXPECT_EQ(c["user"], "user2");
  ASSERT_EQ(j["roles"].size(), 1u);
  EXPECT_EQ(j["roles"][0]["role_arn"], "arn:aws:iam::123456789012:role/RedshiftCopyUnloadExternalId");
  EXPECT_EQ(Run({"diff", "fixtures/diff/world-old", "fixtures/diff/world-new", "--fail-on",
                 "new-access"}).exit_code, 1);
  EXPECT_EQ(Run({"diff", "fixtures/diff/world-old", "fixtures/diff/world-old", "--fail-on",
                 "any-change"}).exit_code, 0);
}

TEST_F(DiffCliTest, BadInputIsExitTwoWithLocation) {
  std::string bad = TempFile("bad.json", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",}]}");
  RunResult r = Run({"diff", kPlain, bad});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("bad.json:1:"));
  EXPECT_EQ(Run({"diff", kPlain, "no-such-file.json"}).exit_code, 2);
  RunResult mixed = Run({"diff", kPlain, "fixtures/diff/world-old"});
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_THAT(mixed.err, HasSubstr("both be trust policies or both be worlds"));
  RunResult arn = Run({"diff", kPlain, kExternalId, "--role-arn", "arn:aws:s3:::bucket"});
  EXPECT_EQ(arn.exit_code, 2);
  EXPECT_THAT(arn.err, HasSubstr("invalid role ARN"));
}

TEST_F(DiffCliTest, UndecidedFragmentFailsClosed) {
  std::string a = TempFile("a.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole",
    "Condition":{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}}]})");
  RunResult r = Run({"diff", a, a, "--fail-on", "new-access"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("NOT DECIDED EXACTLY"));
  EXPECT_THAT(r.err, HasSubstr("cannot prove"));
}

}  // namespace
