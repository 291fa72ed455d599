#include "engine/policy/reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace redtrust {
namespace {

struct ReadResult {
  bool ok = false;
  PolicyDocument doc;
  Diagnostics diags;
};

ReadResult Read(std::string_view text) {
  ReadResult r;
  r.ok = ReadPolicy(text, JsonOptions(), &r.doc, &r.diags);
  return r;
}

std::string Dump(const Diagnostics& d) {
  std::string out;
  for (const Diagnostic& x : d) {
    out += "  " + std::to_string(x.pos.line) + ":" + std::to_string(x.pos.column) + " " + x.code +
           " " + x.path + " | " + x.message + " | " + x.help + "\n";
  }
  return out;
}

// Expects exactly one diagnostic and returns it.
Diagnostic Only(const ReadResult& r) {
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.diags.size(), 1u) << Dump(r.diags);
  return r.diags.empty() ? Diagnostic{} : r.diags[0];
}

void ExpectAt(const Diagnostic& d, uint32_t line, uint32_t column) {
  EXPECT_EQ(d.pos.line, line) << d.code << " " << d.message;
  EXPECT_EQ(d.pos.column, column) << d.code << " " << d.message;
}

constexpr char kTrust[] = R"({
  "Version": "2012-10-17",
  "Id": "trust",
  "Statement": [
    {
      "Sid": "AllowRedshift",
      "Effect": "Allow",
      "Principal": {"Service": ["redshift.amazonaws.com", "redshift.us-east-1.amazonaws.com"],
                    "AWS": "arn:aws:iam::123456789012:root"},
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {"sts:ExternalId": "arn:aws:redshift:us-east-1:123456789012:dbuser:c/u"},
        "StringLike": {"aws:PrincipalTag/team": ["a*", "b?"]},
        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
        "Bool": {"aws:SecureTransport": true},
        "NumericEquals": {"k:n": [1.50, -2]},
        "ForAnyValue:StringEquals": {}
      }
    }
  ]
})";

// ---- A complete document

