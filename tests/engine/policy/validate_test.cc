// ValidatePolicy, rule by rule (rules G1-G14, docs/semantics.md), through ParsePolicy so that
// structural and semantic findings are checked together and in their sorted order.
#include "engine/policy/validate.h"

#include <gtest/gtest.h>

#include <string>

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

// A policy with one statement made of `body` (the statement's members, without braces).
std::string OneStatement(std::string_view body, std::string_view version = "2012-10-17") {
  return "{\"Version\": \"" + std::string(version) + "\", \"Statement\": [{" + std::string(body) +
         "}]}";
}

constexpr char kTrustBody[] =
    R"("Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole")";
constexpr char kIdentityBody[] =
    R"("Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*")";
constexpr char kResourceBody[] =
    R"("Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*")";

ParsedPolicy Parse(std::string_view text, PolicyKind kind, ValidateOptions options = {}) {
  return ParsePolicy(text, kind, options);
}

// The diagnostics with this code.
Diagnostics WithCode(const ParsedPolicy& p, std::string_view code) {
  Diagnostics out;
  for (const Diagnostic& d : p.diagnostics) {
    if (d.code == code) out.push_back(d);
  }
  return out;
}

// Exactly one diagnostic in total, with this code.
Diagnostic Only(const ParsedPolicy& p, std::string_view code) {
  EXPECT_EQ(p.diagnostics.size(), 1u) << Dump(p.diagnostics);
  Diagnostics found = WithCode(p, code);
  EXPECT_EQ(found.size(), 1u) << "no " << code << " in\n" << Dump(p.diagnostics);
  return found.empty() ? Diagnostic{} : found[0];
}

void ExpectClean(const ParsedPolicy& p) {
  EXPECT_TRUE(p.ok());
  EXPECT_TRUE(p.diagnostics.empty()) << Dump(p.diagnostics);
}

TEST(ValidatePolicy, MinimalPoliciesOfEachKindAreClean) {
  ExpectClean(Parse(OneStatement(kTrustBody), PolicyKind::kTrust));
  ExpectClean(Parse(OneStatement(kIdentityBody), PolicyKind::kIdentity));
  ExpectClean(Parse(OneStatement(kResourceBody), PolicyKind::kResource));
}

TEST(ValidatePolicy, RealisticRedshiftTrustPolicyIsClean) {
  ExpectClean(Parse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "AllowRedshift",
      "Effect": "Allow",
      "Principal": {"Service": ["redshift.amazonaws.com", "redshift.us-west-2.amazonaws.com"]},
      "Action": ["sts:AssumeRole", "sts:TagSession"],
      "Condition": {
        "StringEquals": {"sts:ExternalId": "arn:aws:redshift:us-west-2:123456789012:dbuser:c/${aws:username}"},
        "StringLike": {"aws:SourceArn": "arn:aws:redshift:*:123456789012:cluster:*"},
        "ForAnyValue:StringEqualsIgnoreCaseIfExists": {"aws:TagKeys": ["team", "env"]},
        "NumericLessThanEquals": {"aws:MultiFactorAuthAge": 3600},
        "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        "DateLessThan": {"aws:EpochTime": 1893456000},
        "Bool": {"aws:SecureTransport": true},
        "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]},
        "BinaryEquals": {"k:blob": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="},
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/${aws:PrincipalTag/x}"},
        "Null": {"aws:TokenIssueTime": "true"}
      }
    }]})",
                    PolicyKind::kTrust));
}

// ---- G1: top level

TEST(G1TopLevel, UnknownKeyIncludingConditions) {
  ParsedPolicy p =
      Parse(R"({"Statement": [{"Effect": "Allow"}], "Conditions": {}})", PolicyKind::kTrust);
  Diagnostic d = Only(p, "policy.unknown_key");
  EXPECT_EQ(d.path, "/Conditions");
  EXPECT_FALSE(p.ok());
}

TEST(G1TopLevel, StatementIsRequired) {
  EXPECT_EQ(
      Only(Parse(R"({"Version": "2012-10-17"})", PolicyKind::kTrust), "policy.missing_statement")
          .path,
      "");
}

// ---- G2: Version

TEST(G2Version, OnlyTwoVersionsAreValid) {
  ParsedPolicy p = Parse(OneStatement(kTrustBody, "2012-10-18"), PolicyKind::kTrust);
  Diagnostic d = Only(p, "policy.invalid_version");
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.message, "invalid policy version `2012-10-18`");
  EXPECT_EQ(d.path, "/Version");
  EXPECT_EQ(d.pos.line, 1u);
  EXPECT_EQ(d.pos.column, 13u);
  EXPECT_NE(d.help.find("2012-10-17"), std::string::npos);
  ExpectClean(Parse(OneStatement(kTrustBody, "2008-10-17"), PolicyKind::kTrust));
  ExpectClean(Parse(R"({"Statement": {)" + std::string(kTrustBody) + "}}", PolicyKind::kTrust));
  EXPECT_EQ(
      WithCode(Parse(OneStatement(kTrustBody, ""), PolicyKind::kTrust), "policy.invalid_version")
          .size(),
      1u);
}

// ---- G3: Id

