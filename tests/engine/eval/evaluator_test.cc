#include "engine/eval/evaluator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/eval/explain.h"
#include "engine/policy/reader.h"

namespace redtrust {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const CompiledPolicy> Compile(const std::string& text, PolicyKind kind,
                                              const std::string& id = "p") {
  ParsedPolicy p = ParsePolicy(text, kind);
  EXPECT_TRUE(p.ok()) << (p.diagnostics.empty() ? "" : p.diagnostics[0].message);
  auto c = CompiledPolicy::Compile(p.doc, kind, id);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return *c;
}

Request ServiceRequest(const std::string& service, const std::string& external_id) {
  Request r;
  r.caller = *ParseServiceCaller(service);
  r.action = "sts:AssumeRole";
  r.resource = "arn:aws:iam::123456789012:role/R";
  r.resource_partition = "aws";
  r.resource_account = "123456789012";
  if (!external_id.empty()) r.context.Set("sts:ExternalId", {external_id}, false);
  return r;
}

Request AwsRequest(const std::string& principal) {
  Request r;
  r.caller = *ParseAwsCaller(principal, "aws");
  r.action = "sts:AssumeRole";
  r.resource = "arn:aws:iam::123456789012:role/R";
  r.resource_partition = "aws";
  r.resource_account = "123456789012";
  return r;
}

const char* kGuideExternalId = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole",
 "Condition":{"StringEquals":{"sts:ExternalId":[
   "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1",
   "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user2"]}}}]})";

TEST(Authorize, GuideExternalIdAllowsListedUser) {
  auto p = Compile(kGuideExternalId, PolicyKind::kTrust);
  Decision d = Authorize(ServiceRequest("redshift.us-west-2.amazonaws.com",
                                        "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user2"),
                         p.get(), {});
  EXPECT_EQ(d.effect, Effect::kAllowed);
  ASSERT_EQ(d.matched.size(), 1u);
  EXPECT_EQ(d.matched[0].index, 0u);
  EXPECT_EQ(d.matched[0].pos.line, 1u);
}

TEST(Authorize, GuideExternalIdDeniesOtherUserAndExplainsValues) {
  auto p = Compile(kGuideExternalId, PolicyKind::kTrust);
  EvalOptions o;
  o.trace = true;
  Decision d = Authorize(ServiceRequest("redshift.us-west-2.amazonaws.com",
                                        "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user3"),
                         p.get(), {}, o);
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
  EXPECT_TRUE(d.matched.empty());
  std::string why;
  for (const auto& l : ExplainDecision(d)) why += l + "\n";
  EXPECT_THAT(why, HasSubstr("my-cluster/user3"));
  EXPECT_THAT(why, HasSubstr("StringEquals"));
  EXPECT_THAT(why, HasSubstr("my-cluster/user1"));
}

TEST(Authorize, UppercaseNameNeverMatchesFoldedUser) {  // rule R5
  auto p = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole",
    "Condition":{"StringEquals":{"sts:ExternalId":"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/User1"}}}]})",
                   PolicyKind::kTrust);
  Decision d = Authorize(ServiceRequest("redshift.us-west-2.amazonaws.com",
                                        "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1"),
                         p.get(), {});
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
}

TEST(Authorize, RegionalPrincipalRuleM9) {
  auto regional = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"Service":["redshift.us-east-1.amazonaws.com","redshift.us-west-2.amazonaws.com"]},
    "Action":"sts:AssumeRole"}]})", PolicyKind::kTrust);
  auto global = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]})", PolicyKind::kTrust);
  EXPECT_EQ(Authorize(ServiceRequest("redshift.us-west-2.amazonaws.com", ""), regional.get(), {}).effect,
            Effect::kAllowed);
  EXPECT_EQ(Authorize(ServiceRequest("redshift.eu-west-1.amazonaws.com", ""), regional.get(), {}).effect,
            Effect::kImplicitDeny);
  // The global caller matches only the global entry.
  EXPECT_EQ(Authorize(ServiceRequest("redshift.amazonaws.com", ""), regional.get(), {}).effect,
            Effect::kImplicitDeny);
  EXPECT_EQ(Authorize(ServiceRequest("redshift.eu-west-1.amazonaws.com", ""), global.get(), {}).effect,
            Effect::kAllowed);
}