TEST(ReadPolicy, ReadsEveryElementWithPathAndPosition) {
  ReadResult r = Read(kTrust);
  ASSERT_TRUE(r.ok) << Dump(r.diags);
  EXPECT_TRUE(r.diags.empty());
  const PolicyDocument& doc = r.doc;
  EXPECT_EQ(doc.path, "");
  EXPECT_EQ(doc.pos.line, 1u);
  ASSERT_TRUE(doc.version.has_value());
  EXPECT_EQ(doc.version->value, "2012-10-17");
  EXPECT_EQ(doc.version->path, "/Version");
  EXPECT_EQ(doc.version->pos.line, 2u);
  EXPECT_EQ(doc.version->pos.column, 14u);
  EXPECT_TRUE(doc.policy_variables_enabled());
  ASSERT_TRUE(doc.id.has_value());
  EXPECT_EQ(doc.id->value, "trust");
  EXPECT_TRUE(doc.has_statement);
  EXPECT_TRUE(doc.statement_was_array);
  EXPECT_EQ(doc.statement_pos.line, 4u);
  EXPECT_EQ(doc.statement_pos.column, 16u);
  ASSERT_EQ(doc.statements.size(), 1u);

  const Statement& st = doc.statements[0];
  EXPECT_EQ(st.index, 0u);
  EXPECT_EQ(st.path, "/Statement/0");
  EXPECT_EQ(st.pos.line, 5u);
  EXPECT_EQ(st.pos.column, 5u);
  ASSERT_TRUE(st.sid.has_value());
  EXPECT_EQ(st.sid->value, "AllowRedshift");
  EXPECT_EQ(st.sid->path, "/Statement/0/Sid");
  ASSERT_TRUE(st.effect.has_value());
  EXPECT_EQ(st.effect->value, "Allow");

  const PrincipalElement& p = st.principal;
  EXPECT_TRUE(p.present);
  EXPECT_FALSE(p.is_not);
  EXPECT_FALSE(p.any);
  EXPECT_EQ(p.path, "/Statement/0/Principal");
  EXPECT_EQ(p.pos.line, 8u);
  EXPECT_EQ(p.pos.column, 20u);
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[0].type, PrincipalType::kService);
  EXPECT_EQ(p.entries[0].value.value, "redshift.amazonaws.com");
  EXPECT_EQ(p.entries[0].value.path, "/Statement/0/Principal/Service/0");
  EXPECT_EQ(p.entries[1].value.path, "/Statement/0/Principal/Service/1");
  EXPECT_EQ(p.entries[1].value.pos.line, 8u);
  EXPECT_EQ(p.entries[1].value.pos.column, 59u);
  EXPECT_EQ(p.entries[2].type, PrincipalType::kAWS);
  EXPECT_EQ(p.entries[2].value.path, "/Statement/0/Principal/AWS");
  EXPECT_EQ(p.entries[2].value.pos.line, 9u);

  EXPECT_TRUE(st.action.present);
  EXPECT_FALSE(st.action.is_not);
  EXPECT_FALSE(st.action.was_array);
  ASSERT_EQ(st.action.values.size(), 1u);
  EXPECT_EQ(st.action.values[0].value, "sts:AssumeRole");
  EXPECT_EQ(st.action.values[0].path, "/Statement/0/Action");
  EXPECT_FALSE(st.resource.present);

  EXPECT_TRUE(st.has_condition);
  EXPECT_EQ(st.condition_path, "/Statement/0/Condition");
  EXPECT_EQ(st.condition_pos.line, 11u);
  ASSERT_EQ(st.condition_operators.size(), 6u);
  EXPECT_EQ(st.condition_operators[5].value, "ForAnyValue:StringEquals");
  EXPECT_EQ(st.condition_operators[5].path, "/Statement/0/Condition/ForAnyValue:StringEquals");
  ASSERT_EQ(st.conditions.size(), 5u);  // the empty block contributes no entry

  const ConditionEntry& eq = st.conditions[0];
  EXPECT_EQ(eq.op.value, "StringEquals");
  EXPECT_EQ(eq.op.path, "/Statement/0/Condition/StringEquals");
  EXPECT_EQ(eq.op.pos.line, 12u);
  EXPECT_EQ(eq.op.pos.column, 9u);
  EXPECT_EQ(eq.key.value, "sts:ExternalId");
  EXPECT_EQ(eq.key.path, "/Statement/0/Condition/StringEquals/sts:ExternalId");
  EXPECT_EQ(eq.key.pos.column, 26u);
  EXPECT_FALSE(eq.was_array);
  ASSERT_EQ(eq.values.size(), 1u);
  EXPECT_TRUE(eq.values[0].from_json_string);
  EXPECT_EQ(eq.values[0].text.path, "/Statement/0/Condition/StringEquals/sts:ExternalId");

  const ConditionEntry& like = st.conditions[1];
  EXPECT_EQ(like.key.path, "/Statement/0/Condition/StringLike/aws:PrincipalTag~1team");
  EXPECT_TRUE(like.was_array);
  ASSERT_EQ(like.values.size(), 2u);
  EXPECT_EQ(like.values[1].text.value, "b?");
  EXPECT_EQ(like.values[1].text.path, "/Statement/0/Condition/StringLike/aws:PrincipalTag~1team/1");
  EXPECT_EQ(like.values[1].text.pos.line, 13u);
  EXPECT_EQ(like.values[1].text.pos.column, 56u);

  // G11: numbers and booleans keep their JSON text and are marked as not from a string.
  EXPECT_EQ(st.conditions[2].values[0].text.value, "3600");
  EXPECT_FALSE(st.conditions[2].values[0].from_json_string);
  EXPECT_EQ(st.conditions[3].values[0].text.value, "true");
  EXPECT_FALSE(st.conditions[3].values[0].from_json_string);
  EXPECT_EQ(st.conditions[4].values[0].text.value, "1.50");
  EXPECT_EQ(st.conditions[4].values[1].text.value, "-2");
}