TEST(G3Id, OptionalStringWithNoEffect) {
  ExpectClean(Parse(R"({"Id": "anything at all", "Statement": {)" + std::string(kTrustBody) + "}}",
                    PolicyKind::kTrust));
  EXPECT_EQ(Only(Parse(R"({"Id": 5, "Statement": {)" + std::string(kTrustBody) + "}}",
                       PolicyKind::kTrust),
                 "policy.id_type")
                .path,
            "/Id");
}

// ---- G4: Statement

TEST(G4Statement, EmptyArrayIsASyntaxError) {
  Diagnostic d =
      Only(Parse("{\"Version\": \"2012-10-17\",\n \"Statement\": []}", PolicyKind::kTrust),
           "policy.empty_statement");
  EXPECT_EQ(d.message, "Syntax errors in policy.");
  EXPECT_EQ(d.path, "/Statement");
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 15u);
}

TEST(G4Statement, UnknownKeyAndExclusivePairs) {
  EXPECT_EQ(Only(Parse(OneStatement(std::string(kTrustBody) + R"(, "Resources": "*")"),
                       PolicyKind::kTrust),
                 "statement.unknown_key")
                .help,
            "did you mean `Resource`?");
  EXPECT_EQ(Only(Parse(OneStatement(std::string(kTrustBody) + R"(, "NotAction": "sts:X")"),
                       PolicyKind::kTrust),
                 "statement.both_action_notaction")
                .path,
            "/Statement/0/NotAction");
}

// ---- G5: Sid

TEST(G5Sid, MustBeAlphanumericInIamPolicies) {
  const std::string text = OneStatement(std::string(kTrustBody) + R"(, "Sid": "allow-redshift")");
  Diagnostic d = Only(Parse(text, PolicyKind::kTrust), "statement.invalid_sid");
  EXPECT_EQ(d.message,
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
            "regular expression [0-9A-Za-z]*");
  EXPECT_EQ(d.path, "/Statement/0/Sid");
  EXPECT_EQ(d.help, "`allow-redshift` contains `-`");
  EXPECT_EQ(d.pos.column, text.find("\"allow-redshift\"") + 1);
  Only(Parse(OneStatement(std::string(kIdentityBody) + R"(, "Sid": "a b")"), PolicyKind::kIdentity),
       "statement.invalid_sid");
  // Bucket policies and other resource policies accept any Sid text.
  ExpectClean(
      Parse(OneStatement(std::string(kResourceBody) + R"(, "Sid": "Allow read-only access")"),
            PolicyKind::kResource));
  ExpectClean(Parse(OneStatement(std::string(kTrustBody) + R"(, "Sid": "")"), PolicyKind::kTrust));
}

TEST(G5Sid, MustBeUnique) {
  const std::string text = "{\"Statement\": [{" + std::string(kTrustBody) +
                           ", \"Sid\": \"A1\"},\n {" + kTrustBody + ", \"Sid\": \"\"},\n {" +
                           kTrustBody + ", \"Sid\": \"\"},\n {" + kTrustBody +
                           ", \"Sid\": \"A1\"}]}";
  ParsedPolicy p = Parse(text, PolicyKind::kTrust);
  Diagnostic d = Only(p, "statement.duplicate_sid");
  EXPECT_EQ(d.message, "Statement IDs (SID) in a single policy must be unique.");
  EXPECT_EQ(d.path, "/Statement/3/Sid");
  EXPECT_EQ(d.pos.line, 4u);
  EXPECT_NE(d.help.find("line 1, column"), std::string::npos) << d.help;
  // Case matters.
  ExpectClean(Parse("{\"Statement\": [{" + std::string(kTrustBody) + ", \"Sid\": \"a\"}, {" +
                        kTrustBody + ", \"Sid\": \"A\"}]}",
                    PolicyKind::kTrust));
}

// ---- G6: Effect

TEST(G6Effect, CaseVariantsFailLegacyParsing) {
  Diagnostic d =
      Only(Parse(OneStatement(R"("Effect": "allow", "Principal": "*", "Action": "sts:AssumeRole")"),
                 PolicyKind::kTrust),
           "statement.invalid_effect");
  EXPECT_EQ(d.message, "The policy failed legacy parsing");
  EXPECT_EQ(d.help, "`Effect` is case-sensitive: write `Allow`");
  EXPECT_EQ(d.path, "/Statement/0/Effect");
  d = Only(Parse(OneStatement(R"("Effect": "DENY", "Principal": "*", "Action": "sts:AssumeRole")"),
                 PolicyKind::kTrust),
           "statement.invalid_effect");
  EXPECT_EQ(d.help, "`Effect` is case-sensitive: write `Deny`");
}

TEST(G6Effect, OtherValuesAreSyntaxErrors) {
  Diagnostic d = Only(
      Parse(OneStatement(R"("Effect": "Permit", "Principal": "*", "Action": "sts:AssumeRole")"),
            PolicyKind::kTrust),
      "statement.invalid_effect");
  EXPECT_EQ(d.message, "Syntax errors in policy.");
  EXPECT_EQ(d.help, "`Effect` must be `Allow` or `Deny`, not `Permit`");
}

