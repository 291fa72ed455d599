// IAM SimulateCustomPolicy and SimulatePrincipalPolicy (API version 2010-05-08): every action
// against every resource through the engine's Authorize, answered as AWS's
// SimulatePolicyResponse (EvaluationResults with MatchedStatements positions,
// MissingContextValues, PermissionsBoundaryDecisionDetail, EvalDecisionDetails,
// ResourceSpecificResults). Extension beyond AWS (docs/aws-api.md): ResourcePolicy may be a role
// trust policy and CallerArn any principal, including a service principal such as
// redshift.eu-west-1.amazonaws.com.
#include <algorithm>
#include <charconv>
#include <map>

#include "engine/base/json.h"
#include "engine/condition/values.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/policy/validate.h"
#include "tools/redtrustd/aws/actions.h"
#include "tools/redtrustd/aws/xml.h"

namespace redtrust::server::aws {

namespace {

// A policy in the simulation and how AWS names it in MatchedStatements.
struct InputPolicy {
  std::string id;    // SourcePolicyId: "PolicyInputList.1", "ResourcePolicy", a world policy
  std::string type;  // SourcePolicyType: "IAM Policy", "Resource Policy", "user", "role", ...
  std::string text;  // the document, when the request carried it ("" for world policies)
  std::shared_ptr<const CompiledPolicy> owned;
  const CompiledPolicy* compiled = nullptr;
};

AwsError InvalidInput(std::string m) { return AwsError{400, "InvalidInput", std::move(m)}; }

AwsError NullParameter(const char* field) {
  return AwsError{400, "ValidationError",
                  std::string("1 validation error detected: Value null at '") + field +
                      "' failed to satisfy constraint: Member must not be null"};
}

ActionResult Fail(AwsError e) {
  ActionResult r;
  r.error = std::move(e);
  r.decision = "error";
  r.errors = 1;
  return r;
}

// Reads, validates and compiles a policy given as text. `kind` nullopt: a resource policy
// whose kind follows from its statements, a role trust policy when none has Resource or
// NotResource (the extension), else a resource-based policy.
std::optional<AwsError> CompileText(std::string id, std::string type, std::string text,
                                    std::optional<PolicyKind> kind, InputPolicy* out,
                                    bool* is_trust = nullptr) {
  PolicyDocument doc;
  Diagnostics diags;
  if (ReadPolicy(text, JsonOptions(), &doc, &diags)) {
    if (!kind) {
      bool any_resource = false;
      for (const Statement& st : doc.statements) any_resource = any_resource || st.resource.present;
      kind = any_resource ? PolicyKind::kResource : PolicyKind::kTrust;
    }
    ValidateOptions vo;
    vo.max_policy_chars = 0;  // the API's own limit (131,072 characters) is the body limit's
    ValidatePolicy(doc, *kind, vo, &diags);
  }
  SortDiagnostics(diags);
  for (const Diagnostic& d : diags) {
    if (d.severity != Severity::kError) continue;
    std::string where = id;
    if (d.pos.known())
      where += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column);
    return InvalidInput(where + ": " + d.message);
  }
  auto compiled = CompiledPolicy::Compile(doc, *kind, id);
  if (!compiled.ok()) return InvalidInput(id + ": " + compiled.status().message());
  if (is_trust) *is_trust = *kind == PolicyKind::kTrust;
  out->id = std::move(id);
  out->type = std::move(type);
  out->text = std::move(text);
  out->owned = std::move(*compiled);
  out->compiled = out->owned.get();
  return std::nullopt;
}

// The position just after the statement object that starts at `offset` (its '{'), 1-based;
// unknown when the text does not hold a complete object there.
std::optional<SourcePos> StatementEnd(std::string_view text, uint64_t offset) {
  if (offset >= text.size() || text[offset] != '{') return std::nullopt;
  int depth = 0;
  bool in_string = false;
  for (size_t i = offset; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return PositionOfOffset(text, i + 1);
    }
  }
  return std::nullopt;
}