TEST(Authorize, ExplicitDenyWinsAndListsOnlyDenies) {
  auto p = Compile(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"A","Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"},
    {"Sid":"D","Effect":"Deny","Principal":"*","Action":"sts:*",
     "Condition":{"StringNotLike":{"sts:ExternalId":"arn:aws:redshift:*:123456789012:dbuser:*"}}}]})",
                   PolicyKind::kTrust);
  Decision d = Authorize(ServiceRequest("redshift.us-west-2.amazonaws.com",
                                        "arn:aws:redshift:us-west-2:999999999999:dbuser:c/u"),
                         p.get(), {});
  EXPECT_EQ(d.effect, Effect::kExplicitDeny);
  ASSERT_EQ(d.matched.size(), 1u);
  EXPECT_EQ(d.matched[0].sid, "D");
  // Missing ExternalId: a negated operator on a missing key is true (rule C3), so the
  // Deny applies.
  Decision missing = Authorize(ServiceRequest("redshift.us-west-2.amazonaws.com", ""), p.get(), {});
  EXPECT_EQ(missing.effect, Effect::kExplicitDeny);
}

TEST(Authorize, SameAccountDirectTrustNeedsNoIdentityPolicy) {  // rule E5(a)
  auto trust = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::123456789012:role/path/A"},"Action":"sts:AssumeRole"}]})",
                       PolicyKind::kTrust);
  Decision d = Authorize(AwsRequest("arn:aws:sts::123456789012:assumed-role/A/s1"), trust.get(), {});
  EXPECT_EQ(d.effect, Effect::kAllowed);
}

TEST(Authorize, AccountLevelTrustNeedsIdentityPolicy) {  // rules E5(b), M5
  auto trust = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]})", PolicyKind::kTrust);
  auto identity = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/R"}]})",
                          PolicyKind::kIdentity, "identity");
  Request r = AwsRequest("arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(Authorize(r, trust.get(), {}).effect, Effect::kImplicitDeny);
  Decision d = Authorize(r, trust.get(), {identity.get()});
  EXPECT_EQ(d.effect, Effect::kAllowed);
  EXPECT_EQ(d.matched.size(), 2u);
  // An account-level grant never matches a service principal (M5).
  EXPECT_EQ(Authorize(ServiceRequest("redshift.amazonaws.com", ""), trust.get(), {}).effect,
            Effect::kImplicitDeny);
}

