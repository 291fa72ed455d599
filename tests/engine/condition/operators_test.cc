#include "engine/condition/operators.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust {
namespace {

constexpr BaseOperator kAllBases[] = {
    BaseOperator::kStringEquals,
    BaseOperator::kStringNotEquals,
    BaseOperator::kStringEqualsIgnoreCase,
    BaseOperator::kStringNotEqualsIgnoreCase,
    BaseOperator::kStringLike,
    BaseOperator::kStringNotLike,
    BaseOperator::kNumericEquals,
    BaseOperator::kNumericNotEquals,
    BaseOperator::kNumericLessThan,
    BaseOperator::kNumericLessThanEquals,
    BaseOperator::kNumericGreaterThan,
    BaseOperator::kNumericGreaterThanEquals,
    BaseOperator::kDateEquals,
    BaseOperator::kDateNotEquals,
    BaseOperator::kDateLessThan,
    BaseOperator::kDateLessThanEquals,
    BaseOperator::kDateGreaterThan,
    BaseOperator::kDateGreaterThanEquals,
    BaseOperator::kBool,
    BaseOperator::kBinaryEquals,
    BaseOperator::kIpAddress,
    BaseOperator::kNotIpAddress,
    BaseOperator::kArnEquals,
    BaseOperator::kArnLike,
    BaseOperator::kArnNotEquals,
    BaseOperator::kArnNotLike,
    BaseOperator::kNull,
};

BaseOperator BaseOf(std::string_view name) {
  std::optional<OperatorSpec> spec = ParseOperatorName(name);
  EXPECT_TRUE(spec.has_value()) << name;
  return spec ? spec->base : BaseOperator::kNull;
}

TEST(ParseOperatorName, PlainQualifiedAndIfExists) {
  std::optional<OperatorSpec> s = ParseOperatorName("StringEquals");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->base, BaseOperator::kStringEquals);
  EXPECT_EQ(s->set, SetQualifier::kNone);
  EXPECT_FALSE(s->if_exists);

  s = ParseOperatorName("ForAnyValue:StringLikeIfExists");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->base, BaseOperator::kStringLike);
  EXPECT_EQ(s->set, SetQualifier::kForAnyValue);
  EXPECT_TRUE(s->if_exists);

  s = ParseOperatorName("ForAllValues:NumericLessThanEquals");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->base, BaseOperator::kNumericLessThanEquals);
  EXPECT_EQ(s->set, SetQualifier::kForAllValues);
  EXPECT_FALSE(s->if_exists);

  s = ParseOperatorName("ArnNotLikeIfExists");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->base, BaseOperator::kArnNotLike);
  EXPECT_TRUE(s->if_exists);

  s = ParseOperatorName("Null");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->base, BaseOperator::kNull);
}

TEST(ParseOperatorName, EveryValidNameRoundTrips) {
  int count = 0;
  for (BaseOperator b : kAllBases) {
    for (SetQualifier q :
         {SetQualifier::kNone, SetQualifier::kForAllValues, SetQualifier::kForAnyValue}) {
      for (bool if_exists : {false, true}) {
        const std::string name = OperatorName(OperatorSpec{q, b, if_exists});
        std::optional<OperatorSpec> spec = ParseOperatorName(name);
        const bool valid = b != BaseOperator::kNull || (q == SetQualifier::kNone && !if_exists);
        ASSERT_EQ(spec.has_value(), valid) << name;
        if (!spec) continue;
        ++count;
        EXPECT_EQ(spec->base, b) << name;
        EXPECT_EQ(spec->set, q) << name;
        EXPECT_EQ(spec->if_exists, if_exists) << name;
      }
    }
  }
  EXPECT_EQ(count, 26 * 6 + 1);
}

TEST(ParseOperatorName, IsCaseSensitive) {
  for (std::string_view bad : {"stringequals", "STRINGEQUALS", "Stringequals",
                               "forallvalues:StringEquals", "ForAllvalues:StringEquals",
                               "StringEqualsifexists", "bool", "null", "IPAddress", "ArnLIKE"}) {
    EXPECT_EQ(ParseOperatorName(bad), std::nullopt) << bad;
  }
}