// Standard base64 (RFC 4648 section 4) with padding: the text BinaryEquals compares (C10).
bool IsBase64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  size_t padding = 0;
  for (char c : s) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return false;  // data after padding
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '+' && c != '/') return false;
  }
  return padding <= 2;
}

// One ContextEntries member's ContextKeyType and ContextKeyValues (IAM API reference,
// ContextEntry). Every value must be of its type, as the engine's condition operators read it
// (C7-C11), and a single-valued type takes exactly one value: a value the type cannot hold is
// InvalidInput (the SimulateCustomPolicy / SimulatePrincipalPolicy error for "an invalid or
// out-of-range value ... for an input parameter"), never a silent non-match that decides
// implicitDeny. No ContextKeyType: `string`. *multivalued: a `*List` type.
std::optional<AwsError> CheckContextValues(const std::string& name,
                                           const std::optional<std::string>& type,
                                           const std::vector<std::string>& values,
                                           bool* multivalued) {
  struct TypeRule {
    std::string_view name;
    bool (*valid)(std::string_view);
    const char* expected;
  };
  static constexpr TypeRule kRules[] = {
      {"string", [](std::string_view) { return true; }, ""},
      {"numeric", [](std::string_view v) { return ParseNumeric(v).has_value(); },
       "a number such as 10 or 2.5"},
      {"boolean", [](std::string_view v) { return ParseBool(v).has_value(); }, "true or false"},
      {"ip", [](std::string_view v) { return ParseIpAddress(v).has_value(); },
       "an IPv4 or IPv6 address such as 203.0.113.7 or 2001:db8::1"},
      {"binary", [](std::string_view v) { return IsBase64(v); },
       "base64 text such as QmluYXJ5"},
      {"date", [](std::string_view v) { return ParseDate(v).has_value(); },
       "an ISO 8601 date such as 2026-01-31T12:00:00Z, or epoch seconds"},
  };
  std::string_view t = type ? std::string_view(*type) : std::string_view("string");
  *multivalued = t.size() > 4 && t.substr(t.size() - 4) == "List";
  const std::string_view base = *multivalued ? t.substr(0, t.size() - 4) : t;
  const TypeRule* rule = nullptr;
  for (const TypeRule& r : kRules) {
    if (r.name == base) rule = &r;
  }
  if (!rule) {
    return InvalidInput("Invalid ContextKeyType `" + std::string(t) + "` for context key " + name +
                        ": expected one of string, stringList, numeric, numericList, boolean, "
                        "booleanList, ip, ipList, binary, binaryList, date, dateList");
  }
  if (!*multivalued && values.size() != 1) {
    return InvalidInput("Context key " + name + " of ContextKeyType " + std::string(t) +
                        " takes exactly one value in ContextKeyValues, not " +
                        std::to_string(values.size()) + " (use " + std::string(t) +
                        "List for several)");
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!rule->valid(values[i])) {
      return InvalidInput("Invalid value `" + values[i] + "` (ContextKeyValues member " +
                          std::to_string(i + 1) + ") for context key " + name +
                          " of ContextKeyType " + std::string(t) + ": expected " +
                          rule->expected);
    }
  }
  return std::nullopt;
}

std::optional<Caller> ParseCallerArn(std::string_view s, std::string* why) {
  StatusOr<Caller> c = (s.substr(0, 4) == "arn:" || IsAccountId(s)) ? ParseAwsCaller(s, "aws")
                                                                    : ParseServiceCaller(s);
  if (!c.ok()) {
    *why = c.status().message();
    return std::nullopt;
  }
  return std::move(*c);
}

std::string AccountOfRootArn(std::string_view owner) {
  if (IsAccountId(owner)) return std::string(owner);
  if (auto parts = SplitArn(owner)) return std::string(parts->account);
  return "";
}

// Everything one simulation needs, shared by both actions.
struct Simulation {
  std::vector<InputPolicy> identity;
  std::optional<InputPolicy> resource;
  std::optional<InputPolicy> boundary;
  Caller caller;
  bool have_caller = false;
  std::string owner_account;  // ResourceOwner
  std::vector<std::string> actions;
  std::vector<std::string> resources;
  Context context;
};

