// Authorize: the KMS key-policy rule (K-KMS), STS actions other than role assumption (E4-STS),
// malformed ARN policy values (C12) and NotResource with an unresolved variable (V6-NR) — the
// rules of issue 18. The request-level cases are in fixtures/conformance/; these check what the
// eval line cannot show (reasons, deny_by, the trust policy set aside).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/eval/evaluator.h"
#include "engine/policy/reader.h"

namespace redtrust {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const CompiledPolicy> Compile(const std::string& text, PolicyKind kind,
                                              const std::string& id = "p") {
  ParsedPolicy p = ParsePolicy(text, kind);
  EXPECT_TRUE(p.ok()) << (p.diagnostics.empty() ? "" : p.diagnostics[0].message);
  auto c = CompiledPolicy::Compile(p.doc, kind, id);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return *c;
}

Request Req(const std::string& principal, const std::string& action, const std::string& resource,
            const std::string& account = "123456789012") {
  Request r;
  r.caller = *ParseAwsCaller(principal, "aws");
  r.action = action;
  r.resource = resource;
  r.resource_partition = "aws";
  r.resource_account = account;
  return r;
}

constexpr const char* kUser = "arn:aws:iam::123456789012:user/u";
constexpr const char* kKey = "arn:aws:kms:us-east-1:123456789012:key/1234";
constexpr const char* kAllowDescribe =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*"}]})";

TEST(KeyPolicy, IdentityAllowAloneIsNotEnough) {
  auto id = Compile(kAllowDescribe, PolicyKind::kIdentity, "id");
  Decision d = Authorize(Req(kUser, "kms:DescribeKey", kKey), nullptr, {id.get()});
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
  EXPECT_EQ(d.deny_by, Decision::DenyBy::kResource);
  EXPECT_THAT(d.reason, HasSubstr("K-KMS"));
}

TEST(KeyPolicy, KeyPolicyWithoutRootDoesNotEnableIam) {
  auto key = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::123456789012:user/admin"},"Action":"kms:*","Resource":"*"}]})",
                     PolicyKind::kResource, "key");
  auto id = Compile(kAllowDescribe, PolicyKind::kIdentity, "id");
  Decision d = Authorize(Req(kUser, "kms:DescribeKey", kKey), key.get(), {id.get()});
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
  EXPECT_EQ(d.deny_by, Decision::DenyBy::kResource);
  EXPECT_TRUE(d.matched.empty());
}

TEST(KeyPolicy, RootDelegatesToIdentityPolicies) {
  auto key = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]})",
                     PolicyKind::kResource, "key");
  auto id = Compile(kAllowDescribe, PolicyKind::kIdentity, "id");
  EXPECT_EQ(Authorize(Req(kUser, "kms:DescribeKey", kKey), key.get(), {id.get()}).effect,
            Effect::kAllowed);
  Decision no_identity = Authorize(Req(kUser, "kms:DescribeKey", kKey), key.get(), {});
  EXPECT_EQ(no_identity.effect, Effect::kImplicitDeny);
  EXPECT_EQ(no_identity.deny_by, Decision::DenyBy::kIdentity);
}

TEST(KeyPolicy, OtherResourcesKeepTheSameAccountRule) {
  // A bucket policy naming someone else: the identity allow alone still suffices (EVAL).
  auto bucket = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::123456789012:user/admin"},"Action":"s3:*","Resource":"*"}]})",
                        PolicyKind::kResource, "bucket");
  auto id = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})",
                    PolicyKind::kIdentity, "id");
  Request r = Req(kUser, "s3:GetObject", "arn:aws:s3:::b/k");
  EXPECT_EQ(Authorize(r, bucket.get(), {id.get()}).effect, Effect::kAllowed);
  // And an alias is not a key.
  auto alias_id = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})",
                          PolicyKind::kIdentity, "id");
  EXPECT_EQ(Authorize(Req(kUser, "kms:CreateAlias", "arn:aws:kms:us-east-1:123456789012:alias/a"),
                      nullptr, {alias_id.get()})
                .effect,
            Effect::kAllowed);
}

TEST(StsActions, GetCallerIdentityCannotBeDenied) {
  auto deny = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})",
                      PolicyKind::kIdentity, "id");
  Decision d = Authorize(Req(kUser, "sts:GetCallerIdentity", "*"), nullptr, {deny.get()});
  EXPECT_EQ(d.effect, Effect::kAllowed);
  EXPECT_TRUE(d.matched.empty());
  EXPECT_THAT(d.reason, HasSubstr("GetCallerIdentity"));
  // Any caller, services included.
  Request svc;
  svc.caller = *ParseServiceCaller("redshift.amazonaws.com");
  svc.action = "sts:GetCallerIdentity";
  svc.resource = "*";
  EXPECT_EQ(Authorize(svc, nullptr, {}).effect, Effect::kAllowed);
}