TEST(ParseOperatorName, RejectsMalformed) {
  for (std::string_view bad :
       {"", "IfExists", "ForAnyValue:", "ForAllValues:", "ForAnyValue:IfExists",
        "StringEqualsIfExistsIfExists", "ForAllValues:ForAnyValue:StringEquals", " StringEquals",
        "StringEquals ", "StringEqual", "ForAnyValues:StringLike", "ForAnyValue StringLike",
        "ForAnyValue::StringLike", "IfExistsStringEquals"}) {
    EXPECT_EQ(ParseOperatorName(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseOperatorName(std::string_view("StringEquals\0", 13)), std::nullopt);
}

TEST(ParseOperatorName, NullTakesNoIfExistsNorQualifier) {
  EXPECT_EQ(ParseOperatorName("NullIfExists"), std::nullopt);
  EXPECT_EQ(ParseOperatorName("ForAllValues:Null"), std::nullopt);
  EXPECT_EQ(ParseOperatorName("ForAnyValue:Null"), std::nullopt);
  EXPECT_EQ(ParseOperatorName("ForAnyValue:NullIfExists"), std::nullopt);
}

TEST(OperatorName, CanonicalSpelling) {
  EXPECT_EQ(OperatorName({SetQualifier::kForAnyValue, BaseOperator::kStringLike, true}),
            "ForAnyValue:StringLikeIfExists");
  EXPECT_EQ(OperatorName({SetQualifier::kForAllValues, BaseOperator::kArnEquals, false}),
            "ForAllValues:ArnEquals");
  EXPECT_EQ(OperatorName({}), "StringEquals");
  EXPECT_STREQ(BaseOperatorName(BaseOperator::kNotIpAddress), "NotIpAddress");
  EXPECT_STREQ(BaseOperatorName(BaseOperator::kStringNotEqualsIgnoreCase),
               "StringNotEqualsIgnoreCase");
  EXPECT_STREQ(BaseOperatorName(BaseOperator::kNull), "Null");
}

TEST(IsNegated, ExactlyTheC4Operators) {
  const std::set<std::string> negated = {"StringNotEquals", "StringNotEqualsIgnoreCase",
                                         "StringNotLike",   "NumericNotEquals",
                                         "DateNotEquals",   "NotIpAddress",
                                         "ArnNotEquals",    "ArnNotLike"};
  for (BaseOperator b : kAllBases) {
    EXPECT_EQ(IsNegated(b), negated.count(BaseOperatorName(b)) == 1) << BaseOperatorName(b);
  }
}

TEST(OperatorValueType, ByFamily) {
  EXPECT_EQ(OperatorValueType(BaseOf("StringNotEqualsIgnoreCase")), ValueType::kString);
  EXPECT_EQ(OperatorValueType(BaseOf("StringLike")), ValueType::kString);
  EXPECT_EQ(OperatorValueType(BaseOf("NumericGreaterThan")), ValueType::kNumeric);
  EXPECT_EQ(OperatorValueType(BaseOf("DateLessThanEquals")), ValueType::kDate);
  EXPECT_EQ(OperatorValueType(BaseOf("Bool")), ValueType::kBool);
  EXPECT_EQ(OperatorValueType(BaseOf("BinaryEquals")), ValueType::kBinary);
  EXPECT_EQ(OperatorValueType(BaseOf("NotIpAddress")), ValueType::kIp);
  EXPECT_EQ(OperatorValueType(BaseOf("ArnEquals")), ValueType::kArn);
  EXPECT_EQ(OperatorValueType(BaseOf("Null")), ValueType::kNull);
}

TEST(OperatorComparison, NegationFactoredOut) {
  EXPECT_EQ(OperatorComparison(BaseOf("StringEquals")), Comparison::kEquals);
  EXPECT_EQ(OperatorComparison(BaseOf("StringNotEquals")), Comparison::kEquals);
  EXPECT_EQ(OperatorComparison(BaseOf("StringNotEqualsIgnoreCase")), Comparison::kEqualsIgnoreCase);
  EXPECT_EQ(OperatorComparison(BaseOf("StringNotLike")), Comparison::kLike);
  EXPECT_EQ(OperatorComparison(BaseOf("NumericNotEquals")), Comparison::kEquals);
  EXPECT_EQ(OperatorComparison(BaseOf("NumericLessThan")), Comparison::kLessThan);
  EXPECT_EQ(OperatorComparison(BaseOf("DateGreaterThanEquals")), Comparison::kGreaterThanEquals);
  EXPECT_EQ(OperatorComparison(BaseOf("DateNotEquals")), Comparison::kEquals);
  EXPECT_EQ(OperatorComparison(BaseOf("Bool")), Comparison::kBoolEquals);
  EXPECT_EQ(OperatorComparison(BaseOf("BinaryEquals")), Comparison::kBinaryEquals);
  EXPECT_EQ(OperatorComparison(BaseOf("NotIpAddress")), Comparison::kIpInCidr);
  EXPECT_EQ(OperatorComparison(BaseOf("Null")), Comparison::kNull);
  // C12: ArnEquals behaves like ArnLike.
  for (std::string_view n : {"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}) {
    EXPECT_EQ(OperatorComparison(BaseOf(n)), Comparison::kArnLike) << n;
  }
}

TEST(AllowsPolicyVariables, StringAndArnOnly) {
  for (BaseOperator b : kAllBases) {
    const std::string name = BaseOperatorName(b);
    const bool want = name.rfind("String", 0) == 0 || name.rfind("Arn", 0) == 0;
    EXPECT_EQ(AllowsPolicyVariables(b), want) << name;
  }
  EXPECT_FALSE(AllowsPolicyVariables(BaseOperator::kBool));  // see docs/semantics.md
}

TEST(UsesWildcards, LikeAndArnOperators) {
  const std::set<std::string> wild = {"StringLike", "StringNotLike", "ArnEquals",
                                      "ArnLike",    "ArnNotEquals",  "ArnNotLike"};
  for (BaseOperator b : kAllBases) {
    EXPECT_EQ(UsesWildcards(b), wild.count(BaseOperatorName(b)) == 1) << BaseOperatorName(b);
  }
}

TEST(SuggestOperatorName, CloseMisspellings) {
  EXPECT_EQ(SuggestOperatorName("StringEqual"), "StringEquals");
  EXPECT_EQ(SuggestOperatorName("stringequals"), "StringEquals");
  EXPECT_EQ(SuggestOperatorName("ForAnyValues:StringLike"), "ForAnyValue:StringLike");
  EXPECT_EQ(SuggestOperatorName("ForAllValue:StringLike"), "ForAllValues:StringLike");
  EXPECT_EQ(SuggestOperatorName("StirngEquals"), "StringEquals");  // transposition
  EXPECT_EQ(SuggestOperatorName("NumericLessThen"), "NumericLessThan");
  EXPECT_EQ(SuggestOperatorName("StringEqualsIgnorecase"), "StringEqualsIgnoreCase");
  EXPECT_EQ(SuggestOperatorName("ipaddress"), "IpAddress");
  EXPECT_EQ(SuggestOperatorName("IpAdress"), "IpAddress");
  EXPECT_EQ(SuggestOperatorName("Bol"), "Bool");
  EXPECT_EQ(SuggestOperatorName("ArnLikeIfExist"), "ArnLikeIfExists");
  EXPECT_EQ(SuggestOperatorName("forallvalues:stringequalsifexists"),
            "ForAllValues:StringEqualsIfExists");
  EXPECT_EQ(SuggestOperatorName("DateGreaterThanEqual"), "DateGreaterThanEquals");
}

TEST(SuggestOperatorName, NothingForGarbage) {
  for (std::string_view bad : {"", "foo", "xyzzy", "Condition", "aws:SourceIp", "Allow", "Effect",
                               "Date", "String", "ForAnyValue:", "12345", "sts:ExternalId"}) {
    EXPECT_EQ(SuggestOperatorName(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(SuggestOperatorName(std::string(10000, 'x')), std::nullopt);
}

TEST(SuggestOperatorName, NullCombinationsSuggestNull) {
  EXPECT_EQ(SuggestOperatorName("NullIfExists"), "Null");
  EXPECT_EQ(SuggestOperatorName("ForAnyValue:Null"), "Null");
  EXPECT_EQ(SuggestOperatorName("ForAllValues:NullIfExists"), "Null");
}

TEST(SuggestOperatorName, SuggestionsAreValid) {
  for (std::string_view s : {"StringEqual", "stringlike", "Arnlike", "NotIpAdress"}) {
    std::optional<std::string> got = SuggestOperatorName(s);
    ASSERT_TRUE(got.has_value()) << s;
    EXPECT_TRUE(ParseOperatorName(*got).has_value()) << *got;
  }
}

}  // namespace
}  // namespace redtrust