const char* SummaryEffect(const PolicyResult& r) {
  if (!r.denies.empty()) return "explicitDeny";
  if (!r.allows.empty()) return "allowed";
  return "implicitDeny";
}

// E1 over identity policies only: any applicable Deny, else any applicable Allow.
Decision IdentityOnly(const Request& req, const std::vector<const CompiledPolicy*>& policies) {
  Decision d;
  std::vector<StatementRef> allows, denies;
  for (const CompiledPolicy* p : policies) {
    PolicyResult pr = EvaluatePolicy(*p, req, EvalOptions(), &d.missing_context_keys);
    allows.insert(allows.end(), pr.allows.begin(), pr.allows.end());
    denies.insert(denies.end(), pr.denies.begin(), pr.denies.end());
    d.policies.push_back(std::move(pr));
  }
  if (!denies.empty()) {
    d.effect = Effect::kExplicitDeny;
    d.matched = std::move(denies);
  } else if (!allows.empty()) {
    d.effect = Effect::kAllowed;
    d.matched = std::move(allows);
  }
  return d;
}

struct OneResult {
  std::string action;
  std::string resource;
  Effect effect = Effect::kImplicitDeny;
  std::vector<StatementRef> matched;
  std::vector<std::string> missing;
  std::optional<bool> allowed_by_boundary;
  bool specific_resource = false;
  // EvalDecisionDetails: present for a specific resource; entries for cross-account ones.
  std::vector<std::pair<std::string, std::string>> details;
};

OneResult Evaluate(const Simulation& sim, const std::string& action, const std::string& resource,
                   int64_t now_micros) {
  Request req;
  req.caller = sim.caller;
  req.action = action;
  req.resource = resource;
  std::optional<ArnParts> parts = SplitArn(resource);
  req.resource_account = !sim.owner_account.empty()           ? sim.owner_account
                         : (parts && !parts->account.empty()) ? std::string(parts->account)
                                                              : sim.caller.account;
  req.resource_partition = parts ? std::string(parts->partition)
                                 : (sim.caller.partition.empty() ? "aws" : sim.caller.partition);
  req.context = sim.context;
  req.now_micros = now_micros;
  std::vector<const CompiledPolicy*> identity;
  for (const InputPolicy& p : sim.identity) identity.push_back(p.compiled);
  Decision d;
  if (sim.resource) {
    d = Authorize(req, sim.resource->compiled, identity);
  } else {
    // Without a resource policy the simulator answers from the given policies alone, as AWS's
    // does: sts:AssumeRole allowed by an identity policy is "allowed" here, although a real
    // call also needs the role's trust policy (rule E4; give it as ResourcePolicy).
    d = IdentityOnly(req, sim.caller.is_iam() ? identity : std::vector<const CompiledPolicy*>());
  }

  OneResult r;
  r.action = action;
  r.resource = resource;
  r.effect = d.effect;
  r.matched = d.matched;
  r.missing = d.missing_context_keys;
  // A permissions boundary caps what identity policies grant; it never grants (IAM User
  // Guide, access_policies_boundaries). A resource-based policy naming an IAM user directly is
  // not capped in the same account.
  if (sim.boundary && sim.caller.is_iam()) {
    Decision b = IdentityOnly(req, {sim.boundary->compiled});
    r.allowed_by_boundary = b.effect == Effect::kAllowed;
    for (const std::string& k : b.missing_context_keys) {
      if (std::find(r.missing.begin(), r.missing.end(), k) == r.missing.end())
        r.missing.push_back(k);
    }
    if (b.effect == Effect::kExplicitDeny) {
      if (r.effect != Effect::kExplicitDeny) r.matched.clear();
      r.effect = Effect::kExplicitDeny;
      r.matched.insert(r.matched.end(), b.matched.begin(), b.matched.end());
    } else if (r.effect == Effect::kAllowed && !*r.allowed_by_boundary) {
      const bool direct_resource_allow =
          sim.resource && !d.policies.empty() && !d.policies[0].allows.empty() &&
          d.policies[0].best_allow_principal == PrincipalMatch::kDirect &&
          sim.caller.kind == Caller::Kind::kUser;
      if (!direct_resource_allow) {
        r.effect = Effect::kImplicitDeny;
        r.matched.clear();
      }
    }
  }
  r.specific_resource = resource != "*";
  if (r.specific_resource && sim.resource && !sim.caller.account.empty() &&
      !req.resource_account.empty() && sim.caller.account != req.resource_account) {
    // Cross-account: how each side decided (IAM API reference, EvaluationResult).
    size_t first_identity = 1;
    r.details.emplace_back("Resource Policy", SummaryEffect(d.policies[0]));
    if (sim.caller.is_iam()) {
      PolicyResult merged;
      for (size_t i = first_identity; i < d.policies.size(); ++i) {
        merged.allows.insert(merged.allows.end(), d.policies[i].allows.begin(),
                             d.policies[i].allows.end());
        merged.denies.insert(merged.denies.end(), d.policies[i].denies.begin(),
                             d.policies[i].denies.end());
      }
      r.details.emplace(r.details.begin(), "IAM Policy", SummaryEffect(merged));
    }
  }
  return r;
}