TEST(ReadPolicy, SingleStatementObject) {
  ReadResult r = Read(R"({"Statement": {"Effect": "Deny", "NotAction": ["s3:*"],
                          "NotResource": "*", "NotPrincipal": "*"}})");
  ASSERT_TRUE(r.ok) << Dump(r.diags);
  EXPECT_FALSE(r.doc.version.has_value());
  EXPECT_FALSE(r.doc.policy_variables_enabled());
  EXPECT_FALSE(r.doc.statement_was_array);
  ASSERT_EQ(r.doc.statements.size(), 1u);
  const Statement& st = r.doc.statements[0];
  EXPECT_EQ(st.path, "/Statement");
  EXPECT_EQ(st.index, 0u);
  EXPECT_TRUE(st.action.is_not);
  EXPECT_TRUE(st.action.was_array);
  EXPECT_EQ(st.action.values[0].path, "/Statement/NotAction/0");
  EXPECT_TRUE(st.resource.is_not);
  EXPECT_EQ(st.resource.path, "/Statement/NotResource");
  EXPECT_TRUE(st.principal.present);
  EXPECT_TRUE(st.principal.is_not);
  EXPECT_TRUE(st.principal.any);
  EXPECT_TRUE(st.principal.entries.empty());
}

TEST(ReadPolicy, EmptyStatementArrayIsLeftToTheValidator) {
  ReadResult r = Read(R"({"Statement": []})");
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.doc.has_statement);
  EXPECT_TRUE(r.doc.statement_was_array);
  EXPECT_TRUE(r.doc.statements.empty());
}

// ---- JSON-level errors

TEST(ReadPolicy, MalformedJson) {
  Diagnostic d = Only(Read("{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}"));
  EXPECT_EQ(d.code, "json.syntax");
  EXPECT_EQ(d.message, "trailing comma is not allowed");
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.path, "");
  ExpectAt(d, 3, 23);
}

TEST(ReadPolicy, EmptyFile) {
  Diagnostic d = Only(Read(""));
  EXPECT_EQ(d.code, "json.syntax");
  EXPECT_EQ(d.message, "empty document");
  ExpectAt(d, 1, 1);
}

TEST(ReadPolicy, TruncatedFile) {
  const std::string text = kTrust;
  for (size_t n : {size_t{1}, size_t{30}, text.size() / 2, text.size() - 1}) {
    ReadResult r = Read(std::string_view(text).substr(0, n));
    ASSERT_FALSE(r.ok) << n;
    ASSERT_EQ(r.diags.size(), 1u);
    EXPECT_EQ(r.diags[0].code, "json.syntax") << n;
  }
  Diagnostic d = Only(Read(std::string_view(text).substr(0, text.size() - 1)));
  EXPECT_EQ(d.message, "unexpected end of input, expected `,` or `}`");
  ExpectAt(d, 21, 1);
}

TEST(ReadPolicy, InvalidUtf8) {
  Diagnostic d = Only(Read("{\"Statement\": [{\"Sid\": \"a\xC3\x28\"}]}"));
  EXPECT_EQ(d.code, "json.syntax");
  EXPECT_EQ(d.message, "invalid UTF-8 byte 0xc3 (incomplete multi-byte sequence)");
  ExpectAt(d, 1, 26);
}

