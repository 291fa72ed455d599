// Semantic checks of rules G2, G4-G12, G14 (docs/semantics.md) and the per-kind rules of G8-G10.
// Every check cites its rule id; docs/diagnostics.md lists each code with its source.
// Messages are AWS's own text where AWS's text is known (observed, or moto), otherwise
// lowercase sentences in the project style, with the offending value in backticks.
#include "engine/policy/validate.h"

#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/base/json.h"
#include "engine/condition/operators.h"
#include "engine/condition/values.h"
#include "engine/policy/arn.h"

namespace redtrust {
namespace {

constexpr std::string_view kSyntaxErrors = "Syntax errors in policy.";
constexpr std::string_view kLegacyParsing = "The policy failed legacy parsing";

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool HasWildcardChar(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// A service prefix (action vendor, condition-key vendor): [A-Za-z0-9.-]+ (G7).
bool IsValidVendor(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (!IsAlnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// `${...}` with a closing brace (rule V3: an unclosed `${` is literal text).
bool HasPolicyVariable(std::string_view s) {
  const size_t open = s.find("${");
  return open != std::string_view::npos && s.find('}', open + 2) != std::string_view::npos;
}

// Dot-separated labels of [A-Za-z0-9-]+, at least `min_labels` of them.
bool IsDnsName(std::string_view s, size_t min_labels) {
  size_t labels = 0;
  size_t start = 0;
  for (;;) {
    const size_t dot = s.find('.', start);
    const std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return false;
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= min_labels;
}

// `prefix` followed by a non-empty name; slashes allowed inside (IAM paths), not at the end.
bool IsPathName(std::string_view resource, std::string_view prefix) {
  if (!StartsWith(resource, prefix)) return false;
  const std::string_view rest = resource.substr(prefix.size());
  return !rest.empty() && rest.back() != '/' && rest.front() != '/';
}

// An `AWS` principal (G8, M5-M7): "*", a 12-digit account id, or the ARN of a root, user, role,
// role session or federated-user session. A wildcard cannot stand for part of a name.
bool IsValidAwsPrincipal(std::string_view v) {
  if (v == "*") return true;
  if (HasWildcardChar(v) || v.find("${") != std::string_view::npos) return false;
  if (IsAccountId(v)) return true;
  const std::optional<ArnParts> arn = SplitArn(v);
  if (!arn || !IsKnownPartition(arn->partition) || !arn->region.empty() ||
      !IsAccountId(arn->account)) {
    return false;
  }
  if (arn->service == "iam") {
    return arn->resource == "root" || IsPathName(arn->resource, "user/") ||
           IsPathName(arn->resource, "role/");
  }
  if (arn->service == "sts") {
    if (IsPathName(arn->resource, "federated-user/")) return true;
    if (!StartsWith(arn->resource, "assumed-role/")) return false;
    // assumed-role/<role name>/<session name>: exactly two non-empty parts.
    const std::string_view rest = arn->resource.substr(sizeof("assumed-role/") - 1);
    const size_t slash = rest.find('/');
    return slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size() &&
           rest.find('/', slash + 1) == std::string_view::npos;
  }
  return false;
}

// A `Service` principal (G8, M8): a DNS name under amazonaws.com or amazonaws.com.cn, no
// wildcards.
bool IsValidServicePrincipal(std::string_view v) {
  if (HasWildcardChar(v)) return false;
  std::string_view host;
  if (EndsWith(v, ".amazonaws.com")) {
    host = v.substr(0, v.size() - (sizeof(".amazonaws.com") - 1));
  } else if (EndsWith(v, ".amazonaws.com.cn")) {
    host = v.substr(0, v.size() - (sizeof(".amazonaws.com.cn") - 1));
  } else {
    return false;
  }
  return IsDnsName(host, 1);
}

// A `Federated` principal: a SAML or OIDC provider ARN, or an identity provider's domain name
// (cognito-identity.amazonaws.com, accounts.google.com, ...). No wildcards.
bool IsValidFederatedPrincipal(std::string_view v) {
  if (HasWildcardChar(v)) return false;
  if (StartsWith(v, "arn:")) {
    const std::optional<ArnParts> arn = SplitArn(v);
    return arn && IsKnownPartition(arn->partition) && arn->service == "iam" &&
           arn->region.empty() && IsAccountId(arn->account) &&
           (IsPathName(arn->resource, "saml-provider/") ||
            IsPathName(arn->resource, "oidc-provider/"));
  }
  return IsDnsName(v, 2);
}

// A `CanonicalUser` principal: the 64-hex-digit S3 canonical user id.
bool IsValidCanonicalUser(std::string_view v) {
  if (v.size() != 64) return false;
  for (char c : v) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// The type word AWS prints in `Invalid principal in policy: "SERVICE":"..."`. "AWS" and
// "SERVICE" are seen in real responses; the other two follow the same upper-casing (inferred).
const char* PrincipalTypeWord(PrincipalType t) {
  switch (t) {
    case PrincipalType::kAWS:
      return "AWS";
    case PrincipalType::kService:
      return "SERVICE";
    case PrincipalType::kFederated:
      return "FEDERATED";
    case PrincipalType::kCanonicalUser:
      return "CANONICALUSER";
  }
  return "AWS";
}

// Standard base64 (RFC 4648 section 4) with padding: what BinaryEquals compares (C10).
bool IsBase64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  size_t padding = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return false;  // data after padding
    if (!IsAlnum(c) && c != '+' && c != '/') return false;
  }
  return padding <= 2;
}

// First code point outside U+0009, U+000A, U+000D, U+0020-U+00FF (G14), or nullopt.
// Input is valid UTF-8 (decoded JSON strings).
std::optional<uint32_t> FirstDisallowedCharacter(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c < 0xE0) {
      cp = c & 0x1F;
      n = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0F;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (size_t k = 1; k < n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    if (!(cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp <= 0xFF))) return cp;
    i += n;
  }
  return std::nullopt;
}

std::string Quoted(std::string_view s) { return "`" + SanitizeForMessage(s) + "`"; }

std::string PositionText(const SourcePos& pos) {
  return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column);
}

class PolicyValidator {
 public:
  PolicyValidator(const PolicyDocument& doc, PolicyKind kind, const ValidateOptions& options,
                  Diagnostics* diags)
      : doc_(doc), kind_(kind), options_(options), diags_(diags) {}

  void Run() {
    CheckVersion();
    if (doc_.id) CheckCharacters(*doc_.id);
    if (doc_.has_statement && doc_.statement_was_array && doc_.statements.empty()) {
      // G4: an empty Statement array.
      Add(Severity::kError, "policy.empty_statement", std::string(kSyntaxErrors),
          JsonPointerAppend(doc_.path, "Statement"), doc_.statement_pos,
          "`Statement` must hold at least one statement");
    }
    for (const Statement& st : doc_.statements) CheckStatement(st);
    CheckSize();
  }

 private:
  void Add(Severity severity, const char* code, std::string message, std::string path,
           SourcePos pos, std::string help = {}) {
    diags_->push_back(
        Diagnostic{severity, code, std::move(message), std::move(path), pos, std::move(help)});
  }
  void Error(const char* code, std::string message, const std::string& path, SourcePos pos,
             std::string help = {}) {
    Add(Severity::kError, code, std::move(message), path, pos, std::move(help));
  }
  void Warning(const char* code, std::string message, const std::string& path, SourcePos pos,
               std::string help = {}) {
    Add(Severity::kWarning, code, std::move(message), path, pos, std::move(help));
  }

  // G2. AWS's answer to an unknown version is the generic "Syntax errors in policy." (moto
  // `_validate_version_syntax`); the message here says what is wrong instead.
  void CheckVersion() {
    if (!doc_.version) return;
    const LocatedString& v = *doc_.version;
    CheckCharacters(v);
    if (v.value == "2012-10-17" || v.value == "2008-10-17") return;
    Error("policy.invalid_version", "invalid policy version " + Quoted(v.value), v.path, v.pos,
          "`Version` must be `2012-10-17` (or the legacy `2008-10-17`)");
  }

  // G14. Whitespace-free size against the configured quota.
  void CheckSize() {
    if (options_.max_policy_chars == 0) return;
    const size_t size = doc_.size_without_whitespace;
    if (size <= options_.max_policy_chars) return;
    const std::string limit = std::to_string(options_.max_policy_chars);
    std::string help = "the policy has " + std::to_string(size) +
                       " characters without white space; the limit is " + limit;
    if (kind_ == PolicyKind::kTrust) {
      Error("policy.size_quota", "Cannot exceed quota for ACLSizePerRole: " + limit, doc_.path,
            doc_.pos, std::move(help));
    } else {
      Error(
          "policy.size_quota",
          "policy size " + std::to_string(size) + " exceeds the quota of " + limit + " characters",
          doc_.path, doc_.pos, std::move(help));
    }
  }

  // G14: IAM policies (trust and identity) may contain only U+0009, U+000A, U+000D and
  // U+0020-U+00FF (QUOTA): an error, so such a policy never evaluates. Resource policies of other
  // services (S3 bucket policies) accept other characters: a warning there.
  void CheckCharacters(const LocatedString& s) {
    const std::optional<uint32_t> cp = FirstDisallowedCharacter(s.value);
    if (!cp) return;
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", *cp);
    Add(kind_ == PolicyKind::kResource ? Severity::kWarning : Severity::kError,
        "policy.invalid_characters",
        std::string("character ") + buf + " in " + Quoted(s.value) +
                " is outside the characters IAM documents for policies",
            s.path, s.pos,
            "IAM policies may contain only tab, line feed, carriage return and U+0020-U+00FF");
  }

  void CheckStatement(const Statement& st) {
    if (st.sid) CheckSid(*st.sid);
    CheckEffect(st);
    CheckPrincipal(st);
    CheckActions(st);
    CheckResources(st);
    CheckConditions(st);
  }

  // G5. The alphanumeric rule is IAM's; resource policies of other services (S3 bucket
  // policies) accept other Sids, so it applies to trust and identity policies only.
  void CheckSid(const LocatedString& sid) {
    CheckCharacters(sid);
    if (kind_ != PolicyKind::kResource) {
      for (char c : sid.value) {
        if (!IsAlnum(c)) {
          Error("statement.invalid_sid",
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
                "regular expression [0-9A-Za-z]*",
                sid.path, sid.pos, Quoted(sid.value) + " contains " + Quoted(std::string(1, c)));
          break;
        }
      }
    }
    if (sid.value.empty()) return;
    auto [it, inserted] = sids_.emplace(sid.value, sid.pos);
    if (!inserted) {
      Error("statement.duplicate_sid", "Statement IDs (SID) in a single policy must be unique.",
            sid.path, sid.pos, Quoted(sid.value) + " is first used at " + PositionText(it->second));
    }
  }

  // G6. Case variants pass AWS's syntax check and fail its "legacy parsing"; anything else
  // fails the syntax check (moto `_validate_effect_syntax`, `_legacy_parse_statement`).
  void CheckEffect(const Statement& st) {
    if (!st.effect) {
      Error("statement.missing_effect", "statement has no `Effect`", st.path, st.pos,
            "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"");
      return;
    }
    const LocatedString& e = *st.effect;
    CheckCharacters(e);
    if (e.value == "Allow" || e.value == "Deny") return;
    if (EqualsIgnoreCase(e.value, "Allow") || EqualsIgnoreCase(e.value, "Deny")) {
      Error("statement.invalid_effect", std::string(kLegacyParsing), e.path, e.pos,
            "`Effect` is case-sensitive: write `" +
                std::string(EqualsIgnoreCase(e.value, "Allow") ? "Allow" : "Deny") + "`");
    } else {
      Error("statement.invalid_effect", std::string(kSyntaxErrors), e.path, e.pos,
            "`Effect` must be `Allow` or `Deny`, not " + Quoted(e.value));
    }
  }

  // G8: Principal is required in trust and resource policies and prohibited in identity
  // policies; NotPrincipal is not allowed in trust policies.
  void CheckPrincipal(const Statement& st) {
    const PrincipalElement& p = st.principal;
    const char* field = p.is_not ? "NotPrincipal" : "Principal";
    if (kind_ == PolicyKind::kIdentity) {
      if (p.present) {
        Error("statement.prohibited_principal", std::string("Has prohibited field ") + field,
              p.path, p.pos, "identity policies apply to the identity they are attached to");
      }
      return;
    }
    static constexpr std::string_view kNoPrincipals =
        "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed "
        "in policy has a statement with no principals!";
    if (!p.present) {
      Error("statement.missing_principal", std::string(kNoPrincipals), st.path, st.pos,
            kind_ == PolicyKind::kTrust ? "a trust policy statement must name who may assume "
                                          "the role in `Principal`"
                                        : "a resource policy statement must have `Principal`");
      return;
    }
    if (p.is_not && kind_ == PolicyKind::kTrust) {
      Error("statement.notprincipal_in_trust",
            "`NotPrincipal` is not allowed in a role trust policy", p.path, p.pos,
            "use `Principal`, with a Deny statement or a Condition for exceptions");
    }
    if (!p.any && p.entries.empty()) {
      Error("statement.missing_principal", std::string(kNoPrincipals), p.path, p.pos);
      return;
    }
    for (const PrincipalEntry& e : p.entries) CheckPrincipalEntry(e);
  }

  void CheckPrincipalEntry(const PrincipalEntry& e) {
    const LocatedString& v = e.value;
    CheckCharacters(v);
    bool valid = false;
    std::string help;
    switch (e.type) {
      case PrincipalType::kAWS:
        valid = IsValidAwsPrincipal(v.value);
        help = HasWildcardChar(v.value)
                   ? "a wildcard cannot stand for part of a principal; use `*` alone and "
                     "restrict with a Condition such as `aws:PrincipalArn`"
                   : "expected `*`, a 12-digit account id, or an ARN of a root user, user, "
                     "role, assumed-role session or federated user";
        break;
      case PrincipalType::kService:
        valid = IsValidServicePrincipal(v.value);
        help = HasWildcardChar(v.value)
                   ? "service principals cannot contain wildcards"
                   : "expected a service principal such as `redshift.amazonaws.com`";
        break;
      case PrincipalType::kFederated:
        valid = IsValidFederatedPrincipal(v.value);
        help = "expected a SAML or OIDC provider ARN or an identity provider domain";
        break;
      case PrincipalType::kCanonicalUser:
        valid = IsValidCanonicalUser(v.value);
        help = "expected a 64-hex-digit canonical user id";
        break;
    }
    if (valid) return;
    Error("principal.invalid",
          std::string("Invalid principal in policy: \"") + PrincipalTypeWord(e.type) + "\":\"" +
              SanitizeForMessage(v.value) + "\"",
          v.path, v.pos, std::move(help));
  }

  // G7, G10.
  void CheckActions(const Statement& st) {
    const StringListElement& a = st.action;
    if (!a.present || a.values.empty()) {
      Error("statement.missing_action", "Policy statement must contain actions.",
            a.present ? a.path : st.path, a.present ? a.pos : st.pos);
      return;
    }
    for (const LocatedString& v : a.values) {
      CheckCharacters(v);
      CheckActionPrefix(v);
      if (kind_ == PolicyKind::kTrust && !a.is_not &&
          !(v.value.size() >= 4 &&
            EqualsIgnoreCase(std::string_view(v.value).substr(0, 4), "sts:"))) {
        Warning("statement.trust_action_not_sts",
                "action " + Quoted(v.value) + " in a trust policy is not an `sts:` action", v.path,
                v.pos, "trust policies grant actions such as `sts:AssumeRole`");
      }
    }
  }

  // G7 (moto `_validate_action_prefix`): "*" or vendor:action with one colon.
  void CheckActionPrefix(const LocatedString& v) {
    if (v.value == "*") return;
    const size_t colon = v.value.find(':');
    if (colon == std::string::npos) {
      Error("action.missing_vendor",
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", v.path,
            v.pos, Quoted(v.value) + " has no `service:` prefix");
      return;
    }
    if (v.value.find(':', colon + 1) != std::string::npos) {
      Error("action.too_many_colons", "Actions/Condition can contain only one colon.", v.path,
            v.pos, Quoted(v.value) + " has more than one `:`");
      return;
    }
    const std::string_view vendor = std::string_view(v.value).substr(0, colon);
    if (!IsValidVendor(vendor)) {
      Error("action.invalid_vendor", "Vendor " + SanitizeForMessage(vendor) + " is not valid",
            v.path, v.pos,
            vendor.empty() ? "the service prefix before `:` is empty"
                           : "a service prefix may contain only letters, digits, `.` and `-`");
    }
  }

  // G9 and M2.
  void CheckResources(const Statement& st) {
    const StringListElement& r = st.resource;
    if (kind_ == PolicyKind::kTrust) {
      if (r.present) {
        Error("statement.prohibited_resource",
              std::string("Has prohibited field ") + (r.is_not ? "NotResource" : "Resource"),
              r.path, r.pos, "a trust policy's resource is always the role itself");
      }
      return;
    }
    if (!r.present || r.values.empty()) {
      Error("statement.missing_resource", "Policy statement must contain resources.",
            r.present ? r.path : st.path, r.present ? r.pos : st.pos);
      return;
    }
    for (const LocatedString& v : r.values) {
      CheckCharacters(v);
      CheckResourceArn(v);
    }
  }

  // Messages are AWS's (moto `_validate_resource_format`).
  void CheckResourceArn(const LocatedString& v) {
    if (v.value == "*") return;
    const std::optional<ArnParts> arn = SplitArn(v.value);
    if (!arn) {
      Error("resource.invalid_arn",
            "Resource " + SanitizeForMessage(v.value) + " must be in ARN format or \"*\".", v.path,
            v.pos, "an ARN has six parts: arn:partition:service:region:account:resource");
      return;
    }
    if (arn->service.empty() || HasWildcardChar(arn->service)) {
      Error("resource.invalid_arn",
            "Resource vendor must be fully qualified and cannot contain regexes.", v.path, v.pos,
            "the service part " + Quoted(arn->service) + " of " + Quoted(v.value) +
                " must be a literal service name");
      return;
    }
    // A partition of exactly `*` is accepted, as IAM's parser does (RES: wildcards "within the
    // individual segments of an ARN"; moto `_validate_resource_format`); `aws*` is not (M2-P).
    if (arn->partition != "*" && !IsKnownPartition(arn->partition)) {
      Error("resource.invalid_arn",
            "Partition \"" + SanitizeForMessage(arn->partition) +
                "\" is not valid for resource \"" + SanitizeForMessage(v.value) + "\".",
            v.path, v.pos, "partitions are `aws`, `aws-cn` and `aws-us-gov`");
    }
  }

  // G11, G12, V2.
  void CheckConditions(const Statement& st) {
    for (const LocatedString& op : st.condition_operators) {
      CheckCharacters(op);
      if (ParseOperatorName(op.value)) continue;
      bool block_empty = true;
      for (const ConditionEntry& e : st.conditions) {
        if (e.op.path == op.path) {
          block_empty = false;
          break;
        }
      }
      std::string help;
      if (std::optional<std::string> s = SuggestOperatorName(op.value)) {
        help = "did you mean `" + *s + "`?";
      }
      if (block_empty) {
        // moto `_validate_condition_syntax`: an unknown operator with `{}` is ignored.
        Warning("condition.unknown_operator",
                "unknown condition operator " + Quoted(op.value) + " (ignored: its block is empty)",
                op.path, op.pos, std::move(help));
      } else {
        Error("condition.unknown_operator", "unknown condition operator " + Quoted(op.value),
              op.path, op.pos, std::move(help));
      }
    }
    for (const ConditionEntry& e : st.conditions) {
      CheckCharacters(e.key);
      for (const ConditionValue& v : e.values) CheckCharacters(v.text);
      const std::optional<OperatorSpec> spec = ParseOperatorName(e.op.value);
      CheckConditionKey(e.key);
      if (e.values.empty()) {
        // Reference 0.1.5: AWS's behaviour is unknown. An empty list can never match a positive
        // operator and always matches a negated one, which is never what the author meant.
        Error("condition.empty_values",
              "condition key " + Quoted(e.key.value) + " under " + Quoted(e.op.value) +
                  " has no values",
              e.key.path, e.key.pos, "give at least one value");
        continue;
      }
      if (!spec) continue;  // reported above
      for (const ConditionValue& v : e.values) CheckConditionValue(*spec, e, v);
    }
  }

  void CheckConditionKey(const LocatedString& key) {
    const size_t colon = key.value.find(':');
    if (colon == std::string::npos) {
      Error("condition.invalid_key",
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", key.path,
            key.pos, "condition key " + Quoted(key.value) + " has no vendor prefix, e.g. `aws:`");
      return;
    }
    // Further colons are fine: tag keys such as aws:ResourceTag/aws:cloudformation:stack-name.
    if (!IsValidVendor(std::string_view(key.value).substr(0, colon)) ||
        colon + 1 == key.value.size()) {
      Error("condition.invalid_key",
            "condition key " + Quoted(key.value) + " must have the form `vendor:name`", key.path,
            key.pos);
    }
  }

  void CheckConditionValue(const OperatorSpec& spec, const ConditionEntry& e,
                           const ConditionValue& v) {
    const std::string& text = v.text.value;
    if (doc_.policy_variables_enabled() && HasPolicyVariable(text)) {
      // V1, V2: variables are substituted at evaluation, so the text cannot be checked here.
      if (!AllowsPolicyVariables(spec.base)) {
        Error("condition.variable_not_allowed",
              "policy variable in " + Quoted(text) + " is not allowed with " + Quoted(e.op.value),
              v.text.path, v.text.pos,
              "policy variables work only in string and ARN condition operators");
      }
      return;
    }
    const char* expected = nullptr;
    switch (OperatorValueType(spec.base)) {
      case ValueType::kString:
      case ValueType::kArn:
        return;
      case ValueType::kNumeric:
        if (!ParseNumeric(text)) expected = "a number such as `10` or `2.5`";
        break;
      case ValueType::kDate:
        if (!ParseDate(text)) {
          // AWS (moto `_legacy_parse_date_condition_value`) fails dates in legacy parsing.
          Error("condition.invalid_value", std::string(kLegacyParsing), v.text.path, v.text.pos,
                Quoted(text) + " is not a date for " + Quoted(e.op.value) +
                    ": use ISO 8601 such as `2026-01-31T12:00:00Z`, or epoch seconds");
        }
        return;
      case ValueType::kBool:
        if (!ParseBool(text)) expected = "`true` or `false`";
        break;
      case ValueType::kNull:
        if (!ParseBool(text)) expected = "`true` (key absent) or `false` (key present)";
        break;
      case ValueType::kIp:
        if (!ParseCidr(text)) expected = "an IPv4 or IPv6 address or CIDR such as `10.0.0.0/8`";
        break;
      case ValueType::kBinary:
        if (!IsBase64(text)) expected = "base64 text";
        break;
    }
    if (expected != nullptr) {
      Error(
          "condition.invalid_value",
          "invalid value " + Quoted(text) + " for " + Quoted(e.op.value) + ": expected " + expected,
          v.text.path, v.text.pos);
    }
  }

  const PolicyDocument& doc_;
  PolicyKind kind_;
  const ValidateOptions& options_;
  Diagnostics* diags_;
  std::unordered_map<std::string, SourcePos> sids_;  // first position of each non-empty Sid
};

}  // namespace

void ValidatePolicy(const PolicyDocument& doc, PolicyKind kind, const ValidateOptions& options,
                    Diagnostics* diags) {
  // Sorted among themselves, then appended: what the caller already had keeps its order.
  Diagnostics found;
  PolicyValidator(doc, kind, options, &found).Run();
  SortDiagnostics(found);
  diags->insert(diags->end(), std::make_move_iterator(found.begin()),
                std::make_move_iterator(found.end()));
}

}  // namespace redtrust