void WriteStatements(XmlWriter& x, const std::vector<StatementRef>& refs,
                     const std::map<std::string, const InputPolicy*>& by_id) {
  if (refs.empty()) {
    x.Empty("MatchedStatements");
    return;
  }
  x.Open("MatchedStatements");
  for (const StatementRef& ref : refs) {
    auto it = by_id.find(ref.policy);
    x.Open("member");
    x.Leaf("SourcePolicyId", it != by_id.end() ? it->second->id : ref.policy);
    if (it != by_id.end()) x.Leaf("SourcePolicyType", it->second->type);
    if (ref.pos.known()) {
      // AWS's published output puts the start of a statement written as the single object
      // "Statement": {...} one column after its '{' (AWS CLI reference, simulate-custom-policy,
      // example 1: column 38 for a '{' at 37); statements of an array start at their '{'.
      const bool single_object = ref.path == "/Statement";
      x.Open("StartPosition");
      x.Leaf("Line", std::to_string(ref.pos.line));
      x.Leaf("Column", std::to_string(ref.pos.column + (single_object ? 1 : 0)));
      x.Close("StartPosition");
      std::optional<SourcePos> end;
      if (it != by_id.end() && !it->second->text.empty())
        end = StatementEnd(it->second->text, ref.pos.offset);
      if (end) {
        x.Open("EndPosition");
        x.Leaf("Line", std::to_string(end->line));
        x.Leaf("Column", std::to_string(end->column));
        x.Close("EndPosition");
      }
    }
    x.Close("member");
  }
  x.Close("MatchedStatements");
}

void WriteList(XmlWriter& x, std::string_view tag, const std::vector<std::string>& items) {
  if (items.empty()) {
    x.Empty(tag);
    return;
  }
  x.Open(tag);
  for (const std::string& s : items) x.Leaf("member", s);
  x.Close(tag);
}

void WriteDetails(XmlWriter& x, const OneResult& r) {
  if (!r.specific_resource) return;
  if (r.details.empty()) {
    x.Empty("EvalDecisionDetails");
    return;
  }
  x.Open("EvalDecisionDetails");
  for (const auto& [k, v] : r.details) {
    x.Open("entry");
    x.Leaf("key", k);
    x.Leaf("value", v);
    x.Close("entry");
  }
  x.Close("EvalDecisionDetails");
}

void WriteBoundary(XmlWriter& x, const OneResult& r) {
  if (!r.allowed_by_boundary) return;
  x.Open("PermissionsBoundaryDecisionDetail");
  x.Leaf("AllowedByPermissionsBoundary", *r.allowed_by_boundary ? "true" : "false");
  x.Close("PermissionsBoundaryDecisionDetail");
}