TEST(ReadPolicy, DuplicateKeysCarryTheirPath) {
  // G13: the second key is the error, at its own position.
  Diagnostic d = Only(Read("{\"Statement\": [{\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}]}"));
  EXPECT_EQ(d.code, "json.duplicate_key");
  EXPECT_EQ(d.message, "duplicate key `Effect`");
  EXPECT_EQ(d.path, "/Statement/0/Effect");
  ExpectAt(d, 2, 2);

  d = Only(Read(R"({"Statement": [{}, {"Condition": {"StringLike": {"aws:PrincipalTag/team": "a",
      "aws:PrincipalTag/team": "b"}}}]})"));
  EXPECT_EQ(d.code, "json.duplicate_key");
  EXPECT_EQ(d.path, "/Statement/1/Condition/StringLike/aws:PrincipalTag~1team");
  ExpectAt(d, 2, 7);

  d = Only(Read(R"({"Statement": [], "Version": "2012-10-17", "Statement": []})"));
  EXPECT_EQ(d.path, "/Statement");
  ExpectAt(d, 1, 44);
}

TEST(ReadPolicy, DeepNestingIsAnErrorNotACrash) {
  std::string text = R"({"Statement": {"Condition": {"StringEquals": {"k:k": )";
  text += std::string(100000, '[');
  Diagnostic d = Only(Read(text));
  EXPECT_EQ(d.code, "json.too_deep");
  EXPECT_EQ(d.message, "nesting deeper than 64 levels");
}

// ---- Top level (G1)

TEST(ReadPolicy, NotAnObject) {
  Diagnostic d = Only(Read("[{\"Statement\": []}]"));
  EXPECT_EQ(d.code, "policy.not_object");
  EXPECT_EQ(d.message, "a policy must be a JSON object, not an array");
  EXPECT_EQ(d.path, "");
  ExpectAt(d, 1, 1);
  EXPECT_EQ(Only(Read("  \"policy\"")).code, "policy.not_object");
}

TEST(ReadPolicy, UnknownTopLevelKeys) {
  ReadResult r = Read(R"({"Version": "2012-10-17", "Statement": [],
  "Conditions": {}, "statement": 1})");
  ASSERT_EQ(r.diags.size(), 2u) << Dump(r.diags);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.diags[0].code, "policy.unknown_key");
  EXPECT_EQ(r.diags[0].message, "unknown key `Conditions` in policy");
  EXPECT_EQ(r.diags[0].path, "/Conditions");
  ExpectAt(r.diags[0], 2, 3);
  EXPECT_EQ(r.diags[1].path, "/statement");
  EXPECT_EQ(r.diags[1].help, "did you mean `Statement`?");
}

TEST(ReadPolicy, MissingStatement) {
  Diagnostic d = Only(Read("{\"Version\": \"2012-10-17\"}"));
  EXPECT_EQ(d.code, "policy.missing_statement");
  EXPECT_EQ(d.message, "policy has no `Statement`");
  EXPECT_EQ(d.path, "");
  ExpectAt(d, 1, 1);
}

TEST(ReadPolicy, WrongTypesAtTopLevel) {
  ReadResult r = Read(R"({"Version": 2012, "Id": ["x"], "Statement": "s"})");
  ASSERT_EQ(r.diags.size(), 3u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "policy.version_type");
  EXPECT_EQ(r.diags[0].message, "`Version` must be a string, not a number");
  EXPECT_EQ(r.diags[0].path, "/Version");
  ExpectAt(r.diags[0], 1, 13);
  EXPECT_EQ(r.diags[1].code, "policy.id_type");
  EXPECT_EQ(r.diags[2].code, "policy.statement_type");
  EXPECT_EQ(r.diags[2].message,
            "`Statement` must be an object or an array of objects, not a string");
}

TEST(ReadPolicy, StatementItemsMustBeObjects) {
  ReadResult r = Read(R"({"Statement": [{"Effect": "Allow"}, 7, null]})");
  ASSERT_EQ(r.diags.size(), 2u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "policy.statement_type");
  EXPECT_EQ(r.diags[0].message, "each statement must be an object, not a number");
  EXPECT_EQ(r.diags[0].path, "/Statement/1");
  ExpectAt(r.diags[0], 1, 37);
  EXPECT_EQ(r.diags[1].path, "/Statement/2");
  // The good statement keeps its index.
  ASSERT_EQ(r.doc.statements.size(), 1u);
  EXPECT_EQ(r.doc.statements[0].index, 0u);
}

