// STS AssumeRole (API version 2011-06-15). Order of checks, each with its source in
// docs/aws-api.md: DurationSeconds parsing (MalformedInput), the API model's constraints
// (ValidationError, rules S1-S5), unsupported parameters, RoleArn syntax, source identity
// and session tags, the role's existence and the decision of the engine (AccessDenied, with
// sts:SetSourceIdentity and sts:TagSession when those are asked for), the role's
// MaxSessionDuration and the one-hour role-chaining limit, then issuance.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "engine/condition/values.h"
#include "engine/eval/evaluator.h"
#include "engine/policy/arn.h"
#include "engine/sts/assume_role.h"
#include "tools/redtrustd/aws/actions.h"
#include "tools/redtrustd/aws/xml.h"

namespace redtrust::server::aws {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kDefaultDuration = 3600;     // STSAPI: "By default, the value is set to 3600"
constexpr int64_t kChainedMaxDuration = 3600;  // role chaining: one hour at most

// One violated constraint of the API model; a null value prints as `Value null`.
struct Violation {
  std::string field;
  std::optional<std::string> value;
  std::string constraint;
};

std::string ValidationMessage(const std::vector<Violation>& v) {
  std::string m = std::to_string(v.size()) + (v.size() == 1 ? " validation error detected: "
                                                            : " validation errors detected: ");
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) m += "; ";
    m += "Value ";
    m += v[i].value ? "'" + *v[i].value + "'" : std::string("null");
    m += " at '" + v[i].field + "' failed to satisfy constraint: " + v[i].constraint;
  }
  return m;
}