// Reads the parameters both actions share: ActionNames, ResourceArns, ResourcePolicy,
// ResourceOwner, CallerArn (when given), ContextEntries, ResourceHandlingOption,
// PermissionsBoundaryPolicyInputList.
std::optional<AwsError> ReadCommon(const QueryParams& q, Simulation* sim) {
  if (!q.Has("ActionNames") && !q.HasPrefix("ActionNames.member."))
    return NullParameter("actionNames");
  sim->actions = q.List("ActionNames");
  for (const std::string& a : sim->actions) {
    size_t colon = a.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == a.size() ||
        a.find(':', colon + 1) != std::string::npos) {
      return InvalidInput("Invalid action name `" + a +
                          "`: expected service:Action, e.g. iam:CreateUser");
    }
    if (a.find_first_of("*?") != std::string::npos) {
      return InvalidInput("Invalid action name `" + a +
                          "`: wildcards are not supported in ActionNames");
    }
  }
  sim->resources = q.List("ResourceArns");
  if (sim->resources.empty()) sim->resources = {"*"};
  if (std::optional<std::string> owner = q.Get("ResourceOwner")) {
    sim->owner_account = AccountOfRootArn(*owner);
    if (!IsAccountId(sim->owner_account)) {
      return InvalidInput("Invalid ResourceOwner `" + *owner +
                          "`: expected arn:aws:iam::ACCOUNT-ID:root");
    }
  }
  if (std::optional<std::string> caller = q.Get("CallerArn")) {
    std::string why;
    std::optional<Caller> c = ParseCallerArn(*caller, &why);
    if (!c) return InvalidInput("Invalid CallerArn `" + *caller + "`: " + why);
    sim->caller = std::move(*c);
    sim->have_caller = true;
  }
  if (std::optional<std::string> rp = q.Get("ResourcePolicy")) {
    InputPolicy p;
    bool trust = false;
    if (auto e = CompileText("ResourcePolicy", "Resource Policy", *rp, std::nullopt, &p, &trust))
      return e;
    sim->resource = std::move(p);
  }
  std::vector<std::string> boundaries = q.List("PermissionsBoundaryPolicyInputList");
  if (boundaries.size() > 1) {
    return InvalidInput("Only one permissions boundary policy can be simulated");
  }
  if (!boundaries.empty()) {
    InputPolicy p;
    if (auto e = CompileText("PermissionsBoundaryPolicyInputList.1", "IAM Policy", boundaries[0],
                             PolicyKind::kIdentity, &p)) {
      return e;
    }
    sim->boundary = std::move(p);
  }
  for (const auto& entry : q.Structs("ContextEntries")) {
    auto name = entry.find("ContextKeyName");
    if (name == entry.end() || name->second.empty()) {
      return InvalidInput("Every ContextEntries member needs a ContextKeyName");
    }
    auto type = entry.find("ContextKeyType");
    std::vector<std::string> values = StructList(entry, "ContextKeyValues");
    bool multivalued = false;
    if (auto e = CheckContextValues(name->second,
                                    type == entry.end() ? std::nullopt
                                                        : std::optional<std::string>(type->second),
                                    values, &multivalued)) {
      return e;
    }
    sim->context.Set(name->second, std::move(values), multivalued);
  }
  if (std::optional<std::string> rho = q.Get("ResourceHandlingOption")) {
    static constexpr std::string_view kOptions[] = {"EC2-VPC-InstanceStore",
                                                    "EC2-VPC-InstanceStore-Subnet", "EC2-VPC-EBS",
                                                    "EC2-VPC-EBS-Subnet"};
    if (std::find(std::begin(kOptions), std::end(kOptions), *rho) == std::end(kOptions)) {
      return InvalidInput("Invalid ResourceHandlingOption `" + *rho + "`");
    }
  }
  return std::nullopt;
}