// ---- Statement keys (G4)

TEST(ReadPolicy, UnknownStatementKey) {
  Diagnostic d = Only(Read(R"({"Statement": [{"Effect": "Allow", "Conditions": {}}]})"));
  EXPECT_EQ(d.code, "statement.unknown_key");
  EXPECT_EQ(d.message, "unknown key `Conditions` in statement");
  EXPECT_EQ(d.path, "/Statement/0/Conditions");
  EXPECT_EQ(d.help, "did you mean `Condition`?");
  ExpectAt(d, 1, 36);
  EXPECT_EQ(Only(Read(R"({"Statement": {"Foo": 1}})")).help, "");
}

TEST(ReadPolicy, MutuallyExclusiveElements) {
  ReadResult r = Read(R"({"Statement": [{
    "Action": "s3:GetObject", "NotAction": "s3:PutObject",
    "Resource": "*", "NotResource": "*",
    "Principal": "*", "NotPrincipal": {"AWS": "*"}}]})");
  ASSERT_EQ(r.diags.size(), 3u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "statement.both_action_notaction");
  EXPECT_EQ(r.diags[0].message, "a statement cannot have both `Action` and `NotAction`");
  EXPECT_EQ(r.diags[0].path, "/Statement/0/NotAction");
  ExpectAt(r.diags[0], 2, 31);
  EXPECT_EQ(r.diags[1].code, "statement.both_resource_notresource");
  EXPECT_EQ(r.diags[1].path, "/Statement/0/NotResource");
  EXPECT_EQ(r.diags[2].code, "statement.both_principal_notprincipal");
  EXPECT_EQ(r.diags[2].path, "/Statement/0/NotPrincipal");
  // The first of each pair is kept.
  EXPECT_FALSE(r.doc.statements[0].action.is_not);
}

TEST(ReadPolicy, ActionAndResourceTypes) {
  ReadResult r = Read(R"({"Statement": [{"Action": 5, "Resource": ["a", {"b": 1}, ["c"]]},
                                         {"NotAction": ["s3:x", null], "NotResource": true}]})");
  ASSERT_EQ(r.diags.size(), 5u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "statement.action_type");
  EXPECT_EQ(r.diags[0].message, "`Action` must be a string or an array of strings, not a number");
  EXPECT_EQ(r.diags[0].path, "/Statement/0/Action");
  ExpectAt(r.diags[0], 1, 27);
  EXPECT_EQ(r.diags[1].code, "statement.resource_type");
  EXPECT_EQ(r.diags[1].message,
            "`Resource` must be a string or an array of strings; item 1 is an object");
  EXPECT_EQ(r.diags[1].path, "/Statement/0/Resource/1");
  EXPECT_EQ(r.diags[2].path, "/Statement/0/Resource/2");
  EXPECT_EQ(r.diags[3].code, "statement.action_type");
  EXPECT_EQ(r.diags[3].message,
            "`NotAction` must be a string or an array of strings; item 1 is null");
  EXPECT_EQ(r.diags[3].path, "/Statement/1/NotAction/1");
  EXPECT_EQ(r.diags[4].code, "statement.resource_type");
  EXPECT_EQ(r.diags[4].message,
            "`NotResource` must be a string or an array of strings, not a boolean");
}

TEST(ReadPolicy, SidAndEffectTypes) {
  ReadResult r = Read(R"({"Statement": [{"Sid": 1, "Effect": true}]})");
  ASSERT_EQ(r.diags.size(), 2u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "statement.sid_type");
  EXPECT_EQ(r.diags[0].path, "/Statement/0/Sid");
  EXPECT_EQ(r.diags[1].code, "statement.effect_type");
  EXPECT_EQ(r.diags[1].message, "`Effect` must be a string, not a boolean");
}

// ---- Principal (G8)

