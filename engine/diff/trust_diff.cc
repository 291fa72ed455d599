// The exact trust-policy diff (trust_diff.h, docs/diff.md). Layout: the dimensions and their
// predicates are collected from both policies' compiled statements, atoms are computed per
// dimension, every combination is evaluated with the real evaluator, and the differing
// combinations are merged into classes.
#include "engine/diff/trust_diff.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/condition/values.h"
#include "engine/diff/automaton.h"
#include "engine/eval/compiled_policy_internal.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/explain.h"
#include "engine/policy/arn.h"
#include "engine/policy/document.h"
#include "engine/policy/reader.h"

namespace redtrust::diff {

namespace {

// The actions a role trust policy is asked about (STS's AssumeRole family and the session
// actions checked against the trust policy). The diff's action universe; docs/diff.md.
const std::vector<std::string>& TrustActions() {
  static const std::vector<std::string> a = {
      "sts:AssumeRole",   "sts:AssumeRoleWithSAML",  "sts:AssumeRoleWithWebIdentity",
      "sts:TagSession",   "sts:SetSourceIdentity",   "sts:SetContext"};
  return a;
}

ByteSet IamNameChars() {
  ByteSet s = ByteRange('a', 'z') | ByteRange('A', 'Z') | ByteRange('0', '9');
  return s | BytesOf("+=,.@_-");
}

const ByteSet& NoColon() {
  static const ByteSet s = ~BytesOf(":");
  return s;
}

Nfa Digits12() {
  Nfa one;
  uint32_t end = one.AddState(true);
  one.AddEdge(0, ByteRange('0', '9'), end);
  return Nfa::Concat(std::vector<Nfa>(12, one));
}

// IsValidRegionName as a language: [a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+.
Nfa RegionLanguage() {
  Nfa lower;
  uint32_t e = lower.AddState(true);
  lower.AddEdge(0, ByteRange('a', 'z'), e);
  return Nfa::Concat({lower, lower,
                      Nfa::Union({Nfa::EmptyString(), Nfa::Literal("-gov", false),
                                  Nfa::Literal("-iso", false),
                                  Nfa::Concat({Nfa::Literal("-iso", false), lower})}),
                      Nfa::Literal("-", false), Nfa::Repeat(ByteRange('a', 'z'), 1),
                      Nfa::Literal("-", false), Nfa::Repeat(ByteRange('0', '9'), 1)});
}

const char* kServiceSuffixes[] = {".amazonaws.com.cn", ".amazonaws.com"};

// Regional service names "H.R.amazonaws.com[.cn]" whose global name "H.amazonaws.com[.cn]" is
// `global` (case-folded when ignore_case); empty when `global` has no such suffix.
Nfa RegionalPreimage(std::string_view global, bool ignore_case) {
  for (std::string_view suffix : kServiceSuffixes) {
    if (global.size() < suffix.size()) continue;
    std::string_view tail = global.substr(global.size() - suffix.size());
    if (ignore_case ? !EqualsIgnoreCaseAscii(tail, suffix) : tail != suffix) continue;
    return Nfa::Concat({Nfa::Literal(global.substr(0, global.size() - suffix.size()), ignore_case),
                        Nfa::Literal(".", false), RegionLanguage(),
                        Nfa::Literal(suffix, false)});
  }
  return Nfa::Empty();
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string FormatIp(const IpAddress& a) {
  char buf[64];
  if (!a.v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]);
    return buf;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", (a.bytes[2 * i] << 8) | a.bytes[2 * i + 1]);
    out += buf;
  }
  return out;
}

// Adds `delta` (+1/-1) to the address as a big-endian integer; false on overflow.
bool StepIp(IpAddress* a, int delta) {
  const int n = a->v6 ? 16 : 4;
  for (int i = n - 1; i >= 0; --i) {
    int v = a->bytes[i] + delta;
    if (v >= 0 && v <= 255) {
      a->bytes[i] = static_cast<uint8_t>(v);
      return true;
    }
    a->bytes[i] = static_cast<uint8_t>(v < 0 ? 255 : 0);
  }
  return false;
}

// Exact decimal seconds text for microseconds since the epoch (ParseDate reads it back).
std::string EpochMicrosText(int64_t us) {
  const bool neg = us < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-(us + 1)) + 1 : static_cast<uint64_t>(us);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", neg ? "-" : "",
                static_cast<unsigned long long>(a / 1000000),
                static_cast<unsigned long long>(a % 1000000));
  return buf;
}

