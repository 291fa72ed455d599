// LintTrustPolicySecurity: each security.* code fires where it should, with its position, and
// stays quiet where it should not.
#include "engine/policy/security_lint.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/policy/reader.h"

namespace redtrust {
namespace {

std::string Dump(const Diagnostics& d) {
  std::string out;
  for (const Diagnostic& x : d) {
    out += "  " + std::to_string(x.pos.line) + ":" + std::to_string(x.pos.column) + " " +
           SeverityName(x.severity) + " " + x.code + " " + x.path + " | " + x.message + " | " +
           x.help + "\n";
  }
  return out;
}

// Parses (must be error-free) and returns only the security findings.
Diagnostics Lint(std::string_view text) {
  ParsedPolicy p = ParsePolicy(text, PolicyKind::kTrust);
  EXPECT_FALSE(HasErrors(p.diagnostics)) << Dump(p.diagnostics);
  Diagnostics d;
  LintTrustPolicySecurity(p.doc, &d);
  for (const Diagnostic& x : d) {
    EXPECT_EQ(x.code.rfind("security.", 0), 0u) << x.code;
    EXPECT_FALSE(x.help.empty()) << x.code;
    EXPECT_NE(x.severity, Severity::kError) << x.code;
    EXPECT_TRUE(x.pos.known()) << x.code;
  }
  return d;
}

Diagnostics WithCode(const Diagnostics& all, std::string_view code) {
  Diagnostics out;
  for (const Diagnostic& d : all) {
    if (d.code == code) out.push_back(d);
  }
  return out;
}

// A one-statement trust policy, one member per line so that positions are easy to state:
// line 1 `{"Version": ..., "Statement": [{`, line 2 Effect, line 3 Principal, line 4 Action,
// line 5 the rest (`condition`, may be empty).
std::string Policy(std::string_view principal, std::string_view condition = "",
                   std::string_view effect = "Allow", std::string_view principal_key = "Principal") {
  std::string s = "{\"Version\": \"2012-10-17\", \"Statement\": [{\n";
  s += "\"Effect\": \"" + std::string(effect) + "\",\n";
  s += "\"" + std::string(principal_key) + "\": " + std::string(principal) + ",\n";
  s += "\"Action\": \"sts:AssumeRole\"";
  if (!condition.empty()) s += ",\n\"Condition\": " + std::string(condition);
  s += "\n}]}\n";
  return s;
}

constexpr char kRedshift[] = R"({"Service": "redshift.amazonaws.com"})";
constexpr char kGuard[] =
    R"({"StringEquals": {"sts:ExternalId": "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1"}})";

TEST(SecurityLint, RedshiftServicePrincipalNames) {
  EXPECT_TRUE(IsRedshiftServicePrincipal("redshift.amazonaws.com"));
  EXPECT_TRUE(IsRedshiftServicePrincipal("redshift.us-west-2.amazonaws.com"));
  EXPECT_TRUE(IsRedshiftServicePrincipal("Redshift.Amazonaws.com"));
  EXPECT_FALSE(IsRedshiftServicePrincipal("redshift-serverless.amazonaws.com"));
  EXPECT_FALSE(IsRedshiftServicePrincipal("ec2.amazonaws.com"));
  EXPECT_FALSE(IsRedshiftServicePrincipal("redshift..amazonaws.com"));
  EXPECT_FALSE(IsRedshiftServicePrincipal("redshift.amazonaws.com.evil"));
}

TEST(SecurityLint, GuardedRedshiftPolicyIsClean) {
  Diagnostics d = Lint(Policy(kRedshift, kGuard));
  EXPECT_TRUE(d.empty()) << Dump(d);
}

TEST(SecurityLint, NoConfusedDeputyGuard) {
  Diagnostics d = Lint(Policy(kRedshift));
  ASSERT_EQ(d.size(), 1u) << Dump(d);
  EXPECT_EQ(d[0].code, "security.redshift_no_confused_deputy_guard");
  EXPECT_EQ(d[0].severity, Severity::kWarning);
  EXPECT_EQ(d[0].path, "/Statement/0/Principal/Service");
  EXPECT_EQ(d[0].pos.line, 3u);
  EXPECT_EQ(d[0].pos.column, 26u);
  EXPECT_NE(d[0].message.find("any user of any Redshift cluster"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].help.find("sts:ExternalId"), std::string::npos) << d[0].help;

  // Regional principal, in an array: the entry's position.
  Diagnostics r = Lint(Policy(R"({"Service": ["ec2.amazonaws.com", "redshift.eu-west-1.amazonaws.com"]})"));
  ASSERT_EQ(r.size(), 1u) << Dump(r);
  EXPECT_EQ(r[0].code, "security.redshift_no_confused_deputy_guard");
  EXPECT_EQ(r[0].path, "/Statement/0/Principal/Service/1");
  EXPECT_EQ(r[0].pos.line, 3u);
  EXPECT_EQ(r[0].pos.column, 48u);

  // A condition on some other key is no guard.
  Diagnostics o = Lint(Policy(kRedshift, R"({"Bool": {"aws:SecureTransport": "true"}})"));
  EXPECT_EQ(WithCode(o, "security.redshift_no_confused_deputy_guard").size(), 1u) << Dump(o);
}

TEST(SecurityLint, ConfusedDeputyGuardsAndNonRedshift) {
  for (const char* guard :
       {R"({"StringLike": {"sts:ExternalId": "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/*"}})",
        R"({"StringNotEquals": {"STS:externalid": "arn:aws:redshift:us-west-2:123456789012:dbuser:c/u"}})",
        R"({"StringEquals": {"aws:SourceAccount": "123456789012"}})",
        R"({"ArnLike": {"aws:SourceArn": "arn:aws:redshift:us-west-2:123456789012:cluster:*"}})"}) {
    SCOPED_TRACE(guard);
    Diagnostics d = Lint(Policy(kRedshift, guard));
    EXPECT_TRUE(WithCode(d, "security.redshift_no_confused_deputy_guard").empty()) << Dump(d);
  }
  // Not Redshift, a Deny, or an action that is not sts:AssumeRole: no finding.
  EXPECT_TRUE(Lint(Policy(R"({"Service": "ec2.amazonaws.com"})")).empty());
  EXPECT_TRUE(Lint(Policy(kRedshift, "", "Deny")).empty());
  std::string tag = Policy(kRedshift);
  tag.replace(tag.find("sts:AssumeRole"), 14, "sts:TagSession");
  EXPECT_TRUE(Lint(tag).empty()) << Dump(Lint(tag));
}

TEST(SecurityLint, AnyPrincipalWithoutCondition) {
  Diagnostics d = Lint(Policy("\"*\""));
  ASSERT_EQ(d.size(), 1u) << Dump(d);
  EXPECT_EQ(d[0].code, "security.any_principal_without_condition");
  EXPECT_EQ(d[0].path, "/Statement/0/Principal");
  EXPECT_EQ(d[0].pos.line, 3u);
  EXPECT_EQ(d[0].pos.column, 14u);

  Diagnostics a = Lint(Policy(R"({"AWS": ["arn:aws:iam::123456789012:root", "*"]})"));
  ASSERT_EQ(a.size(), 1u) << Dump(a);
  EXPECT_EQ(a[0].code, "security.any_principal_without_condition");
  EXPECT_EQ(a[0].path, "/Statement/0/Principal/AWS/1");
  EXPECT_EQ(a[0].pos.column, 57u);

  // With a condition, a Deny, or a named principal: no finding.
  EXPECT_TRUE(Lint(Policy(R"({"AWS": "*"})",
                          R"({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})"))
                  .empty());
  EXPECT_TRUE(Lint(Policy("\"*\"", "", "Deny")).empty());
  EXPECT_TRUE(Lint(Policy(R"({"AWS": "arn:aws:iam::123456789012:root"})")).empty());
}

TEST(SecurityLint, LikeWithoutWildcard) {
  Diagnostics d = Lint(Policy(
      kRedshift,
      R"({"StringLike": {"sts:ExternalId": ["arn:aws:redshift:us-west-2:123456789012:dbuser:c/*", "arn:aws:redshift:us-west-2:123456789012:dbuser:c/u"]}})"));
  Diagnostics f = WithCode(d, "security.like_without_wildcard");
  ASSERT_EQ(f.size(), 1u) << Dump(d);
  EXPECT_EQ(f[0].severity, Severity::kInfo);
  EXPECT_EQ(f[0].path, "/Statement/0/Condition/StringLike/sts:ExternalId/1");
  EXPECT_EQ(f[0].pos.line, 5u);
  EXPECT_NE(f[0].help.find("StringEquals"), std::string::npos) << f[0].help;
  EXPECT_EQ(d.size(), 1u) << Dump(d);

  Diagnostics arn = Lint(Policy(
      R"({"AWS": "arn:aws:iam::123456789012:root"})",
      R"({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/x"}})"));
  ASSERT_EQ(arn.size(), 1u) << Dump(arn);
  EXPECT_EQ(arn[0].code, "security.like_without_wildcard");
  EXPECT_NE(arn[0].help.find("ArnEquals"), std::string::npos) << arn[0].help;

  // `?` counts as a wildcard; StringEquals is never flagged.
  EXPECT_TRUE(Lint(Policy(R"({"AWS": "arn:aws:iam::123456789012:root"})",
                          R"({"StringNotLike": {"aws:userid": "AIDA?"}, "StringEquals": {"aws:userid": "x"}})"))
                  .empty());
}

TEST(SecurityLint, AllowWithNotPrincipal) {
  // NotPrincipal is a validation error in a trust policy, so call the linter on the document.
  ParsedPolicy p = ParsePolicy(Policy(R"({"AWS": "arn:aws:iam::123456789012:root"})", "", "Allow",
                                      "NotPrincipal"),
                               PolicyKind::kResource);
  Diagnostics d;
  LintTrustPolicySecurity(p.doc, &d);
  ASSERT_EQ(d.size(), 1u) << Dump(d);
  EXPECT_EQ(d[0].code, "security.allow_with_notprincipal");
  EXPECT_EQ(d[0].path, "/Statement/0/NotPrincipal");
  EXPECT_EQ(d[0].pos.line, 3u);
  EXPECT_EQ(d[0].pos.column, 17u);

  ParsedPolicy deny = ParsePolicy(Policy(R"({"AWS": "arn:aws:iam::123456789012:root"})", "",
                                         "Deny", "NotPrincipal"),
                                  PolicyKind::kResource);
  Diagnostics n;
  LintTrustPolicySecurity(deny.doc, &n);
  EXPECT_TRUE(n.empty()) << Dump(n);
}

TEST(SecurityLint, KeyRedshiftNeverSends) {
  const std::string guard_plus = std::string(R"({"StringEquals": {"sts:ExternalId": "arn:aws:redshift:us-west-2:123456789012:dbuser:c/u"}, )");
  Diagnostics d = Lint(Policy(kRedshift, guard_plus + R"("IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})"));
  ASSERT_EQ(d.size(), 1u) << Dump(d);
  EXPECT_EQ(d[0].code, "security.key_redshift_never_sends");
  EXPECT_EQ(d[0].severity, Severity::kWarning);
  EXPECT_EQ(d[0].path, "/Statement/0/Condition/IpAddress/aws:SourceIp");
  EXPECT_EQ(d[0].pos.line, 5u);
  EXPECT_NE(d[0].message.find("never applies"), std::string::npos) << d[0].message;

  struct Case {
    const char* cond;
    Severity severity;
  } cases[] = {
      {R"("Bool": {"aws:MultiFactorAuthPresent": "true"}})", Severity::kWarning},
      {R"("ArnEquals": {"aws:principalarn": "arn:aws:iam::123456789012:role/r"}})",
       Severity::kWarning},
      {R"("NumericLessThan": {"sts:DurationSeconds": "3600"}})", Severity::kWarning},
      {R"("StringLike": {"aws:SourceVpce": "vpce-*"}})", Severity::kWarning},
      {R"("StringEqualsIfExists": {"aws:username": "bob"}})", Severity::kInfo},
      {R"("NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})", Severity::kInfo},
      {R"("StringNotEquals": {"aws:PrincipalAccount": "123456789012"}})", Severity::kInfo},
      {R"("Null": {"aws:userid": "true"}})", Severity::kInfo},
      {R"("Null": {"aws:SourceVpc": "false"}})", Severity::kWarning},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.cond);
    Diagnostics x = Lint(Policy(kRedshift, guard_plus + c.cond));
    ASSERT_EQ(x.size(), 1u) << Dump(x);
    EXPECT_EQ(x[0].code, "security.key_redshift_never_sends");
    EXPECT_EQ(x[0].severity, c.severity);
  }
  // Keys Redshift does send, and statements without a Redshift principal: no finding.
  EXPECT_TRUE(Lint(Policy(kRedshift, guard_plus + R"("Bool": {"aws:SecureTransport": "true"}})"))
                  .empty());
  EXPECT_TRUE(Lint(Policy(R"({"AWS": "arn:aws:iam::123456789012:root"})",
                          R"({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})"))
                  .empty());
}

TEST(SecurityLint, ExternalIdNotDbuserArn) {
  const char* bad[] = {
      "my-cluster/user1",
      "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster",
      "arn:aws:redshift:us-west-2:12345:dbuser:my-cluster/user1",
      "arn:aws:iam::123456789012:user/bob",
      "arn:aws-foo:redshift:us-west-2:123456789012:dbuser:c/u",
      "arn:aws:redshift:us-west-2:123456789012:cluster:my-cluster",
      "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/",
      "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/*",  // wildcard under Equals
      "Unique ID Assigned by Example Corp",
  };
  for (const char* v : bad) {
    SCOPED_TRACE(v);
    Diagnostics d = Lint(Policy(kRedshift, std::string(R"({"StringEquals": {"sts:ExternalId": ")") +
                                               v + "\"}}"));
    ASSERT_EQ(d.size(), 1u) << Dump(d);
    EXPECT_EQ(d[0].code, "security.external_id_not_dbuser_arn");
    EXPECT_EQ(d[0].severity, Severity::kWarning);
    EXPECT_EQ(d[0].path, "/Statement/0/Condition/StringEquals/sts:ExternalId");
    EXPECT_EQ(d[0].pos.line, 5u);
    EXPECT_EQ(d[0].pos.column, 50u);
  }
  // Under StringLike the text before the first wildcard is checked (a `*` may span colons).
  const char* like_bad[] = {"*", "**", "arn:aws:iam::*", "arn:aws:redshift:us-west-2:123:*"};
  for (const char* v : like_bad) {
    SCOPED_TRACE(v);
    Diagnostics d = Lint(
        Policy(kRedshift, std::string(R"({"StringLike": {"sts:ExternalId": ")") + v + "\"}}"));
    EXPECT_EQ(WithCode(d, "security.external_id_not_dbuser_arn").size(), 1u) << Dump(d);
  }
  const char* good[] = {
      "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1",
      "arn:aws-cn:redshift:cn-north-1:123456789012:dbuser:c1/IAM:bob_x",
      "arn:aws-us-gov:redshift:us-gov-west-1:123456789012:dbuser:c/a.b@c",
      "arn:aws:redshift:us-west-2:123456789012:dbuser:c/IAMR:role_x",  // IAM-mapped users
  };
  for (const char* v : good) {
    SCOPED_TRACE(v);
    EXPECT_TRUE(Lint(Policy(kRedshift, std::string(R"({"StringEquals": {"sts:ExternalId": ")") +
                                           v + "\"}}"))
                    .empty());
  }
  const char* like_good[] = {
      "arn:aws:redshift:*:123456789012:dbuser:my-cluster/*",
      "arn:aws:redshift:us-west-2:123456789012:dbuser:*",
      "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user?",
      "arn:aws:redsh*",
  };
  for (const char* v : like_good) {
    SCOPED_TRACE(v);
    EXPECT_TRUE(Lint(Policy(kRedshift, std::string(R"({"StringLike": {"sts:ExternalId": ")") + v +
                                           "\"}}"))
                    .empty());
  }
  // Other operators on sts:ExternalId, and non-Redshift statements, are not checked.
  EXPECT_TRUE(Lint(Policy(kRedshift, R"({"StringNotEquals": {"sts:ExternalId": "x"}})")).empty());
  EXPECT_TRUE(Lint(Policy(R"({"AWS": "arn:aws:iam::123456789012:root"})",
                          R"({"StringEquals": {"sts:ExternalId": "x"}})"))
                  .empty());
}

TEST(SecurityLint, ExternalIdUppercaseUser) {
  for (const char* v : {"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/Alice",
                        "arn:aws:redshift:us-west-2:123456789012:dbuser:My-Cluster/alice",
                        "arn:aws:redshift:us-west-2:123456789012:dbuser:c/IAM:Bob"}) {
    SCOPED_TRACE(v);
    Diagnostics d = Lint(Policy(
        kRedshift, std::string(R"({"StringEquals": {"sts:ExternalId": ")") + v + "\"}}"));
    ASSERT_EQ(d.size(), 1u) << Dump(d);
    EXPECT_EQ(d[0].code, "security.external_id_uppercase_user");
    EXPECT_EQ(d[0].pos.line, 5u);
    EXPECT_EQ(d[0].pos.column, 50u);
    EXPECT_NE(d[0].help.find("quoted"), std::string::npos) << d[0].help;
  }
  Diagnostics like = Lint(Policy(
      kRedshift,
      R"({"StringLike": {"sts:ExternalId": "arn:aws:redshift:us-west-2:123456789012:dbuser:c/Bob*"}})"));
  ASSERT_EQ(like.size(), 1u) << Dump(like);
  EXPECT_EQ(like[0].code, "security.external_id_uppercase_user");
  // Capitals outside the cluster/user part are not this finding.
  EXPECT_TRUE(Lint(Policy(kRedshift, R"({"StringEquals": {"sts:ExternalId": "arn:aws:redshift:us-west-2:123456789012:dbuser:c/bob"}})"))
                  .empty());
}

TEST(SecurityLint, SortedByPositionAndAppended) {
  const std::string text = R"({"Version": "2012-10-17", "Statement": [
 {"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"},
 {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}
)";
  ParsedPolicy p = ParsePolicy(text, PolicyKind::kTrust);
  Diagnostics d;
  d.push_back(Diagnostic{});  // earlier entries are kept as they are
  LintTrustPolicySecurity(p.doc, &d);
  ASSERT_EQ(d.size(), 3u) << Dump(d);
  EXPECT_EQ(d[0].code, "");
  EXPECT_EQ(d[1].code, "security.redshift_no_confused_deputy_guard");
  EXPECT_EQ(d[1].pos.line, 2u);
  EXPECT_EQ(d[2].code, "security.any_principal_without_condition");
  EXPECT_EQ(d[2].pos.line, 3u);
}

}  // namespace
}  // namespace redtrust
