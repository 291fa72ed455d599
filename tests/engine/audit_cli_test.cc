// Issue 12, CLI items: the library halves of the fixes (the one region table and check, the one
// IAM ARN validator, escaping for terminals, `eval`'s checks of regions and role ARNs, blank
// lines). The command-line halves: tests/e2e/audit_cli_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "engine/base/diagnostic.h"
#include "tools/questions/eval_json.h"
#include "engine/policy/arn.h"

namespace redtrust {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(AuditCliRegions, TableHasThePartitionsRegions) {
  EXPECT_EQ(KnownRegions("aws").size(), 34u);
  EXPECT_EQ(KnownRegions("aws-cn").size(), 2u);
  EXPECT_EQ(KnownRegions("aws-us-gov").size(), 2u);
  for (const char* r : {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-7", "mx-central-1",
                        "ap-east-2", "ca-west-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
                        "us-gov-east-1"}) {
    EXPECT_EQ(ClassifyRegion(r), RegionStatus::kKnown) << r;
    EXPECT_EQ(RegionProblem(ClassifyRegion(r), false), nullptr) << r;
  }
  // Every table entry is a region name of the partition it is filed under.
  for (const char* p : {"aws", "aws-cn", "aws-us-gov"}) {
    for (std::string_view r : KnownRegions(p)) EXPECT_EQ(PartitionOfRegion(r), p) << r;
  }
}

TEST(AuditCliRegions, UnknownRegionIsRefusedUnlessAllowed) {
  // `eu-west-99` has a region's shape but AWS has no such region: the audit's reproducer.
  EXPECT_EQ(ClassifyRegion("eu-west-99"), RegionStatus::kUnknown);
  EXPECT_EQ(ClassifyRegion("us-gov-north-1"), RegionStatus::kUnknown);
  const char* why = RegionProblem(RegionStatus::kUnknown, false);
  ASSERT_NE(why, nullptr);
  EXPECT_THAT(why, HasSubstr("unknown region"));
  EXPECT_EQ(RegionProblem(RegionStatus::kUnknown, true), nullptr);
  // Allowing unknown regions never admits a malformed name or an unmodelled partition.
  EXPECT_EQ(ClassifyRegion("mars-1"), RegionStatus::kNotARegionName);
  EXPECT_EQ(ClassifyRegion(""), RegionStatus::kNotARegionName);
  EXPECT_NE(RegionProblem(RegionStatus::kNotARegionName, true), nullptr);
  EXPECT_EQ(ClassifyRegion("us-iso-east-1"), RegionStatus::kUnmodelledPartition);
  EXPECT_NE(RegionProblem(RegionStatus::kUnmodelledPartition, true), nullptr);
}

TEST(AuditCliIamArn, RoleNameLengthAndEmptyName) {
  std::string why;
  EXPECT_FALSE(ParseIamArn("arn:aws:iam::123456789012:role/", "role", &why));
  EXPECT_EQ(why, "the name must have 1 to 64 characters");
  EXPECT_FALSE(ParseIamArn("arn:aws:iam::123456789012:role/" + std::string(65, 'r'), "role", &why));
  EXPECT_EQ(why, "the name must have 1 to 64 characters");
  auto ok = ParseIamArn("arn:aws:iam::123456789012:role/p/" + std::string(64, 'r'), "role", &why);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->path, "/p/");
  EXPECT_EQ(ok->name, std::string(64, 'r'));
  EXPECT_FALSE(ParseIamArn("arn:aws:iam::123456789012:role/a b", "role", &why));
  EXPECT_FALSE(ParseIamArn("arn:aws:iam::123456789012:user/u", "role", &why));
}

TEST(AuditCliSanitize, EscapesEverythingATerminalActsOn) {
  EXPECT_EQ(SanitizeForMessage("\x1b[31mred"), "\\u001b[31mred");
  // C1 CSI as UTF-8 (U+009B) and as a lone byte (not UTF-8): both escaped, never raw.
  EXPECT_EQ(SanitizeForMessage("a\xC2\x9B" "b"), "a\\u009bb");
  EXPECT_EQ(SanitizeForMessage("a\x9b" "b"), "a\\x9bb");
  EXPECT_EQ(SanitizeForMessage("caf\xC3\xA9"), "caf\xC3\xA9");  // printable UTF-8 stays
  EXPECT_EQ(SanitizeForMessage("\xE2\x82"), "\\xe2\\x82");      // truncated sequence
  // Bidi controls reorder what a terminal shows (U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI).
  EXPECT_EQ(SanitizeForMessage("a\xE2\x80\xAE" "b"), "a\\u202eb");
  EXPECT_EQ(SanitizeForMessage("a\xE2\x81\xA6" "b"), "a\\u2066b");
  EXPECT_EQ(SanitizeForMessage("\xE2\x80\x94"), "\xE2\x80\x94");  // an em dash stays
  // Cut at 100 bytes by default; npos escapes without cutting.
  EXPECT_EQ(SanitizeForMessage(std::string(5000, 'p')), std::string(100, 'p') + "...");
  EXPECT_EQ(SanitizeForMessage(std::string(5000, 'p'), std::string::npos), std::string(5000, 'p'));
}