ActionResult Run(const ActionContext& ctx, Simulation& sim, std::string_view action_name) {
  if (sim.resource && !sim.have_caller) {
    return Fail(
        InvalidInput("CallerArn is required when the simulation includes a ResourcePolicy"));
  }
  // Pagination: MaxItems (1-1000, default 100) and our own Marker ("redtrust-N").
  size_t max_items = 100;
  if (std::optional<std::string> m = ctx.params.Get("MaxItems")) {
    long long n = 0;
    auto [end, ec] = std::from_chars(m->data(), m->data() + m->size(), n);
    if (ec != std::errc() || end != m->data() + m->size() || n < 1 || n > 1000) {
      return Fail(
          AwsError{400, "ValidationError",
                   "1 validation error detected: Value '" + *m +
                       "' at 'maxItems' failed to satisfy constraint: Member must have value "
                       "between 1 and 1000"});
    }
    max_items = static_cast<size_t>(n);
  }
  size_t start = 0;
  if (std::optional<std::string> marker = ctx.params.Get("Marker")) {
    size_t n = 0;
    const std::string_view prefix = "redtrust-";
    auto [end, ec] =
        marker->size() > prefix.size() && marker->compare(0, prefix.size(), prefix) == 0
            ? std::from_chars(marker->data() + prefix.size(), marker->data() + marker->size(), n)
            : std::from_chars_result{marker->data(), std::errc::invalid_argument};
    if (ec != std::errc() || end != marker->data() + marker->size()) {
      return Fail(InvalidInput("Invalid Marker `" + *marker + "`"));
    }
    start = n;
  }
  std::map<std::string, const InputPolicy*> by_id;
  for (const InputPolicy& p : sim.identity) by_id.emplace(p.compiled->id(), &p);
  if (sim.resource) by_id.emplace(sim.resource->compiled->id(), &*sim.resource);
  if (sim.boundary) by_id.emplace(sim.boundary->compiled->id(), &*sim.boundary);

  const size_t total = sim.actions.size() * sim.resources.size();
  const size_t end = std::min(total, start + max_items);
  ActionResult r;
  XmlWriter x;
  const std::string response = std::string(action_name) + "Response";
  const std::string result = std::string(action_name) + "Result";
  x.OpenRoot(response, kIamNamespace);
  x.Open(result);
  if (start >= end) {
    x.Empty("EvaluationResults");
  } else {
    x.Open("EvaluationResults");
  }
  for (size_t i = start; i < end; ++i) {
    const std::string& action = sim.actions[i / sim.resources.size()];
    const std::string& resource = sim.resources[i % sim.resources.size()];
    OneResult one = Evaluate(sim, action, resource, ctx.now_micros);
    const char* effect = EffectName(one.effect);
    r.decision = one.effect == Effect::kAllowed ? "allowed" : "denied";
    (one.effect == Effect::kAllowed ? r.allowed : r.denied) += 1;
    x.Open("member");
    x.Leaf("EvalActionName", action);
    x.Leaf("EvalResourceName", resource);
    x.Leaf("EvalDecision", effect);
    WriteStatements(x, one.matched, by_id);
    // With specific resources, missing context values are reported per resource (IAM API
    // reference, EvaluationResult.MissingContextValues).
    WriteList(x, "MissingContextValues",
              one.specific_resource ? std::vector<std::string>() : one.missing);
    WriteDetails(x, one);
    WriteBoundary(x, one);
    if (one.specific_resource) {
      x.Open("ResourceSpecificResults");
      x.Open("member");
      x.Leaf("EvalResourceName", resource);
      x.Leaf("EvalResourceDecision", effect);
      WriteStatements(x, one.matched, by_id);
      WriteList(x, "MissingContextValues", one.missing);
      WriteDetails(x, one);
      WriteBoundary(x, one);
      x.Close("member");
      x.Close("ResourceSpecificResults");
    }
    x.Close("member");
  }
  if (start < end) x.Close("EvaluationResults");
  const bool truncated = end < total;
  x.Leaf("IsTruncated", truncated ? "true" : "false");
  if (truncated) x.Leaf("Marker", "redtrust-" + std::to_string(end));
  x.Close(result);
  x.Open("ResponseMetadata");
  x.Leaf("RequestId", ctx.request_id);
  x.Close("ResponseMetadata");
  x.Close(response);
  r.ok = true;
  r.body = x.Take();
  if (r.decision.empty()) r.decision = "";
  return r;
}

}  // namespace

