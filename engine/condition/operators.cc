// The condition-operator table (rules C1-C13, docs/semantics.md). One row per base operator; every
// query in operators.h is a lookup in this table.
#include "engine/condition/operators.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust {
namespace {

struct BaseInfo {
  BaseOperator op;
  const char* name;
  ValueType type;
  Comparison comparison;
  bool negated;  // C4: NOR over values; a missing key makes the condition true.
};

// Row order equals the enum order (checked below), so the table is indexed by the enum.
constexpr BaseInfo kBases[] = {
    {BaseOperator::kStringEquals, "StringEquals", ValueType::kString, Comparison::kEquals, false},
    {BaseOperator::kStringNotEquals, "StringNotEquals", ValueType::kString, Comparison::kEquals,
     true},
    {BaseOperator::kStringEqualsIgnoreCase, "StringEqualsIgnoreCase", ValueType::kString,
     Comparison::kEqualsIgnoreCase, false},
    {BaseOperator::kStringNotEqualsIgnoreCase, "StringNotEqualsIgnoreCase", ValueType::kString,
     Comparison::kEqualsIgnoreCase, true},
    {BaseOperator::kStringLike, "StringLike", ValueType::kString, Comparison::kLike, false},
    {BaseOperator::kStringNotLike, "StringNotLike", ValueType::kString, Comparison::kLike, true},
    {BaseOperator::kNumericEquals, "NumericEquals", ValueType::kNumeric, Comparison::kEquals,
     false},
    {BaseOperator::kNumericNotEquals, "NumericNotEquals", ValueType::kNumeric, Comparison::kEquals,
     true},
    {BaseOperator::kNumericLessThan, "NumericLessThan", ValueType::kNumeric, Comparison::kLessThan,
     false},
    {BaseOperator::kNumericLessThanEquals, "NumericLessThanEquals", ValueType::kNumeric,
     Comparison::kLessThanEquals, false},
    {BaseOperator::kNumericGreaterThan, "NumericGreaterThan", ValueType::kNumeric,
     Comparison::kGreaterThan, false},
    {BaseOperator::kNumericGreaterThanEquals, "NumericGreaterThanEquals", ValueType::kNumeric,
     Comparison::kGreaterThanEquals, false},
    {BaseOperator::kDateEquals, "DateEquals", ValueType::kDate, Comparison::kEquals, false},
    {BaseOperator::kDateNotEquals, "DateNotEquals", ValueType::kDate, Comparison::kEquals, true},
    {BaseOperator::kDateLessThan, "DateLessThan", ValueType::kDate, Comparison::kLessThan, false},
    {BaseOperator::kDateLessThanEquals, "DateLessThanEquals", ValueType::kDate,
     Comparison::kLessThanEquals, false},
    {BaseOperator::kDateGreaterThan, "DateGreaterThan", ValueType::kDate, Comparison::kGreaterThan,
     false},
    {BaseOperator::kDateGreaterThanEquals, "DateGreaterThanEquals", ValueType::kDate,
     Comparison::kGreaterThanEquals, false},
    {BaseOperator::kBool, "Bool", ValueType::kBool, Comparison::kBoolEquals, false},
    {BaseOperator::kBinaryEquals, "BinaryEquals", ValueType::kBinary, Comparison::kBinaryEquals,
     false},
    {BaseOperator::kIpAddress, "IpAddress", ValueType::kIp, Comparison::kIpInCidr, false},
    {BaseOperator::kNotIpAddress, "NotIpAddress", ValueType::kIp, Comparison::kIpInCidr, true},
    // C12: ArnEquals and ArnLike behave identically (both take wildcards), and so do their
    // negations.
    {BaseOperator::kArnEquals, "ArnEquals", ValueType::kArn, Comparison::kArnLike, false},
    {BaseOperator::kArnLike, "ArnLike", ValueType::kArn, Comparison::kArnLike, false},
    {BaseOperator::kArnNotEquals, "ArnNotEquals", ValueType::kArn, Comparison::kArnLike, true},
    {BaseOperator::kArnNotLike, "ArnNotLike", ValueType::kArn, Comparison::kArnLike, true},
    {BaseOperator::kNull, "Null", ValueType::kNull, Comparison::kNull, false},
};
constexpr size_t kNumBases = std::size(kBases);

constexpr bool TableMatchesEnum() {
  for (size_t i = 0; i < kNumBases; ++i) {
    if (static_cast<size_t>(kBases[i].op) != i) return false;
  }
  return static_cast<size_t>(BaseOperator::kNull) + 1 == kNumBases;
}
static_assert(TableMatchesEnum(), "kBases must list BaseOperator in enum order");

const BaseInfo& Info(BaseOperator op) { return kBases[static_cast<size_t>(op)]; }

constexpr std::string_view kForAllValues = "ForAllValues:";
constexpr std::string_view kForAnyValue = "ForAnyValue:";
constexpr std::string_view kIfExists = "IfExists";

// Every valid full name, in table order; within a base: no qualifier, ForAllValues,
// ForAnyValue, each without then with IfExists. This order breaks ties in suggestions.
const std::vector<std::string>& AllOperatorNames() {
  static const std::vector<std::string>* names = [] {
    auto* v = new std::vector<std::string>();
    for (const BaseInfo& b : kBases) {
      for (SetQualifier q :
           {SetQualifier::kNone, SetQualifier::kForAllValues, SetQualifier::kForAnyValue}) {
        for (bool if_exists : {false, true}) {
          OperatorSpec spec{q, b.op, if_exists};
          std::string name = OperatorName(spec);
          if (ParseOperatorName(name)) v->push_back(std::move(name));
        }
      }
    }
    return v;
  }();
  return *names;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance (Levenshtein plus adjacent transposition), ASCII
// case-insensitive. Returns a value > `limit` as soon as the distance must exceed it.
size_t CaseInsensitiveDistance(std::string_view a, std::string_view b, size_t limit) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      const bool same = Lower(a[i - 1]) == Lower(b[j - 1]);
      size_t d = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) &&
          Lower(a[i - 2]) == Lower(b[j - 1])) {
        d = std::min(d, prev2[j - 2] + 1);
      }
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

