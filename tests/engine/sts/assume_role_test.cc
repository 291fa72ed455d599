#include "engine/sts/assume_role.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace redtrust {
namespace {

using ::testing::HasSubstr;

TEST(AssumeRoleParams, ExternalIdPatternAndLength) {  // rule S3
  EXPECT_TRUE(MatchesExternalIdPattern("arn:aws:redshift:us-west-2:123456789012:dbuser:c/u_1+=,.@-"));
  EXPECT_FALSE(MatchesExternalIdPattern("arn:aws:redshift:us-west-2:123456789012:dbuser:c/bob smith"));
  EXPECT_FALSE(MatchesExternalIdPattern("a$b"));
  EXPECT_FALSE(MatchesExternalIdPattern("caf\xc3\xa9"));  // \w is ASCII
  AssumeRoleParams p;
  p.role_arn = "arn:aws:iam::123456789012:role/R";
  p.external_id = "x";
  auto v = CheckAssumeRoleParams(p);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(ValidationErrorMessage(v),
            "1 validation error detected: Value 'x' at 'externalId' failed to satisfy constraint: "
            "Member must have length greater than or equal to 2");
  p.external_id = std::string(1225, 'a');
  EXPECT_THAT(ValidationErrorMessage(CheckAssumeRoleParams(p)), HasSubstr("less than or equal to 1224"));
}

TEST(AssumeRoleParams, SeveralViolationsAreCounted) {  // rule S5
  AssumeRoleParams p;
  p.role_arn = "short";
  p.role_session_name = "Power User/x";
  auto v = CheckAssumeRoleParams(p);
  EXPECT_EQ(v.size(), 2u);
  EXPECT_THAT(ValidationErrorMessage(v), HasSubstr("2 validation errors detected: "));
  EXPECT_THAT(ValidationErrorMessage(v), HasSubstr("at 'roleSessionName'"));
}

TEST(AssumeRoleParams, AccessDeniedText) {  // rule S6
  EXPECT_EQ(AccessDeniedMessage("arn:aws:sts::111122223333:assumed-role/A/s", "sts:AssumeRole",
                                "arn:aws:iam::123456789012:role/B",
                                " because no role trust policy allows the sts:AssumeRole action"),
            "User: arn:aws:sts::111122223333:assumed-role/A/s is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/B because no role trust "
            "policy allows the sts:AssumeRole action");
}

TEST(RedshiftDbUserArn, PartitionFromRegion) {  // rules R1, R6
  EXPECT_EQ(RedshiftDbUserArn("us-west-2", "123456789012", "my-cluster", "user1"),
            "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1");
  EXPECT_EQ(RedshiftDbUserArn("cn-north-1", "123456789012", "c", "u"),
            "arn:aws-cn:redshift:cn-north-1:123456789012:dbuser:c/u");
  EXPECT_EQ(RedshiftDbUserArn("us-gov-west-1", "123456789012", "c", "u"),
            "arn:aws-us-gov:redshift:us-gov-west-1:123456789012:dbuser:c/u");
}

}  // namespace
}  // namespace redtrust