std::string LocationOf(const CompiledPolicy& policy, const std::string& path, SourcePos pos) {
  std::string s = policy.id() + " " + path;
  if (pos.known()) {
    s += " (line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ")";
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The model: dimensions, predicates and atoms.

struct Pred {
  std::string label;
  std::optional<Nfa> nfa;  // string predicates: the language of accepted values
  std::function<bool(std::string_view)> test;
  bool structural = false;  // shape tests on the principal: shown only when they hold
};

struct Atom {
  std::vector<bool> sig;
  std::string value;
};

enum class DimKind { kCallerKind, kService, kPrincipal, kSession, kFederated, kIdentity, kAction,
                     kTime, kKey };

enum CallerClass { kServiceCaller = 0, kIamCaller = 1, kFederatedCaller = 2 };

struct Dim {
  DimKind kind;
  std::string name;
  std::string key_lower;
  Nfa universe;
  size_t max_length = 0;  // 0: none
  std::vector<Pred> preds;
  std::map<std::string, size_t> pred_index;  // by label
  std::vector<std::string> candidates;       // boundary points of typed tests
  bool has_string = false;
  bool has_typed = false;
  bool multivalued = false;
  std::vector<Atom> atoms;
  std::map<std::vector<bool>, size_t> atom_index;
  // kKey values: 0 = absent, then one per atom (single-valued) or one per subset (multivalued,
  // mask over atoms; mask 0 is the empty set).
  std::vector<uint64_t> set_masks;

  void AddPred(std::string label, std::optional<Nfa> nfa, std::function<bool(std::string_view)> t,
               bool structural = false) {
    if (pred_index.count(label)) return;
    if (nfa) has_string = true;
    if (!nfa && !structural) has_typed = true;
    pred_index.emplace(label, preds.size());
    preds.push_back({std::move(label), std::move(nfa), std::move(t), structural});
  }

  size_t value_count() const {
    switch (kind) {
      case DimKind::kCallerKind: return 3;
      case DimKind::kIdentity: return 2;
      case DimKind::kAction: return TrustActions().size();
      case DimKind::kKey: return 1 + (multivalued ? set_masks.size() : atoms.size());
      default: return atoms.size();
    }
  }

  std::vector<bool> Signature(std::string_view x) const {
    std::vector<bool> sig(preds.size());
    for (size_t i = 0; i < preds.size(); ++i) sig[i] = preds[i].test(x);
    return sig;
  }

  std::string DescribeAtom(size_t a) const {
    const Atom& at = atoms[a];
    std::vector<std::string> pos, neg;
    for (size_t i = 0; i < preds.size(); ++i) {
      if (at.sig[i]) {
        pos.push_back(preds[i].label);
      } else if (!preds[i].structural) {
        neg.push_back(preds[i].label);
      }
    }
    std::string s;
    for (size_t i = 0; i < pos.size(); ++i) s += (i ? " and " : "") + pos[i];
    bool named = false;  // a non-structural test holds: that says enough
    for (size_t i = 0; i < preds.size(); ++i) named = named || (at.sig[i] && !preds[i].structural);
    if (!neg.empty() && !named) {
      std::string n;
      for (size_t i = 0; i < neg.size(); ++i) n += (i ? "; " : "") + neg[i];
      s += (s.empty() ? "not (" : " and not (") + n + ")";
    }
    if (s.empty()) s = "any value";
    return s + " (e.g. " + Quote(at.value) + ")";
  }

  std::string DescribeValue(size_t v) const {
    switch (kind) {
      case DimKind::kCallerKind:
        return v == kServiceCaller ? "a service principal"
                                   : v == kIamCaller ? "an IAM principal (account, user, role session, federated user)"
                                                     : "a federated identity (web identity / SAML)";
      case DimKind::kIdentity:
        return v ? "allow the action" : "do not allow the action";
      case DimKind::kAction:
        return TrustActions()[v];
      case DimKind::kKey: {
        if (v == 0) return "absent";
        if (!multivalued) return DescribeAtom(v - 1);
        uint64_t mask = set_masks[v - 1];
        if (mask == 0) return "an empty set";
        std::string s = "a set of {";
        bool first = true;
        for (size_t a = 0; a < atoms.size(); ++a) {
          if (!(mask >> a & 1)) continue;
          s += (first ? "" : "; ") + DescribeAtom(a);
          first = false;
        }
        return s + "}";
      }
      default:
        return DescribeAtom(v);
    }
  }
};

struct TrustDiff::Model {
  std::vector<Dim> dims;
  // Fixed dimension indexes; keys follow.
  static constexpr size_t kKind = 0, kService = 1, kPrincipal = 2, kSession = 3, kFederated = 4,
                          kIdentity = 5, kAction = 6, kTime = 7, kFirstKey = 8;
  std::vector<std::string> undecided;
  std::string role_arn, role_partition, role_account;
  int64_t default_now = 0;
  // The reported classes as boxes: per dimension the values in the class (-1: not applicable).
  std::vector<std::vector<std::vector<int32_t>>> boxes;

  void Undecided(std::string why) {
    if (std::find(undecided.begin(), undecided.end(), why) == undecided.end()) {
      undecided.push_back(std::move(why));
    }
  }
  Dim& KeyDim(const std::string& key_written, const std::string& key_lower);
  void AddPrincipal(const PrincipalPattern& p);
  void AddCondition(const CompiledPolicy& policy, const CompiledCondition& c);
  void AddStringTests(Dim& d, const CompiledCondition& c, const PolicyValue& v,
                      const std::string& prefix, int lift);
  void AddTypedTests(Dim& d, const CompiledCondition& c, const PolicyValue& v,
                     const std::string& prefix);
  void ComputeAtoms(Dim& d, const DiffOptions& o);
};

namespace {

Dim MakeDim(DimKind kind, std::string name, Nfa universe, size_t max_length = 0) {
  Dim d{};
  d.kind = kind;
  d.name = std::move(name);
  d.universe = std::move(universe);
  d.max_length = max_length;
  return d;
}

// The values a condition key can take, where STS or AWS constrain them (docs/diff.md).
Nfa KeyUniverse(const std::string& key_lower, size_t* max_length) {
  const ByteSet word = ByteRange('a', 'z') | ByteRange('A', 'Z') | ByteRange('0', '9') | BytesOf("_");
  if (key_lower == "sts:externalid") {
    *max_length = 1224;  // STS AssumeRole ExternalId: [\w+=,.@:/-]{2,1224}
    return Nfa::Repeat(word | BytesOf("+=,.@:/-"), 2);
  }
  if (key_lower == "sts:rolesessionname" || key_lower == "sts:sourceidentity" ||
      key_lower == "aws:sourceidentity") {
    *max_length = 64;  // [\w+=,.@-]{2,64}
    return Nfa::Repeat(word | BytesOf("+=,.@-"), 2);
  }
  if (key_lower == "aws:sourceaccount" || key_lower == "aws:resourceaccount") {
    return Digits12();
  }
  return Nfa::Repeat(AllBytes(), 0);
}

bool IsKnownMultivalued(const std::string& key_lower) {
  return key_lower == "aws:tagkeys" || key_lower == "aws:calledvia" ||
         key_lower == "aws:principalorgpaths" || key_lower == "aws:sourceorgpaths";
}

// Keys AWS always sends as one value, whatever operator a policy uses on them.
bool IsKnownSingleValued(const std::string& key_lower) {
  return key_lower == "sts:externalid" || key_lower == "sts:rolesessionname" ||
         key_lower == "sts:sourceidentity" || key_lower == "aws:sourceidentity" ||
         key_lower == "aws:sourceaccount" || key_lower == "aws:sourcearn" ||
         key_lower == "aws:resourceaccount" || key_lower == "aws:sourceip" ||
         key_lower == "aws:requestedregion" || key_lower == "aws:securetransport";
}

}  // namespace

Dim& TrustDiff::Model::KeyDim(const std::string& key_written, const std::string& key_lower) {
  for (size_t i = kFirstKey; i < dims.size(); ++i) {
    if (dims[i].key_lower == key_lower) return dims[i];
  }
  size_t max_length = 0;
  Nfa u = KeyUniverse(key_lower, &max_length);
  dims.push_back(MakeDim(DimKind::kKey, key_written, std::move(u), max_length));
  dims.back().key_lower = key_lower;
  dims.back().multivalued = IsKnownMultivalued(key_lower);
  return dims.back();
}

void TrustDiff::Model::AddPrincipal(const PrincipalPattern& p) {
  using K = PrincipalPattern::Kind;
  Dim& pr = dims[kPrincipal];
  switch (p.kind) {
    case K::kAny:
    case K::kNever:
      return;
    case K::kAccount: {
      std::string part = p.partition.empty() ? role_partition : p.partition;
      std::string acct = p.account;
      pr.AddPred("in account " + acct + (p.partition.empty() ? "" : " (" + part + ")"),
                 Nfa::ArnGlob("arn:" + part + ":*:*:" + acct + ":*", false),
                 [part, acct](std::string_view x) {
                   auto s = SplitArn(x);
                   return s && s->partition == part && s->account == acct;
                 });
      return;
    }
    case K::kRole: {
      std::string prefix = "arn:" + p.partition + ":iam::" + p.account + ":role/";
      std::string name = p.role_name;
      pr.AddPred("a session of role " + p.written,
                 Nfa::Union({Nfa::Literal(prefix + name, false),
                             Nfa::Concat({Nfa::Literal(prefix, false), Nfa::Repeat(AllBytes(), 0),
                                          Nfa::Literal("/" + name, false)})}),
                 [prefix, name](std::string_view x) {
                   if (x.substr(0, prefix.size()) != prefix) return false;
                   return x.substr(x.rfind('/') + 1) == name;
                 });
      return;
    }
    case K::kExactArn: {
      auto s = SplitArn(p.value);
      if (s && s->service == "sts" && s->resource.substr(0, 13) == "assumed-role/") {
        // caller.arn == "arn:P:sts::A:assumed-role/R/S": the role part and the session name.
        std::string_view rest = s->resource.substr(13);
        size_t slash = rest.find('/');
        if (slash == std::string_view::npos || !s->region.empty()) {
          return;  // no caller ARN can equal it: it never matches
        }
        std::string prefix = "arn:" + std::string(s->partition) + ":iam::" + std::string(s->account) + ":role/";
        std::string name(rest.substr(0, slash));
        std::string session(rest.substr(slash + 1));
        pr.AddPred("a session of role " + prefix + name + " (any path)",
                   Nfa::Union({Nfa::Literal(prefix + name, false),
                               Nfa::Concat({Nfa::Literal(prefix, false), Nfa::Repeat(AllBytes(), 0),
                                            Nfa::Literal("/" + name, false)})}),
                   [prefix, name](std::string_view x) {
                     if (x.substr(0, prefix.size()) != prefix) return false;
                     return x.substr(x.rfind('/') + 1) == name;
                   });
        dims[kSession].AddPred("session name equals " + Quote(session),
                               Nfa::Literal(session, false),
                               [session](std::string_view x) { return x == session; });
        return;
      }
      std::string v = p.value;
      pr.AddPred("is " + v, Nfa::Literal(v, false), [v](std::string_view x) { return x == v; });
      return;
    }
    case K::kService: {
      std::string v = p.value;
      Dim& sv = dims[kService];
      sv.AddPred("is " + v, Nfa::Literal(v, false), [v](std::string_view x) { return x == v; });
      sv.AddPred("a regional name of " + v, RegionalPreimage(v, false), [v](std::string_view x) {
        auto c = ParseServiceCaller(x);
        return c.ok() && c->service_names.size() == 2 && c->service_names[1] == v;
      });
      return;
    }
    case K::kFederated: {
      std::string v = p.value;
      dims[kFederated].AddPred("is " + v, Nfa::Literal(v, false),
                               [v](std::string_view x) { return x == v; });
      return;
    }
  }
}

// lift: 0 = the value itself, 1 = the account of the principal ARN (aws:PrincipalAccount),
// 2 = a service name or its global name (aws:PrincipalServiceName[sList]).
void TrustDiff::Model::AddStringTests(Dim& d, const CompiledCondition& c, const PolicyValue& v,
                                      const std::string& prefix, int lift) {
  const std::string text = v.text;
  std::string label;
  std::optional<Nfa> nfa;
  std::function<bool(std::string_view)> test;
  const ByteSet allowed = lift == 1 ? NoColon() : AllBytes();
  switch (c.cmp) {
    case Comparison::kEquals:
    case Comparison::kBinaryEquals:
      label = prefix + "equals " + Quote(text);
      nfa = Nfa::Literal(text, false, allowed);
      test = [text](std::string_view x) { return x == text; };
      break;
    case Comparison::kEqualsIgnoreCase:
      label = prefix + "equals (ignoring case) " + Quote(text);
      nfa = Nfa::Literal(text, true, allowed);
      test = [text](std::string_view x) { return EqualsIgnoreCaseAscii(x, text); };
      break;
    case Comparison::kLike:
      label = prefix + "like " + Quote(text);
      nfa = Nfa::Glob(text, false, allowed);
      test = [text](std::string_view x) { return GlobMatch(text, x, false); };
      break;
    case Comparison::kArnLike:
      if (lift != 0) return;  // an account id or a service name is never an ARN: always false
      label = prefix + "ARN-like " + Quote(text);
      nfa = Nfa::ArnGlob(text, false);
      test = [text](std::string_view x) { return ArnGlobMatch(text, x, false); };
      d.AddPred(prefix + "is an ARN", Nfa::ArnGlob("arn:*:*:*:*:*", false),
                [](std::string_view x) { return SplitArn(x).has_value(); });
      break;
    default:
      return;
  }
  if (lift == 1) {
    d.AddPred(std::move(label), Nfa::ArnWithAccount(*nfa), [test](std::string_view x) {
      auto s = SplitArn(x);
      return s && test(s->account);
    });
    return;
  }
  if (lift == 2) {
    const bool ic = c.cmp == Comparison::kEqualsIgnoreCase;
    if (c.cmp == Comparison::kLike) {
      Undecided("a wildcard pattern on " + c.key_written +
                " (the global name of a regional caller is not modelled as a language)");
    } else {
      d.AddPred("has global name " + Quote(text) + (ic ? " (ignoring case)" : ""),
                RegionalPreimage(text, ic), [text, ic](std::string_view x) {
                  auto cl = ParseServiceCaller(x);
                  if (!cl.ok() || cl->service_names.size() != 2) return false;
                  return ic ? EqualsIgnoreCaseAscii(cl->service_names[1], text)
                            : cl->service_names[1] == text;
                });
    }
  }
  d.AddPred(std::move(label), std::move(nfa), std::move(test));
}

void TrustDiff::Model::AddTypedTests(Dim& d, const CompiledCondition& c, const PolicyValue& v,
                                     const std::string& prefix) {
  const std::string text = v.text;
  const Comparison cmp = c.cmp;
  auto order = [cmp](int r) {
    switch (cmp) {
      case Comparison::kEquals: return r == 0;
      case Comparison::kLessThan: return r < 0;
      case Comparison::kLessThanEquals: return r <= 0;
      case Comparison::kGreaterThan: return r > 0;
      case Comparison::kGreaterThanEquals: return r >= 0;
      default: return false;
    }
  };
  auto cmp_name = [cmp]() -> std::string {
    switch (cmp) {
      case Comparison::kEquals: return "= ";
      case Comparison::kLessThan: return "< ";
      case Comparison::kLessThanEquals: return "<= ";
      case Comparison::kGreaterThan: return "> ";
      case Comparison::kGreaterThanEquals: return ">= ";
      default: return "? ";
    }
  };
  switch (c.type) {
    case ValueType::kNumeric:
      d.AddPred(prefix + "is a number", std::nullopt,
                [](std::string_view x) { return ParseNumeric(x).has_value(); });
      d.AddPred(prefix + cmp_name() + text + " (number)", std::nullopt,
                [text, order](std::string_view x) {
                  auto r = CompareNumeric(x, text);
                  return r && order(*r);
                });
      if (auto n = ParseNumeric(text)) {
        d.candidates.push_back(text);
        char buf[64];
        for (double delta : {-1.0, 1.0}) {
          std::snprintf(buf, sizeof buf, "%.17g", *n + delta);
          d.candidates.push_back(buf);
        }
      }
      break;
    case ValueType::kDate: {
      const int64_t t = v.date;
      d.AddPred(prefix + "is a date", std::nullopt,
                [](std::string_view x) { return ParseDate(x).has_value(); });
      d.AddPred(prefix + cmp_name() + text + " (date)", std::nullopt, [t, order](std::string_view x) {
        auto p = ParseDate(x);
        return p && order(*p < t ? -1 : (*p > t ? 1 : 0));
      });
      for (int64_t delta : {-1, 0, 1}) d.candidates.push_back(EpochMicrosText(t + delta));
      break;
    }
    case ValueType::kBool: {
      const bool b = v.boolean;
      d.AddPred(prefix + "is a boolean", std::nullopt,
                [](std::string_view x) { return ParseBool(x).has_value(); });
      d.AddPred(prefix + "is " + (b ? "true" : "false"), std::nullopt, [b](std::string_view x) {
        auto p = ParseBool(x);
        return p && *p == b;
      });
      d.candidates.push_back("true");
      d.candidates.push_back("false");
      break;
    }
    case ValueType::kIp: {
      const IpCidr cidr = v.cidr;
      d.AddPred(prefix + "is an IP address", std::nullopt,
                [](std::string_view x) { return ParseIpAddress(x).has_value(); });
      d.AddPred(prefix + "in " + text, std::nullopt, [cidr](std::string_view x) {
        auto a = ParseIpAddress(x);
        return a && CidrContains(cidr, *a);
      });
      // Every region of a family of address ranges starts at 0, at a range's first address, or
      // just after a range's last address.
      IpAddress first = cidr.base;
      IpAddress last = cidr.base;
      const int bits = first.v6 ? 128 : 32;
      for (int i = cidr.prefix; i < bits; ++i) last.bytes[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
      d.candidates.push_back(FormatIp(first));
      if (StepIp(&last, 1)) d.candidates.push_back(FormatIp(last));
      IpAddress zero;
      zero.v6 = first.v6;
      d.candidates.push_back(FormatIp(zero));
      break;
    }
    default:
      break;
  }
}

void TrustDiff::Model::AddCondition(const CompiledPolicy& policy, const CompiledCondition& c) {
  const std::string where = LocationOf(policy, c.path, c.pos);
  const std::string& k = c.key_lower;
  // Keys AWS derives from the caller and the clock (engine/eval/evaluator.cc KeyResolver).
  Dim* d = nullptr;
  int lift = 0;
  if (k == "aws:principaltype" || k == "aws:principalisawsservice") {
    return;  // constant for each caller shape, which the principal dimension separates
  } else if (k == "aws:principalarn") {
    d = &dims[kPrincipal];
  } else if (k == "aws:principalaccount") {
    d = &dims[kPrincipal];
    lift = 1;
  } else if (k == "aws:principalservicename" || k == "aws:principalservicenameslist") {
    d = &dims[kService];
    lift = 2;
  } else if (k == "aws:currenttime" || k == "aws:epochtime") {
    d = &dims[kTime];
  } else {
    d = &KeyDim(c.key_written, k);
    if (c.spec.set != SetQualifier::kNone && !IsKnownSingleValued(k)) d->multivalued = true;
  }
  if (c.type == ValueType::kNull) return;  // presence only: the absent value is always examined
  const std::string prefix = c.key_written + " ";
  for (const PolicyValue& v : c.values) {
    if (v.has_template) {
      Undecided("policy variable in " + Quote(v.text) + " at " + where +
                " (a value that depends on another key is not decided exactly)");
      continue;
    }
    if (d->kind == DimKind::kTime) {
      const bool epoch = k == "aws:epochtime";
      if ((epoch && c.type != ValueType::kNumeric) || (!epoch && c.type != ValueType::kDate)) {
        Undecided(c.op_written + " on " + c.key_written + " at " + where +
                  " (only date operators on aws:CurrentTime and numeric operators on "
                  "aws:EpochTime are decided)");
        continue;
      }
      // The time dimension's value is the clock in microseconds; the key's value is derived as
      // the evaluator derives it (seconds resolution).
      const CompiledCondition* cc = &c;
      const PolicyValue* pv = &v;
      Dim probe = MakeDim(DimKind::kKey, "", Nfa());
      AddTypedTests(probe, *cc, *pv, prefix);
      for (Pred& p : probe.preds) {
        auto inner = p.test;
        d->AddPred(p.label, std::nullopt, [inner, epoch](std::string_view now_text) {
          int64_t us = std::stoll(std::string(now_text));
          if (epoch) {
            int64_t s = us / 1000000;
            if (us < 0 && us % 1000000 != 0) --s;
            return inner(std::to_string(s));
          }
          return inner(FormatIsoUtc(us));
        });
      }
      for (const std::string& cand : probe.candidates) {
        int64_t us;
        if (epoch) {
          auto n = ParseNumeric(cand);
          if (!n) continue;
          us = static_cast<int64_t>(std::floor(*n)) * 1000000;
        } else {
          auto t = ParseDate(cand);
          if (!t) continue;
          us = *t;
        }
        int64_t s = us / 1000000;
        if (us < 0 && us % 1000000 != 0) --s;
        for (int64_t delta : {-1, 0, 1}) d->candidates.push_back(std::to_string((s + delta) * 1000000));
      }
      continue;
    }
    switch (c.type) {
      case ValueType::kString:
      case ValueType::kArn:
      case ValueType::kBinary:
        AddStringTests(*d, c, v, prefix, lift);
        break;
      default:
        if (d->kind != DimKind::kKey) {
          Undecided(c.op_written + " on " + c.key_written + " at " + where +
                    " (typed comparisons on caller keys are not decided)");
          break;
        }
        AddTypedTests(*d, c, v, prefix);
        break;
    }
  }
  if (d->kind == DimKind::kKey && d->has_string && d->has_typed) {
    Undecided(c.key_written + " is compared both as text and as a number, date, boolean or "
              "address (at " + where + "); its atoms are examined at boundary points only");
  }
}

void TrustDiff::Model::ComputeAtoms(Dim& d, const DiffOptions& o) {
  std::vector<const Nfa*> langs;
  std::vector<size_t> lang_pred;
  for (size_t i = 0; i < d.preds.size(); ++i) {
    if (d.preds[i].nfa) {
      langs.push_back(&*d.preds[i].nfa);
      lang_pred.push_back(i);
    }
  }
  std::vector<std::string> values;
  if (d.kind == DimKind::kTime) {
    values.push_back(std::to_string(default_now));
  } else {
    RegionsResult r = FindRegions(d.universe, langs, o.max_automaton_states);
    if (!r.complete) {
      Undecided("the tests on " + d.name + " need more than " +
                std::to_string(o.max_automaton_states) + " automaton states");
    }
    for (Region& reg : r.regions) {
      // The automaton and the matcher must agree (they are two implementations of one test).
      std::vector<bool> sig = d.Signature(reg.witness);
      for (size_t j = 0; j < lang_pred.size(); ++j) {
        if (sig[lang_pred[j]] != reg.in[j]) {
          Undecided("internal: the automaton for " + Quote(d.preds[lang_pred[j]].label) +
                    " disagrees with the matcher on " + Quote(reg.witness));
        }
      }
      if (d.max_length && reg.witness.size() > d.max_length) {
        Undecided("the shortest value of one class of " + d.name + " is longer than " +
                  std::to_string(d.max_length) + " characters");
      }
      values.push_back(std::move(reg.witness));
    }
  }
  for (const std::string& c : d.candidates) {
    if (d.kind == DimKind::kTime || d.universe.Accepts(c)) values.push_back(c);
  }
  for (std::string& v : values) {
    std::vector<bool> sig = d.Signature(v);
    if (d.atom_index.emplace(sig, d.atoms.size()).second) d.atoms.push_back({sig, std::move(v)});
  }
  if (d.kind == DimKind::kKey && d.multivalued) {
    if (d.atoms.size() > o.max_set_atoms || d.atoms.size() >= 63) {
      Undecided(d.name + " is multivalued with " + std::to_string(d.atoms.size()) +
                " atoms; only sets of one atom and of every atom are examined");
      d.set_masks = {0};
      for (size_t a = 0; a < d.atoms.size() && a < 63; ++a) d.set_masks.push_back(uint64_t{1} << a);
      d.set_masks.push_back((uint64_t{1} << std::min<size_t>(d.atoms.size(), 63)) - 1);
    } else {
      for (uint64_t m = 0; m < (uint64_t{1} << d.atoms.size()); ++m) d.set_masks.push_back(m);
    }
  }
}

// ---------------------------------------------------------------------------------------------

TrustDiff::TrustDiff() = default;
TrustDiff::~TrustDiff() = default;
TrustDiff::TrustDiff(TrustDiff&&) noexcept = default;
TrustDiff& TrustDiff::operator=(TrustDiff&&) noexcept = default;

std::vector<std::string> TrustDiff::DescribeDimensions() const {
  std::vector<std::string> out;
  for (const Dim& d : model_->dims) {
    if (d.kind == DimKind::kKey || d.kind == DimKind::kCallerKind || d.kind == DimKind::kAction ||
        d.kind == DimKind::kIdentity || !d.preds.empty()) {
      out.push_back(d.name + ": " + std::to_string(d.value_count()) + " value classes, " +
                    std::to_string(d.preds.size()) + " tests");
    }
  }
  return out;
}

namespace {

using Tuple = std::vector<int32_t>;

// The caller for an IAM principal-ARN value (and session name for a role).
Caller IamCaller(const std::string& principal, const std::string& session) {
  Caller c;
  auto s = SplitArn(principal);
  c.raw = principal;
  c.arn = principal;
  c.partition = std::string(s->partition);
  c.account = std::string(s->account);
  std::string_view res = s->resource;
  if (res == "root") {
    c.kind = Caller::Kind::kRoot;
  } else if (res.substr(0, 5) == "user/") {
    c.kind = Caller::Kind::kUser;
  } else if (res.substr(0, 5) == "role/") {
    c.kind = Caller::Kind::kAssumedRole;
    c.role_arn = principal;
    c.role_name = std::string(res.substr(res.rfind('/') + 1));
    c.session_name = session;
    c.arn = "arn:" + c.partition + ":sts::" + c.account + ":assumed-role/" + c.role_name + "/" + session;
    c.raw = c.arn;
  } else {
    c.kind = Caller::Kind::kFederatedUser;
  }
  return c;
}

bool IsRoleShaped(const std::string& principal) {
  auto s = SplitArn(principal);
  return s && s->resource.substr(0, 5) == "role/";
}

}  // namespace

StatusOr<TrustDiff> DiffTrustPolicies(const CompiledPolicy* old_policy,
                                      const CompiledPolicy* new_policy,
                                      const DiffOptions& options) {
  auto role = SplitArn(options.role_arn);
  if (!role || role->service != "iam" || role->resource.substr(0, 5) != "role/" ||
      !IsAccountId(role->account)) {
    return Status::InvalidArgument("invalid role ARN `" + options.role_arn + "`");
  }
  for (const CompiledPolicy* p : {old_policy, new_policy}) {
    if (p && p->kind() != PolicyKind::kTrust) {
      return Status::InvalidArgument("policy `" + p->id() + "` is not a trust policy");
    }
  }
  auto model = std::make_unique<TrustDiff::Model>();
  TrustDiff::Model& m = *model;
  m.role_arn = options.role_arn;
  m.role_partition = std::string(role->partition);
  m.role_account = std::string(role->account);
  m.default_now = options.now_micros;

  // ---- Dimensions and their universes (docs/diff.md "The universe").
  const ByteSet dns = ByteRange('a', 'z') | ByteRange('A', 'Z') | ByteRange('0', '9') | BytesOf("-");
  const Nfa iam_name = Nfa::Repeat(IamNameChars(), 1);
  const Nfa name_path = Nfa::Concat(
      {Nfa::Repeat(IamNameChars() | BytesOf("/"), 0), iam_name});  // no trailing '/'
  const Nfa partitions = Nfa::Union({Nfa::Literal("aws", false), Nfa::Literal("aws-cn", false),
                                     Nfa::Literal("aws-us-gov", false)});
  const Nfa acct = Digits12();
  const Nfa iam_principal = Nfa::Concat(
      {Nfa::Literal("arn:", false), partitions,
       Nfa::Union({Nfa::Concat({Nfa::Literal(":iam::", false), acct, Nfa::Literal(":", false),
                                Nfa::Union({Nfa::Literal("root", false),
                                            Nfa::Concat({Nfa::Literal("user/", false), name_path}),
                                            Nfa::Concat({Nfa::Literal("role/", false), name_path})})}),
                   Nfa::Concat({Nfa::Literal(":sts::", false), acct,
                                Nfa::Literal(":federated-user/", false), iam_name})})});
  m.dims.push_back(MakeDim(DimKind::kCallerKind, "caller", Nfa()));
  m.dims.push_back(MakeDim(DimKind::kService, "service principal",
                           Nfa::Concat({Nfa::Repeat(dns | BytesOf("."), 0), Nfa::Literal(".", false),
                                        Nfa::Repeat(dns | BytesOf("."), 0)})));
  m.dims.push_back(MakeDim(DimKind::kPrincipal, "IAM principal (aws:PrincipalArn)", iam_principal));
  m.dims.push_back(MakeDim(DimKind::kSession, "role session name",
                           Nfa::Repeat(IamNameChars(), 2), 64));
  m.dims.push_back(MakeDim(DimKind::kFederated, "federated provider", Nfa::Repeat(AllBytes(), 1)));
  m.dims.push_back(MakeDim(DimKind::kIdentity, "caller's identity policies", Nfa()));
  m.dims.push_back(MakeDim(DimKind::kAction, "action", Nfa()));
  m.dims.push_back(MakeDim(DimKind::kTime, "time (aws:CurrentTime, aws:EpochTime)", Nfa()));

  // Structural tests: the shape of an IAM principal decides aws:PrincipalType; a regional
  // service name answers to its global name too (rule M9).
  Dim& pr = m.dims[TrustDiff::Model::kPrincipal];
  struct Shape { const char* label; const char* pattern; };
  for (Shape s : {Shape{"an account root", "arn:*:iam::*:root"}, Shape{"an IAM user", "arn:*:iam::*:user/*"},
                  Shape{"a role session", "arn:*:iam::*:role/*"},
                  Shape{"a federated user", "arn:*:sts::*:federated-user/*"}}) {
    std::string pattern = s.pattern;
    pr.AddPred(s.label, Nfa::ArnGlob(pattern, false),
               [pattern](std::string_view x) { return ArnGlobMatch(pattern, x, false); }, true);
  }
  pr.AddPred("in the role's account " + m.role_account,
             Nfa::ArnGlob("arn:" + m.role_partition + ":*:*:" + m.role_account + ":*", false),
             [part = m.role_partition, acct = m.role_account](std::string_view x) {
               auto s = SplitArn(x);
               return s && s->partition == part && s->account == acct;
             }, true);
  m.dims[TrustDiff::Model::kService].AddPred(
      "a regional name",
      Nfa::Concat({Nfa::Repeat(AllBytes(), 0), Nfa::Literal(".", false), RegionLanguage(),
                   Nfa::Union({Nfa::Literal(kServiceSuffixes[0], false),
                               Nfa::Literal(kServiceSuffixes[1], false)})}),
      [](std::string_view x) {
        auto c = ParseServiceCaller(x);
        return c.ok() && c->service_names.size() == 2;
      },
      true);

  // ---- Tests from both policies.
  for (const CompiledPolicy* p : {old_policy, new_policy}) {
    if (!p) continue;
    for (const CompiledStatement& st : p->statements()) {
      for (const PrincipalPattern& pp : st.principals) m.AddPrincipal(pp);
      for (const ResourcePattern& rp : st.resources) {
        if (rp.has_template) {
          m.Undecided("policy variable in Resource " + Quote(rp.written) + " of " + p->id());
        }
      }
      for (const CompiledCondition& c : st.conditions) m.AddCondition(*p, c);
    }
  }
  for (size_t i = 1; i < m.dims.size(); ++i) {
    Dim& d = m.dims[i];
    if (d.kind == DimKind::kIdentity || d.kind == DimKind::kAction) continue;
    m.ComputeAtoms(d, options);
  }

  // ---- Enumerate every combination of atoms and evaluate both sides.
  const size_t nd = m.dims.size();
  auto active = [&](size_t kind, size_t d) {
    switch (m.dims[d].kind) {
      case DimKind::kCallerKind: return true;
      case DimKind::kService: return kind == kServiceCaller;
      case DimKind::kPrincipal:
      case DimKind::kSession:
      case DimKind::kIdentity: return kind == kIamCaller;
      case DimKind::kFederated: return kind == kFederatedCaller;
      default: return true;
    }
  };
  TrustDiff out;
  out.role_arn_ = options.role_arn;

  // The caller's identity policy when it allows: everything (the diff is about the trust
  // policy; the caller's own permissions are one boolean dimension).
  ParsedPolicy identity_doc = ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
      PolicyKind::kIdentity);
  std::shared_ptr<const CompiledPolicy> allow_all;
  if (identity_doc.ok()) {
    auto compiled = CompiledPolicy::Compile(identity_doc.doc, PolicyKind::kIdentity, "caller-identity-policy");
    if (compiled.ok()) allow_all = *compiled;
  }
  if (!allow_all) return Status::Internal("cannot compile the caller identity policy");
  const std::vector<const CompiledPolicy*> with_identity = {allow_all.get()};
  const std::vector<const CompiledPolicy*> without_identity;

  auto build = [&](const Tuple& t, Witness* w) {
    Request& r = w->request;
    r = Request{};
    const size_t kind = static_cast<size_t>(t[0]);
    if (kind == kServiceCaller) {
      r.caller = *ParseServiceCaller(m.dims[1].atoms[t[1]].value);
    } else if (kind == kIamCaller) {
      const std::string& p = m.dims[2].atoms[t[2]].value;
      r.caller = IamCaller(p, t[3] >= 0 ? m.dims[3].atoms[t[3]].value : "");
      w->identity_allows = t[5] == 1;
    } else {
      r.caller = *ParseFederatedCaller(m.dims[4].atoms[t[4]].value);
    }
    r.action = TrustActions()[t[6]];
    r.resource = m.role_arn;
    r.resource_account = m.role_account;
    r.resource_partition = m.role_partition;
    r.now_micros = std::stoll(m.dims[7].atoms[std::max(t[7], 0)].value);
    for (size_t d = TrustDiff::Model::kFirstKey; d < nd; ++d) {
      const Dim& dim = m.dims[d];
      if (t[d] <= 0) continue;  // absent
      if (!dim.multivalued) {
        r.context.Set(dim.name, {dim.atoms[t[d] - 1].value}, false);
        continue;
      }
      std::vector<std::string> vs;
      uint64_t mask = dim.set_masks[t[d] - 1];
      for (size_t a = 0; a < dim.atoms.size(); ++a) {
        if (mask >> a & 1) vs.push_back(dim.atoms[a].value);
      }
      r.context.Set(dim.name, std::move(vs), true);
    }
  };
  auto decide = [&](const CompiledPolicy* p, const Witness& w) {
    return Authorize(w.request, p, w.identity_allows ? with_identity : without_identity);
  };
  auto side = [](const Decision& d) {
    SideDecision s;
    s.effect = d.effect;
    s.statements = d.matched;
    s.reason = d.reason;
    return s;
  };
  auto label_of = [](const Decision& a, const Decision& b) {
    std::string l = std::string(EffectName(a.effect)) + "|" + EffectName(b.effect) + "|";
    for (const Decision* d : {&a, &b}) {
      for (const StatementRef& s : d->matched) l += s.policy + "#" + std::to_string(s.index) + ",";
      l += "|";
      l += d->reason;
      l += "|";
    }
    return l;
  };

  // Which key dimensions (and the time dimension) each statement's conditions read; keys AWS
  // derives from the caller belong to the caller dimensions.
  auto dims_of = [&](const CompiledPolicy* p) {
    std::vector<std::vector<size_t>> per_statement;
    if (!p) return per_statement;
    for (const CompiledStatement& st : p->statements()) {
      std::vector<size_t> ds;
      for (const CompiledCondition& c : st.conditions) {
        if (c.key_lower == "aws:currenttime" || c.key_lower == "aws:epochtime") {
          ds.push_back(TrustDiff::Model::kTime);
        }
        for (size_t d = TrustDiff::Model::kFirstKey; d < nd; ++d) {
          if (m.dims[d].key_lower == c.key_lower) ds.push_back(d);
        }
      }
      per_statement.push_back(std::move(ds));
    }
    return per_statement;
  };
  const std::vector<std::vector<size_t>> statement_dims[2] = {dims_of(old_policy),
                                                              dims_of(new_policy)};

  // Enumeration in two layers. The caller and the action (the prefix) decide which statements
  // can apply at all: the action must match and the Principal must match, neither of which
  // reads a condition key. Only the keys read by the conditions of those statements can change
  // the decision, so only they are enumerated; the others take every value at once (kAnyValue).
  constexpr int32_t kAnyValue = -2;
  std::map<std::string, std::vector<Tuple>> differing;  // by outcome label
  size_t examined = 0;
  bool exhausted = false;
  Tuple t(nd, -1);
  Witness w;
  std::vector<size_t> relevant;
  std::function<void(size_t)> inner = [&](size_t i) {
    if (exhausted) return;
    if (i == relevant.size()) {
      if (++examined > options.max_combinations) {
        exhausted = true;
        return;
      }
      build(t, &w);
      Decision a = decide(old_policy, w);
      Decision b = decide(new_policy, w);
      if ((a.effect == Effect::kAllowed) != (b.effect == Effect::kAllowed)) {
        differing[label_of(a, b)].push_back(t);
      }
      return;
    }
    const size_t d = relevant[i];
    for (size_t v = 0; v < m.dims[d].value_count() && !exhausted; ++v) {
      t[d] = static_cast<int32_t>(v);
      inner(i + 1);
    }
    t[d] = kAnyValue;
  };
  EvalOptions traced;
  traced.trace = true;
  std::function<void(size_t, size_t)> rec = [&](size_t kind, size_t d) {
    if (exhausted) return;
    if (d == TrustDiff::Model::kTime) {
      for (size_t k = d; k < nd; ++k) t[k] = kAnyValue;
      build(t, &w);
      relevant.clear();
      const CompiledPolicy* sides[2] = {old_policy, new_policy};
      for (int s = 0; s < 2; ++s) {
        if (!sides[s]) continue;
        Decision dd = Authorize(w.request, sides[s],
                                w.identity_allows ? with_identity : without_identity, traced);
        const std::vector<StatementTrace>& tr = dd.policies.front().trace;
        for (size_t i = 0; i < tr.size() && i < statement_dims[s].size(); ++i) {
          if (tr[i].action_matched && (!tr[i].has_principal || tr[i].principal != PrincipalMatch::kNone)) {
            relevant.insert(relevant.end(), statement_dims[s][i].begin(), statement_dims[s][i].end());
          }
        }
      }
      std::sort(relevant.begin(), relevant.end());
      relevant.erase(std::unique(relevant.begin(), relevant.end()), relevant.end());
      inner(0);
      return;
    }
    bool on = active(kind, d);
    if (on && m.dims[d].kind == DimKind::kSession) on = IsRoleShaped(m.dims[2].atoms[t[2]].value);
    if (!on) {
      t[d] = -1;
      rec(kind, d + 1);
      return;
    }
    for (size_t v = 0; v < m.dims[d].value_count(); ++v) {
      t[d] = static_cast<int32_t>(v);
      rec(kind, d + 1);
    }
  };
  for (size_t kind = 0; kind < 3; ++kind) {
    t[0] = static_cast<int32_t>(kind);
    rec(kind, 1);
  }
  if (exhausted) {
    m.Undecided("the request space has more than " + std::to_string(options.max_combinations) +
                " combinations of atoms that can change a decision; the classes listed are "
                "real but the list may be incomplete");
  }
  out.examined_ = examined;

  // ---- Merge differing combinations with the same outcome into boxes.
  using Box = std::vector<std::vector<int32_t>>;
  for (auto& [label, tuples] : differing) {
    std::vector<Box> boxes;
    for (const Tuple& tu : tuples) {
      Box b(nd);
      for (size_t d = 0; d < nd; ++d) {
        if (tu[d] == kAnyValue) {
          for (size_t v = 0; v < m.dims[d].value_count(); ++v) b[d].push_back(static_cast<int32_t>(v));
        } else {
          b[d] = {tu[d]};
        }
      }
      boxes.push_back(std::move(b));
    }
    bool changed = true;
    while (changed && boxes.size() > 1) {
      changed = false;
      for (size_t d = 0; d < nd; ++d) {
        std::map<Box, size_t> by_rest;  // the box without dimension d -> merged box index
        std::vector<Box> merged;
        for (Box& b : boxes) {
          Box rest = b;
          rest[d].clear();
          auto [it, inserted] = by_rest.emplace(std::move(rest), merged.size());
          if (inserted) {
            merged.push_back(std::move(b));
          } else {
            auto& dst = merged[it->second][d];
            dst.insert(dst.end(), b[d].begin(), b[d].end());
            std::sort(dst.begin(), dst.end());
            dst.erase(std::unique(dst.begin(), dst.end()), dst.end());
            changed = true;
          }
        }
        boxes = std::move(merged);
      }
    }
    for (Box& b : boxes) {
      DiffClass cls;
      Tuple first(nd);
      for (size_t d = 0; d < nd; ++d) first[d] = b[d].front();
      build(first, &cls.witness);
      Decision a = decide(old_policy, cls.witness);
      Decision bnew = decide(new_policy, cls.witness);
      cls.new_access = bnew.effect == Effect::kAllowed;
      cls.old_side = side(a);
      cls.new_side = side(bnew);
      cls.combinations = 1;
      for (size_t d = 0; d < nd; ++d) {
        cls.combinations *= b[d].size();
        if (b[d].front() < 0) continue;
        const Dim& dim = m.dims[d];
        size_t all = dim.value_count();
        if (d == 0 || b[d].size() < all) {
          std::string line = (dim.kind == DimKind::kIdentity ? std::string("caller's identity policies")
                                                             : dim.name) + ": ";
          const size_t shown = std::min<size_t>(b[d].size(), 6);
          for (size_t i = 0; i < shown; ++i) {
            line += (i ? " | " : "") + dim.DescribeValue(static_cast<size_t>(b[d][i]));
          }
          if (b[d].size() > shown) line += " | ... (" + std::to_string(b[d].size() - shown) + " more)";
          cls.constraints.push_back(std::move(line));
        }
      }
      out.classes_.push_back(std::move(cls));
      m.boxes.push_back(std::move(b));
    }
  }
  // New access first, then removed; stable within.
  std::vector<size_t> order(out.classes_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return out.classes_[a].new_access > out.classes_[b].new_access;
  });
  std::vector<DiffClass> classes;
  std::vector<Box> boxes;
  for (size_t i : order) {
    classes.push_back(std::move(out.classes_[i]));
    boxes.push_back(std::move(m.boxes[i]));
  }
  out.classes_ = std::move(classes);
  m.boxes = std::move(boxes);
  out.undecided_ = m.undecided;
  out.model_ = std::move(model);
  return out;
}