std::optional<OperatorSpec> ParseOperatorName(std::string_view name) {
  OperatorSpec spec;
  if (name.substr(0, kForAllValues.size()) == kForAllValues) {
    spec.set = SetQualifier::kForAllValues;
    name.remove_prefix(kForAllValues.size());
  } else if (name.substr(0, kForAnyValue.size()) == kForAnyValue) {
    spec.set = SetQualifier::kForAnyValue;
    name.remove_prefix(kForAnyValue.size());
  }
  if (name.size() > kIfExists.size() && name.substr(name.size() - kIfExists.size()) == kIfExists) {
    spec.if_exists = true;
    name.remove_suffix(kIfExists.size());
  }
  for (const BaseInfo& b : kBases) {
    if (name == b.name) {
      spec.base = b.op;
      // Null tests presence itself: IfExists is not documented for it (OPEN-5) and a set
      // qualifier has no meaning for it (C13).
      if (b.op == BaseOperator::kNull && (spec.if_exists || spec.set != SetQualifier::kNone)) {
        return std::nullopt;
      }
      return spec;
    }
  }
  return std::nullopt;
}

std::string OperatorName(const OperatorSpec& spec) {
  std::string out;
  if (spec.set == SetQualifier::kForAllValues) out += kForAllValues;
  if (spec.set == SetQualifier::kForAnyValue) out += kForAnyValue;
  out += Info(spec.base).name;
  if (spec.if_exists) out += kIfExists;
  return out;
}

const char* BaseOperatorName(BaseOperator op) { return Info(op).name; }

bool IsNegated(BaseOperator op) { return Info(op).negated; }

ValueType OperatorValueType(BaseOperator op) { return Info(op).type; }

Comparison OperatorComparison(BaseOperator op) { return Info(op).comparison; }

bool AllowsPolicyVariables(BaseOperator op) {
  const ValueType t = Info(op).type;
  return t == ValueType::kString || t == ValueType::kArn;
}

bool UsesWildcards(BaseOperator op) {
  return op == BaseOperator::kStringLike || op == BaseOperator::kStringNotLike ||
         Info(op).type == ValueType::kArn;
}

std::optional<std::string> SuggestOperatorName(std::string_view bad) {
  // "NullIfExists", "ForAnyValue:Null": the spelling is right, the combination is not, and
  // the nearest valid name by edits would be unrelated ("ForAnyValue:Bool").
  if (!ParseOperatorName(bad)) {
    std::string_view base = bad;
    for (std::string_view q : {kForAllValues, kForAnyValue}) {
      if (base.substr(0, q.size()) == q) base.remove_prefix(q.size());
    }
    if (base == "Null" || base == "NullIfExists") return std::string("Null");
  }
  // Allowed edits grow with length: 1 up to 9 characters, 2 up to 14, then 3. Short garbage
  // ("foo" is 2 edits from "Bool") gets no suggestion.
  const size_t limit = std::clamp<size_t>(bad.size() / 5, 1, 3);
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : AllOperatorNames()) {
    size_t d = CaseInsensitiveDistance(bad, candidate, std::min(limit, best_distance));
    if (d < best_distance) {
      best_distance = d;
      best = &candidate;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

}  // namespace redtrust