// ---- eval

const std::string kTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
    R"("Action":"sts:AssumeRole"}]})";

std::string Line(const std::string& service, const std::string& resource) {
  return R"({"id":"x","principal":{"Service":")" + service +
         R"("},"action":"sts:AssumeRole","resource":")" + resource +
         R"(","resource_policy":)" + kTrust + "}";
}

TEST(AuditCliEval, UnknownRegionInServicePrincipalIsAnErrorLine) {
  const std::string role = "arn:aws:iam::123456789012:role/R";
  EvalSession strict;
  bool is_error = false;
  std::string out = strict.EvaluateLine(Line("redshift.eu-west-99.amazonaws.com", role), 1, &is_error);
  EXPECT_TRUE(is_error) << out;
  EXPECT_THAT(out, HasSubstr("unknown region"));
  EXPECT_THAT(out, Not(HasSubstr("\"allowed\"")));
  out = strict.EvaluateLine(Line("redshift.us-west-2.amazonaws.com", role), 2, &is_error);
  EXPECT_FALSE(is_error) << out;
  out = strict.EvaluateLine(Line("redshift.amazonaws.com", role), 3, &is_error);
  EXPECT_FALSE(is_error) << out;
  EvalSessionOptions o;
  o.allow_unknown_regions = true;
  EvalSession lenient(o);
  out = lenient.EvaluateLine(Line("redshift.eu-west-99.amazonaws.com", role), 1, &is_error);
  EXPECT_FALSE(is_error) << out;
  EXPECT_THAT(out, HasSubstr("\"decision\":\"allowed\""));
}

TEST(AuditCliEval, UnknownRegionInResourceArnIsAnErrorLine) {
  EvalSession s;
  bool is_error = false;
  std::string line = R"({"principal":{"AWS":"123456789012"},"action":"kms:Decrypt",)"
                     R"("resource":"arn:aws:kms:eu-west-99:123456789012:key/k"})";
  std::string out = s.EvaluateLine(line, 1, &is_error);
  EXPECT_TRUE(is_error) << out;
  EXPECT_THAT(out, HasSubstr("unknown region"));
}

TEST(AuditCliEval, RoleThatCannotExistIsDeniedNeverAllowed) {
  // A trust policy that allows everyone; a role ARN IAM could not have created (empty name, a
  // 65-character name): STS answers AccessDenied for a role that does not exist (S1).
  EvalSession s;
  bool is_error = false;
  for (const std::string& bad : {std::string("arn:aws:iam::123456789012:role/"),
                                 "arn:aws:iam::123456789012:role/" + std::string(65, 'r')}) {
    std::string out = s.EvaluateLine(Line("redshift.amazonaws.com", bad), 1, &is_error);
    EXPECT_FALSE(is_error) << out;
    EXPECT_THAT(out, HasSubstr("\"decision\":\"implicitDeny\"")) << out;
  }
  std::string out = s.EvaluateLine(
      Line("redshift.amazonaws.com", "arn:aws:iam::123456789012:role/" + std::string(64, 'r')), 1,
      &is_error);
  EXPECT_THAT(out, HasSubstr("\"decision\":\"allowed\"")) << out;
}

TEST(AuditCliEval, BlankLineGetsAnErrorLine) {
  // The output-line-per-input-line contract: a blank line is answered, with an error.
  EvalSession s;
  bool is_error = false;
  std::string out = s.EvaluateLine("", 7, &is_error);
  EXPECT_TRUE(is_error);
  EXPECT_THAT(out, HasSubstr("request.empty_line"));
  EXPECT_THAT(out, HasSubstr("\"line\":7"));
  out = s.EvaluateLine(" \t", 8, &is_error);
  EXPECT_TRUE(is_error);
}

}  // namespace
}  // namespace redtrust
