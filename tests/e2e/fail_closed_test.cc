// Fail closed, end to end (issue 6 §3): a trust policy that fails validation never produces
// ALLOW from `redtrust can`, in text or JSON form, although the unbroken policy allows the
// question. Each case breaks an allow-everything trust policy the way users break policies.
// `eval` lines and the world loader: tests/engine/property/, tests/sim/property/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "../support/run_binary.h"

namespace {

using redtrust::testing_support::BinaryTest;
using redtrust::testing_support::RunResult;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kGood =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":"*",)"
    R"("Action":"*","Condition":{"StringLike":{"sts:ExternalId":"*"}}}]})";

// {name, from, to}: kGood with the first `from` replaced by `to`.
const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> kBroken = {
    {"lowercase-effect", {"\"Allow\"", "\"allow\""}},
    {"unknown-statement-key", {"\"Effect\"", "\"Efect\":1,\"Effect\""}},
    {"resource-in-trust", {"\"Action\"", "\"Resource\":\"*\",\"Action\""}},
    {"not-principal-in-trust", {"\"Principal\"", "\"NotPrincipal\""}},
    {"misspelt-operator", {"StringLike", "StringLik"}},
    {"duplicate-key", {"\"Sid\":\"All\"", "\"Sid\":\"All\",\"Sid\":\"B\""}},
    {"bad-version", {"2012-10-17", "2012-10-18"}},
    {"empty-action", {"\"Action\":\"*\"", "\"Action\":[]"}},
    {"bad-sid", {"\"Sid\":\"All\"", "\"Sid\":\"A l\""}},
    {"truncated", {"}}}]}", "}}}"}},
    {"trailing-comma", {"]}", ",]}"}},
    {"comment", {"{\"Version\"", "{/* x */\"Version\""}},
    {"no-statement", {"\"Statement\"", "\"Statements\""}},
    {"action-without-colon", {"\"Action\":\"*\"", "\"Action\":\"stsAssumeRole\""}},
};

class FailClosedTest : public BinaryTest {
 protected:
  RunResult Can(const std::string& policy, bool json) {
    std::vector<std::string> args = {"can",       "--trust-policy", policy,       "--user",
                                     "user1",     "--cluster",      "my-cluster", "--region",
                                     "us-west-2", "--account",      "123456789012"};
    if (json) args.push_back("--json");
    return Run(args);
  }
};

TEST_F(FailClosedTest, InvalidTrustPoliciesNeverAllowThroughCan) {
  RunResult control = Can(TempFile("good.json", kGood), false);
  ASSERT_EQ(control.exit_code, 0) << control;
  ASSERT_THAT(control.out, HasSubstr("ALLOW")) << control;
  for (const auto& [name, edit] : kBroken) {
    SCOPED_TRACE(name);
    std::string text = kGood;
    const size_t at = text.find(edit.first);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, edit.first.size(), edit.second);
    const std::string path = TempFile(name + ".json", text);
    for (bool json : {false, true}) {
      RunResult r = Can(path, json);
      EXPECT_EQ(r.exit_code, 2) << text << "\n" << r;
      EXPECT_THAT(r.out, Not(HasSubstr("ALLOW"))) << r;
      EXPECT_THAT(r.out, Not(HasSubstr("\"allowed\""))) << r;
    }
  }
}

}  // namespace