TEST(Authorize, CrossAccountNeedsBothSides) {  // rule E6
  auto trust = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::210987654321:role/A"},"Action":"sts:AssumeRole"}]})",
                       PolicyKind::kTrust);
  auto identity = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/*"}]})",
                          PolicyKind::kIdentity, "identity");
  Request r = AwsRequest("arn:aws:sts::210987654321:assumed-role/A/RedshiftIamRoleSession");
  EXPECT_EQ(Authorize(r, trust.get(), {}).effect, Effect::kImplicitDeny);
  EXPECT_EQ(Authorize(r, trust.get(), {identity.get()}).effect, Effect::kAllowed);
  EXPECT_THAT(StsDenyReason(Authorize(r, trust.get(), {}), "sts:AssumeRole"),
              HasSubstr("no identity-based policy"));
}

TEST(Authorize, IdentityAloneNeverSufficesForAssumeRole) {  // rule E4
  auto identity = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"sts:AssumeRole","Resource":"*"}]})", PolicyKind::kIdentity, "identity");
  Decision d = Authorize(AwsRequest("arn:aws:iam::123456789012:user/alice"), nullptr, {identity.get()});
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
}

TEST(Conditions, IfExistsAndMissingKeys) {
  auto p = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole",
    "Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}}]})", PolicyKind::kTrust);
  Request r = ServiceRequest("redshift.us-west-2.amazonaws.com", "x1");
  Decision d = Authorize(r, p.get(), {});
  EXPECT_EQ(d.effect, Effect::kAllowed);
  EXPECT_THAT(d.missing_context_keys, ElementsAre("aws:SourceAccount"));
  r.context.Set("AWS:SourceAccount", {"999999999999"}, false);  // keys are case-insensitive
  EXPECT_EQ(Authorize(r, p.get(), {}).effect, Effect::kImplicitDeny);
}

TEST(Conditions, SetOperatorsAndMultivaluedKeys) {  // rules C4, C5
  auto any = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"sts:AssumeRole","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["team-*"]}}}]})",
                     PolicyKind::kTrust);
  auto all = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"sts:AssumeRole","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}}]})",
                     PolicyKind::kTrust);
  auto plain = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:TagKeys":"zzz"}}}]})",
                       PolicyKind::kTrust);
  Request r = AwsRequest("arn:aws:iam::123456789012:user/u");
  EXPECT_EQ(Authorize(r, all.get(), {}).effect, Effect::kAllowed);   // absent set: vacuous
  EXPECT_EQ(Authorize(r, any.get(), {}).effect, Effect::kImplicitDeny);
  r.context.Set("aws:TagKeys", {"a", "team-x"}, true);
  EXPECT_EQ(Authorize(r, any.get(), {}).effect, Effect::kAllowed);
  EXPECT_EQ(Authorize(r, all.get(), {}).effect, Effect::kImplicitDeny);
  // A plain negated operator on a multivalued key is false (C5).
  EXPECT_EQ(Authorize(r, plain.get(), {}).effect, Effect::kImplicitDeny);
}

TEST(Conditions, PolicyVariablesOnlyUnder2012) {  // rules V1, V6
  const char* body = R"("Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",
    "Condition":{"StringNotEquals":{"sts:ExternalId":"${aws:PrincipalTag/x}"}}}]})";
  auto v2012 = Compile(std::string(R"({"Version":"2012-10-17",)") + body, PolicyKind::kTrust);
  auto v2008 = Compile(std::string(R"({"Version":"2008-10-17",)") + body, PolicyKind::kTrust);
  Request r = AwsRequest("arn:aws:iam::123456789012:user/u");
  r.context.Set("sts:ExternalId", {"${aws:PrincipalTag/x}"}, false);
  // 2012: the variable has no value, so a negated operator matches (V6) -> allowed.
  EXPECT_EQ(Authorize(r, v2012.get(), {}).effect, Effect::kAllowed);
  // 2008: the text is literal and equals the request value -> not "not equal" -> denied.
  EXPECT_EQ(Authorize(r, v2008.get(), {}).effect, Effect::kImplicitDeny);
}

TEST(Conditions, DerivedKeysAndClock) {
  auto p = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"sts:AssumeRole","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-06-01T00:00:00Z"},
    "Bool":{"aws:PrincipalIsAWSService":"true"}}}]})", PolicyKind::kTrust);
  Request r = ServiceRequest("redshift.us-west-2.amazonaws.com", "");
  r.now_micros = 1767225600000000;  // 2026-01-01
  EXPECT_EQ(Authorize(r, p.get(), {}).effect, Effect::kAllowed);
  r.now_micros = 1798761600000000;  // 2027-01-01
  EXPECT_EQ(Authorize(r, p.get(), {}).effect, Effect::kImplicitDeny);
}

TEST(Conditions, ArnLikeIsPerSegment) {  // rule C12 worked example
  auto p = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}}]})",
                   PolicyKind::kTrust);
  Request r = AwsRequest("arn:aws:iam::123456789012:user/u");
  r.context.Set("aws:SourceArn",
                {"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"},
                false);
  EXPECT_EQ(Authorize(r, p.get(), {}).effect, Effect::kImplicitDeny);
  r.context.Set("aws:SourceArn", {"arn:aws:someservice:us-east-2:111122223333:finance/x:y"}, false);
  EXPECT_EQ(Authorize(r, p.get(), {}).effect, Effect::kAllowed);
}

TEST(Conditions, ManyLikeValuesUseOneSetAndKeepNegation) {  // C1 with a WildcardSet
  const std::string values =
      R"(["arn:aws:redshift:*:123456789012:dbuser:a-*/*", "arn:aws:redshift:*:123456789012:dbuser:b-*/*",
          "arn:aws:redshift:*:123456789012:dbuser:c-*/*", "arn:aws:redshift:*:123456789012:dbuser:d-*/etl",
          "arn:aws:redshift:us-west-2:123456789012:dbuser:${aws:PrincipalTag/c}/*"])";
  auto like = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":)" + values + "}}}]}",
                      PolicyKind::kTrust);
  auto not_like = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"sts:AssumeRole","Condition":{"StringNotLike":{"sts:ExternalId":)" + values + "}}}]}",
                          PolicyKind::kTrust);
  for (auto [id, in] : std::vector<std::pair<std::string, bool>>{
           {"arn:aws:redshift:us-west-2:123456789012:dbuser:b-1/u", true},
           {"arn:aws:redshift:us-west-2:123456789012:dbuser:d-1/etl", true},
           {"arn:aws:redshift:us-west-2:123456789012:dbuser:d-1/other", false},
           {"arn:aws:redshift:us-west-2:999999999999:dbuser:a-1/u", false}}) {
    Request r = ServiceRequest("redshift.us-west-2.amazonaws.com", id);
    EXPECT_EQ(Authorize(r, like.get(), {}).effect == Effect::kAllowed, in) << id;
    EXPECT_EQ(Authorize(r, not_like.get(), {}).effect == Effect::kAllowed, !in) << id;
  }
  // The variable value is matched on its own: with the tag it resolves, without it it cannot.
  Request tagged = ServiceRequest("redshift.us-west-2.amazonaws.com",
                                  "arn:aws:redshift:us-west-2:123456789012:dbuser:z*/u");
  tagged.context.Set("aws:PrincipalTag/c", {"z*"}, false);
  EXPECT_EQ(Authorize(tagged, like.get(), {}).effect, Effect::kAllowed);  // literal `z*` (V7)
}

}  // namespace
}  // namespace redtrust