TEST(G6Effect, IsRequired) {
  Diagnostic d = Only(
      Parse(OneStatement(R"("Principal": "*", "Action": "sts:AssumeRole")"), PolicyKind::kTrust),
      "statement.missing_effect");
  EXPECT_EQ(d.path, "/Statement/0");
  EXPECT_EQ(d.pos.column, 41u);
}

// ---- G7: Action

TEST(G7Action, VendorPrefixRules) {
  const std::string text = OneStatement(
      R"("Effect": "Allow", "Resource": "*", "Action": ["*", "s3:Get*", "iam", "s3:a:b", "s_3:Get", ":Get", "ec2-x.y:Run"])");
  ParsedPolicy p = Parse(text, PolicyKind::kIdentity);
  ASSERT_EQ(p.diagnostics.size(), 4u) << Dump(p.diagnostics);
  EXPECT_EQ(p.diagnostics[0].code, "action.missing_vendor");
  EXPECT_EQ(p.diagnostics[0].message,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  EXPECT_EQ(p.diagnostics[0].path, "/Statement/0/Action/2");
  EXPECT_EQ(p.diagnostics[0].pos.column, text.find("\"iam\"") + 1);
  EXPECT_EQ(p.diagnostics[1].code, "action.too_many_colons");
  EXPECT_EQ(p.diagnostics[1].message, "Actions/Condition can contain only one colon.");
  EXPECT_EQ(p.diagnostics[1].path, "/Statement/0/Action/3");
  EXPECT_EQ(p.diagnostics[2].code, "action.invalid_vendor");
  EXPECT_EQ(p.diagnostics[2].message, "Vendor s_3 is not valid");
  EXPECT_EQ(p.diagnostics[3].code, "action.invalid_vendor");
  EXPECT_EQ(p.diagnostics[3].path, "/Statement/0/Action/5");
  EXPECT_EQ(p.diagnostics[3].help, "the service prefix before `:` is empty");
}

TEST(G7Action, WildcardVendorIsInvalid) {
  EXPECT_EQ(Only(Parse(OneStatement(R"("Effect": "Allow", "Resource": "*", "NotAction": "s*:Get")"),
                       PolicyKind::kIdentity),
                 "action.invalid_vendor")
                .message,
            "Vendor s* is not valid");
}

TEST(G7Action, ActionsAreRequired) {
  Diagnostic d =
      Only(Parse(OneStatement(R"("Effect": "Allow", "Resource": "*")"), PolicyKind::kIdentity),
           "statement.missing_action");
  EXPECT_EQ(d.message, "Policy statement must contain actions.");
  EXPECT_EQ(d.path, "/Statement/0");
  d = Only(Parse(OneStatement(R"("Effect": "Allow", "Resource": "*", "Action": [])"),
                 PolicyKind::kIdentity),
           "statement.missing_action");
  EXPECT_EQ(d.path, "/Statement/0/Action");
  Only(Parse(OneStatement(R"("Effect": "Allow", "Resource": "*", "NotAction": [])"),
             PolicyKind::kIdentity),
       "statement.missing_action");
}

// ---- G8: Principal

TEST(G8Principal, TrustPolicyNeedsAPrincipal) {
  Diagnostic d = Only(
      Parse(OneStatement(R"("Effect": "Allow", "Action": "sts:AssumeRole")"), PolicyKind::kTrust),
      "statement.missing_principal");
  EXPECT_EQ(d.message,
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The "
            "passed in policy has a statement with no principals!");
  EXPECT_EQ(d.path, "/Statement/0");
  // An empty object or list names no principal either.
  EXPECT_EQ(
      Only(Parse(OneStatement(R"("Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole")"),
                 PolicyKind::kTrust),
           "statement.missing_principal")
          .path,
      "/Statement/0/Principal");
  Only(Parse(OneStatement(
                 R"("Effect": "Allow", "Principal": {"AWS": []}, "Action": "sts:AssumeRole")"),
             PolicyKind::kTrust),
       "statement.missing_principal");
}

TEST(G8Principal, ResourcePolicyNeedsAPrincipal) {
  Only(Parse(OneStatement(kIdentityBody), PolicyKind::kResource), "statement.missing_principal");
}

TEST(G8Principal, NotPrincipalIsNotAllowedInTrust) {
  Diagnostic d = Only(
      Parse(
          OneStatement(
              R"("Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole")"),
          PolicyKind::kTrust),
      "statement.notprincipal_in_trust");
  EXPECT_EQ(d.path, "/Statement/0/NotPrincipal");
  ExpectClean(Parse(
      OneStatement(
          R"("Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*")"),
      PolicyKind::kResource));
}

TEST(G8Principal, IdentityPolicyMustNotHaveOne) {
  Diagnostic d = Only(Parse(OneStatement(std::string(kIdentityBody) + R"(, "Principal": "*")"),
                            PolicyKind::kIdentity),
                      "statement.prohibited_principal");
  EXPECT_EQ(d.message, "Has prohibited field Principal");
  EXPECT_EQ(d.path, "/Statement/0/Principal");
  EXPECT_EQ(Only(Parse(OneStatement(std::string(kIdentityBody) + R"(, "NotPrincipal": "*")"),
                       PolicyKind::kIdentity),
                 "statement.prohibited_principal")
                .message,
            "Has prohibited field NotPrincipal");
}

TEST(G8Principal, ValidAwsPrincipals) {
  ExpectClean(
      Parse(OneStatement(R"("Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": [
      "*", "111122223333", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/u",
      "arn:aws:iam::111122223333:user/path/to/u", "arn:aws:iam::111122223333:role/service-role/R",
      "arn:aws:sts::111122223333:assumed-role/R/session", "arn:aws:sts::111122223333:federated-user/bob",
      "arn:aws-cn:iam::111122223333:root", "arn:aws-us-gov:iam::111122223333:role/R"]})"),
            PolicyKind::kTrust));
}

