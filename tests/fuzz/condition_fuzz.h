// Fuzz target (b): condition operators, from the operator name to the decision.
//
// Input, one field per line:
//   line 0   the operator as written ("StringLike", "ForAnyValue:NumericLessThanIfExists", ...)
//   line 1   the condition key (an `aws:` prefix becomes `fz:`: keys AWS derives from the
//            request would hide a missing key from the oracle below)
//   line 2   flags: `m` multivalued request key, `x` key absent, `v` Version 2012-10-17
//            (policy variables on)
//   then     policy values, one per line, up to an empty line; then the request values.
// The values go into an identity policy {"Effect": "Allow", "Action": "*", "Resource": "*",
// "Condition": {OP: {KEY: [VALUES]}}} that is validated, compiled and evaluated for a caller
// whose context holds the request values, so "allowed" means "the condition is true".
//
// Invariants (abort on violation):
//  - operator names: ParseOperatorName accepts exactly the canonical spellings
//    (OperatorName(ParseOperatorName(s)) == s) and OperatorName round-trips;
//  - value parsers: CompareNumeric is reflexive and antisymmetric and agrees with the doubles
//    where they differ; a parsed date formats and parses back to the same second; a CIDR
//    contains its base address; an IP address is its own /32 or /128;
//  - globs: GlobMatch, WildcardPattern and WildcardSet agree on every (pattern, text) pair, in
//    both case modes (texts cut short against long `?` patterns, see CheckGlobs); ArnGlobMatch
//    matches only texts that split as ARNs;
//  - a validated condition compiles, and evaluation is deterministic, also with the trace on;
//  - oracle: for an operator without set qualifier and without policy variables, the decision
//    equals a direct computation from values.h (OR over values, NOR when negated, C3-C5 rules
//    for missing and multivalued keys, request values of the wrong type false);
//  - negation duality: X and NotX on the same values and a present single value of the right
//    type (or a missing key) give opposite answers; ForAnyValue:X and ForAllValues:NotX too when
//    every request value has the right type.
#ifndef REDTRUST_TESTS_FUZZ_CONDITION_FUZZ_H_
#define REDTRUST_TESTS_FUZZ_CONDITION_FUZZ_H_

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/condition/operators.h"
#include "engine/condition/values.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "tools/questions/json_writer.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/policy/wildcard.h"
#include "tests/fuzz/fuzz_support.h"