TEST(ReadPolicy, PrincipalForms) {
  ReadResult r = Read(R"({"Statement": [
    {"Principal": "*"},
    {"Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:role/R"],
                   "Federated": "cognito-identity.amazonaws.com",
                   "CanonicalUser": "abc"}}]})");
  ASSERT_TRUE(r.ok) << Dump(r.diags);
  EXPECT_TRUE(r.doc.statements[0].principal.any);
  const PrincipalElement& p = r.doc.statements[1].principal;
  ASSERT_EQ(p.entries.size(), 4u);
  EXPECT_EQ(p.entries[1].value.path, "/Statement/1/Principal/AWS/1");
  EXPECT_EQ(p.entries[2].type, PrincipalType::kFederated);
  EXPECT_EQ(p.entries[3].type, PrincipalType::kCanonicalUser);
}

TEST(ReadPolicy, PrincipalErrors) {
  ReadResult r = Read(R"({"Statement": [
    {"Principal": "arn:aws:iam::111122223333:root"},
    {"Principal": ["*"]},
    {"Principal": {"Aws": "*", "Service": 5, "AWS": ["1", 2]}}]})");
  ASSERT_EQ(r.diags.size(), 5u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "statement.principal_type");
  EXPECT_EQ(r.diags[0].message,
            "`Principal` as a string must be `*`, not `arn:aws:iam::111122223333:root`");
  EXPECT_EQ(r.diags[0].path, "/Statement/0/Principal");
  ExpectAt(r.diags[0], 2, 19);
  EXPECT_EQ(r.diags[1].code, "statement.principal_type");
  EXPECT_EQ(r.diags[1].message,
            "`Principal` must be `*` or an object of principal types, not an array");
  EXPECT_EQ(r.diags[2].code, "principal.unknown_type");
  EXPECT_EQ(r.diags[2].message, "unknown principal type `Aws`");
  EXPECT_EQ(r.diags[2].help, "did you mean `AWS`?");
  EXPECT_EQ(r.diags[2].path, "/Statement/2/Principal/Aws");
  ExpectAt(r.diags[2], 4, 20);
  EXPECT_EQ(r.diags[3].code, "principal.value_type");
  EXPECT_EQ(r.diags[3].path, "/Statement/2/Principal/Service");
  EXPECT_EQ(r.diags[4].code, "principal.value_type");
  EXPECT_EQ(r.diags[4].path, "/Statement/2/Principal/AWS/1");
}

// ---- Condition (G11)

TEST(ReadPolicy, ConditionErrors) {
  ReadResult r = Read(R"({"Statement": [
    {"Condition": []},
    {"Condition": {"StringEquals": "x", "StringLike": {"a:b": null, "a:c": {"x": 1},
                   "a:d": ["ok", ["nested"], {}, null, 7, false]}}}]})");
  ASSERT_EQ(r.diags.size(), 7u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "statement.condition_type");
  EXPECT_EQ(r.diags[0].path, "/Statement/0/Condition");
  EXPECT_EQ(r.diags[1].code, "condition.block_type");
  EXPECT_EQ(r.diags[1].message,
            "the block of condition operator `StringEquals` must be an object of condition "
            "keys, not a string");
  EXPECT_EQ(r.diags[1].path, "/Statement/1/Condition/StringEquals");
  ExpectAt(r.diags[1], 3, 36);
  EXPECT_EQ(r.diags[2].code, "condition.value_type");
  EXPECT_EQ(r.diags[2].message,
            "the value of condition key `a:b` must be a string, number, boolean or an array of "
            "them, not null");
  EXPECT_EQ(r.diags[2].path, "/Statement/1/Condition/StringLike/a:b");
  EXPECT_EQ(r.diags[3].path, "/Statement/1/Condition/StringLike/a:c");
  EXPECT_EQ(r.diags[4].message,
            "condition values must be strings, numbers or booleans; item 1 of `a:d` is an array");
  EXPECT_EQ(r.diags[4].path, "/Statement/1/Condition/StringLike/a:d/1");
  ExpectAt(r.diags[4], 4, 34);
  EXPECT_EQ(r.diags[5].path, "/Statement/1/Condition/StringLike/a:d/2");
  EXPECT_EQ(r.diags[6].path, "/Statement/1/Condition/StringLike/a:d/3");
  // The good values are still read.
  const Statement& st = r.doc.statements[1];
  ASSERT_EQ(st.conditions.size(), 3u);
  ASSERT_EQ(st.conditions[2].values.size(), 3u);
  EXPECT_EQ(st.conditions[2].values[1].text.value, "7");
  EXPECT_EQ(st.conditions[2].values[2].text.value, "false");
}

