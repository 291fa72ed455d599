// End-to-end regression tests for issue 12 ("fail closed everywhere"), `redtrust diff` part:
// each finding of the outside audit, run the way a user runs it, with fixtures/diff/audit/.
// Every witness printed is replayed through `redtrust eval` with OLD and with NEW.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "../support/run_binary.h"

namespace {

using redtrust::testing_support::RunResult;
using ::testing::HasSubstr;
using json = nlohmann::json;

class DiffAuditCliTest : public redtrust::testing_support::BinaryTest {
 protected:
  static std::string Path(const std::string& name) { return "fixtures/diff/audit/" + name; }

  // `diff --json`; every witness replays through `eval` as the class says. Returns the JSON.
  json DiffAndReplay(const std::string& old_name, const std::string& new_name) {
    RunResult r = Run({"diff", Path(old_name), Path(new_name), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r;
    json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << r;
    if (j.is_discarded()) return j;
    for (const char* kind : {"new_access", "removed_access"}) {
      for (const json& c : j[kind]) {
        const json& w = c["witness"];
        for (auto [name, side] : {std::pair{old_name, "old"}, {new_name, "new"}}) {
          json req = w;
          req["resource_policy"] = json::parse(redtrust::testing_support::ReadFile(
              std::string(REDTRUST_SOURCE_DIR) + "/" + Path(name)));
          std::string path = TempFile("req.jsonl", req.dump() + "\n");
          RunResult e = Run({"eval", path});
          EXPECT_EQ(e.exit_code, 0) << e << "\n" << req.dump();
          json out = json::parse(e.out, nullptr, false);
          EXPECT_EQ(out["decision"], c[side]["decision"])
              << side << " " << name << "\n" << req.dump() << "\n" << e.out;
        }
      }
    }
    return j;
  }
};

TEST_F(DiffAuditCliTest, NumbersBetweenThresholdsAreAChange) {
  json j = DiffAndReplay("mfa-old.json", "mfa-new.json");
  EXPECT_TRUE(j["exact"].get<bool>());
  ASSERT_GE(j["new_access"].size(), 1u) << j.dump(1);
  EXPECT_EQ(Run({"diff", Path("mfa-old.json"), Path("mfa-new.json"), "--fail-on", "new-access"})
                .exit_code,
            1);
  json k = DiffAndReplay("mfa-ge1.json", "mfa-gt0.json");
  ASSERT_GE(k["new_access"].size(), 1u) << k.dump(1);
}

TEST_F(DiffAuditCliTest, LargeThresholdsKeepTheClassBelow) {
  json j = DiffAndReplay("big-lt.json", "big-ge.json");
  EXPECT_TRUE(j["exact"].get<bool>());
  ASSERT_GE(j["removed_access"].size(), 1u) << j.dump(1);
  ASSERT_GE(j["new_access"].size(), 1u) << j.dump(1);
  EXPECT_EQ(Run({"diff", Path("big-lt.json"), Path("big-ge.json"), "--fail-on", "removed-access"})
                .exit_code,
            1);
}

TEST_F(DiffAuditCliTest, OtherAddressFamilyIsAChange) {
  json j = DiffAndReplay("ip-any-v4.json", "ip-not-10.json");
  EXPECT_TRUE(j["exact"].get<bool>());
  bool v6 = false;
  for (const json& c : j["new_access"]) {
    v6 = v6 || c["witness"]["context"]["aws:SourceIp"].get<std::string>().find(':') !=
                   std::string::npos;
  }
  EXPECT_TRUE(v6) << j.dump(1);
  EXPECT_EQ(Run({"diff", Path("ip-any-v4.json"), Path("ip-not-10.json"), "--fail-on",
                 "new-access"})
                .exit_code,
            1);
}

TEST_F(DiffAuditCliTest, SingleValueOfASetOperatorKeyIsAChange) {
  json j = DiffAndReplay("tag-single.json", "tag-any.json");
  EXPECT_TRUE(j["exact"].get<bool>());
  bool single_data = false;
  for (const json& c : j["removed_access"]) {
    const json& v = c["witness"]["context"]["aws:PrincipalTag/team"];
    single_data = single_data || (v.is_string() && v == "data");
  }
  EXPECT_TRUE(single_data) << j.dump(1);
  EXPECT_EQ(Run({"diff", Path("tag-single.json"), Path("tag-any.json"), "--fail-on",
                 "removed-access"})
                .exit_code,
            1);
}

TEST_F(DiffAuditCliTest, JsonNeverAbortsOnWitnessText) {
  // Before: exit 134 (nlohmann type_error.316 on a witness value that is not UTF-8).
  // OLD allows a tag value with no UTF-8 unit (or none), NEW only none: no text is such a value.
  json j = DiffAndReplay("tag-no-unit.json", "tag-absent.json");
  EXPECT_TRUE(j["exact"].get<bool>());
  EXPECT_EQ(j["new_access"].size() + j["removed_access"].size(), 0u) << j.dump(1);
  json k = DiffAndReplay("tag-no-unit.json", "any-caller.json");
  EXPECT_TRUE(k["exact"].get<bool>());
  EXPECT_GE(k["new_access"].size(), 1u);
}

TEST_F(DiffAuditCliTest, WitnessesAreEvalLines) {
  // No fields eval rejects (principal_arn, identity_policies_allow); the role path is kept.
  json j = DiffAndReplay("etl-path.json", "nobody.json");
  ASSERT_GE(j["removed_access"].size(), 1u);
  bool path = false;
  for (const json& c : j["removed_access"]) {
    const json& w = c["witness"];
    EXPECT_FALSE(w.contains("principal_arn"));
    EXPECT_FALSE(w.contains("identity_policies_allow"));
    if (w["principal"].contains("AWS")) {
      path = path || w["principal"]["AWS"].get<std::string>().find(":role/etl/") !=
                         std::string::npos;
    }
  }
  EXPECT_TRUE(path) << j.dump(1);
  // Identity policies are written as eval reads them.
  json g = DiffAndReplay("any-caller.json", "nobody.json");
  bool identity = false;
  for (const json& c : g["removed_access"]) identity = identity || c["witness"].contains("identity_policies");
  EXPECT_TRUE(identity) << g.dump(1);
}

TEST_F(DiffAuditCliTest, FiftySixKeysAreDecided) {
  // Ran past 120 s before (exponential in the keys).
  json j = DiffAndReplay("tags56-old.json", "tags56-new.json");
  EXPECT_TRUE(j["exact"].get<bool>());
  EXPECT_GE(j["new_access"].size(), 1u);
  EXPECT_GE(j["removed_access"].size(), 1u);
}

TEST_F(DiffAuditCliTest, ExhaustedBudgetFailsClosedAndSaysSo) {
  // Forty Allow statements, each on its own key: the outcome names the statements that apply,
  // so the parts are too many for the budget. The gate must fail, and the output say why.
  std::string st;
  for (int i = 0; i < 40; ++i) {
    st += std::string(i ? "," : "") +
          R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole",)"
          R"("Condition":{"StringEquals":{"aws:PrincipalTag/k)" + std::to_string(i) + R"(":"v"}}})";
  }
  std::string a = TempFile("a.json", R"({"Version":"2012-10-17","Statement":[)" + st + "]}");
  std::string b = TempFile("b.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",)"
                                     R"("Principal":{"AWS":"*"},"Action":"sts:TagSession"},)" + st + "]}");
  RunResult r = Run({"diff", a, b, "--fail-on", "new-access", "--max-policy-chars", "0"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("NOT DECIDED EXACTLY"));
  EXPECT_THAT(r.out, HasSubstr("NOT ruled out"));
  EXPECT_THAT(r.err, HasSubstr("cannot prove"));
}

TEST_F(DiffAuditCliTest, LongStarPatternEndsWithinTheBounds) {
  // 16k stars with the quota off: 1.77 GB before. Now bounded; the diff says what it did not
  // decide, and the gate fails closed.
  std::string pattern;
  for (int i = 0; i < 16000; ++i) pattern += "*a";
  std::string a = TempFile("star.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                        R"("Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole",)"
                                        R"("Condition":{"StringLike":{"aws:PrincipalTag/t":")" + pattern + R"("}}}]})");
  RunResult r = Run({"diff", Path("any-caller.json"), a, "--max-policy-chars", "0", "--fail-on",
                     "new-access"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_THAT(r.out, HasSubstr("NOT DECIDED EXACTLY"));
}

}  // namespace