ActionResult SimulateCustomPolicy(const ActionContext& ctx) {
  const QueryParams& q = ctx.params;
  if (!q.Has("PolicyInputList") && !q.HasPrefix("PolicyInputList.member.")) {
    return Fail(NullParameter("policyInputList"));
  }
  Simulation sim;
  std::vector<std::string> texts = q.List("PolicyInputList");
  for (size_t i = 0; i < texts.size(); ++i) {
    InputPolicy p;
    if (auto e = CompileText("PolicyInputList." + std::to_string(i + 1), "IAM Policy", texts[i],
                             PolicyKind::kIdentity, &p)) {
      return Fail(std::move(*e));
    }
    sim.identity.push_back(std::move(p));
  }
  if (auto e = ReadCommon(q, &sim)) return Fail(std::move(*e));
  if (!sim.have_caller) {
    // No caller: the identity policies alone decide; principal keys are unknown.
    sim.caller.kind = Caller::Kind::kUser;
  }
  return Run(ctx, sim, "SimulateCustomPolicy");
}

ActionResult SimulatePrincipalPolicy(const ActionContext& ctx) {
  const QueryParams& q = ctx.params;
  std::optional<std::string> source = q.Get("PolicySourceArn");
  if (!source) return Fail(NullParameter("policySourceArn"));
  Simulation sim;
  auto add_world = [&](const std::vector<sim::PolicyRef>& refs, const char* entity) {
    for (const sim::PolicyRef& ref : refs) {
      InputPolicy p;
      p.id = ref.compiled->id();
      p.type = ref.written.rfind("aws-managed:", 0) == 0 || ref.written.rfind("arn:", 0) == 0
                   ? "aws-managed"
                   : entity;
      p.compiled = ref.compiled.get();
      sim.identity.push_back(std::move(p));
    }
  };
  std::optional<ArnParts> parts = SplitArn(*source);
  const std::string_view resource = parts ? parts->resource : std::string_view();
  std::string name(
      resource.substr(resource.rfind('/') == std::string_view::npos ? 0 : resource.rfind('/') + 1));
  if (const sim::IamUser* user = ctx.world.FindUser(*source)) {
    add_world(user->policies, "user");
    StatusOr<Caller> c = ParseAwsCaller(user->arn, user->partition);
    if (c.ok()) {
      sim.caller = std::move(*c);
      sim.have_caller = true;
    }
  } else if (const sim::Role* role = ctx.world.FindRole(*source)) {
    add_world(role->permission_policies, "role");
    StatusOr<Caller> c = ParseAwsCaller(role->arn, role->partition);
    if (c.ok()) {
      sim.caller = std::move(*c);
      sim.caller.role_arn = role->arn;
    }
  } else {
    // IAM's NoSuchEntity wording (GetUser / GetRole / GetGroup).
    std::string kind = resource.substr(0, 5) == "role/"    ? "role"
                       : resource.substr(0, 6) == "group/" ? "group"
                                                           : "user";
    return Fail(
        AwsError{404, "NoSuchEntity", "The " + kind + " with name " + name + " cannot be found."});
  }
  std::vector<std::string> texts = q.List("PolicyInputList");
  for (size_t i = 0; i < texts.size(); ++i) {
    InputPolicy p;
    if (auto e = CompileText("PolicyInputList." + std::to_string(i + 1), "IAM Policy", texts[i],
                             PolicyKind::kIdentity, &p)) {
      return Fail(std::move(*e));
    }
    sim.identity.push_back(std::move(p));
  }
  const bool default_caller = !q.Has("CallerArn");
  const Caller source_caller = sim.caller;
  if (auto e = ReadCommon(q, &sim)) return Fail(std::move(*e));
  if (default_caller) {
    sim.caller = source_caller;
    // A role as the source: "some session of the role" is the caller (extension; AWS asks
    // for a CallerArn when there is a resource policy).
    sim.have_caller = true;
  }
  return Run(ctx, sim, "SimulatePrincipalPolicy");
}

}  // namespace redtrust::server::aws
