// ClassifyStsAction (docs/semantics.md E4-STS, issue 18): only role assumption needs a trust
// policy; GetCallerIdentity and GetSessionToken need no permission; the others are identity-only.
#include <gtest/gtest.h>

#include "engine/sts/assume_role.h"

namespace redtrust {
namespace {

TEST(ClassifyStsAction, RoleAssumptionFamily) {
  for (const char* a : {"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
                        "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext",
                        "STS:assumerole", "sts:SomethingNew"}) {
    EXPECT_EQ(ClassifyStsAction(a), StsActionKind::kRoleAssumption) << a;
  }
}

TEST(ClassifyStsAction, OtherStsActions) {
  EXPECT_EQ(ClassifyStsAction("sts:GetCallerIdentity"), StsActionKind::kCallerIdentity);
  EXPECT_EQ(ClassifyStsAction("sts:getcalleridentity"), StsActionKind::kCallerIdentity);
  EXPECT_EQ(ClassifyStsAction("sts:GetSessionToken"), StsActionKind::kSessionToken);
  for (const char* a : {"sts:GetFederationToken", "sts:GetAccessKeyInfo",
                        "sts:DecodeAuthorizationMessage", "sts:GetServiceBearerToken",
                        "sts:AssumeRoot"}) {
    EXPECT_EQ(ClassifyStsAction(a), StsActionKind::kIdentityOnly) << a;
  }
}

TEST(ClassifyStsAction, NotSts) {
  EXPECT_EQ(ClassifyStsAction("kms:Decrypt"), StsActionKind::kNotSts);
  EXPECT_EQ(ClassifyStsAction("s3:GetObject"), StsActionKind::kNotSts);
  EXPECT_EQ(ClassifyStsAction("sts"), StsActionKind::kNotSts);
  EXPECT_EQ(ClassifyStsAction(""), StsActionKind::kNotSts);
  EXPECT_EQ(ClassifyStsAction("ssts:AssumeRole"), StsActionKind::kNotSts);
}

}  // namespace
}  // namespace redtrust