TEST(StsActions, GetFederationTokenSetsATrustPolicyAside) {
  // A role trust policy has no say over GetFederationToken, neither its Allow nor its Deny.
  auto trust_allow = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::123456789012:user/u"},"Action":"sts:*"}]})",
                             PolicyKind::kTrust, "trust");
  auto trust_deny = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
    "Principal":{"AWS":"*"},"Action":"sts:*"}]})",
                            PolicyKind::kTrust, "trust");
  auto id = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetFederationToken","Resource":"*"}]})",
                    PolicyKind::kIdentity, "id");
  Request r = Req(kUser, "sts:GetFederationToken", "arn:aws:sts::123456789012:federated-user/bob");
  EXPECT_EQ(Authorize(r, trust_allow.get(), {}).effect, Effect::kImplicitDeny);
  Decision d = Authorize(r, trust_deny.get(), {id.get()});
  EXPECT_EQ(d.effect, Effect::kAllowed);
  ASSERT_EQ(d.matched.size(), 1u);
  EXPECT_EQ(d.matched[0].policy, "id");
}

TEST(StsActions, AssumeRoleKeepsE4) {
  auto id = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]})",
                    PolicyKind::kIdentity, "id");
  Decision d = Authorize(Req(kUser, "sts:AssumeRole", "arn:aws:iam::123456789012:role/R"), nullptr,
                         {id.get()});
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
  EXPECT_EQ(d.deny_by, Decision::DenyBy::kTrust);
}

Request ServiceHop(const std::string& external_id) {
  Request r;
  r.caller = *ParseServiceCaller("redshift.us-west-2.amazonaws.com");
  r.action = "sts:AssumeRole";
  r.resource = "arn:aws:iam::123456789012:role/R";
  r.resource_partition = "aws";
  r.resource_account = "123456789012";
  r.context.Set("sts:ExternalId", {external_id}, false);
  return r;
}

std::string TrustWith(const std::string& condition) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":)" +
         condition + "}]}";
}

TEST(ArnPolicyValue, MalformedValueMakesNegatedOperatorFalse) {
  const std::string ext = "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1";
  for (const char* op : {"ArnNotLike", "ArnNotEquals"}) {
    auto p = Compile(TrustWith(std::string(R"({")") + op + R"(":{"sts:ExternalId":"arn:::bucket-name"}})"),
                     PolicyKind::kTrust);
    EXPECT_EQ(Authorize(ServiceHop(ext), p.get(), {}).effect, Effect::kImplicitDeny) << op;
  }
  auto ok = Compile(TrustWith(R"({"ArnNotLike":{"sts:ExternalId":"arn:aws:redshift:*:*:dbuser:other/*"}})"),
                    PolicyKind::kTrust);
  EXPECT_EQ(Authorize(ServiceHop(ext), ok.get(), {}).effect, Effect::kAllowed);
}

TEST(ArnPolicyValue, TraceSaysWhy) {
  auto p = Compile(TrustWith(R"({"ArnNotLike":{"sts:ExternalId":"arn:::bucket-name"}})"), PolicyKind::kTrust);
  EvalOptions o;
  o.trace = true;
  Decision d = Authorize(ServiceHop("arn:aws:redshift:us-west-2:1:dbuser:c/u"), p.get(), {}, o);
  ASSERT_EQ(d.policies.size(), 1u);
  ASSERT_EQ(d.policies[0].trace.size(), 1u);
  ASSERT_EQ(d.policies[0].trace[0].conditions.size(), 1u);
  EXPECT_THAT(d.policies[0].trace[0].conditions[0].note, HasSubstr("not an ARN"));
}

TEST(ArnPolicyValue, UnresolvedVariableStaysANonMatch) {
  // V6: an unresolved variable is "no match", so ArnNotLike stays true (unlike a malformed value).
  auto p = Compile(TrustWith(R"({"ArnNotLike":{"sts:ExternalId":"arn:aws:redshift:*:${aws:SourceAccount}:dbuser:*"}})"),
                   PolicyKind::kTrust);
  EXPECT_EQ(Authorize(ServiceHop("arn:aws:redshift:us-west-2:1:dbuser:c/u"), p.get(), {}).effect,
            Effect::kAllowed);
}

}  // namespace
}  // namespace redtrust