std::optional<size_t> TrustDiff::ClassOf(const Request& r, bool identity_allows) const {
  const Model& m = *model_;
  const size_t nd = m.dims.size();
  Tuple t(nd, -1);
  auto atom = [&](size_t d, std::string_view value) -> std::optional<int32_t> {
    const Dim& dim = m.dims[d];
    auto it = dim.atom_index.find(dim.Signature(value));
    if (it == dim.atom_index.end()) return std::nullopt;
    return static_cast<int32_t>(it->second);
  };
  const Caller& c = r.caller;
  std::optional<int32_t> a;
  switch (c.kind) {
    case Caller::Kind::kService:
      t[0] = kServiceCaller;
      if (!(a = atom(1, c.raw))) return std::nullopt;
      t[1] = *a;
      break;
    case Caller::Kind::kFederated:
      t[0] = kFederatedCaller;
      if (!(a = atom(4, c.raw))) return std::nullopt;
      t[4] = *a;
      break;
    default:
      t[0] = kIamCaller;
      if (!(a = atom(2, c.principal_arn()))) return std::nullopt;
      t[2] = *a;
      if (c.kind == Caller::Kind::kAssumedRole) {
        if (!(a = atom(3, c.session_name))) return std::nullopt;
        t[3] = *a;
      }
      t[5] = identity_allows ? 1 : 0;
      break;
  }
  auto act = std::find(TrustActions().begin(), TrustActions().end(), r.action);
  if (act == TrustActions().end()) return std::nullopt;
  t[6] = static_cast<int32_t>(act - TrustActions().begin());
  if (!(a = atom(7, std::to_string(r.now_micros)))) return std::nullopt;
  t[7] = *a;
  for (size_t d = Model::kFirstKey; d < nd; ++d) {
    const Dim& dim = m.dims[d];
    const ContextEntry* e = r.context.Find(dim.key_lower);
    if (!e) {
      t[d] = 0;
      continue;
    }
    if (e->multivalued != dim.multivalued) return std::nullopt;  // outside the universe
    if (!dim.multivalued) {
      if (e->values.size() != 1 || !(a = atom(d, e->values[0]))) return std::nullopt;
      t[d] = *a + 1;
      continue;
    }
    uint64_t mask = 0;
    for (const std::string& v : e->values) {
      if (!(a = atom(d, v))) return std::nullopt;
      mask |= uint64_t{1} << *a;
    }
    auto it = std::find(dim.set_masks.begin(), dim.set_masks.end(), mask);
    if (it == dim.set_masks.end()) return std::nullopt;
    t[d] = static_cast<int32_t>(it - dim.set_masks.begin()) + 1;
  }
  for (size_t i = 0; i < m.boxes.size(); ++i) {
    bool in = true;
    for (size_t d = 0; d < nd && in; ++d) {
      in = std::binary_search(m.boxes[i][d].begin(), m.boxes[i][d].end(), t[d]);
    }
    if (in) return i;
  }
  return std::nullopt;
}

}  // namespace redtrust::diff