TEST(G8Principal, InvalidAwsPrincipals) {
  const char* bad[] = {
      "arn:aws:iam::*:root",                             // wildcard for part of a name (G8)
      "arn:aws:iam::111122223333:role/*",                // "
      "arn:aws:iam::111122223333:role/Team*",            // "
      "arn:aws:sts::111122223333:assumed-role/R/*",      // M6: `*` is not "all sessions"
      "1111222233",                                      // not 12 digits
      "arn:aws:iam::111122223333:group/G",               // groups are not principals
      "arn:aws:iam::11112222333:root",                   // 11-digit account
      "arn:aws:iam:us-east-1:111122223333:root",         // region
      "arn:aws:s3:::bucket",                             // not iam/sts
      "arn:aws:iam::111122223333:user/",                 // empty name
      "arn:aws:sts::111122223333:assumed-role/R",        // no session
      "arn:aws:iam::111122223333:user/${aws:username}",  // V2: no variables in Principal
      "arn:foo:iam::111122223333:root",                  // unknown partition
      "AROAEXAMPLEID",                                   // unique ids are not accepted on write
  };
  for (const char* b : bad) {
    const std::string text = OneStatement(
        std::string(R"("Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": ")") +
        b + "\"}");
    Diagnostic d = Only(Parse(text, PolicyKind::kTrust), "principal.invalid");
    EXPECT_EQ(d.message, std::string("Invalid principal in policy: \"AWS\":\"") + b + "\"");
    EXPECT_EQ(d.path, "/Statement/0/Principal/AWS");
    EXPECT_EQ(d.pos.column, text.find(std::string("\"") + b) + 1);
  }
}

TEST(G8Principal, ServicePrincipals) {
  ExpectClean(Parse(
      OneStatement(R"("Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": [
      "redshift.amazonaws.com", "redshift.us-east-1.amazonaws.com", "redshift.amazonaws.com.cn",
      "ssm-incidents.amazonaws.com"]})"),
      PolicyKind::kTrust));
  const char* bad[] = {"redshift.*.amazonaws.com",
                       "*",
                       "amazonaws.com",
                       "redshift.amazonaws.co",
                       "redshift.amazonaws.com ",
                       "redshift..amazonaws.com",
                       "https://redshift.amazonaws.com"};
  for (const char* b : bad) {
    Diagnostic d = Only(
        Parse(
            OneStatement(
                std::string(
                    R"("Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": [")") +
                b + "\"]}"),
            PolicyKind::kTrust),
        "principal.invalid");
    // AWS's own text for this case: Invalid principal in policy: "SERVICE":"amazonaws.com".
    EXPECT_EQ(d.message, std::string("Invalid principal in policy: \"SERVICE\":\"") + b + "\"");
    EXPECT_EQ(d.path, "/Statement/0/Principal/Service/0");
  }
  EXPECT_EQ(
      Only(
          Parse(
              OneStatement(
                  R"("Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "redshift.*.amazonaws.com"})"),
              PolicyKind::kTrust),
          "principal.invalid")
          .help,
      "service principals cannot contain wildcards");
}

TEST(G8Principal, FederatedAndCanonicalUser) {
  ExpectClean(Parse(
      OneStatement(
          R"("Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": [
      "cognito-identity.amazonaws.com", "accounts.google.com",
      "arn:aws:iam::111122223333:saml-provider/Okta",
      "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]})"),
      PolicyKind::kTrust));
  Only(Parse(
           OneStatement(
               R"("Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Federated": "*"})"),
           PolicyKind::kTrust),
       "principal.invalid");
  ExpectClean(Parse(
      OneStatement(
          std::string(
              R"("Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": {"CanonicalUser": ")") +
          std::string(64, 'a') + "\"}"),
      PolicyKind::kResource));
  EXPECT_EQ(
      Only(
          Parse(
              OneStatement(
                  R"("Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": {"CanonicalUser": "abc"})"),
              PolicyKind::kResource),
          "principal.invalid")
          .message,
      "Invalid principal in policy: \"CANONICALUSER\":\"abc\"");
}

// ---- G9: Resource

TEST(G9Resource, ProhibitedInTrustPolicies) {
  Diagnostic d = Only(
      Parse(OneStatement(std::string(kTrustBody) + R"(, "Resource": "*")"), PolicyKind::kTrust),
      "statement.prohibited_resource");
  EXPECT_EQ(d.message, "Has prohibited field Resource");
  EXPECT_EQ(d.path, "/Statement/0/Resource");
  EXPECT_EQ(Only(Parse(OneStatement(std::string(kTrustBody) + R"(, "NotResource": [])"),
                       PolicyKind::kTrust),
                 "statement.prohibited_resource")
                .message,
            "Has prohibited field NotResource");
}

