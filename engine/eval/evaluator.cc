// Policy evaluation. Every rule names its id in docs/semantics.md's rule book and,
// through it, the AWS page (see docs/semantics.md).
#include "engine/eval/evaluator.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "engine/condition/values.h"
#include "engine/eval/compiled_policy_internal.h"
#include "engine/policy/arn.h"
#include "engine/sts/assume_role.h"

namespace redtrust {

const char* EffectName(Effect e) {
  switch (e) {
    case Effect::kAllowed: return "allowed";
    case Effect::kExplicitDeny: return "explicitDeny";
    case Effect::kImplicitDeny: return "implicitDeny";
  }
  return "implicitDeny";
}

namespace {

// ---------------------------------------------------------------------------------------------
// Request keys: the explicit context first, then the keys AWS sets itself (rule K).

enum class DerivedKey {
  kPrincipalArn, kPrincipalAccount, kPrincipalServiceName, kPrincipalServiceNamesList,
  kPrincipalIsAwsService, kPrincipalType, kCurrentTime, kEpochTime, kCount
};

std::optional<DerivedKey> DerivedKeyOf(std::string_view key_lower) {
  if (key_lower.size() < 8 || key_lower.substr(0, 4) != "aws:") return std::nullopt;
  std::string_view k = key_lower.substr(4);
  if (k == "principalarn") return DerivedKey::kPrincipalArn;
  if (k == "principalaccount") return DerivedKey::kPrincipalAccount;
  if (k == "principalservicename") return DerivedKey::kPrincipalServiceName;
  if (k == "principalservicenameslist") return DerivedKey::kPrincipalServiceNamesList;
  if (k == "principalisawsservice") return DerivedKey::kPrincipalIsAwsService;
  if (k == "principaltype") return DerivedKey::kPrincipalType;
  if (k == "currenttime") return DerivedKey::kCurrentTime;
  if (k == "epochtime") return DerivedKey::kEpochTime;
  return std::nullopt;
}

struct KeyValues {
  const std::vector<std::string>* values = nullptr;  // nullptr: the key is absent
  bool multivalued = false;
};

class KeyResolver {
 public:
  explicit KeyResolver(const Request& r) : r_(r) {}

  KeyValues Find(std::string_view key_lower) {
    if (const ContextEntry* e = r_.context.Find(key_lower)) return {&e->values, e->multivalued};
    auto d = DerivedKeyOf(key_lower);
    if (!d) return {};
    size_t i = static_cast<size_t>(*d);
    if (!computed_[i]) {
      computed_[i] = true;
      present_[i] = Derive(*d, &derived_[i]);
    }
    if (!present_[i]) return {};
    return {&derived_[i], *d == DerivedKey::kPrincipalServiceNamesList};
  }

  // Single value for a policy variable (rule V3: multivalued keys never resolve).
  std::optional<std::string_view> Single(std::string_view key_lower) {
    KeyValues kv = Find(key_lower);
    if (!kv.values || kv.multivalued || kv.values->size() != 1) return std::nullopt;
    return std::string_view(kv.values->front());
  }

 private:
  bool Derive(DerivedKey k, std::vector<std::string>* out) {
    const Caller& c = r_.caller;
    const bool service = c.kind == Caller::Kind::kService;
    switch (k) {
      case DerivedKey::kPrincipalArn:
        // Documented for users, roles (the role ARN), federated users and root; absent for
        // service principals (rule K).
        if (c.principal_arn().empty()) return false;
        out->push_back(c.principal_arn());
        return true;
      case DerivedKey::kPrincipalAccount:
        if (!c.is_iam()) return false;
        out->push_back(c.account);
        return true;
      case DerivedKey::kPrincipalServiceName:
        if (!service) return false;
        out->push_back(c.service_names.back());  // the global name (rule K, presumed)
        return true;
      case DerivedKey::kPrincipalServiceNamesList:
        if (!service) return false;
        *out = c.service_names;
        return true;
      case DerivedKey::kPrincipalIsAwsService:
        out->push_back(service ? "true" : "false");
        return true;
      case DerivedKey::kPrincipalType:
        out->push_back(c.principal_type());
        return true;
      case DerivedKey::kCurrentTime:
        out->push_back(FormatIsoUtc(r_.now_micros));
        return true;
      case DerivedKey::kEpochTime: {
        int64_t s = r_.now_micros / 1000000;
        if (r_.now_micros < 0 && r_.now_micros % 1000000 != 0) --s;
        out->push_back(std::to_string(s));  // seconds (rule C8, PEER-3)
        return true;
      }
      case DerivedKey::kCount: break;
    }
    return false;
  }