TEST(ReadPolicy, EmptyConditionIsAllowed) {
  ReadResult r = Read(R"({"Statement": {"Condition": {}}})");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.doc.statements[0].has_condition);
  EXPECT_TRUE(r.doc.statements[0].conditions.empty());
  EXPECT_TRUE(r.doc.statements[0].condition_operators.empty());
}

// ---- Several problems at once

TEST(ReadPolicy, ReportsEveryStructuralProblem) {
  ReadResult r = Read(R"({"Version": 1, "Extra": 2, "Statement": [
    {"Effect": "Allow", "Bogus": 1, "Action": 5},
    {"Principal": 3}]})");
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.diags.size(), 5u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "policy.version_type");
  EXPECT_EQ(r.diags[1].code, "policy.unknown_key");
  EXPECT_EQ(r.diags[2].code, "statement.unknown_key");
  EXPECT_EQ(r.diags[3].code, "statement.action_type");
  EXPECT_EQ(r.diags[4].code, "statement.principal_type");
  EXPECT_EQ(r.diags[4].path, "/Statement/1/Principal");
}

// ---- Size (G14)

TEST(ReadPolicy, SizeWithoutWhitespace) {
  // Outside strings white space is free; inside strings it counts, as do escapes as written
  // and each code point once.
  EXPECT_EQ(Read(R"({"Statement": []})").doc.size_without_whitespace, 16u);
  EXPECT_EQ(Read("{\n\t\"Statement\" :\r\n [ ] }").doc.size_without_whitespace, 16u);
  EXPECT_EQ(Read(R"({"Id": "a b", "Statement": []})").doc.size_without_whitespace, 27u);
  EXPECT_EQ(Read(R"({"Id": "\u00e9\"", "Statement": []})").doc.size_without_whitespace, 32u);
  EXPECT_EQ(
      Read("{\"Id\": \"\xC3\xA9\xF0\x9F\x98\x80\", \"Statement\": []}").doc.size_without_whitespace,
      26u);
}

// ---- Embedded policies (the eval request line)