TEST(G9Resource, RequiredInIdentityAndResourcePolicies) {
  Diagnostic d = Only(
      Parse(OneStatement(R"("Effect": "Allow", "Action": "s3:GetObject")"), PolicyKind::kIdentity),
      "statement.missing_resource");
  EXPECT_EQ(d.message, "Policy statement must contain resources.");
  EXPECT_EQ(d.path, "/Statement/0");
  EXPECT_EQ(
      Only(Parse(OneStatement(R"("Effect": "Allow", "Action": "s3:GetObject", "Resource": [])"),
                 PolicyKind::kIdentity),
           "statement.missing_resource")
          .path,
      "/Statement/0/Resource");
  Only(Parse(OneStatement(R"("Effect": "Allow", "Principal": "*", "Action": "s3:GetObject")"),
             PolicyKind::kResource),
       "statement.missing_resource");
  ExpectClean(Parse(
      OneStatement(
          R"("Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/private/*")"),
      PolicyKind::kIdentity));
}

TEST(G9Resource, ArnFormat) {
  const std::string text =
      OneStatement(R"("Effect": "Allow", "Action": "s3:GetObject", "Resource": [
      "*", "arn:aws:s3:::bucket/*", "arn:aws:iam::123456789012:role/a:b/c", "arn:aws:s3:::b/${aws:username}/*",
      "bucket/key", "arn:aws:s*:::bucket", "arn:aws:::::x", "arn:aws-foo:s3:::bucket", "arn:aws:s3:::"])");
  ParsedPolicy p = Parse(text, PolicyKind::kIdentity);
  ASSERT_EQ(p.diagnostics.size(), 4u) << Dump(p.diagnostics);
  EXPECT_EQ(p.diagnostics[0].code, "resource.invalid_arn");
  EXPECT_EQ(p.diagnostics[0].message, "Resource bucket/key must be in ARN format or \"*\".");
  EXPECT_EQ(p.diagnostics[0].path, "/Statement/0/Resource/4");
  EXPECT_EQ(p.diagnostics[0].pos.line, 3u);
  EXPECT_EQ(p.diagnostics[0].pos.column, 7u);
  EXPECT_EQ(p.diagnostics[1].message,
            "Resource vendor must be fully qualified and cannot contain regexes.");
  EXPECT_EQ(p.diagnostics[1].path, "/Statement/0/Resource/5");
  EXPECT_EQ(p.diagnostics[2].message,
            "Resource vendor must be fully qualified and cannot contain regexes.");
  EXPECT_EQ(p.diagnostics[3].message,
            "Partition \"aws-foo\" is not valid for resource \"arn:aws-foo:s3:::bucket\".");
}

// ---- G10: trust-policy actions

TEST(G10TrustActions, NonStsActionIsAWarning) {
  ParsedPolicy p = Parse(
      OneStatement(
          R"("Effect": "Allow", "Principal": "*", "Action": ["sts:AssumeRole", "STS:TagSession", "s3:GetObject"])"),
      PolicyKind::kTrust);
  Diagnostic d = Only(p, "statement.trust_action_not_sts");
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(d.message, "action `s3:GetObject` in a trust policy is not an `sts:` action");
  EXPECT_EQ(d.path, "/Statement/0/Action/2");
  EXPECT_TRUE(p.ok());  // warnings only
  // Identity policies are not concerned.
  ExpectClean(Parse(OneStatement(kIdentityBody), PolicyKind::kIdentity));
}

// ---- G11: Condition block

TEST(G11Condition, UnknownOperatorWithSuggestion) {
  const std::string text = OneStatement(
      std::string(kTrustBody) + R"(, "Condition": {"StringEqual": {"sts:ExternalId": "x"}})");
  Diagnostic d = Only(Parse(text, PolicyKind::kTrust), "condition.unknown_operator");
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.message, "unknown condition operator `StringEqual`");
  EXPECT_EQ(d.help, "did you mean `StringEquals`?");
  EXPECT_EQ(d.path, "/Statement/0/Condition/StringEqual");
  EXPECT_EQ(d.pos.column, text.find("\"StringEqual\"") + 1);
}

TEST(G11Condition, UnknownOperatorWithEmptyBlockIsOnlyAWarning) {
  ParsedPolicy p = Parse(OneStatement(std::string(kTrustBody) + R"(, "Condition": {"Foo": {}})"),
                         PolicyKind::kTrust);
  Diagnostic d = Only(p, "condition.unknown_operator");
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(d.message, "unknown condition operator `Foo` (ignored: its block is empty)");
  EXPECT_TRUE(p.ok());
  ExpectClean(
      Parse(OneStatement(std::string(kTrustBody) + R"(, "Condition": {"StringEquals": {}})"),
            PolicyKind::kTrust));
  ExpectClean(
      Parse(OneStatement(std::string(kTrustBody) + R"(, "Condition": {})"), PolicyKind::kTrust));
}

TEST(G11Condition, KeysNeedAVendor) {
  ParsedPolicy p = Parse(
      OneStatement(std::string(kTrustBody) +
                   R"(, "Condition": {"StringEquals": {"ExternalId": "x", ":x": "y", "aws:": "z",
                                         "aws:ResourceTag/aws:cloudformation:stack-name": "s"}})"),
      PolicyKind::kTrust);
  Diagnostics d = WithCode(p, "condition.invalid_key");
  ASSERT_EQ(d.size(), 3u) << Dump(p.diagnostics);
  EXPECT_EQ(d[0].message,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  EXPECT_EQ(d[0].path, "/Statement/0/Condition/StringEquals/ExternalId");
  EXPECT_EQ(d[1].message, "condition key `:x` must have the form `vendor:name`");
  EXPECT_EQ(d[2].path, "/Statement/0/Condition/StringEquals/aws:");
  EXPECT_EQ(p.diagnostics.size(), 3u);
}

TEST(G11Condition, EmptyValueListIsAnError) {
  Diagnostic d =
      Only(Parse(OneStatement(std::string(kTrustBody) +
                              R"(, "Condition": {"StringEquals": {"sts:ExternalId": []}})"),
                 PolicyKind::kTrust),
           "condition.empty_values");
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.message, "condition key `sts:ExternalId` under `StringEquals` has no values");
  EXPECT_EQ(d.path, "/Statement/0/Condition/StringEquals/sts:ExternalId");
}

TEST(G11Condition, JsonNumbersAndBooleansAreAccepted) {
  ExpectClean(Parse(OneStatement(std::string(kTrustBody) + R"(, "Condition": {
      "Bool": {"aws:MultiFactorAuthPresent": true}, "NumericEquals": {"k:n": [10, 2.5, -1]},
      "StringEquals": {"k:s": 10}, "DateLessThan": {"aws:EpochTime": 1700000000}})"),
                    PolicyKind::kTrust));
}

TEST(G11Condition, ValuesMustParseForTheirOperator) {
  const std::string text = OneStatement(std::string(kTrustBody) + R"(, "Condition": {
      "NumericLessThan": {"k:n": ["10", "ten", 1e3]},
      "DateGreaterThan": {"aws:CurrentTime": ["2026-01-01T00:00:00Z", "yesterday"]},
      "Bool": {"aws:SecureTransport": "yes"},
      "IpAddress": {"aws:SourceIp": "10.0.0.0/33"},
      "BinaryEquals": {"k:b": "not base64!"},
      "Null": {"k:x": "maybe"},
      "StringLike": {"k:s": "anything *"}})");
  ParsedPolicy p = Parse(text, PolicyKind::kTrust);
  Diagnostics d = WithCode(p, "condition.invalid_value");
  ASSERT_EQ(d.size(), 7u) << Dump(p.diagnostics);
  EXPECT_EQ(p.diagnostics.size(), 7u);
  EXPECT_EQ(d[0].message,
            "invalid value `ten` for `NumericLessThan`: expected a number such as `10` or `2.5`");
  EXPECT_EQ(d[0].path, "/Statement/0/Condition/NumericLessThan/k:n/1");
  EXPECT_EQ(d[0].pos.line, 2u);
  EXPECT_EQ(d[1].path, "/Statement/0/Condition/NumericLessThan/k:n/2");  // exponent
  EXPECT_EQ(d[2].message, "The policy failed legacy parsing");
  EXPECT_EQ(d[2].path, "/Statement/0/Condition/DateGreaterThan/aws:CurrentTime/1");
  EXPECT_NE(d[2].help.find("`yesterday` is not a date"), std::string::npos);
  EXPECT_EQ(d[3].message, "invalid value `yes` for `Bool`: expected `true` or `false`");
  EXPECT_EQ(d[4].path, "/Statement/0/Condition/IpAddress/aws:SourceIp");
  EXPECT_EQ(d[5].message, "invalid value `not base64!` for `BinaryEquals`: expected base64 text");
  EXPECT_EQ(d[6].path, "/Statement/0/Condition/Null/k:x");
}

// ---- G12: operator names (and V1/V2 policy variables)

TEST(G12Operators, QualifiedNamesAreValid) {
  ExpectClean(Parse(OneStatement(std::string(kTrustBody) + R"(, "Condition": {
      "StringEqualsIgnoreCaseIfExists": {"k:a": "x"}, "ForAllValues:StringLike": {"k:b": "x*"},
      "ForAnyValue:NumericGreaterThanEquals": {"k:c": "1"}, "ArnNotLikeIfExists": {"k:d": "arn:aws:s3:::b"},
      "NotIpAddress": {"k:e": "0.0.0.0/0"}})"),
                    PolicyKind::kTrust));
}

TEST(G12Operators, NamesAreCaseSensitive) {
  Diagnostic d = Only(Parse(OneStatement(std::string(kTrustBody) +
                                         R"(, "Condition": {"stringequals": {"k:a": "x"}})"),
                            PolicyKind::kTrust),
                      "condition.unknown_operator");
  EXPECT_EQ(d.help, "did you mean `StringEquals`?");
  Only(Parse(OneStatement(std::string(kTrustBody) +
                          R"(, "Condition": {"NullIfExists": {"k:a": "true"}})"),
             PolicyKind::kTrust),
       "condition.unknown_operator");
}

TEST(G12Operators, PolicyVariablesOnlyInStringAndArnOperators) {
  const std::string body = std::string(kTrustBody) + R"(, "Condition": {
      "NumericEquals": {"k:n": "${aws:MultiFactorAuthAge}"},
      "DateLessThan": {"k:d": "${aws:CurrentTime}"},
      "StringEquals": {"k:s": "${aws:username}"},
      "ArnLike": {"k:a": "arn:aws:iam::${aws:PrincipalAccount}:role/x"}})";
  ParsedPolicy p = Parse(OneStatement(body), PolicyKind::kTrust);
  Diagnostics d = WithCode(p, "condition.variable_not_allowed");
  ASSERT_EQ(d.size(), 2u) << Dump(p.diagnostics);
  EXPECT_EQ(p.diagnostics.size(), 2u);
  EXPECT_EQ(d[0].message,
            "policy variable in `${aws:MultiFactorAuthAge}` is not allowed with `NumericEquals`");
  EXPECT_EQ(d[0].path, "/Statement/0/Condition/NumericEquals/k:n");
  EXPECT_EQ(d[1].path, "/Statement/0/Condition/DateLessThan/k:d");
  // Under 2008-10-17 there are no variables (V1): the text is a literal, and not a number.
  p = Parse(OneStatement(body, "2008-10-17"), PolicyKind::kTrust);
  EXPECT_TRUE(WithCode(p, "condition.variable_not_allowed").empty());
  EXPECT_EQ(WithCode(p, "condition.invalid_value").size(), 2u) << Dump(p.diagnostics);
  // An unclosed `${` is literal text (V3).
  EXPECT_EQ(Only(Parse(OneStatement(std::string(kTrustBody) +
                                    R"(, "Condition": {"NumericEquals": {"k:n": "${x"}})"),
                       PolicyKind::kTrust),
                 "condition.invalid_value")
                .path,
            "/Statement/0/Condition/NumericEquals/k:n");
}

// ---- G13: duplicate keys

TEST(G13DuplicateKeys, RejectedWithThePathOfTheSecondKey) {
  ParsedPolicy p =
      Parse(R"({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "a"}, "StringEquals": {"sts:ExternalId": "b"}}}]})",
            PolicyKind::kTrust);
  Diagnostic d = Only(p, "json.duplicate_key");
  EXPECT_EQ(d.message, "duplicate key `StringEquals`");
  EXPECT_EQ(d.path, "/Statement/0/Condition/StringEquals");
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 62u);
}

// ---- G14: size and characters

std::string TrustOfSize(size_t chars) {
  // {"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Sid":"AAA..."}}
  const std::string head =
      R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Sid":")";
  const std::string tail = "\"}}";
  return head + std::string(chars - head.size() - tail.size(), 'A') + tail;
}

TEST(G14Size, QuotaCountsCharactersWithoutWhitespace) {
  ParsedPolicy at = Parse(TrustOfSize(2048), PolicyKind::kTrust);
  EXPECT_EQ(at.doc.size_without_whitespace, 2048u);
  ExpectClean(at);
  ParsedPolicy over = Parse(TrustOfSize(2049), PolicyKind::kTrust);
  Diagnostic d = Only(over, "policy.size_quota");
  EXPECT_EQ(d.message, "Cannot exceed quota for ACLSizePerRole: 2048");
  EXPECT_EQ(d.help, "the policy has 2049 characters without white space; the limit is 2048");
  EXPECT_EQ(d.path, "");
  EXPECT_EQ(d.pos.line, 1u);
  EXPECT_EQ(d.pos.column, 1u);
  // White space outside strings is free.
  std::string spaced = TrustOfSize(2048);
  spaced.insert(1, std::string(5000, ' '));
  spaced.insert(spaced.size() - 1, "\n\n\t\r\n");
  ExpectClean(Parse(spaced, PolicyKind::kTrust));
}

TEST(G14Size, ConfiguredQuota) {
  ExpectClean(Parse(TrustOfSize(4096), PolicyKind::kTrust, ValidateOptions{4096}));
  EXPECT_EQ(
      Only(Parse(TrustOfSize(4097), PolicyKind::kTrust, ValidateOptions{4096}), "policy.size_quota")
          .message,
      "Cannot exceed quota for ACLSizePerRole: 4096");
  ExpectClean(Parse(TrustOfSize(100000), PolicyKind::kTrust, ValidateOptions{0}));  // disabled
  const std::string identity =
      OneStatement(std::string(kIdentityBody) + ", \"Sid\": \"" + std::string(300, 'A') + "\"");
  EXPECT_EQ(Only(Parse(identity, PolicyKind::kIdentity, ValidateOptions{200}), "policy.size_quota")
                .message,
            "policy size " + std::to_string(identity.size() - 10) +
                " exceeds the quota of 200 characters");
}

TEST(G14Characters, OutsideLatin1IsAWarning) {
  ParsedPolicy p = Parse(
      OneStatement(
          std::string(kResourceBody) +
          ", \"Sid\": \"caf\xC3\xA9 \xE2\x82\xAC\", \"Condition\": "
          "{\"StringEquals\": {\"k:a\": [\"ok\xC3\xBF\", \"\\u0001\", \"\xF0\x9F\x98\x80\"]}}"),
      PolicyKind::kResource);
  Diagnostics d = WithCode(p, "policy.invalid_characters");
  ASSERT_EQ(d.size(), 3u) << Dump(p.diagnostics);
  EXPECT_EQ(p.diagnostics.size(), 3u);
  EXPECT_TRUE(p.ok());
  EXPECT_EQ(d[0].severity, Severity::kWarning);
  EXPECT_EQ(d[0].message,
            "character U+20AC in `caf\xC3\xA9 \xE2\x82\xAC` is outside the characters IAM "
            "documents for policies");
  EXPECT_EQ(d[0].path, "/Statement/0/Sid");
  EXPECT_EQ(d[1].message,
            "character U+0001 in `\\u0001` is outside the characters IAM documents for policies");
  EXPECT_EQ(d[1].path, "/Statement/0/Condition/StringEquals/k:a/1");
  EXPECT_EQ(d[2].message,
            "character U+1F600 in `\xF0\x9F\x98\x80` is outside the characters IAM documents for "
            "policies");
}

// ---- Several findings, sorted

TEST(ValidatePolicy, KeepsGoingAndSortsByPosition) {
  const std::string text = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "a-b", "Effect": "allow", "Principal": {"AWS": "arn:aws:iam::*:root"},
     "Action": ["s3", "sts:AssumeRole"], "Resource": "*"},
    {"Sid": "a-b", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole", "Condition": {"StringEqual": {"k:a": "x"}, "Bool": {"k:b": "yes"}}}
  ]
})";
  ParsedPolicy p = Parse(text, PolicyKind::kTrust);
  EXPECT_FALSE(p.ok());
  std::vector<std::string> codes;
  for (const Diagnostic& d : p.diagnostics) codes.push_back(d.code);
  EXPECT_EQ(codes,
            (std::vector<std::string>{
                "statement.invalid_sid", "statement.invalid_effect", "principal.invalid",
                "action.missing_vendor", "statement.trust_action_not_sts",
                "statement.prohibited_resource", "statement.duplicate_sid", "statement.invalid_sid",
                "condition.unknown_operator", "condition.invalid_value"}))
      << Dump(p.diagnostics);
  // Same position: ordered by path, then code.
  for (size_t i = 1; i < p.diagnostics.size(); ++i) {
    const SourcePos& a = p.diagnostics[i - 1].pos;
    const SourcePos& b = p.diagnostics[i].pos;
    EXPECT_TRUE(a.line < b.line || (a.line == b.line && a.column <= b.column)) << i;
  }
  EXPECT_EQ(p.diagnostics[0].pos.line, 4u);
  EXPECT_EQ(p.diagnostics[0].pos.column, 13u);
}

TEST(ValidatePolicy, StructuralErrorsSkipValidation) {
  // ParsePolicy validates only a structurally sound document (REQUIRES of ValidatePolicy).
  ParsedPolicy p = Parse(OneStatement(R"("Effect": "allow", "Action": 5)"), PolicyKind::kTrust);
  Only(p, "statement.action_type");
}

// ---- Diagnostic helpers

TEST(Diagnostics, SortAndHasErrors) {
  Diagnostics d = {
      {Severity::kWarning, "b", "", "/x", SourcePos{}, ""},
      {Severity::kInfo, "z", "", "/b", SourcePos{2, 1, 10}, ""},
      {Severity::kError, "y", "", "/a", SourcePos{1, 5, 4}, ""},
      {Severity::kError, "a", "", "/a", SourcePos{1, 5, 4}, ""},
      {Severity::kWarning, "a", "", "/0", SourcePos{1, 5, 4}, ""},
  };
  EXPECT_TRUE(HasErrors(d));
  SortDiagnostics(d);
  EXPECT_EQ(d[0].path, "/0");
  EXPECT_EQ(d[1].code, "a");
  EXPECT_EQ(d[2].code, "y");
  EXPECT_EQ(d[3].code, "z");
  EXPECT_EQ(d[4].code, "b");  // unknown position last
  EXPECT_FALSE(HasErrors({d[3], d[4]}));
  EXPECT_STREQ(SeverityName(Severity::kError), "error");
  EXPECT_STREQ(SeverityName(Severity::kWarning), "warning");
  EXPECT_STREQ(SeverityName(Severity::kInfo), "info");
}

TEST(Diagnostics, SanitizeForMessage) {
  EXPECT_EQ(SanitizeForMessage("a\nb\tc\x01"), "a\\nb\\tc\\u0001");
  EXPECT_EQ(SanitizeForMessage(std::string(200, 'x'), 10), std::string(10, 'x') + "...");
  // Never cuts a multi-byte character in half.
  EXPECT_EQ(SanitizeForMessage("abc\xC3\xA9\xC3\xA9", 4), "abc...");
  EXPECT_EQ(SanitizeForMessage("abc\xC3\xA9\xC3\xA9", 5), "abc\xC3\xA9...");
}

}  // namespace
}  // namespace redtrust