AwsError Validation(std::string message) {
  return AwsError{400, "ValidationError", std::move(message)};
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool WordOr(std::string_view s, std::string_view extra) {
  for (unsigned char c : s) {
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && extra.find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return true;
}

// Session tag characters, [\p{L}\p{Z}\p{N}_.:/=+\-@]: ASCII letters, digits, space and
// _.:/=+-@; every non-ASCII character is accepted as a letter (approximation: redtrust has no
// Unicode category tables).
bool TagChars(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) continue;
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view(" _.:/=+-@").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

void CheckLength(std::vector<Violation>* v, const std::string& field, const std::string& value,
                 size_t min, size_t max) {
  size_t n = CodePoints(value);
  if (n < min) {
    v->push_back(
        {field, value, "Member must have length greater than or equal to " + std::to_string(min)});
  } else if (n > max) {
    v->push_back(
        {field, value, "Member must have length less than or equal to " + std::to_string(max)});
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// DurationSeconds as STS parses it: a signed 32-bit decimal integer, optional sign, leading
// zeros allowed. nullopt = MalformedInput.
std::optional<int64_t> ParseInt32(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 20) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if (neg ? n > 2147483648ull : n > 2147483647ull) return std::nullopt;
  return neg ? -static_cast<int64_t>(n) : static_cast<int64_t>(n);
}

bool RandomBytes(unsigned char* out, size_t n) { return RAND_bytes(out, static_cast<int>(n)) == 1; }

std::string RandomBase32(size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::vector<unsigned char> b(n);
  if (!RandomBytes(b.data(), n)) return "";
  std::string out;
  for (unsigned char c : b) out += kAlphabet[c & 31];
  return out;
}

std::string RandomBase64(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (!RandomBytes(b.data(), bytes)) return "";
  std::string out(4 * ((bytes + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(),
                          static_cast<int>(bytes));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string StatementRefs(const Decision& d) {
  std::string out;
  for (const StatementRef& r : d.matched) {
    if (!out.empty()) out += ", ";
    out += r.policy + ":" + std::to_string(r.pos.line) + ":" + std::to_string(r.pos.column);
  }
  return out;
}

// Header values must not carry line breaks.
std::string HeaderSafe(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return s;
}

ActionResult Fail(AwsError e) {
  ActionResult r;
  r.error = std::move(e);
  r.decision = "error";
  r.errors = 1;
  return r;
}

// STS's AccessDenied: HTTP 403, "User: <caller> is not authorized to perform: <action> on
// resource: <role>". Observed STS answers carry no reason suffix for AssumeRole (docs/aws-api.md);
// the engine's reason goes into X-Redtrust-Reason instead.
ActionResult Denied(const Principal& p, std::string_view action, std::string_view resource,
                    const Decision* d, std::string why) {
  ActionResult r;
  r.error = AwsError{403, "AccessDenied", AccessDeniedMessage(p.arn, action, resource, "")};
  r.decision = "denied";
  r.denied = 1;
  if (d) {
    r.headers.emplace_back("X-Redtrust-Decision", EffectName(d->effect));
    why = d->reason;
    // Which kind of policy denied, as newer AccessDenied messages of other services say it
    // (rule S6), e.g. "because no role trust policy allows the sts:AssumeRole action".
    std::string by = StsDenyReason(*d, action);
    if (!by.empty()) r.headers.emplace_back("X-Redtrust-Denied-By", HeaderSafe(by.substr(1)));
    if (!d->matched.empty())
      r.headers.emplace_back("X-Redtrust-Matched", HeaderSafe(StatementRefs(*d)));
  } else {
    r.headers.emplace_back("X-Redtrust-Decision", "implicitDeny");
  }
  r.headers.emplace_back("X-Redtrust-Reason", HeaderSafe(std::move(why)));
  return r;
}

const sim::Role* FindRole(const sim::World& world, std::string_view arn, const ArnParts& parts) {
  if (const sim::Role* r = world.FindRole(arn)) return r;
  // Role names are unique in an account whatever the path, so a RoleArn written without the
  // role's path still names it.
  if (parts.service != "iam" || parts.resource.substr(0, 5) != "role/") return nullptr;
  std::string_view name = parts.resource.substr(parts.resource.rfind('/') + 1);
  for (const sim::Role* r : world.FindRolesByName(name)) {
    if (r->account == parts.account && r->partition == parts.partition) return r;
  }
  return nullptr;
}

}  // namespace

ActionResult AssumeRole(const ActionContext& ctx) {
  const QueryParams& q = ctx.params;
  const Principal& p = ctx.principal;
  const std::optional<std::string> role_arn = q.Get("RoleArn");
  const std::optional<std::string> session = q.Get("RoleSessionName");
  const std::optional<std::string> external_id = q.Get("ExternalId");
  const std::optional<std::string> source_identity = q.Get("SourceIdentity");
  const std::optional<std::string> duration_text = q.Get("DurationSeconds");

  // DurationSeconds that is not a 32-bit integer never reaches validation: MalformedInput, with
  // a message only for the empty value.
  std::optional<int64_t> duration;
  if (duration_text) {
    if (duration_text->empty())
      return Fail(AwsError{400, "MalformedInput", "missing value for decimal type"});
    duration = ParseInt32(*duration_text);
    if (!duration) return Fail(AwsError{400, "MalformedInput", ""});
  }

  // The API model's constraints (rules S1-S4; engine/sts CheckAssumeRoleParams).
  AssumeRoleParams ap;
  ap.role_arn = role_arn.value_or("arn:aws:iam::000000000000:role/placeholder");
  ap.role_session_name = session;
  ap.external_id = external_id;
  if (duration) ap.duration_seconds = *duration;
  std::vector<StsViolation> sv = CheckAssumeRoleParams(ap);
  std::vector<Violation> v;
  for (const char* field : {"roleArn", "roleSessionName", "externalId", "durationSeconds"}) {
    if (std::string_view(field) == "roleArn" && !role_arn) {
      v.push_back({field, std::nullopt, "Member must not be null"});
      continue;
    }
    if (std::string_view(field) == "roleSessionName" && !session) {
      v.push_back({field, std::nullopt, "Member must not be null"});
      continue;
    }
    for (const StsViolation& x : sv) {
      if (x.field == field) v.push_back({x.field, x.value, x.constraint});
    }
  }
  if (source_identity) {  // sourceIdentityType: 2-64, [\w+=,.@-]* (STS API model)
    CheckLength(&v, "sourceIdentity", *source_identity, 2, 64);
    if (!WordOr(*source_identity, "+=,.@-")) {
      v.push_back({"sourceIdentity", *source_identity,
                   "Member must satisfy regular expression pattern: [\\w+=,.@-]*"});
    }
  }
  const auto tag_structs = q.Structs("Tags");
  if (tag_structs.size() > 50) {
    v.push_back({"tags", std::to_string(tag_structs.size()) + " tags",
                 "Member must have length less than or equal to 50"});
  }
  Tags request_tags;
  for (size_t i = 0; i < tag_structs.size(); ++i) {
    const std::string base = "tags." + std::to_string(i + 1) + ".member.";
    auto key = tag_structs[i].find("Key");
    auto value = tag_structs[i].find("Value");
    if (key == tag_structs[i].end()) {
      v.push_back({base + "key", std::nullopt, "Member must not be null"});
    } else {
      CheckLength(&v, base + "key", key->second, 1, 128);
      if (!TagChars(key->second)) {
        v.push_back(
            {base + "key", key->second,
             "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"});
      }
    }
    if (value == tag_structs[i].end()) {
      v.push_back({base + "value", std::nullopt, "Member must not be null"});
    } else {
      CheckLength(&v, base + "value", value->second, 0, 256);
      if (!TagChars(value->second)) {
        v.push_back(
            {base + "value", value->second,
             "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"});
      }
    }
    if (key != tag_structs[i].end() && value != tag_structs[i].end()) {
      request_tags.emplace_back(key->second, value->second);
    }
  }
  const std::vector<std::string> transitive = q.List("TransitiveTagKeys");
  for (size_t i = 0; i < transitive.size(); ++i) {
    const std::string field = "transitiveTagKeys." + std::to_string(i + 1) + ".member";
    CheckLength(&v, field, transitive[i], 1, 128);
    if (!TagChars(transitive[i])) {
      v.push_back(
          {field, transitive[i],
           "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"});
    }
  }
  if (!v.empty()) return Fail(Validation(ValidationMessage(v)));

  // Parameters redtrust does not simulate are refused, never ignored: each changes what the
  // session may do.
  for (const char* name : {"Policy", "SerialNumber", "TokenCode"}) {
    if (q.Has(name)) {
      return Fail(AwsError{501, "NotImplemented",
                           std::string("redtrustd does not simulate the AssumeRole parameter ") +
                               name + " (docs/aws-api.md)"});
    }
  }
  for (const char* prefix : {"PolicyArns.", "ProvidedContexts."}) {
    if (q.HasPrefix(prefix)) {
      return Fail(AwsError{501, "NotImplemented",
                           "redtrustd does not simulate the AssumeRole parameter " +
                               std::string(prefix, std::strlen(prefix) - 1) +
                               " (docs/aws-api.md)"});
    }
  }

  // A RoleArn of the right length and characters that is not an ARN.
  std::optional<ArnParts> parts = SplitArn(*role_arn);
  if (!parts) return Fail(Validation(*role_arn + " is invalid"));

  // Source identity: set once per chain of sessions, inherited by later sessions.
  if (p.source_identity && source_identity && *source_identity != *p.source_identity) {
    return Fail(Validation("The source identity is already set for this assume role session"));
  }
  const std::optional<std::string> effective_source_identity =
      source_identity ? source_identity : p.source_identity;

  // Session tags: request tags (keys unique, case-insensitively), transitive keys among them,
  // plus the caller session's transitive tags, which cannot be replaced.
  std::vector<std::string> seen;
  for (const auto& [k, val] : request_tags) {
    std::string lk = Lower(k);
    if (std::find(seen.begin(), seen.end(), lk) != seen.end()) {
      return Fail(
          Validation("Duplicate tag keys found. Please note that Tag keys are case insensitive."));
    }
    seen.push_back(lk);
  }
  for (const std::string& k : transitive) {
    if (std::find(seen.begin(), seen.end(), Lower(k)) == seen.end()) {
      return Fail(Validation("Transitive tag key " + k +
                             " is not one of the session tags of this request"));
    }
  }
  Tags effective_tags;
  std::vector<std::string> effective_transitive;
  for (const std::string& k : p.transitive_tag_keys) {
    for (const auto& [tk, tv] : p.tags) {
      if (Lower(tk) != Lower(k)) continue;
      if (std::find(seen.begin(), seen.end(), Lower(tk)) != seen.end()) {
        return Fail(
            Validation("The tag key " + tk +
                       " is a transitive tag of this assume role session and cannot be set again"));
      }
      effective_tags.emplace_back(tk, tv);
      effective_transitive.push_back(tk);
    }
  }
  for (const auto& t : request_tags) effective_tags.push_back(t);
  for (const std::string& k : transitive) effective_transitive.push_back(k);

  // The role. A syntactically valid ARN of a role that does not exist (or of something else)
  // is denied like any other request (rule S1).
  const sim::Role* role = FindRole(ctx.world, *role_arn, *parts);
  if (!role) {
    return Denied(p, "sts:AssumeRole", *role_arn, nullptr,
                  "no role " + *role_arn + " in the world");
  }

  Request req;
  req.caller = p.caller;
  req.action = "sts:AssumeRole";
  req.resource = role->arn;
  req.resource_account = role->account;
  req.resource_partition = role->partition;
  req.now_micros = ctx.now_micros;
  Context& c = req.context;
  c.Set("sts:RoleSessionName", {*session}, false);
  if (external_id) c.Set("sts:ExternalId", {*external_id}, false);
  if (effective_source_identity) c.Set("sts:SourceIdentity", {*effective_source_identity}, false);
  if (p.source_identity) c.Set("aws:SourceIdentity", {*p.source_identity}, false);
  if (!effective_tags.empty()) {
    std::vector<std::string> keys;
    for (const auto& [k, val] : effective_tags) {
      c.Set("aws:RequestTag/" + k, {val}, false);
      keys.push_back(k);
    }
    c.Set("aws:TagKeys", keys, true);
  }
  if (!transitive.empty()) c.Set("sts:TransitiveTagKeys", transitive, true);
  for (const auto& [k, val] : p.tags) c.Set("aws:PrincipalTag/" + k, {val}, false);
  c.Set("aws:RequestedRegion", {ctx.auth.region}, false);
  // AWS's STS endpoints take HTTPS only, so every request AWS evaluates arrived over TLS.
  c.Set("aws:SecureTransport", {"true"}, false);
  if (!p.userid.empty()) c.Set("aws:userid", {p.userid}, false);
  if (!p.username.empty()) c.Set("aws:username", {p.username}, false);
  if (p.token_issue_micros)
    c.Set("aws:TokenIssueTime", {FormatIsoUtc(*p.token_issue_micros)}, false);
  if (auto ua = ctx.request.find(http::field::user_agent); ua != ctx.request.end()) {
    c.Set("aws:UserAgent", {std::string(ua->value())}, false);
  }

  const CompiledPolicy* trust = role->trust_policy.compiled.get();
  Decision d = Authorize(req, trust, p.identity_policies);
  if (d.effect != Effect::kAllowed) return Denied(p, "sts:AssumeRole", role->arn, &d, "");
  std::string matched = StatementRefs(d);
  // Setting (or passing on) a source identity and passing session tags are actions of their
  // own that the trust policy must allow too (STSAPI; id_session-tags; id_credentials_temp_
  // control-access_monitor).
  if (effective_source_identity) {
    req.action = "sts:SetSourceIdentity";
    Decision ds = Authorize(req, trust, p.identity_policies);
    if (ds.effect != Effect::kAllowed)
      return Denied(p, "sts:SetSourceIdentity", role->arn, &ds, "");
  }
  if (!effective_tags.empty()) {
    req.action = "sts:TagSession";
    Decision dt = Authorize(req, trust, p.identity_policies);
    if (dt.effect != Effect::kAllowed) return Denied(p, "sts:TagSession", role->arn, &dt, "");
  }

  // Duration: the API range was checked above; then the role's maximum, then role chaining's
  // one hour (the order STS applies them, docs/aws-api.md).
  const int64_t seconds = duration.value_or(kDefaultDuration);
  if (seconds > role->max_session_duration) {
    return Fail(Validation(
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
  }
  if (p.is_session() && seconds > kChainedMaxDuration) {
    return Fail(
        Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                   "assumed by role chaining."));
  }

  // Issue.
  auto cred = std::make_shared<IssuedCredential>();
  for (int attempt = 0; attempt < 8 && cred->access_key_id.empty(); ++attempt) {
    std::string id = "ASIA" + RandomBase32(16);
    if (id.size() != 20) break;
    if (ctx.world.FindAccessKey(id).first || ctx.world.FindServiceKey(id) ||
        ctx.world.FindSessionKey(id) || ctx.store->Find(id)) {
      continue;
    }
    cred->access_key_id = id;
  }
  cred->secret_access_key = RandomBase64(30);  // 40 characters
  cred->session_token = RandomBase64(144);     // 192 characters
  if (cred->access_key_id.empty() || cred->secret_access_key.size() != 40 ||
      cred->session_token.empty()) {
    return Fail(AwsError{500, "InternalFailure", "could not draw random credentials"});
  }
  const int64_t now_s =
      ctx.now_micros / kMicrosPerSecond - (ctx.now_micros % kMicrosPerSecond < 0 ? 1 : 0);
  cred->issued_micros = now_s * kMicrosPerSecond;
  cred->expiration_micros = (now_s + seconds) * kMicrosPerSecond;
  cred->role_arn = role->arn;
  cred->role_name = role->name;
  cred->account = role->account;
  cred->partition = role->partition;
  cred->role_id = StableId("AROA", role->arn);
  cred->session_name = *session;
  cred->session_arn = "arn:" + role->partition + ":sts::" + role->account + ":assumed-role/" +
                      role->name + "/" + *session;
  cred->source_identity = effective_source_identity;
  cred->tags = effective_tags;
  cred->transitive_tag_keys = effective_transitive;

  XmlWriter x;
  x.OpenRoot("AssumeRoleResponse", kStsNamespace);
  x.Open("AssumeRoleResult");
  x.Open("AssumedRoleUser");
  x.Leaf("AssumedRoleId", cred->role_id + ":" + cred->session_name);
  x.Leaf("Arn", cred->session_arn);
  x.Close("AssumedRoleUser");
  x.Open("Credentials");
  x.Leaf("AccessKeyId", cred->access_key_id);
  x.Leaf("SecretAccessKey", cred->secret_access_key);
  x.Leaf("SessionToken", cred->session_token);
  x.Leaf("Expiration", FormatIsoUtc(cred->expiration_micros));
  x.Close("Credentials");
  if (!effective_tags.empty()) {
    // STS reports how full the packed session-policy-and-tags blob is, in percent, with an
    // unpublished packing. redtrust's approximation: the tags' characters over 2,048.
    size_t chars = 0;
    for (const auto& [k, val] : effective_tags) chars += k.size() + val.size();
    x.Leaf("PackedPolicySize", std::to_string((chars * 100 + 2047) / 2048));
  }
  if (effective_source_identity) x.Leaf("SourceIdentity", *effective_source_identity);
  x.Close("AssumeRoleResult");
  x.Open("ResponseMetadata");
  x.Leaf("RequestId", ctx.request_id);
  x.Close("ResponseMetadata");
  x.Close("AssumeRoleResponse");

  ctx.store->Add(std::move(cred), ctx.now_micros);
  ActionResult r;
  r.ok = true;
  r.body = x.Take();
  r.decision = "allowed";
  r.allowed = 1;
  r.headers.emplace_back("X-Redtrust-Decision", "allowed");
  r.headers.emplace_back("X-Redtrust-Reason", HeaderSafe(d.reason));
  if (!matched.empty()) r.headers.emplace_back("X-Redtrust-Matched", HeaderSafe(matched));
  return r;
}

}  // namespace redtrust::server::aws
