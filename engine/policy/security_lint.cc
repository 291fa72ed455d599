#include "engine/policy/security_lint.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/condition/operators.h"
#include "engine/condition/values.h"

namespace redtrust {

namespace {

// Condition keys absent from the request context when the Redshift service principal calls
// AssumeRole (hop 1). Rows of rule K (docs/semantics.md §9.8, the table of condition keys that
// matter here), for a call by the Redshift service principal:
//   sts:DurationSeconds  - "Absent" (bearer tokens only)
//   aws:PrincipalArn     - "Not for service principals: treat as absent"
//   aws:PrincipalAccount - "absent by default"
//   aws:SourceIp         - "Unspecified for service principals. Absent by default"
// Keys that describe an IAM caller, a console/MFA session or a VPC endpoint, which a service
// principal never has (rule K lists no value for a service-principal call; the
// engine's request builder for Redshift, rule RS-STS, sets none of them):
//   aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge, aws:userid, aws:username,
//   aws:SourceVpc, aws:SourceVpce, aws:VpcSourceIp.
// aws:SourceAccount / aws:SourceArn are deliberately not here: they are the documented
// confused-deputy keys (RS-OPEN-4: AWS's documentation leaves their presence open).
constexpr std::array<std::string_view, 11> kKeysRedshiftNeverSends = {
    "sts:DurationSeconds",        "aws:PrincipalArn",       "aws:PrincipalAccount",
    "aws:SourceIp",               "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge",
    "aws:userid",                 "aws:username",           "aws:SourceVpc",
    "aws:SourceVpce",             "aws:VpcSourceIp",
};

// Keys whose condition restricts which Redshift clusters/users can use the role.
constexpr std::array<std::string_view, 3> kConfusedDeputyGuardKeys = {
    "sts:ExternalId", "aws:SourceAccount", "aws:SourceArn"};

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

bool HasAsciiUpper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsAllowStatement(const Statement& st) { return st.effect && st.effect->value == "Allow"; }

// The first Redshift service principal the statement names (Principal, not NotPrincipal).
const PrincipalEntry* RedshiftPrincipal(const Statement& st) {
  if (!st.principal.present || st.principal.is_not) return nullptr;
  for (const PrincipalEntry& e : st.principal.entries) {
    if (e.type == PrincipalType::kService && IsRedshiftServicePrincipal(e.value.value)) return &e;
  }
  return nullptr;
}

// Whether the statement's actions may include sts:AssumeRole.
bool MayAllowAssumeRole(const Statement& st) {
  if (!st.action.present) return false;
  bool any = false;
  for (const LocatedString& a : st.action.values) {
    if (GlobMatch(a.value, "sts:AssumeRole", /*ignore_case=*/true)) any = true;
  }
  return st.action.is_not ? !any : any;
}

Diagnostic Make(Severity severity, std::string code, std::string message, const std::string& path,
                SourcePos pos, std::string help) {
  Diagnostic d;
  d.severity = severity;
  d.code = std::move(code);
  d.message = std::move(message);
  d.path = path;
  d.pos = pos;
  d.help = std::move(help);
  return d;
}

std::string Quote(std::string_view s) { return "`" + SanitizeForMessage(s) + "`"; }

// --- dbuser ARN: arn:<partition>:redshift:<region>:<12 digits>:dbuser:<cluster>/<user> -------

bool IsRegionChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
bool IsClusterChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

// Checks one field. `prefix` = the field is cut by a wildcard: accept a prefix of a valid field.
// Returns a problem description, or "" when fine.
std::string CheckField(size_t i, std::string_view f, bool prefix) {
  auto literal = [&](std::string_view want) -> bool {
    return prefix ? want.substr(0, f.size()) == f : f == want;
  };
  switch (i) {
    case 0:
      return literal("arn") ? "" : "it does not start with `arn:`";
    case 1:
      for (std::string_view p : {"aws", "aws-cn", "aws-us-gov"}) {
        if (literal(p)) return "";
      }
      return "partition " + Quote(f) + " is not `aws`, `aws-cn` or `aws-us-gov`";
    case 2:
      return literal("redshift") ? "" : "service " + Quote(f) + " is not `redshift`";
    case 3:
      if ((f.empty() && !prefix) || !std::all_of(f.begin(), f.end(), IsRegionChar)) {
        return "region " + Quote(f) + " is not a region name such as `us-west-2`";
      }
      return "";
    case 4:
      if (f.size() > 12 || (!prefix && f.size() != 12) ||
          !std::all_of(f.begin(), f.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return "account " + Quote(f) + " is not 12 digits";
      }
      return "";
    case 5:
      return literal("dbuser") ? "" : "resource type " + Quote(f) + " is not `dbuser`";
    default: {  // cluster/user
      size_t slash = f.find('/');
      std::string_view cluster = f.substr(0, slash);
      if ((cluster.empty() && (slash != std::string_view::npos || !prefix)) ||
          !std::all_of(cluster.begin(), cluster.end(), IsClusterChar)) {
        return "cluster " + Quote(cluster) + " is not a cluster identifier";
      }
      if (slash == std::string_view::npos) {
        return prefix ? "" : "it has no `/<user>` after the cluster";
      }
      if (f.size() == slash + 1 && !prefix) return "the user name is empty";
      return "";
    }
  }
}

// A problem with `v` as a dbuser ARN, or "" when well-formed. With `like`, `*` and `?` are
// wildcards: the text before the first one must be the start of a well-formed dbuser ARN.
std::string DbuserArnProblem(std::string_view v, bool like) {
  bool prefix = false;
  if (like) {
    size_t w = v.find_first_of("*?");
    if (w != std::string_view::npos) {
      v = v.substr(0, w);
      prefix = true;
    }
  } else if (HasWildcard(v)) {
    return "`*` and `?` are wildcards only under `StringLike`";
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 6) {
    size_t colon = v.find(':', start);
    if (colon == std::string_view::npos) break;
    parts.push_back(v.substr(start, colon - start));
    start = colon + 1;
  }
  parts.push_back(v.substr(start));  // the 7th part keeps its colons (user names like IAM:bob)
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string p = CheckField(i, parts[i], prefix && i + 1 == parts.size());
    if (!p.empty()) return p;
  }
  if (!prefix && parts.size() < 7) return "it has too few `:`-separated parts";
  return "";
}

// The cluster/user part of a well-formed (or wildcard-prefixed) dbuser ARN, or "".
std::string_view ClusterAndUser(std::string_view v) {
  size_t pos = 0;
  for (int i = 0; i < 6; ++i) {
    size_t colon = v.find(':', pos);
    if (colon == std::string_view::npos) return {};
    pos = colon + 1;
  }
  return v.substr(pos);
}

void LintStatement(const Statement& st, Diagnostics* out) {
  const bool allow = IsAllowStatement(st);
  const PrincipalEntry* redshift = RedshiftPrincipal(st);

  // security.allow_with_notprincipal
  if (allow && st.principal.present && st.principal.is_not) {
    out->push_back(Make(
        Severity::kWarning, "security.allow_with_notprincipal",
        "`Allow` with `NotPrincipal` trusts every principal except the ones listed, including "
        "principals of other accounts and anonymous ones",
        st.principal.path, st.principal.pos,
        "name the principals to trust in `Principal` instead of excluding some with "
        "`NotPrincipal`"));
  }

  // security.any_principal_without_condition
  if (allow && st.principal.present && !st.principal.is_not && st.conditions.empty()) {
    const std::string* path = nullptr;
    SourcePos pos;
    if (st.principal.any) {
      path = &st.principal.path;
      pos = st.principal.pos;
    } else {
      for (const PrincipalEntry& e : st.principal.entries) {
        if (e.type == PrincipalType::kAWS && e.value.value == "*") {
          path = &e.value.path;
          pos = e.value.pos;
          break;
        }
      }
    }
    if (path) {
      out->push_back(Make(Severity::kWarning, "security.any_principal_without_condition",
                          "this statement lets any AWS principal, in any account, assume the "
                          "role: its `Principal` is `*` and it has no `Condition`",
                          *path, pos,
                          "name the trusted principals (an account or role ARN, or "
                          "`redshift.amazonaws.com`), or add a `Condition` that restricts them"));
    }
  }

  // security.redshift_no_confused_deputy_guard
  if (allow && redshift && MayAllowAssumeRole(st)) {
    bool guarded = false;
    for (const ConditionEntry& c : st.conditions) {
      for (std::string_view k : kConfusedDeputyGuardKeys) {
        if (EqualsIgnoreCase(c.key.value, k)) guarded = true;
      }
    }
    if (!guarded) {
      out->push_back(Make(
          Severity::kWarning, "security.redshift_no_confused_deputy_guard",
          Quote(redshift->value.value) +
              " may assume the role with no `sts:ExternalId` condition: any user of any Redshift "
              "cluster that has this role associated can use it (confused-deputy risk)",
          redshift->value.path, redshift->value.pos,
          "restrict `sts:ExternalId` with `StringEquals` to the dbuser ARNs allowed, "
          "arn:aws:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER"));
    }
  }

  for (const ConditionEntry& c : st.conditions) {
    std::optional<OperatorSpec> spec = ParseOperatorName(c.op.value);
    if (!spec) continue;  // reported by the validator

    // security.like_without_wildcard
    if (UsesWildcards(spec->base) &&
        (spec->base == BaseOperator::kStringLike || spec->base == BaseOperator::kStringNotLike ||
         spec->base == BaseOperator::kArnLike || spec->base == BaseOperator::kArnNotLike)) {
      const bool is_arn =
          spec->base == BaseOperator::kArnLike || spec->base == BaseOperator::kArnNotLike;
      for (const ConditionValue& v : c.values) {
        if (HasWildcard(v.text.value)) continue;
        std::string equals = is_arn ? (spec->base == BaseOperator::kArnLike ? "ArnEquals"
                                                                             : "ArnNotEquals")
                                    : (spec->base == BaseOperator::kStringLike
                                           ? "StringEquals"
                                           : "StringNotEquals");
        out->push_back(Make(Severity::kInfo, "security.like_without_wildcard",
                            "value " + Quote(v.text.value) + " of " + Quote(c.key.value) +
                                " under " + Quote(c.op.value) +
                                " has no `*` or `?`, so it only matches exactly",
                            v.text.path, v.text.pos,
                            "use `" + equals + "` if an exact match was meant, or add the "
                            "wildcard that was forgotten"));
      }
    }

    if (!redshift) continue;

    // security.key_redshift_never_sends
    for (std::string_view k : kKeysRedshiftNeverSends) {
      if (!EqualsIgnoreCase(c.key.value, k)) continue;
      // An absent key: a positive operator without IfExists is false (the statement never
      // applies to Redshift); a negated operator or IfExists is true (a no-op). Null tests
      // presence: "true" holds, "false" does not.
      bool never_true = !IsNegated(spec->base) && !spec->if_exists;
      if (spec->base == BaseOperator::kNull) {
        never_true = std::any_of(c.values.begin(), c.values.end(), [](const ConditionValue& v) {
          return EqualsIgnoreCase(v.text.value, "false");
        });
      }
      std::string msg = "Redshift never sends " + Quote(c.key.value) +
                        " when it assumes a role, so under " + Quote(c.op.value) + " ";
      msg += never_true ? "this condition is never true and the statement never applies to "
                          "Redshift"
                        : "this condition is always true for Redshift (a no-op)";
      out->push_back(Make(never_true ? Severity::kWarning : Severity::kInfo,
                          "security.key_redshift_never_sends", msg, c.key.path, c.key.pos,
                          "remove this condition; to restrict who can use the role through "
                          "Redshift, use `sts:ExternalId` with dbuser ARNs"));
      break;
    }

    // security.external_id_not_dbuser_arn / security.external_id_uppercase_user
    if (!EqualsIgnoreCase(c.key.value, "sts:ExternalId")) continue;
    if (spec->base != BaseOperator::kStringEquals && spec->base != BaseOperator::kStringLike) {
      continue;
    }
    const bool like = spec->base == BaseOperator::kStringLike;
    for (const ConditionValue& v : c.values) {
      const std::string& text = v.text.value;
      std::string problem;
      if (like && !text.empty() && text.find_first_not_of("*?") == std::string::npos) {
        problem = "it matches every ExternalId, so it restricts nothing";
      } else {
        problem = DbuserArnProblem(text, like);
      }
      if (!problem.empty()) {
        out->push_back(Make(Severity::kWarning, "security.external_id_not_dbuser_arn",
                            "`sts:ExternalId` value " + Quote(text) +
                                " is not a dbuser ARN, which is what Redshift sends: " + problem,
                            v.text.path, v.text.pos,
                            "write arn:aws:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER (wildcards "
                            "only under `StringLike`)"));
        continue;
      }
      std::string_view cu = ClusterAndUser(text);
      size_t slash = cu.find('/');
      std::string_view cluster = cu.substr(0, slash);
      std::string_view user = slash == std::string_view::npos ? std::string_view()
                                                              : cu.substr(slash + 1);
      // IAM-authenticated users are stored as IAM:name, IAMA:name, IAMR:role (rule RS-STS,
      // MG-IAMID): that prefix is upper case by design.
      for (std::string_view p : {"IAM:", "IAMA:", "IAMR:"}) {
        if (user.substr(0, p.size()) == p) {
          user.remove_prefix(p.size());
          break;
        }
      }
      if (HasAsciiUpper(cluster) || HasAsciiUpper(user)) {
        out->push_back(Make(
            Severity::kWarning, "security.external_id_uppercase_user",
            "`sts:ExternalId` value " + Quote(text) +
                " has capital letters in the cluster or user name; Redshift folds unquoted "
                "names to lower case and cluster identifiers are lower case, so it likely "
                "never matches",
            v.text.path, v.text.pos,
            "write the cluster and user in lower case, unless the user was created with a "
            "quoted name (CREATE USER \"Alice\"), which keeps its case"));
      }
    }
  }
}

}  // namespace

bool IsRedshiftServicePrincipal(std::string_view service) {
  std::string s(service);
  for (char& c : s) c = Lower(c);
  constexpr std::string_view kPrefix = "redshift.", kSuffix = "amazonaws.com";
  if (s == "redshift.amazonaws.com") return true;
  if (s.size() <= kPrefix.size() + kSuffix.size() + 1) return false;
  if (s.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  if (s.compare(s.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) return false;
  std::string_view middle(s);
  middle = middle.substr(kPrefix.size(), s.size() - kPrefix.size() - kSuffix.size());
  // middle = "<region>."
  if (middle.size() < 2 || middle.back() != '.') return false;
  middle.remove_suffix(1);
  return std::all_of(middle.begin(), middle.end(), IsRegionChar);
}

void LintTrustPolicySecurity(const PolicyDocument& doc, Diagnostics* diags) {
  Diagnostics found;
  for (const Statement& st : doc.statements) LintStatement(st, &found);
  SortDiagnostics(found);
  diags->insert(diags->end(), found.begin(), found.end());
}

}  // namespace redtrust