TEST(ReadPolicyFromJson, PrefixesPathsAndUsesLinePositions) {
  const std::string line =
      R"({"id": "r1", "resource_policy": {"Statement": [{"Action": 7, "Effect": "Allow"}]}, "z": "   "})";
  JsonValue v;
  ASSERT_FALSE(ParseJson(line, {}, &v).has_value());
  const JsonValue* policy = v.Find("resource_policy");
  ASSERT_NE(policy, nullptr);
  PolicyDocument doc;
  Diagnostics diags;
  EXPECT_FALSE(ReadPolicyFromJson(*policy, "/resource_policy", line, &doc, &diags));
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_EQ(diags[0].code, "statement.action_type");
  EXPECT_EQ(diags[0].path, "/resource_policy/Statement/0/Action");
  EXPECT_EQ(diags[0].pos.column, 59u);
  EXPECT_EQ(doc.path, "/resource_policy");
  EXPECT_EQ(doc.pos.column, 33u);
  EXPECT_EQ(doc.statements[0].path, "/resource_policy/Statement/0");
  // Only the policy's own span counts toward its size.
  EXPECT_EQ(doc.size_without_whitespace, 45u);

  diags.clear();
  JsonValue not_object;
  ASSERT_FALSE(ParseJson(R"({"identity_policies": [1]})", {}, &not_object).has_value());
  EXPECT_FALSE(ReadPolicyFromJson(not_object.members[0].value.items[0], "/identity_policies/0",
                                  R"({"identity_policies": [1]})", &doc, &diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "policy.not_object");
  EXPECT_EQ(diags[0].path, "/identity_policies/0");
  EXPECT_EQ(diags[0].pos.column, 24u);
}

// ---- Scale

TEST(ReadPolicy, ThousandStatements) {
  // kMaxPolicyStatements statements read whole; more are refused (docs/limits.md).
  auto policy = [](int n) {
    std::string text = R"({"Version": "2012-10-17", "Statement": [)";
    for (int i = 0; i < n; ++i) {
      if (i > 0) text += ",\n";
      text += R"({"Sid": "S)" + std::to_string(i) +
              R"(", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})";
    }
    return text + "]}";
  };
  ReadResult r = Read(policy(1000));
  ASSERT_TRUE(r.ok) << Dump(r.diags);
  ASSERT_EQ(r.doc.statements.size(), 1000u);
  const Statement& last = r.doc.statements.back();
  EXPECT_EQ(last.index, 999u);
  EXPECT_EQ(last.path, "/Statement/999");
  EXPECT_EQ(last.pos.line, 1000u);
  EXPECT_EQ(last.sid->value, "S999");

  ReadResult over = Read(policy(1001));
  ASSERT_FALSE(over.ok);
  ASSERT_EQ(over.diags.size(), 1u) << Dump(over.diags);
  EXPECT_EQ(over.diags[0].code, "policy.too_many_statements");
  EXPECT_EQ(over.diags[0].path, "/Statement/1000");
  EXPECT_EQ(over.diags[0].pos.line, 1001u);

  // 10,000 statements hold 50,000 values: refused by the value limit while reading the JSON.
  ReadResult many = Read(policy(10000));
  ASSERT_FALSE(many.ok);
  ASSERT_EQ(many.diags.size(), 1u) << Dump(many.diags);
  EXPECT_EQ(many.diags[0].code, "json.too_many_values");
  EXPECT_EQ(many.diags[0].pos.line, 4000u);
}

TEST(ReadPolicy, TenMegabytePolicyTerminates) {
  std::string text = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [)";
  const std::string entry = R"("s3:GetObjectVersionTaggingForAVeryLongActionNameThatIsLong",)";
  while (text.size() < (10u << 20)) text += entry;
  text.back() = ']';
  text += R"(, "Resource": "*"}]})";
  const auto start = std::chrono::steady_clock::now();
  ReadResult r = Read(text);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  // 170,000 actions: over the policy's value limit, refused at the first value too many.
  ASSERT_FALSE(r.ok);
  ASSERT_EQ(r.diags.size(), 1u) << Dump(r.diags);
  EXPECT_EQ(r.diags[0].code, "json.too_many_values");
  EXPECT_EQ(r.diags[0].message, "more than 20000 values");
  // A hang guard (sanitizer builds included), not a benchmark: see bench/ for figures.
  EXPECT_LT(ms, 20000) << "reading " << text.size() << " bytes took " << ms << " ms";
}

// ---- Names

TEST(Names, KindsAndPrincipalTypes) {
  EXPECT_STREQ(PolicyKindName(PolicyKind::kTrust), "trust");
  EXPECT_STREQ(PolicyKindName(PolicyKind::kIdentity), "identity");
  EXPECT_STREQ(PolicyKindName(PolicyKind::kResource), "resource");
  EXPECT_STREQ(PrincipalTypeName(PrincipalType::kAWS), "AWS");
  EXPECT_STREQ(PrincipalTypeName(PrincipalType::kService), "Service");
  EXPECT_STREQ(PrincipalTypeName(PrincipalType::kFederated), "Federated");
  EXPECT_STREQ(PrincipalTypeName(PrincipalType::kCanonicalUser), "CanonicalUser");
}

}  // namespace
}  // namespace redtrust
