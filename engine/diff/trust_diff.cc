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
#include "engine/sts/assume_role.h"

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

// A number as ParseNumeric spells it, split for exact decimal arithmetic.
struct Decimal {
  bool negative = false;
  std::string whole;     // no leading zeros; "" is 0
  std::string fraction;  // no trailing zeros
  bool zero() const { return whole.empty() && fraction.empty(); }
};

Decimal ToDecimal(std::string_view s) {
  Decimal d;
  if (!s.empty() && s.front() == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view w = s.substr(0, dot);
  std::string_view f = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  while (!w.empty() && w.front() == '0') w.remove_prefix(1);
  while (!f.empty() && f.back() == '0') f.remove_suffix(1);
  d.whole = std::string(w);
  d.fraction = std::string(f);
  if (d.zero()) d.negative = false;
  return d;
}

// |d| + 10^-(digits+1) (or its negation when `negative`), written out in full. REQUIRES:
// d.fraction.size() <= digits.
std::string NudgedMagnitude(const Decimal& d, size_t digits, bool negative) {
  std::string f = d.fraction;
  f.resize(digits, '0');
  return (negative ? "-" : "") + (d.whole.empty() ? std::string("0") : d.whole) + "." + f + "1";
}

// One point in every region of the number line cut by `thresholds` (texts ParseNumeric
// accepts): each threshold, one point strictly between each two neighbours, one below the
// least and one above the greatest. Points are plain decimals (no exponent, which ParseNumeric
// rejects), exact at any magnitude: with k the most fraction digits of any threshold, two
// distinct thresholds differ by at least 10^-k, so a +- 10^-(k+1) nudge stays between them.
std::vector<std::string> NumericRegionPoints(std::vector<std::string> thresholds) {
  std::sort(thresholds.begin(), thresholds.end(), [](const std::string& a, const std::string& b) {
    return CompareNumeric(a, b).value_or(0) < 0;
  });
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end(),
                               [](const std::string& a, const std::string& b) {
                                 return CompareNumeric(a, b).value_or(1) == 0;
                               }),
                   thresholds.end());
  std::vector<std::string> out;
  if (thresholds.empty()) return out;
  std::vector<Decimal> ds;
  size_t digits = 0;
  for (const std::string& t : thresholds) {
    ds.push_back(ToDecimal(t));
    digits = std::max(digits, ds.back().fraction.size());
  }
  auto above = [&](const Decimal& a) {  // a + eps, for a >= 0; else a point in (a, 0]
    return a.negative ? std::string("0") : NudgedMagnitude(a, digits, false);
  };
  auto below = [&](const Decimal& b) {  // b - eps, for b <= 0; else 0
    return b.negative || b.zero() ? NudgedMagnitude(b, digits, true) : std::string("0");
  };
  out.push_back(below(ds.front()));
  for (size_t i = 0; i < ds.size(); ++i) {
    out.push_back(thresholds[i]);
    if (i + 1 < ds.size()) {
      const Decimal& a = ds[i];
      const Decimal& b = ds[i + 1];
      if (!a.negative) {
        out.push_back(NudgedMagnitude(a, digits, false));  // a >= 0: a + eps < b
      } else if (b.negative || b.zero()) {
        out.push_back(NudgedMagnitude(b, digits, true));   // b <= 0: a < b - eps
      } else {
        out.push_back("0");  // a < 0 < b
      }
    }
  }
  out.push_back(above(ds.back()));
  return out;
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
  std::vector<std::string> numeric;          // numeric thresholds (their regions: ComputeAtoms)
  bool has_string = false;
  bool has_typed = false;
  bool set_ops = false;  // a policy uses ForAllValues/ForAnyValue on this key
  // kKey: which forms of the key are in the universe (ComputeAtoms decides, docs/diff.md):
  // single values, and sets (all subsets of atoms, or one set standing for every set when no
  // set operator reads the values: a plain operator is false on any set, C5).
  bool single = true;
  enum class Sets { kNone, kOne, kAll } sets = Sets::kNone;
  std::vector<Atom> atoms;
  std::map<std::vector<bool>, size_t> atom_index;
  // kKey values: 0 = absent, then one per atom (single values, when `single`), then one per
  // entry of set_masks (a mask over atoms; mask 0 is the empty set).
  std::vector<uint64_t> set_masks;
  size_t single_count() const { return single ? atoms.size() : 0; }

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
      case DimKind::kKey: return 1 + single_count() + set_masks.size();
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
        if (v - 1 < single_count()) return DescribeAtom(v - 1);
        if (sets == Sets::kOne) return "a set of values (any; no set operator reads them)";
        uint64_t mask = set_masks[v - 1 - single_count()];
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
  return Nfa::Utf8Text(0);  // what a JSON string, and so an eval line, can carry
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
      // The regions of the number line are found from all thresholds together (ComputeAtoms,
      // NumericRegionPoints): the thresholds and a point strictly between each two.
      if (ParseNumeric(text)) d.numeric.push_back(text);
      break;
    case ValueType::kDate: {
      const int64_t t = v.date;
      d.AddPred(prefix + "is a date", std::nullopt,
                [](std::string_view x) { return ParseDate(x).has_value(); });
      d.AddPred(prefix + cmp_name() + text + " (date)", std::nullopt, [t, order](std::string_view x) {
        auto p = ParseDate(x);
        return p && order(*p < t ? -1 : (*p > t ? 1 : 0));
      });
      // Dates are whole microseconds: t - 1, t and t + 1 hit every region around t.
      for (int64_t delta : {-1, 0, 1}) {
        if ((delta < 0 && t == INT64_MIN) || (delta > 0 && t == INT64_MAX)) continue;
        d.candidates.push_back(EpochMicrosText(t + delta));
      }
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
      // Both families, whatever the range's own: an address of the other family is in no
      // range of this family (C11), and the key may carry either.
      for (bool v6 : {false, true}) {
        IpAddress zero;
        zero.v6 = v6;
        d.candidates.push_back(FormatIp(zero));
      }
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
    if (c.spec.set != SetQualifier::kNone) d->set_ops = true;
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
      // The derived values have whole-second resolution: the second of each threshold and
      // its neighbours hit every region. Clocks are int64 microseconds.
      constexpr int64_t kMaxSeconds = INT64_MAX / 1000000 - 1;
      auto push_second = [&](int64_t sec) {
        for (int64_t delta : {-1, 0, 1}) {
          if (sec + delta >= -kMaxSeconds && sec + delta <= kMaxSeconds) {
            d->candidates.push_back(std::to_string((sec + delta) * 1000000));
          }
        }
      };
      auto second_of = [](int64_t us) {
        int64_t sec = us / 1000000;
        if (us < 0 && us % 1000000 != 0) --sec;
        return sec;
      };
      if (epoch) {
        for (const std::string& n_text : probe.numeric) {
          auto n = ParseNumeric(n_text);
          // Beyond the clock's range a threshold is above or below every clock value.
          if (!n || !(std::fabs(*n) < static_cast<double>(kMaxSeconds))) continue;
          push_second(static_cast<int64_t>(std::floor(*n)));
        }
      } else {
        for (const std::string& cand : probe.candidates) {
          if (auto t = ParseDate(cand)) push_second(second_of(*t));
        }
        // aws:CurrentTime is formatted as an ISO date, which reads back as a date only for
        // years 0000-9999: the clock values outside are "not a date" (another region).
        for (const char* edge : {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
          if (auto t = ParseDate(edge)) push_second(second_of(*t));
        }
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
    RegionLimits limits;
    limits.max_states = o.max_automaton_states;
    limits.max_elements = o.max_automaton_elements;
    limits.max_work = o.max_automaton_work;
    RegionsResult r = FindRegions(d.universe, langs, limits);
    if (!r.complete) {
      const std::string what = r.limit == "states"   ? std::to_string(o.max_automaton_states) +
                                                           " automaton states"
                               : r.limit == "memory" ? std::to_string(o.max_automaton_elements) +
                                                           " stored automaton states (memory)"
                                                     : std::to_string(o.max_automaton_work) +
                                                           " automaton steps (time)";
      Undecided("the tests on " + d.name + " need more than " + what +
                "; values outside the classes found are not decided");
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
  for (std::string& p : NumericRegionPoints(std::move(d.numeric))) {
    if (!ParseNumeric(p)) {
      Undecided("the number " + Quote(p) + " (between thresholds on " + d.name +
                ") is not read as a number; numeric classes there are not decided");
    }
    d.candidates.push_back(std::move(p));
  }
  d.numeric.clear();
  for (const std::string& c : d.candidates) {
    if (d.kind == DimKind::kTime || d.universe.Accepts(c)) {
      values.push_back(c);
    } else {
      // A boundary point the key cannot take (sts:ExternalId "0"): the region it stands for
      // may still have values in the universe, which no other point is known to hit.
      Undecided("the boundary point " + Quote(c) + " of a typed test on " + d.name +
                " is not a value the key can take; typed comparisons there are not decided");
    }
  }
  for (std::string& v : values) {
    std::vector<bool> sig = d.Signature(v);
    if (d.atom_index.emplace(sig, d.atoms.size()).second) d.atoms.push_back({sig, std::move(v)});
  }
  if (d.kind != DimKind::kKey) return;
  // The forms the key takes (docs/diff.md): AWS sends some keys single-valued only and some as
  // sets only; any other key may come either way, as an eval line can write it.
  if (IsKnownSingleValued(d.key_lower)) {
    d.single = true;
    d.sets = Dim::Sets::kNone;
  } else if (IsKnownMultivalued(d.key_lower)) {
    d.single = false;
    d.sets = Dim::Sets::kAll;
  } else {
    d.single = true;
    d.sets = d.set_ops ? Dim::Sets::kAll : Dim::Sets::kOne;
  }
  d.set_masks.clear();
  if (d.sets == Dim::Sets::kOne) {
    d.set_masks = {0};  // the empty set stands for every set: no operator reads its values
  } else if (d.sets == Dim::Sets::kAll) {
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

bool IsUtf8(std::string_view s) {
  static const Nfa* const utf8 = new Nfa(Nfa::Utf8Text(0));
  return utf8->Accepts(s);
}

// The witness as `eval` reads it back from its JSON line (tools/questions/eval_json.cc): the
// principal re-parsed from the text printed for it, every context key `prefix:name`, every
// string well-formed UTF-8, STS's parameter checks passed. nullopt (with *why) when no eval
// line can carry it.
std::optional<Witness> EvalForm(const Witness& in, const std::string& partition, std::string* why) {
  Witness w = in;
  Caller& c = w.request.caller;
  StatusOr<Caller> parsed = Status::Internal("no principal");
  switch (c.kind) {
    case Caller::Kind::kService:
      w.principal_text = c.raw;
      parsed = ParseServiceCaller(w.principal_text);
      break;
    case Caller::Kind::kFederated:
      w.principal_text = c.raw;
      parsed = ParseFederatedCaller(w.principal_text);
      break;
    case Caller::Kind::kAssumedRole: {
      // eval writes a session as assumed-role/NAME/SESSION, whose role has no path, or as the
      // role's ARN with its path and no session name.
      const std::string plain = "arn:" + c.partition + ":iam::" + c.account + ":role/" + c.role_name;
      w.principal_text = c.role_arn == plain && !c.session_name.empty() ? c.arn : c.role_arn;
      parsed = ParseAwsCaller(w.principal_text, partition);
      break;
    }
    default:
      w.principal_text = c.arn;
      parsed = ParseAwsCaller(w.principal_text, partition);
      break;
  }
  if (!parsed.ok()) {
    *why = parsed.status().message();
    return std::nullopt;
  }
  c = std::move(*parsed);
  if (!IsUtf8(w.principal_text)) {
    *why = "the principal is not UTF-8 text";
    return std::nullopt;
  }
  for (const ContextEntry& e : w.request.context.entries()) {
    if (e.key.find(':') == std::string::npos || !IsUtf8(e.key)) {
      *why = "context key " + Quote(e.key) + " is not `prefix:name`";
      return std::nullopt;
    }
    for (const std::string& v : e.values) {
      if (!IsUtf8(v)) {
        *why = "a value of " + e.key + " is not UTF-8 text";
        return std::nullopt;
      }
    }
  }
  if (EqualsIgnoreCaseAscii(w.request.action, "sts:AssumeRole")) {
    AssumeRoleParams p;
    p.role_arn = w.request.resource;
    if (const ContextEntry* e = w.request.context.Find("sts:externalid")) {
      if (!e->values.empty()) p.external_id = e->values.front();
    }
    if (const ContextEntry* e = w.request.context.Find("sts:rolesessionname")) {
      if (!e->values.empty()) p.role_session_name = e->values.front();
    }
    auto violations = CheckAssumeRoleParams(p);
    if (!violations.empty()) {
      *why = "STS would reject it: " + ValidationErrorMessage(violations);
      return std::nullopt;
    }
  }
  return w;
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
  // [PATH/]NAME: IAM paths are "/" or "/seg/.../" with non-empty segments, so no "//".
  Nfa path_segment = Nfa::Concat({iam_name, Nfa::Literal("/", false)});
  Nfa segments;  // (seg/)*
  {
    Nfa star;
    star.SetAccepting(0, true);
    const uint32_t off = star.Embed(path_segment);
    star.AddEps(0, off);
    for (uint32_t st = off; st < star.size(); ++st) {
      if (star.accepting(st)) {
        star.SetAccepting(st, false);
        star.AddEps(st, 0);
      }
    }
    segments = std::move(star);
  }
  const Nfa name_path = Nfa::Concat({segments, iam_name});
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
  m.dims.push_back(MakeDim(DimKind::kFederated, "federated provider", Nfa::Utf8Text(1)));
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
  ParsedPolicy identity_doc = ParsePolicy(kCallerIdentityPolicy, PolicyKind::kIdentity);
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
    w->identity_allows = false;
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
      if (t[d] <= 0) continue;  // absent (or any value: the decision does not read it)
      const size_t v = static_cast<size_t>(t[d] - 1);
      if (v < dim.single_count()) {
        r.context.Set(dim.name, {dim.atoms[v].value}, false);
        continue;
      }
      std::vector<std::string> vs;
      uint64_t mask = dim.set_masks[v - dim.single_count()];
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

  // Per statement and condition: the dimension the condition reads (a key, or the time), -1
  // when the caller alone decides it (keys derived from the caller), -2 when it reads more
  // than one key (a policy variable: decided only once every key is fixed).
  constexpr int kCallerDecides = -1, kSeveralKeys = -2;
  auto cond_dims_of = [&](const CompiledPolicy* p) {
    std::vector<std::vector<int>> per_statement;
    if (!p) return per_statement;
    for (const CompiledStatement& st : p->statements()) {
      std::vector<int> ds;
      for (const CompiledCondition& c : st.conditions) {
        int dim = kCallerDecides;
        if (c.key_lower == "aws:currenttime" || c.key_lower == "aws:epochtime") {
          dim = TrustDiff::Model::kTime;
        }
        for (size_t d = TrustDiff::Model::kFirstKey; d < nd; ++d) {
          if (m.dims[d].key_lower == c.key_lower) dim = static_cast<int>(d);
        }
        for (const PolicyValue& v : c.values) {
          if (v.has_template) dim = kSeveralKeys;
        }
        ds.push_back(dim);
      }
      per_statement.push_back(std::move(ds));
    }
    return per_statement;
  };
  const CompiledPolicy* sides[2] = {old_policy, new_policy};
  const std::vector<std::vector<int>> cond_dims[2] = {cond_dims_of(old_policy),
                                                      cond_dims_of(new_policy)};

  // Enumeration in two layers (docs/diff.md "Method"). The caller and the action (the prefix, one
  // "part" of the request space) decide which statements can apply at all: the action must
  // match and the Principal must match, neither of which reads a condition key. Only the keys
  // read by the conditions of those statements can change the decision, so only they are
  // enumerated, one at a time; the others take every value at once (kAnyValue). After each key
  // is fixed, a traced evaluation tells whether every applicable statement is already decided
  // (all its conditions read fixed keys, or one of those is false); then the keys not yet fixed
  // cannot change the outcome and are not enumerated either. A statement with N conditions on N
  // keys so costs O(N) evaluations, not 2^N.
  constexpr int32_t kAnyValue = -2;
  std::map<std::string, std::vector<Tuple>> differing;  // by outcome label
  size_t examined = 0;
  size_t evaluations = 0, part_start = 0;
  bool part_over = false;
  std::vector<std::string> abandoned;  // parts the budget did not cover
  // Work units of one evaluation of each side (trust_diff.h DiffOptions::max_work).
  size_t weight = 2;
  for (const CompiledPolicy* p : sides) {
    if (!p) continue;
    weight += p->statements().size();
    for (const CompiledStatement& st : p->statements()) weight += st.conditions.size();
  }
  const size_t traced_weight = 3 * weight;
  auto spend = [&](size_t n) {
    evaluations += n;
    if (evaluations - part_start > options.max_work_per_part || evaluations > options.max_work) {
      part_over = true;
    }
  };
  auto record = [&](const Decision& a, const Decision& b, const Tuple& tu) {
    ++examined;
    if ((a.effect == Effect::kAllowed) != (b.effect == Effect::kAllowed)) {
      differing[label_of(a, b)].push_back(tu);
    }
  };
  Tuple t(nd, -1);
  Witness w;
  std::vector<size_t> relevant;
  std::vector<size_t> live[2];  // statements whose action and Principal match the prefix
  EvalOptions traced;
  traced.trace = true;
  // True when the fixed dimensions of `t` decide every live statement; then `out` holds the
  // decisions (the same for every value of the dimensions not fixed).
  auto decided = [&](Decision out[2]) {
    build(t, &w);
    for (int s = 0; s < 2; ++s) {
      out[s] = Authorize(w.request, sides[s], w.identity_allows ? with_identity : without_identity,
                         traced);
    }
    spend(traced_weight);
    for (int s = 0; s < 2; ++s) {
      if (!sides[s]) continue;
      const std::vector<StatementTrace>& tr = out[s].policies.front().trace;
      for (size_t j : live[s]) {
        const std::vector<int>& conds = cond_dims[s][j];
        if (j >= tr.size() || tr[j].conditions.size() != conds.size()) return false;
        bool all_fixed = true, one_false = false;
        for (size_t ci = 0; ci < conds.size(); ++ci) {
          const int dim = conds[ci];
          const bool fixed = dim == kCallerDecides || (dim >= 0 && t[dim] != kAnyValue);
          if (!fixed) {
            all_fixed = false;
          } else if (!tr[j].conditions[ci].result) {
            one_false = true;
          }
        }
        if (!all_fixed && !one_false) return false;
      }
    }
    return true;
  };
  std::function<void(size_t)> inner = [&](size_t i) {
    if (part_over) return;
    if (i == relevant.size()) {
      build(t, &w);
      Decision a = decide(old_policy, w);
      Decision b = decide(new_policy, w);
      spend(weight);
      record(a, b, t);
      return;
    }
    Decision ds[2];
    if (decided(ds)) {
      record(ds[0], ds[1], t);
      return;
    }
    const size_t d = relevant[i];
    for (size_t v = 0; v < m.dims[d].value_count() && !part_over; ++v) {
      t[d] = static_cast<int32_t>(v);
      inner(i + 1);
    }
    t[d] = kAnyValue;
  };
  auto describe_part = [&](size_t kind) {
    std::string s;
    if (kind == kServiceCaller) {
      s = "service principal " + m.dims[1].DescribeAtom(t[1]);
    } else if (kind == kFederatedCaller) {
      s = "federated provider " + m.dims[4].DescribeAtom(t[4]);
    } else {
      s = "IAM principal " + m.dims[2].DescribeAtom(t[2]);
      if (t[3] >= 0) s += ", session name " + m.dims[3].DescribeAtom(t[3]);
      s += t[5] == 1 ? ", whose identity policies allow it" : ", whose identity policies do not";
    }
    return s + ", action " + TrustActions()[t[6]];
  };
  std::function<void(size_t, size_t)> rec = [&](size_t kind, size_t d) {
    if (d == TrustDiff::Model::kTime) {
      for (size_t k = d; k < nd; ++k) t[k] = kAnyValue;
      part_start = evaluations;
      part_over = evaluations > options.max_work;
      if (!part_over) {
        build(t, &w);
        relevant.clear();
        for (int s = 0; s < 2; ++s) {
          live[s].clear();
          if (!sides[s]) continue;
          Decision dd = Authorize(w.request, sides[s],
                                  w.identity_allows ? with_identity : without_identity, traced);
          const std::vector<StatementTrace>& tr = dd.policies.front().trace;
          for (size_t i = 0; i < tr.size() && i < cond_dims[s].size(); ++i) {
            if (tr[i].action_matched &&
                (!tr[i].has_principal || tr[i].principal != PrincipalMatch::kNone)) {
              live[s].push_back(i);
              for (int cd : cond_dims[s][i]) {
                if (cd >= 0) relevant.push_back(static_cast<size_t>(cd));
              }
            }
          }
        }
        spend(traced_weight);
        std::sort(relevant.begin(), relevant.end());
        relevant.erase(std::unique(relevant.begin(), relevant.end()), relevant.end());
        inner(0);
      }
      if (part_over) abandoned.push_back(describe_part(kind));
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
    t.assign(nd, -1);
    t[0] = static_cast<int32_t>(kind);
    rec(kind, 1);
  }
  if (!abandoned.empty()) {
    std::string parts;
    for (size_t i = 0; i < abandoned.size() && i < 3; ++i) parts += (i ? "; " : "") + abandoned[i];
    if (abandoned.size() > 3) parts += "; and " + std::to_string(abandoned.size() - 3) + " more";
    m.Undecided("the work budget (" + std::to_string(options.max_work_per_part) +
                " units per part, " + std::to_string(options.max_work) +
                " in all; docs/diff.md) ran out before " + std::to_string(abandoned.size()) +
                " part(s) of the request space were decided, so changes there are NOT ruled "
                "out (the classes listed are real, the list is incomplete): " + parts);
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
      // Prefer a session name no test reads: an eval line cannot write the session name of a
      // role that has a path (it writes such a role's ARN, "some session of the role").
      if (first[TrustDiff::Model::kSession] >= 0) {
        const Dim& sd = m.dims[TrustDiff::Model::kSession];
        for (int32_t v : b[TrustDiff::Model::kSession]) {
          const std::vector<bool>& sig = sd.atoms[v].sig;
          if (std::find(sig.begin(), sig.end(), true) == sig.end()) {
            first[TrustDiff::Model::kSession] = v;
            break;
          }
        }
      }
      Witness internal;
      build(first, &internal);
      const Decision ia = decide(old_policy, internal);
      const Decision ib = decide(new_policy, internal);
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
      // The witness is printed as an eval line (docs/cli.md); it must be one, and eval must
      // decide it as the class says. Else the class is reported, but as not decided exactly.
      std::string why;
      std::optional<Witness> shown = EvalForm(internal, m.role_partition, &why);
      if (shown) {
        Decision a = decide(old_policy, *shown);
        Decision bnew = decide(new_policy, *shown);
        if (a.effect == ia.effect && bnew.effect == ib.effect) {
          cls.witness = std::move(*shown);
          cls.new_access = bnew.effect == Effect::kAllowed;
          cls.old_side = side(a);
          cls.new_side = side(bnew);
        } else {
          why = "written as an eval request (" + shown->principal_text +
                ") it is decided otherwise";
          shown.reset();
        }
      }
      if (!shown) {
        std::string desc;
        for (const std::string& c : cls.constraints) desc += (desc.empty() ? "" : "; ") + c;
        m.Undecided(std::string(ib.effect == Effect::kAllowed ? "new" : "removed") +
                    " access for requests where " + desc +
                    ": no witness can be written as an eval request (" + why + ")");
        continue;
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
    if (!e->multivalued) {
      if (!dim.single) return std::nullopt;  // outside the universe
      if (e->values.size() != 1 || !(a = atom(d, e->values[0]))) return std::nullopt;
      t[d] = *a + 1;
      continue;
    }
    const int32_t first_set = static_cast<int32_t>(1 + dim.single_count());
    if (dim.sets == Dim::Sets::kNone) return std::nullopt;  // outside the universe
    if (dim.sets == Dim::Sets::kOne) {
      t[d] = first_set;  // every set behaves as the empty set
      continue;
    }
    uint64_t mask = 0;
    for (const std::string& v : e->values) {
      if (!(a = atom(d, v))) return std::nullopt;
      mask |= uint64_t{1} << *a;
    }
    auto it = std::find(dim.set_masks.begin(), dim.set_masks.end(), mask);
    if (it == dim.set_masks.end()) return std::nullopt;
    t[d] = static_cast<int32_t>(it - dim.set_masks.begin()) + first_set;
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
