// Condition operator names (rule G12): [ForAllValues:|ForAnyValue:]<Base>[IfExists].
// Pure table lookups; no evaluation here (see values.h and engine/eval/).
#ifndef REDTRUST_ENGINE_CONDITION_OPERATORS_H_
#define REDTRUST_ENGINE_CONDITION_OPERATORS_H_

#include <optional>
#include <string>
#include <string_view>

namespace redtrust {

enum class BaseOperator {
  kStringEquals, kStringNotEquals, kStringEqualsIgnoreCase, kStringNotEqualsIgnoreCase,
  kStringLike, kStringNotLike,
  kNumericEquals, kNumericNotEquals, kNumericLessThan, kNumericLessThanEquals,
  kNumericGreaterThan, kNumericGreaterThanEquals,
  kDateEquals, kDateNotEquals, kDateLessThan, kDateLessThanEquals, kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool, kBinaryEquals, kIpAddress, kNotIpAddress,
  kArnEquals, kArnLike, kArnNotEquals, kArnNotLike,
  kNull,
};

enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

// What kind of values the operator compares.
enum class ValueType { kString, kNumeric, kDate, kBool, kBinary, kIp, kArn, kNull };

// The comparison proper, after negation is factored out. E.g. StringNotLike -> kLike.
enum class Comparison {
  kEquals, kEqualsIgnoreCase, kLike, kLessThan, kLessThanEquals, kGreaterThan,
  kGreaterThanEquals, kIpInCidr, kArnLike, kBoolEquals, kBinaryEquals, kNull,
};

struct OperatorSpec {
  SetQualifier set = SetQualifier::kNone;
  BaseOperator base = BaseOperator::kStringEquals;
  bool if_exists = false;
};

// Parses an operator name exactly as AWS spells it (case-sensitive, rule G12
// and OPEN-4's choice). NullIfExists is rejected (IfExists is not documented for Null), and so are
// ForAllValues:Null / ForAnyValue:Null (Null tests presence, not values). No white space, one
// qualifier at most, one IfExists at most.
std::optional<OperatorSpec> ParseOperatorName(std::string_view name);

// The canonical name, e.g. "ForAnyValue:StringLikeIfExists".
std::string OperatorName(const OperatorSpec& spec);
const char* BaseOperatorName(BaseOperator op);

// True for the inverted operators of rule C4 (StringNotEquals, NotIpAddress, ...): several
// values combine as NOR and a missing key makes the condition true.
bool IsNegated(BaseOperator op);
ValueType OperatorValueType(BaseOperator op);
Comparison OperatorComparison(BaseOperator op);
// Policy variables are allowed in String and ARN operator values (rule V2). Bool: see
// docs/semantics.md (the AWS pages disagree; we do not substitute).
bool AllowsPolicyVariables(BaseOperator op);
// Wildcards `*`/`?` are meaningful only for StringLike/StringNotLike and the ARN operators.
bool UsesWildcards(BaseOperator op);

// For an unknown name, the closest valid operator name (edit distance, case-insensitive), or
// nullopt when nothing is close. Used for "did you mean" help.
// Details: candidates are all 157 valid full names (qualifiers and IfExists included); the
// distance counts insertions, deletions, substitutions and adjacent transpositions, ignoring
// ASCII case; at most 1 edit for names up to 9 characters, 2 up to 14, 3 beyond; ties go to
// the first name in enum order (plain, ForAllValues:, ForAnyValue:; without IfExists first).
// "StringEqual" -> "StringEquals", "stringequals" -> "StringEquals", "foo" -> nullopt.
// Set-qualified or IfExists forms of Null ("NullIfExists") -> "Null".
// Cost: O(157 * |bad| * 40) at most, with early exits on length difference and row minimum.
std::optional<std::string> SuggestOperatorName(std::string_view bad);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_CONDITION_OPERATORS_H_