  const Request& r_;
  static constexpr size_t kN = static_cast<size_t>(DerivedKey::kCount);
  std::array<bool, kN> computed_{};
  std::array<bool, kN> present_{};
  std::array<std::vector<std::string>, kN> derived_;
};

// ---------------------------------------------------------------------------------------------
// Templates (policy variables, rules V1-V7) resolved into glob tokens. Substituted text is
// literal: `*` and `?` in a resolved value are not wildcards (rule V7).

struct GlobToken {
  enum Kind { kLit, kStar, kOne } kind;
  std::string lit;
};

// Resolves a template. Returns false when a variable has no value and no default (V6).
bool ResolveTemplate(const Template& t, bool wildcards, KeyResolver& keys,
                     std::vector<GlobToken>* out, std::string* flat) {
  auto add_lit = [&](std::string_view s) {
    if (s.empty()) return;
    if (!out->empty() && out->back().kind == GlobToken::kLit) {
      out->back().lit.append(s);
    } else {
      out->push_back({GlobToken::kLit, std::string(s)});
    }
  };
  for (const TemplatePart& p : t) {
    if (p.is_variable) {
      auto v = keys.Single(p.text);
      if (!v && !p.has_default) return false;
      std::string_view s = v ? *v : std::string_view(p.default_value);
      add_lit(s);
      flat->append(s);
    } else if (p.wildcard_literal || !wildcards) {
      add_lit(p.text);
      flat->append(p.text);
    } else {
      for (char ch : p.text) {
        if (ch == '*') {
          out->push_back({GlobToken::kStar, ""});
        } else if (ch == '?') {
          out->push_back({GlobToken::kOne, ""});
        } else {
          add_lit(std::string_view(&ch, 1));
        }
      }
      flat->append(p.text);
    }
  }
  return true;
}

// A glob over tokens: the substituted text is literal, `*` and `?` tokens are wildcards. Same
// matcher as GlobMatch (values.h), so the same `?` rule and the same bounded cost.
bool TokenGlob(const std::vector<GlobToken>& p, std::string_view s, bool ic) {
  std::vector<GlobPart> parts;
  parts.reserve(p.size());
  for (const GlobToken& t : p) {
    parts.push_back({t.kind == GlobToken::kStar  ? GlobPart::Kind::kStar
                     : t.kind == GlobToken::kOne ? GlobPart::Kind::kOne
                                                 : GlobPart::Kind::kLiteral,
                     t.lit});
  }
  return GlobMatchParts(parts, s, ic);
}

// Splits tokens at the first five literal colons into the six ARN segments (rule C12).
bool SplitTokenArn(const std::vector<GlobToken>& p, std::array<std::vector<GlobToken>, 6>* seg) {
  size_t n = 0;
  for (const GlobToken& t : p) {
    if (t.kind != GlobToken::kLit || n == 5) {
      (*seg)[n].push_back(t);
      continue;
    }
    std::string_view lit = t.lit;
    while (n < 5) {
      size_t c = lit.find(':');
      if (c == std::string_view::npos) break;
      if (c > 0) (*seg)[n].push_back({GlobToken::kLit, std::string(lit.substr(0, c))});
      lit.remove_prefix(c + 1);
      ++n;
    }
    if (!lit.empty()) (*seg)[n].push_back({GlobToken::kLit, std::string(lit)});
  }
  return n == 5;
}

enum class ArnCompare { kMatch, kNoMatch, kPatternNotArn };

// `resource_element`: a Resource/NotResource entry (rule M2): partition, service, region
// and account compare case-insensitively and the resource type must be written literally (see
// ResourceArnMatch in arn.h); otherwise an ARN condition operator (C12): case-sensitive.
// kPatternNotArn when the resolved pattern has fewer than six parts (C12).
ArnCompare TokenArnCompare(const std::vector<GlobToken>& p, std::string_view arn,
                           bool resource_element) {
  std::array<std::vector<GlobToken>, 6> seg;
  if (!SplitTokenArn(p, &seg)) return ArnCompare::kPatternNotArn;
  auto parts = SplitArn(arn);
  if (!parts) return ArnCompare::kNoMatch;
  std::array<std::string_view, 6> v = {"arn", parts->partition, parts->service, parts->region,
                                       parts->account, parts->resource};
  for (size_t i = 0; i < 6; ++i) {
    if (!TokenGlob(seg[i], v[i], resource_element && i < 5)) return ArnCompare::kNoMatch;
  }
  if (!resource_element) return ArnCompare::kMatch;
  std::optional<size_t> type = ResourceTypeLength(*parts);
  if (!type) return ArnCompare::kMatch;
  bool only_stars = true;
  size_t literal_prefix = 0;
  bool in_prefix = true;
  for (const GlobToken& t : seg[5]) {
    only_stars = only_stars && t.kind == GlobToken::kStar;
    if (t.kind != GlobToken::kLit) in_prefix = false;
    if (in_prefix) literal_prefix += t.lit.size();
  }
  // Substituted text is literal (V7), so a variable may spell the type; a wildcard may not.
  return only_stars || literal_prefix >= *type ? ArnCompare::kMatch : ArnCompare::kNoMatch;
}

// ---------------------------------------------------------------------------------------------
// Statement elements.

bool ActionMatches(const CompiledStatement& st, std::string_view service, std::string_view name) {
  bool any = false;
  for (const ActionPattern& a : st.actions) {
    if (a.any) {
      any = true;
    } else if (!a.never && EqualsIgnoreCaseAscii(a.service_lower, service) &&
               a.name->Matches(name)) {
      any = true;
    }
    if (any) break;
  }
  return st.not_action ? !any : any;  // rule M1
}

PrincipalMatch MatchOnePrincipal(const PrincipalPattern& p, const Caller& c,
                                 std::string_view resource_partition) {
  using K = PrincipalPattern::Kind;
  switch (p.kind) {
    case K::kAny:
      // "*" is every principal (rule M4; whether it covers service principals is open,
      // OPEN-6 — we follow PRIN "all principals", like the peer).
      return PrincipalMatch::kDirect;
    case K::kAccount: {
      // Account-level: any IAM principal of that account, never a service (rule M5),
      // never across partitions (M11). A bare account id takes the resource's partition.
      if (!c.is_iam() || c.account != p.account) return PrincipalMatch::kNone;
      std::string_view part = p.partition.empty() ? resource_partition : p.partition;
      if (!part.empty() && part != c.partition) return PrincipalMatch::kNone;
      return PrincipalMatch::kAccountLevel;
    }
    case K::kRole:
      // Any session of the role (rule M6). Role names are unique per account whatever
      // the path, and session ARNs carry no path.
      if (c.kind == Caller::Kind::kAssumedRole && c.partition == p.partition &&
          c.account == p.account && c.role_name == p.role_name) {
        return PrincipalMatch::kDirect;
      }
      return PrincipalMatch::kNone;
    case K::kExactArn:
      // Users, sessions and federated users match exactly, case-sensitively (M6, M7).
      if (c.is_iam() && !c.arn.empty() && c.arn == p.value) return PrincipalMatch::kDirect;
      return PrincipalMatch::kNone;
    case K::kService:
      // Exact names (M8). A regional caller also answers to the global name (M9).
      if (c.kind != Caller::Kind::kService) return PrincipalMatch::kNone;
      for (const std::string& n : c.service_names) {
        if (n == p.value) return PrincipalMatch::kDirect;
      }
      return PrincipalMatch::kNone;
    case K::kFederated:
      return c.kind == Caller::Kind::kFederated && c.raw == p.value ? PrincipalMatch::kDirect
                                                                     : PrincipalMatch::kNone;
    case K::kNever:
      return PrincipalMatch::kNone;  // CanonicalUser never matches (M10)
  }
  return PrincipalMatch::kNone;
}

PrincipalMatch PrincipalMatches(const CompiledStatement& st, const Request& r) {
  PrincipalMatch best = PrincipalMatch::kNone;
  for (const PrincipalPattern& p : st.principals) {
    best = std::max(best, MatchOnePrincipal(p, r.caller, r.resource_partition));
    if (best == PrincipalMatch::kDirect) break;
  }
  if (st.not_principal) {
    return best == PrincipalMatch::kNone ? PrincipalMatch::kDirect : PrincipalMatch::kNone;
  }
  return best;
}

bool ResourceMatches(const CompiledStatement& st, const Request& r, KeyResolver& keys) {
  if (!st.has_resource) return true;  // trust policies: the role itself (rule G9)
  bool any = false;
  bool unresolved = false;
  for (const ResourcePattern& p : st.resources) {
    if (p.any) {
      any = true;
    } else if (p.has_template) {
      std::vector<GlobToken> toks;
      std::string flat;
      // A variable with no value makes the entry match nothing (rule V6).
      if (ResolveTemplate(p.tmpl, true, keys, &toks, &flat)) {
        any = TokenArnCompare(toks, r.resource, /*resource_element=*/true) == ArnCompare::kMatch;
      } else {
        unresolved = true;
      }
    } else {
      any = ResourceArnMatch(p.written, r.resource);  // rule M2-T
    }
    if (any) break;
  }
  if (!st.not_resource) return any;
  // NotResource with an entry whose variable has no value (V6-NR, docs/semantics.md): VARS
  // says the entry matches no resource, and also that an unresolvable variable may make the
  // whole statement invalid. Of the two readings we take the one that never grants more: an
  // Allow does not apply, a Deny does.
  if (!any && unresolved && !st.is_deny) return false;
  return !any;
}

// ---------------------------------------------------------------------------------------------
// Conditions (rules C1-C13).

// op(x, v) for one request value and one policy value, before negation. `note` gets a reason
// when the comparison could not be made.
bool CompareOne(const CompiledCondition& c, const PolicyValue& v, std::string_view x,
                KeyResolver& keys, std::string* note) {
  if (v.has_template) {
    std::vector<GlobToken> toks;
    std::string flat;
    const bool wild = c.cmp == Comparison::kLike || c.cmp == Comparison::kArnLike;
    // An unresolved variable: the values "do not match" (rule V6).
    if (!ResolveTemplate(v.tmpl, wild, keys, &toks, &flat)) {
      if (note) *note = "policy variable has no value";
      return false;
    }
    switch (c.cmp) {
      case Comparison::kEquals: return x == flat;
      case Comparison::kEqualsIgnoreCase: return EqualsIgnoreCaseAscii(x, flat);
      case Comparison::kLike: return TokenGlob(toks, x, false);
      case Comparison::kArnLike:
        return TokenArnCompare(toks, x, /*resource_element=*/false) == ArnCompare::kMatch;
      default: break;
    }
  }
  switch (c.cmp) {
    case Comparison::kEquals:
      return x == v.text;  // `*` and `?` are literal in StringEquals (C6)
    case Comparison::kEqualsIgnoreCase:
      return EqualsIgnoreCaseAscii(x, v.text);
    case Comparison::kLike:
      return v.glob->Matches(x);
    case Comparison::kArnLike:
      // ArnEquals and ArnLike both take wildcards, per segment, case-sensitively (C12).
      return ArnGlobMatch(v.text, x, false);
    case Comparison::kBinaryEquals:
      return x == v.text;  // byte-for-byte on the base-64 text (C10)
    case Comparison::kBoolEquals: {
      auto b = ParseBool(x);
      if (!b) {
        if (note) *note = "request value is not a boolean";
        return false;
      }
      return *b == v.boolean;
    }
    case Comparison::kIpInCidr: {
      auto ip = ParseIpAddress(x);
      if (!ip) {
        if (note) *note = "request value is not an IP address";
        return false;
      }
      return CidrContains(v.cidr, *ip);
    }
    case Comparison::kLessThan:
    case Comparison::kLessThanEquals:
    case Comparison::kGreaterThan:
    case Comparison::kGreaterThanEquals:
      break;
    case Comparison::kNull:
      return false;
  }
  // Ordered comparisons: numeric or date, by value (C7, C8). Equality comparisons of numbers
  // and dates are OperatorComparison kEquals but typed, handled here too.
  return false;
}

bool CompareOrdered(const CompiledCondition& c, const PolicyValue& v, std::string_view x,
                    std::string* note) {
  int cmp;
  if (c.type == ValueType::kNumeric) {
    // Exact decimal comparison: "10" == "10.0", no rounding past 2^53 (rule C7).
    auto n = CompareNumeric(x, v.text);
    if (!n) {
      if (note) *note = "request value is not a number";
      return false;
    }
    cmp = *n;
  } else {
    auto d = ParseDate(x);
    if (!d) {
      if (note) *note = "request value is not a date";
      return false;
    }
    cmp = *d < v.date ? -1 : (*d > v.date ? 1 : 0);
  }
  switch (c.cmp) {
    case Comparison::kEquals: return cmp == 0;
    case Comparison::kLessThan: return cmp < 0;
    case Comparison::kLessThanEquals: return cmp <= 0;
    case Comparison::kGreaterThan: return cmp > 0;
    case Comparison::kGreaterThanEquals: return cmp >= 0;
    default: return false;
  }
}

bool MatchValue(const CompiledCondition& c, const PolicyValue& v, std::string_view x,
                KeyResolver& keys, std::string* note) {
  if (c.type == ValueType::kNumeric || c.type == ValueType::kDate) {
    return CompareOrdered(c, v, x, note);
  }
  return CompareOne(c, v, x, keys, note);
}

bool RequestValueHasType(const CompiledCondition& c, std::string_view x, std::string* note) {
  const char* problem = nullptr;
  switch (c.type) {
    case ValueType::kArn:
      if (!SplitArn(x)) problem = "request value is not an ARN";
      break;
    case ValueType::kNumeric:
      if (!ParseNumeric(x)) problem = "request value is not a number";
      break;
    case ValueType::kDate:
      if (!ParseDate(x)) problem = "request value is not a date";
      break;
    case ValueType::kIp:
      if (!ParseIpAddress(x)) problem = "request value is not an IP address";
      break;
    case ValueType::kBool:
      if (!ParseBool(x)) problem = "request value is not a boolean";
      break;
    default:
      break;
  }
  if (problem && note) *note = problem;
  return problem == nullptr;
}

// One ARN operator value against one request value (C12). kPatternNotArn when the value, once
// its variables are resolved, has fewer than six parts; an unresolved variable is a non-match
// (V6), so the negated operators stay true for it.
ArnCompare ArnValueCompare(const PolicyValue& v, std::string_view x, KeyResolver& keys,
                           std::string* note) {
  if (v.has_template) {
    std::vector<GlobToken> toks;
    std::string flat;
    if (!ResolveTemplate(v.tmpl, /*wildcards=*/true, keys, &toks, &flat)) {
      if (note) *note = "policy variable has no value";
      return ArnCompare::kNoMatch;
    }
    return TokenArnCompare(toks, x, /*resource_element=*/false);
  }
  if (!SplitArn(v.text)) return ArnCompare::kPatternNotArn;
  return ArnGlobMatch(v.text, x, false) ? ArnCompare::kMatch : ArnCompare::kNoMatch;
}

// The operator on one request value: OR over policy values for positive operators, NOR for
// negated ones (rule C1).
bool SingleValue(const CompiledCondition& c, std::string_view x, KeyResolver& keys,
                 std::string* note) {
  // A request value that is not of the operator's type makes the condition false, for positive
  // and negated operators alike: ArnLike and ArnNotLike on a non-ARN are both false (C12); a
  // non-number, non-date or non-address cannot be compared (C7, C8, C11).
  if (!RequestValueHasType(c, x, note)) return false;
  if (c.type == ValueType::kArn) {
    // A policy value that is not an ARN cannot be compared either (C12 applies to both sides):
    // it never matches, and it makes ArnNotEquals/ArnNotLike false.
    for (const PolicyValue& v : c.values) {
      switch (ArnValueCompare(v, x, keys, note)) {
        case ArnCompare::kMatch:
          return !c.negated;
        case ArnCompare::kPatternNotArn:
          if (note) *note = "policy value is not an ARN (fewer than six parts)";
          if (c.negated) return false;
          break;
        case ArnCompare::kNoMatch:
          break;
      }
    }
    return c.negated;
  }
  if (c.like_set) {
    bool any = c.like_set->MatchesAny(x);
    for (size_t i = 0; !any && i < c.values.size(); ++i) {
      if (c.values[i].has_template) any = MatchValue(c, c.values[i], x, keys, note);
    }
    return any != c.negated;
  }
  for (const PolicyValue& v : c.values) {
    if (MatchValue(c, v, x, keys, note)) return !c.negated;
  }
  return c.negated;
}

// The truth table of rule C4/C5.
bool EvaluateCondition(const CompiledCondition& c, KeyResolver& keys, ConditionTrace* trace) {
  KeyValues kv = keys.Find(c.key_lower);
  const bool present = kv.values != nullptr;
  std::string* note = trace ? &trace->note : nullptr;
  if (trace) {
    trace->key_present = present;
    if (present) trace->request_values = *kv.values;
  }
  if (c.type == ValueType::kNull) {
    // Null: "true" wants the key absent, "false" present (C13); several values OR together.
    return (c.null_wants_absent && !present) || (c.null_wants_present && present);
  }
  if (!present) {
    switch (c.spec.set) {
      case SetQualifier::kForAllValues:
        if (note) *note = "key missing: ForAllValues over an empty set is true";
        return true;
      case SetQualifier::kForAnyValue:
        // IfExists makes a missing key true (C4; PEER-11, open).
        if (note) *note = c.spec.if_exists ? "key missing: IfExists makes this true"
                                           : "key missing: ForAnyValue over an empty set is false";
        return c.spec.if_exists;
      case SetQualifier::kNone:
        if (c.spec.if_exists) {
          if (note) *note = "key missing: IfExists makes this true";
          return true;
        }
        if (c.negated) {
          if (note) *note = "key missing: a negated operator is true";
          return true;
        }
        if (note) *note = "key missing";
        return false;
    }
  }
  const std::vector<std::string>& xs = *kv.values;
  switch (c.spec.set) {
    case SetQualifier::kNone:
      if (kv.multivalued) {
        // A plain operator on a multivalued key is false, positive or negated (C5).
        if (note) *note = "plain operator on a multivalued key is false; use ForAllValues/ForAnyValue";
        return false;
      }
      if (xs.empty()) return false;
      return SingleValue(c, xs.front(), keys, note);
    case SetQualifier::kForAllValues:
      for (const std::string& x : xs) {
        if (!SingleValue(c, x, keys, note)) return false;
      }
      return true;  // vacuously true on an empty set (C5)
    case SetQualifier::kForAnyValue:
      for (const std::string& x : xs) {
        if (SingleValue(c, x, keys, note)) return true;
      }
      return false;
  }
  return false;
}

void AddMissing(const CompiledStatement& st, KeyResolver& keys, std::vector<std::string>* out) {
  for (const CompiledCondition& c : st.conditions) {
    if (keys.Find(c.key_lower).values) continue;
    bool seen = false;
    for (const std::string& k : *out) seen = seen || EqualsIgnoreCaseAscii(k, c.key_written);
    if (!seen) out->push_back(c.key_written);
  }
}

struct SplitAction {
  std::string_view service;  // as written; compared case-insensitively (rule M1)
  std::string_view name;
};

SplitAction SplitRequestAction(std::string_view action) {
  size_t colon = action.find(':');
  if (colon == std::string_view::npos) return {"", action};
  return {action.substr(0, colon), action.substr(colon + 1)};
}

PolicyResult EvaluateWith(const CompiledPolicy& policy, const Request& r, const SplitAction& act,
                          KeyResolver& keys, const EvalOptions& options,
                          std::vector<std::string>* missing) {
  PolicyResult out;
  out.policy = policy.id();
  const bool check_principal = policy.kind() != PolicyKind::kIdentity;
  for (const CompiledStatement& st : policy.statements()) {
    StatementTrace* t = nullptr;
    if (options.trace) {
      out.trace.emplace_back();
      t = &out.trace.back();
      t->ref = st.ref;
      t->is_deny = st.is_deny;
      t->has_principal = check_principal && st.has_principal;
      t->has_resource = st.has_resource;
      for (const PrincipalPattern& pp : st.principals) t->principals.push_back(pp.written);
    }
    // Rule E2: action, principal, resource, then every condition.
    bool action = ActionMatches(st, act.service, act.name);
    PrincipalMatch pm = PrincipalMatch::kDirect;
    if (check_principal && st.has_principal) pm = PrincipalMatches(st, r);
    bool resource = ResourceMatches(st, r, keys);
    if (t) {
      t->action_matched = action;
      t->principal = pm;
      t->resource_matched = resource;
    }
    if (!options.trace && (!action || pm == PrincipalMatch::kNone || !resource)) continue;
    bool conditions = true;
    for (const CompiledCondition& c : st.conditions) {
      ConditionTrace* ct = nullptr;
      if (t) {
        t->conditions.emplace_back();
        ct = &t->conditions.back();
        ct->op = c.op_written;
        ct->key = c.key_written;
        ct->path = c.path;
        ct->pos = c.pos;
        for (const PolicyValue& v : c.values) ct->policy_values.push_back(v.text);
      }
      bool ok = EvaluateCondition(c, keys, ct);
      if (ct) ct->result = ok;
      if (!ok) {
        conditions = false;
        if (!t) break;
      }
    }
    if (t) t->conditions_matched = conditions;
    if (!action || pm == PrincipalMatch::kNone || !resource) continue;
    if (missing) AddMissing(st, keys, missing);
    if (!conditions) continue;
    if (st.is_deny) {
      out.denies.push_back(st.ref);
    } else {
      out.allows.push_back(st.ref);
      out.best_allow_principal = std::max(out.best_allow_principal, pm);
    }
  }
  return out;
}

void Append(std::vector<StatementRef>* to, const std::vector<StatementRef>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

}  // namespace

PolicyResult EvaluatePolicy(const CompiledPolicy& policy, const Request& request,
                            const EvalOptions& options, std::vector<std::string>* missing_keys) {
  KeyResolver keys(request);
  SplitAction act = SplitRequestAction(request.action);
  return EvaluateWith(policy, request, act, keys, options, missing_keys);
}

namespace {

// Fills d.effect, d.reason, d.deny_by and d.matched from the per-policy results. Kept apart from
// Authorize so that the common path returns the one Decision object without copies.
void Decide(const Request& r, const CompiledPolicy* resource_policy, StsActionKind sts,
            Decision& d) {
  const Caller& c = r.caller;
  const size_t first_identity = resource_policy ? 1 : 0;  // d.policies[0]: the resource policy
  bool trust = resource_policy && resource_policy->kind() == PolicyKind::kTrust;
  // A role trust policy governs role assumption only: for the other STS actions it is set
  // aside, its statements included (E4-STS).
  const size_t first_counted = trust && sts == StsActionKind::kIdentityOnly ? 1 : 0;
  if (first_counted == 1) {
    resource_policy = nullptr;
    trust = false;
  }
  const PolicyResult* res = resource_policy ? &d.policies.front() : nullptr;
  using DenyBy = Decision::DenyBy;
  const bool long_term = c.kind == Caller::Kind::kUser || c.kind == Caller::Kind::kRoot;

  // STS actions that no policy controls (E4-STS, docs/semantics.md): decided before any deny.
  if (sts == StsActionKind::kCallerIdentity) {
    d.effect = Effect::kAllowed;
    d.reason = "sts:GetCallerIdentity needs no permission and cannot be denied (E4-STS)";
    return;
  }
  if (sts == StsActionKind::kSessionToken) {
    if (long_term) {
      d.effect = Effect::kAllowed;
      d.reason = "sts:GetSessionToken needs no permission; policies do not control it (E4-STS)";
    } else {
      d.effect = Effect::kImplicitDeny;
      d.reason = "sts:GetSessionToken must be called with the long-term credentials of an IAM "
                 "user or the root user (E4-STS)";
    }
    return;
  }

  // Explicit deny in any policy wins (rule E1).
  for (size_t i = first_counted; i < d.policies.size(); ++i) Append(&d.matched, d.policies[i].denies);
  if (!d.matched.empty()) {
    d.effect = Effect::kExplicitDeny;
    const bool in_resource = res && !res->denies.empty();
    d.deny_by = in_resource ? (trust ? DenyBy::kTrust : DenyBy::kResource) : DenyBy::kIdentity;
    d.reason = in_resource ? (trust ? "an explicit Deny in the role trust policy applies"
                                    : "an explicit Deny in the resource policy applies")
                           : "an explicit Deny in an identity-based policy applies";
    return;
  }
  bool identity_allows = false;
  for (size_t i = first_identity; i < d.policies.size(); ++i) {
    identity_allows = identity_allows || !d.policies[i].allows.empty();
  }
  const bool resource_allows = res && !res->allows.empty();
  const PrincipalMatch rp = res ? res->best_allow_principal : PrincipalMatch::kNone;
  const bool same_account = c.is_iam() && !r.resource_account.empty() &&
                            c.account == r.resource_account;
  auto allow = [&](const char* why) {
    d.effect = Effect::kAllowed;
    d.reason = why;
    for (size_t i = first_counted; i < d.policies.size(); ++i) Append(&d.matched, d.policies[i].allows);
  };
  auto deny = [&](const char* why, DenyBy by) {
    d.effect = Effect::kImplicitDeny;
    d.reason = why;
    d.deny_by = by;
  };

  if (!long_term && EqualsIgnoreCaseAscii(r.action, "sts:GetFederationToken")) {
    return deny("sts:GetFederationToken must be called with the long-term credentials of an IAM "
                "user or the root user, not session credentials (E4-STS)", DenyBy::kNone);
  }
  // Role assumption, and a role trust policy given with a non-STS action, are decided by the
  // trust policy (E3-E6). Other STS actions fall through to the ordinary rules below (E4-STS).
  if (sts == StsActionKind::kRoleAssumption || (trust && sts == StsActionKind::kNotSts)) {
    // The trust policy is always required (rule E4).
    if (!resource_policy) {
      return deny("no role trust policy was given: the trust policy must allow the caller (E4)",
                  DenyBy::kTrust);
    }
    // A well-formed ARN that is not a role gets AccessDenied, not a validation error (S1); so
    // does one of a role that cannot exist: IAM's rules for role ARNs (name 1-64 characters of
    // [A-Za-z0-9+=,.@_-], the one validator the world loader and `redtrust can` use).
    if (!ParseIamArn(r.resource, "role", nullptr)) {
      return deny("the resource is not an IAM role ARN, so STS denies access (S1)",
                  DenyBy::kTrust);
    }
    if (!c.is_iam()) {
      if (resource_allows) return allow("the role trust policy allows the service principal (E3)");
      return deny("no statement of the role trust policy allows the caller (E3)", DenyBy::kTrust);
    }
    if (same_account) {
      if (rp == PrincipalMatch::kDirect) {
        return allow("same account: the role trust policy names the caller directly, so no "
                     "identity policy is needed (E5a)");
      }
      if (rp == PrincipalMatch::kAccountLevel) {
        if (identity_allows) {
          return allow("same account: the trust policy trusts the account and an identity "
                       "policy allows (E5b)");
        }
        return deny("same account: the trust policy trusts only the account, and no "
                    "identity-based policy allows the action (E5b)", DenyBy::kIdentity);
      }
      return deny("no statement of the role trust policy allows the caller (E5)", DenyBy::kTrust);
    }
    if (!resource_allows) {
      return deny("cross-account: no statement of the role trust policy allows the caller (E6)",
                  DenyBy::kTrust);
    }
    if (!identity_allows) {
      return deny("cross-account: the role trust policy allows, but no identity-based policy "
                  "of the caller allows the action (E6)", DenyBy::kIdentity);
    }
    return allow("cross-account: both the role trust policy and an identity policy allow (E6)");
  }
  // A KMS key's key policy must consent before IAM policies count (K-KMS, docs/semantics.md):
  // like a role trust policy, it is always required, and in the key's account an identity allow
  // counts only when the key policy allows the account (the root principal).
  const bool kms_key = IsKmsKeyArn(r.resource);
  if (kms_key && !resource_policy) {
    return deny("no key policy was given: a KMS key's key policy must allow the caller or its "
                "account before IAM policies have any effect (K-KMS)", DenyBy::kResource);
  }
  if (resource_policy) {
    if (!c.is_iam()) {
      if (resource_allows) return allow("the resource policy allows the caller");
      return deny("no statement of the resource policy allows the caller", DenyBy::kResource);
    }
    if (same_account) {
      // Same account: either policy suffices; an account-level resource grant delegates to
      // the account's identity policies (EVAL same-account table; rule E5 by analogy).
      if (rp == PrincipalMatch::kDirect) return allow("same account: the resource policy allows the caller");
      if (kms_key) {
        if (rp != PrincipalMatch::kAccountLevel) {
          return deny("the key policy allows neither the caller nor its account, so IAM "
                      "policies have no effect on this KMS key (K-KMS)", DenyBy::kResource);
        }
        if (identity_allows) {
          return allow("the key policy allows the account, which enables IAM policies, and an "
                       "identity-based policy allows (K-KMS)");
        }
        return deny("the key policy allows the account (enabling IAM policies), but no "
                    "identity-based policy allows the action (K-KMS)", DenyBy::kIdentity);
      }
      if (identity_allows) return allow("same account: an identity-based policy allows");
      return deny("same account: neither an identity-based policy nor the resource policy "
                  "allows the caller", DenyBy::kIdentity);
    }
    if (!resource_allows) {
      return deny("cross-account: the resource policy does not allow the caller (XACCT)",
                  DenyBy::kResource);
    }
    if (!identity_allows) {
      return deny("cross-account: no identity-based policy of the caller allows the action "
                  "(XACCT)", DenyBy::kIdentity);
    }
    return allow("cross-account: both the resource policy and an identity policy allow (XACCT)");
  }
  // Cross-account access needs a resource-based policy in the resource's account as well as an
  // identity allow (XACCT); without one, the identity policy alone never reaches another account.
  if (c.is_iam() && !r.resource_account.empty() && c.account != r.resource_account) {
    return deny("cross-account: the resource's account has no resource-based policy that allows "
                "the caller (XACCT)", DenyBy::kResource);
  }
  if (identity_allows) return allow("an identity-based policy allows");
  deny("no identity-based policy allows the action", DenyBy::kIdentity);
}

}  // namespace

std::string StsDenyReason(const Decision& d, std::string_view action) {
  std::string a(action);
  const bool explicit_deny = d.effect == Effect::kExplicitDeny;
  switch (d.deny_by) {
    case Decision::DenyBy::kNone: return "";
    case Decision::DenyBy::kTrust:
      return explicit_deny ? " with an explicit deny in the role trust policy"
                           : " because no role trust policy allows the " + a + " action";
    case Decision::DenyBy::kIdentity:
      return explicit_deny ? " with an explicit deny in an identity-based policy"
                           : " because no identity-based policy allows the " + a + " action";
    case Decision::DenyBy::kResource:
      return explicit_deny ? " with an explicit deny in a resource-based policy"
                           : " because no resource-based policy allows the " + a + " action";
  }
  return "";
}

Decision Authorize(const Request& r, const CompiledPolicy* resource_policy,
                   const std::vector<const CompiledPolicy*>& identity_policies,
                   const EvalOptions& options) {
  Decision d;
  KeyResolver keys(r);
  SplitAction act = SplitRequestAction(r.action);
  // A service principal or a web identity has no identity policies of its own (rule E3).
  const bool use_identity = r.caller.is_iam();
  d.policies.reserve(1 + (use_identity ? identity_policies.size() : 0));
  if (resource_policy) {
    d.policies.push_back(EvaluateWith(*resource_policy, r, act, keys, options,
                                      &d.missing_context_keys));
  }
  if (use_identity) {
    for (const CompiledPolicy* p : identity_policies) {
      d.policies.push_back(EvaluateWith(*p, r, act, keys, options, &d.missing_context_keys));
    }
  }
  if (options.trace) {
    if (r.caller.kind == Caller::Kind::kService) {
      d.caller_names = r.caller.service_names;
    } else {
      d.caller_names.push_back(r.caller.arn.empty() ? r.caller.raw : r.caller.arn);
    }
  }
  Decide(r, resource_policy, ClassifyStsAction(r.action), d);
  return d;
}

}  // namespace redtrust