namespace redtrust::fuzz {

struct ConditionCase {
  std::string op;
  std::string key;
  bool multivalued = false;
  bool absent = false;
  bool variables = false;
  std::vector<std::string> policy_values;
  std::vector<std::string> request_values;
};

inline ConditionCase ParseConditionCase(std::string_view data) {
  ConditionCase c;
  std::vector<std::string_view> lines = Split(data, '\n');
  c.op = lines.size() > 0 ? std::string(lines[0]) : "";
  c.key = lines.size() > 1 && !lines[1].empty() ? std::string(lines[1]) : "fz:key";
  if (EqualsIgnoreCaseAscii(std::string_view(c.key).substr(0, std::min<size_t>(4, c.key.size())),
                            "aws:")) {
    c.key = "fz:" + c.key.substr(4);
  }
  if (lines.size() > 2) {
    c.multivalued = lines[2].find('m') != std::string_view::npos;
    c.absent = lines[2].find('x') != std::string_view::npos;
    c.variables = lines[2].find('v') != std::string_view::npos;
  }
  size_t i = 3;
  for (; i < lines.size() && !lines[i].empty(); ++i) c.policy_values.emplace_back(lines[i]);
  for (++i; i < lines.size(); ++i) c.request_values.emplace_back(lines[i]);
  if (!c.multivalued && c.request_values.empty()) c.absent = true;
  if (!c.multivalued && c.request_values.size() > 1) c.request_values.resize(1);
  return c;
}

inline std::string ConditionPolicyText(const ConditionCase& c, const std::string& op) {
  std::string out = "{";
  if (c.variables) out += "\"Version\":\"2012-10-17\",";
  out += "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{";
  AppendJsonString(&out, op);
  out += ":{";
  AppendJsonString(&out, c.key);
  out += ":[";
  for (size_t i = 0; i < c.policy_values.size(); ++i) {
    if (i) out += ",";
    AppendJsonString(&out, c.policy_values[i]);
  }
  out += "]}}}]}";
  return out;
}

inline Request ConditionRequest(const ConditionCase& c) {
  Request r;
  r.caller = *ParseAwsCaller("arn:aws:iam::123456789012:user/fuzz", "aws");
  r.action = "s3:GetObject";
  r.resource = "arn:aws:s3:::bucket/key";
  r.resource_partition = "aws";
  if (!c.absent) r.context.Set(c.key, c.request_values, c.multivalued);
  return r;
}

// nullopt: the policy did not validate. Else whether the condition held.
inline std::optional<bool> EvaluateConditionCase(const ConditionCase& c, const std::string& op,
                                                 const Request& r) {
  ParsedPolicy parsed = ParsePolicy(ConditionPolicyText(c, op), PolicyKind::kIdentity);
  if (!parsed.ok()) return std::nullopt;
  auto compiled = CompiledPolicy::Compile(parsed.doc, PolicyKind::kIdentity, "p");
  REDTRUST_FUZZ_CHECK(compiled.ok(), "a validated condition does not compile: " + op + ": " +
                                         compiled.status().message());
  const Decision d1 = Authorize(r, nullptr, {compiled->get()});
  const Decision d2 = Authorize(r, nullptr, {compiled->get()});
  EvalOptions traced;
  traced.trace = true;
  const Decision d3 = Authorize(r, nullptr, {compiled->get()}, traced);
  REDTRUST_FUZZ_CHECK(d1.effect == d2.effect && d1.effect == d3.effect,
                      "condition evaluation is not deterministic: " + op);
  REDTRUST_FUZZ_CHECK(d1.effect != Effect::kExplicitDeny, "an Allow statement denied");
  return d1.effect == Effect::kAllowed;
}

// Does request value x have the operator's type (else the comparison is false, C7, C8, C11, C12)?
inline bool HasType(ValueType t, std::string_view x) {
  switch (t) {
    case ValueType::kArn: return SplitArn(x).has_value();
    case ValueType::kNumeric: return ParseNumeric(x).has_value();
    case ValueType::kDate: return ParseDate(x).has_value();
    case ValueType::kIp: return ParseIpAddress(x).has_value();
    case ValueType::kBool: return ParseBool(x).has_value();
    default: return true;
  }
}

// op(x, p) before negation, straight from values.h. nullopt when p is not a valid policy value.
inline std::optional<bool> OracleCompare(BaseOperator base, std::string_view p, std::string_view x) {
  const Comparison cmp = OperatorComparison(base);
  switch (OperatorValueType(base)) {
    case ValueType::kString:
      if (cmp == Comparison::kEquals) return x == p;
      if (cmp == Comparison::kEqualsIgnoreCase) return EqualsIgnoreCaseAscii(x, p);
      return GlobMatch(p, x, false);
    case ValueType::kArn:
      // A policy value that is not an ARN never matches (C12); OracleCondition applies the rest
      // of the rule (it makes the negated operators false).
      if (!SplitArn(p)) return false;
      return ArnGlobMatch(p, x, false);
    case ValueType::kBinary:
      return x == p;
    case ValueType::kBool: {
      auto a = ParseBool(x), b = ParseBool(p);
      if (!b) return std::nullopt;
      return a && *a == *b;
    }
    case ValueType::kIp: {
      auto cidr = ParseCidr(p);
      if (!cidr) return std::nullopt;
      auto ip = ParseIpAddress(x);
      return ip && CidrContains(*cidr, *ip);
    }
    case ValueType::kNumeric:
    case ValueType::kDate: {
      int order;
      if (OperatorValueType(base) == ValueType::kNumeric) {
        if (!ParseNumeric(p)) return std::nullopt;
        auto o = CompareNumeric(x, p);
        if (!o) return false;
        order = *o;
      } else {
        auto pd = ParseDate(p);
        if (!pd) return std::nullopt;
        auto xd = ParseDate(x);
        if (!xd) return false;
        order = *xd < *pd ? -1 : (*xd > *pd ? 1 : 0);
      }
      switch (cmp) {
        case Comparison::kEquals: return order == 0;
        case Comparison::kLessThan: return order < 0;
        case Comparison::kLessThanEquals: return order <= 0;
        case Comparison::kGreaterThan: return order > 0;
        case Comparison::kGreaterThanEquals: return order >= 0;
        default: return std::nullopt;
      }
    }
    case ValueType::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

// The operator's truth value per rules C1-C5, C13, or nullopt when the oracle cannot say
// (policy variables, invalid policy values).
inline std::optional<bool> OracleCondition(const ConditionCase& c, const OperatorSpec& spec) {
  if (c.policy_values.empty()) return std::nullopt;
  if (c.variables) {
    for (const std::string& p : c.policy_values) {
      if (p.find("${") != std::string::npos) return std::nullopt;
    }
  }
  const bool negated = IsNegated(spec.base);
  const ValueType type = OperatorValueType(spec.base);
  if (spec.base == BaseOperator::kNull) {
    bool wants_absent = false, wants_present = false;
    for (const std::string& p : c.policy_values) {
      auto b = ParseBool(p);
      if (!b) return std::nullopt;
      (*b ? wants_absent : wants_present) = true;
    }
    return (wants_absent && c.absent) || (wants_present && !c.absent);
  }
  // C12: a policy value that is not an ARN makes ArnNotEquals/ArnNotLike false.
  bool policy_value_not_arn = false;
  if (type == ValueType::kArn) {
    for (const std::string& p : c.policy_values) policy_value_not_arn |= !SplitArn(p).has_value();
  }
  std::optional<bool> invalid;
  auto single = [&](std::string_view x) -> bool {
    if (!HasType(type, x)) return false;
    bool any = false;
    for (const std::string& p : c.policy_values) {
      auto r = OracleCompare(spec.base, p, x);
      if (!r) {
        invalid = true;
        return false;
      }
      any = any || *r;
    }
    if (negated && policy_value_not_arn) return false;
    return any != negated;
  };
  bool result = false;
  if (c.absent) {
    if (spec.set == SetQualifier::kForAllValues) result = true;
    else if (spec.set == SetQualifier::kForAnyValue) result = spec.if_exists;
    else result = spec.if_exists || negated;
  } else if (spec.set == SetQualifier::kNone) {
    result = !c.multivalued && !c.request_values.empty() && single(c.request_values.front());
  } else if (spec.set == SetQualifier::kForAllValues) {
    result = true;
    for (const std::string& x : c.request_values) result = single(x) && result;
  } else {
    for (const std::string& x : c.request_values) result = single(x) || result;
  }
  if (invalid) return std::nullopt;
  return result;
}

inline std::optional<BaseOperator> NegationOf(BaseOperator b) {
  switch (b) {
    case BaseOperator::kStringEquals: return BaseOperator::kStringNotEquals;
    case BaseOperator::kStringEqualsIgnoreCase: return BaseOperator::kStringNotEqualsIgnoreCase;
    case BaseOperator::kStringLike: return BaseOperator::kStringNotLike;
    case BaseOperator::kNumericEquals: return BaseOperator::kNumericNotEquals;
    case BaseOperator::kDateEquals: return BaseOperator::kDateNotEquals;
    case BaseOperator::kIpAddress: return BaseOperator::kNotIpAddress;
    case BaseOperator::kArnEquals: return BaseOperator::kArnNotEquals;
    case BaseOperator::kArnLike: return BaseOperator::kArnNotLike;
    default: return std::nullopt;
  }
}

inline void CheckValueFunctions(std::string_view v) {
  if (auto n = ParseNumeric(v)) {
    REDTRUST_FUZZ_CHECK(CompareNumeric(v, v) == 0, "CompareNumeric not reflexive");
  }
  if (auto d = ParseDate(v)) {
    const std::string f = FormatIsoUtc(*d);
    int64_t floor_s = *d - (((*d % 1000000) + 1000000) % 1000000);
    if (f.size() == 20) {
      auto back = ParseDate(f);
      REDTRUST_FUZZ_CHECK(back && *back == floor_s,
                          "date does not round-trip: " + std::string(v) + " -> " + f);
    }
  }
  if (auto cidr = ParseCidr(v)) {
    REDTRUST_FUZZ_CHECK(cidr->prefix >= 0 && cidr->prefix <= (cidr->base.v6 ? 128 : 32),
                        "CIDR prefix out of range");
    REDTRUST_FUZZ_CHECK(CidrContains(*cidr, cidr->base), "a CIDR does not contain its base");
  }
  if (auto ip = ParseIpAddress(v)) {
    auto as_cidr = ParseCidr(v);
    REDTRUST_FUZZ_CHECK(as_cidr && as_cidr->prefix == (ip->v6 ? 128 : 32) &&
                            CidrContains(*as_cidr, *ip),
                        "an address is not its own /32 or /128");
  }
}

// A pattern with `?` may reach the set-based matcher, O(|pattern| * |text| / 64) by design
// (docs/limits.md). Against such patterns a text is checked on its first
// kSetGlobPairBytes / |longest `?` pattern| bytes, so one input stays well under the per-input
// timeout in the instrumented build: the matchers are still compared on every pair, and the
// bound itself is measured by bench/limits_bench.cc, not by the fuzzer's clock.
// Patterns without `?` are linear and checked against whole texts.
constexpr size_t kSetGlobPairBytes = size_t{1} << 24;

inline void CheckGlobs(const std::vector<std::string>& patterns,
                       const std::vector<std::string>& texts) {
  size_t longest_one = 0;
  for (const std::string& p : patterns) {
    if (p.find('?') != std::string::npos) longest_one = std::max(longest_one, p.size());
  }
  const size_t text_bytes =
      longest_one == 0 ? std::string::npos : std::max<size_t>(kSetGlobPairBytes / longest_one, 1);
  for (bool ic : {false, true}) {
    WildcardSet set(patterns, ic);
    std::vector<WildcardPattern> compiled;
    for (const std::string& p : patterns) compiled.emplace_back(p, ic);
    for (const std::string& whole : texts) {
      const std::string t = whole.substr(0, text_bytes);
      bool any = false;
      for (size_t i = 0; i < patterns.size(); ++i) {
        const bool g = GlobMatch(patterns[i], t, ic);
        REDTRUST_FUZZ_CHECK(compiled[i].Matches(t) == g,
                            "WildcardPattern disagrees with GlobMatch on `" + patterns[i] +
                                "` / `" + t + "`");
        any = any || g;
        if (ArnGlobMatch(patterns[i], t, ic)) {
          REDTRUST_FUZZ_CHECK(SplitArn(t).has_value() && SplitArn(patterns[i]).has_value(),
                              "ArnGlobMatch matched a non-ARN");
        }
      }
      REDTRUST_FUZZ_CHECK(set.MatchesAny(t) == any, "WildcardSet disagrees with GlobMatch");
    }
  }
}

inline void CheckConditionInput(std::string_view data) {
  const ConditionCase c = ParseConditionCase(data);

  // Operator names.
  std::optional<OperatorSpec> spec = ParseOperatorName(c.op);
  if (spec) {
    REDTRUST_FUZZ_CHECK(OperatorName(*spec) == c.op, "non-canonical operator name accepted: " + c.op);
  } else {
    (void)SuggestOperatorName(c.op);
  }

  // Value functions and globs.
  for (const std::string& v : c.policy_values) CheckValueFunctions(v);
  for (const std::string& v : c.request_values) CheckValueFunctions(v);
  for (const std::string& a : c.request_values) {
    for (const std::string& b : c.request_values) {
      auto ab = CompareNumeric(a, b), ba = CompareNumeric(b, a);
      REDTRUST_FUZZ_CHECK(ab.has_value() == ba.has_value() && (!ab || *ab == -*ba),
                          "CompareNumeric not antisymmetric: " + a + " / " + b);
      auto da = ParseNumeric(a), db = ParseNumeric(b);
      if (ab && da && db && *da != *db) {
        REDTRUST_FUZZ_CHECK(*ab == (*da < *db ? -1 : 1), "CompareNumeric disagrees with doubles");
      }
    }
  }
  if (c.policy_values.size() <= 16 && c.request_values.size() <= 16) {
    CheckGlobs(c.policy_values, c.request_values);
  }

  if (!spec) {
    const Request r = ConditionRequest(c);
    (void)EvaluateConditionCase(c, c.op, r);
    return;
  }

  // The decision, against the oracle and the negated operator.
  const Request r = ConditionRequest(c);
  std::optional<bool> got = EvaluateConditionCase(c, c.op, r);
  if (!got) return;
  if (auto want = OracleCondition(c, *spec)) {
    REDTRUST_FUZZ_CHECK(*got == *want, "condition " + c.op + " on `" + c.key + "` is " +
                                           (*got ? "true" : "false") + ", oracle says " +
                                           (*want ? "true" : "false"));
  }
  std::optional<BaseOperator> neg = NegationOf(spec->base);
  if (!neg || spec->if_exists) return;
  const ValueType type = OperatorValueType(spec->base);
  bool all_typed = true;
  for (const std::string& x : c.request_values) all_typed = all_typed && HasType(type, x);
  // C12 applies to policy values too: a non-ARN one makes both ArnLike and ArnNotLike false.
  if (type == ValueType::kArn) {
    for (const std::string& p : c.policy_values) all_typed = all_typed && SplitArn(p).has_value();
  }
  OperatorSpec other = *spec;
  other.base = *neg;
  if (spec->set == SetQualifier::kNone) {
    if (c.multivalued || !all_typed) return;
  } else {
    if (!all_typed) return;
    other.set = spec->set == SetQualifier::kForAnyValue ? SetQualifier::kForAllValues
                                                         : SetQualifier::kForAnyValue;
  }
  std::optional<bool> opposite = EvaluateConditionCase(c, OperatorName(other), r);
  if (!opposite) return;
  REDTRUST_FUZZ_CHECK(*opposite == !*got, c.op + " is " + (*got ? "true" : "false") + " and " +
                                              OperatorName(other) + " is " +
                                              (*opposite ? "true" : "false"));
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_CONDITION_FUZZ_H_
