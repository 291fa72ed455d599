#include "tools/questions/can.h"

#include <map>
#include <nlohmann/json.hpp>

#include "engine/eval/evaluator.h"
#include "engine/eval/explain.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/sts/assume_role.h"
#include "tools/questions/lint.h"

namespace redtrust::tools {

namespace {

// Cluster identifiers (rule R3): 1-63 lowercase letters, digits or hyphens, starting with
// a letter, not ending with a hyphen, no two consecutive hyphens.
bool IsClusterIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 63 || !(s[0] >= 'a' && s[0] <= 'z') || s.back() == '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && i > 0 && s[i - 1] == '-')) return false;
  }
  return true;
}

}  // namespace

std::string FieldName(std::string_view field, FieldStyle style) {
  if (style == FieldStyle::kJsonField) return "`" + std::string(field) + "`";
  std::string flag = "--" + std::string(field);
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

StatusOr<Request> RedshiftAssumeRoleRequest(std::string_view region, std::string_view account,
                                            std::string_view cluster, std::string_view user,
                                            const std::string& role_arn, int64_t now_micros) {
  Request req;
  auto caller = ParseServiceCaller("redshift." + std::string(region) + ".amazonaws.com");
  if (!caller.ok()) return caller.status();
  req.caller = std::move(*caller);
  req.action = "sts:AssumeRole";
  req.resource = role_arn;
  if (auto parts = SplitArn(role_arn)) {
    req.resource_partition = std::string(parts->partition);
    req.resource_account = std::string(parts->account);
  }
  req.now_micros = now_micros;
  req.context.Set("sts:ExternalId", {RedshiftDbUserArn(region, account, cluster, user)}, false);
  return req;
}

StatusOr<std::string> ResolveWorldRole(const sim::World& world, const sim::Cluster& cluster,
                                       const std::string& role) {
  if (role.rfind("arn:", 0) == 0) return role;
  std::vector<const sim::Role*> found;
  for (const sim::Role* r : world.FindRolesByName(role)) {
    if (r->account == cluster.account) found.push_back(r);
  }
  if (found.empty()) found = world.FindRolesByName(role);
  if (found.size() != 1) {
    return Status::InvalidArgument(
        "role `" + SanitizeForMessage(role) + "`: " +
        (found.empty() ? std::string("no role of that name in the world")
                       : "several roles have that name; give the ARN"));
  }
  return found.front()->arn;
}

StatusOr<std::string> CheckCanTrustQuestion(const CanTrustQuestion& q, FieldStyle style) {
  auto name = [style](std::string_view field) { return FieldName(field, style); };
  auto q_ = [](std::string_view text) { return "`" + SanitizeForMessage(text) + "`"; };
  const RegionStatus region_status = ClassifyRegion(q.region);
  if (const char* why = RegionProblem(region_status, q.allow_unknown_region)) {
    std::string message = name("region") + " " + q_(q.region) + " " + why;
    if (region_status == RegionStatus::kUnknown && style == FieldStyle::kFlag) {
      message += "; if AWS opened it after this release, pass --allow-unknown-region";
    }
    return Status::InvalidArgument(message);
  }
  const std::string partition = PartitionOfRegion(q.region).value_or("aws");
  if (!IsAccountId(q.account)) {
    return Status::InvalidArgument(name("account") + " " + q_(q.account) +
                                   " is not a 12-digit AWS account id");
  }
  if (!IsClusterIdentifier(q.cluster)) {
    return Status::InvalidArgument(
        name("cluster") + " " + q_(q.cluster) +
        " is not a cluster identifier: 1-63 lowercase letters, digits or hyphens, "
        "starting with a letter, no trailing or double hyphen");
  }
  if (q.user.empty() || q.user.size() > 127) {
    return Status::InvalidArgument(name("user") +
                                   " must be 1-127 bytes (the stored Redshift user name)");
  }
  if (!q.role_arn) return "arn:" + partition + ":iam::" + q.account + ":role/RedshiftRole";
  const std::string& role_arn = *q.role_arn;
  // The world loader's validator: name 1-64 of [A-Za-z0-9+=,.@_-], a valid path (IAM quotas).
  std::string why;
  std::optional<IamArn> parsed = ParseIamArn(role_arn, "role", &why);
  if (!parsed) {
    return Status::InvalidArgument(name("role_arn") + " " + q_(role_arn) +
                                   " is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME): " +
                                   why);
  }
  auto parts = SplitArn(role_arn);
  // Partitions never cross (rule M11, R6): a cluster in REGION can only use roles of its
  // own partition.
  if (parts->partition != partition) {
    return Status::InvalidArgument(name("role_arn") + " " + q_(role_arn) + " is in partition `" +
                                   std::string(parts->partition) + "`, but a cluster in " +
                                   q.region + " is in partition `" + partition +
                                   "`: partitions never cross");
  }
  return role_arn;
}

CompiledTrustPolicy CompileTrustPolicy(std::string_view text, const std::string& name,
                                       size_t max_policy_chars) {
  CompiledTrustPolicy out;
  ValidateOptions vo;
  vo.max_policy_chars = max_policy_chars;
  ParsedPolicy parsed = ParsePolicy(text, PolicyKind::kTrust, vo);
  out.diagnostics = std::move(parsed.diagnostics);
  for (const Diagnostic& d : out.diagnostics) {
    if (d.severity == Severity::kError) {
      out.status = Status::InvalidArgument(FormatDiagnostic(name, d));
      out.code = d.code;
      return out;
    }
  }
  auto compiled = CompiledPolicy::Compile(parsed.doc, PolicyKind::kTrust, name);
  if (!compiled.ok()) {
    out.status = Status::InvalidArgument(name + ": " + compiled.status().message());
    out.code = "policy.compile";
    return out;
  }
  out.policy = std::move(*compiled);
  return out;
}

StatusOr<CanTrustAnswer> AnswerCanTrust(const CanTrustQuestion& q, const std::string& role_arn,
                                        const CompiledPolicy& trust) {
  auto built = RedshiftAssumeRoleRequest(q.region, q.account, q.cluster, q.user, role_arn,
                                         q.now_micros);
  if (!built.ok()) return built.status();
  Request req = std::move(*built);
  std::map<std::string, std::vector<std::string>> extra;
  for (const auto& [k, v] : q.context) extra[k].push_back(v);
  for (auto& [k, v] : extra) {
    bool multi = v.size() > 1;  // a key given twice is multivalued
    req.context.Set(k, std::move(v), multi);
  }
  CanTrustAnswer a;
  a.role_arn = role_arn;
  a.external_id = RedshiftDbUserArn(q.region, q.account, q.cluster, q.user);
  const ContextEntry* ext = req.context.Find("sts:externalid");
  if (ext && !ext->values.empty()) a.external_id = ext->values.front();
  AssumeRoleParams params;
  params.role_arn = role_arn;
  if (ext && !ext->values.empty()) params.external_id = ext->values.front();
  auto violations = CheckAssumeRoleParams(params);
  if (!violations.empty()) {
    // STS rejects the call before any policy (rule S3); the ExternalId comes from the
    // user name, so a name with spaces or `$` cannot be used (rule R5, OPEN-3).
    return Status::InvalidArgument("STS would reject the call: ValidationError: " +
                                   ValidationErrorMessage(violations));
  }
  EvalOptions eo;
  eo.trace = true;
  a.decision = Authorize(req, &trust, {}, eo);
  a.allowed = a.decision.effect == Effect::kAllowed;
  a.explanation = ExplainDecision(a.decision);
  a.caller_names = req.caller.service_names;
  a.redshift_error = "ERROR:  User " + RedshiftDbUserArn(q.region, q.account, q.cluster, q.user) +
                     " is not authorized to assume IAM Role " + role_arn;
  return a;
}

std::string CanTrustJson(const CanTrustAnswer& a) {
  nlohmann::json j;
  j["decision"] = EffectName(a.decision.effect);
  j["allowed"] = a.allowed;
  j["caller"] = a.caller_names.front();
  j["external_id"] = a.external_id;
  j["role_arn"] = a.role_arn;
  j["matched_statements"] = nlohmann::json::array();
  for (const StatementRef& r : a.decision.matched) {
    j["matched_statements"].push_back({{"policy", r.policy},
                                       {"index", r.index},
                                       {"sid", r.sid.empty() ? nlohmann::json() : nlohmann::json(r.sid)},
                                       {"line", r.pos.line},
                                       {"column", r.pos.column}});
  }
  j["explanation"] = a.explanation;
  j["missing_context_keys"] = a.decision.missing_context_keys;
  j["errors"] = nlohmann::json::array();
  if (!a.allowed) j["redshift_error"] = a.redshift_error;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<CanFor> ParseCanFor(std::string_view s) {
  if (s == "copy") return CanFor::kCopy;
  if (s == "unload") return CanFor::kUnload;
  if (s == "all") return CanFor::kAll;
  return std::nullopt;
}

StatusOr<CanWorldAnswer> AnswerCanWorld(const sim::World& world, const std::string& user,
                                        const std::string& cluster, const std::string& role,
                                        CanFor for_command, int64_t now_micros) {
  const sim::Cluster* c = world.FindCluster(cluster);
  if (!c) return Status::NotFound("no cluster `" + SanitizeForMessage(cluster) + "`");
  // A role by ARN (or chain 'a,b'), or by name among the cluster account's roles.
  auto resolved = ResolveWorldRole(world, *c, role);
  if (!resolved.ok()) return resolved.status();
  CanWorldAnswer a;
  a.user = user;
  a.cluster = cluster;
  a.role_arn = *resolved;
  a.external_id = c->DbUserArn(user, world.options());
  std::vector<sim::AssumeRoleCommand> commands;
  if (for_command != CanFor::kUnload) commands.push_back(sim::AssumeRoleCommand::kCopy);
  if (for_command != CanFor::kCopy) commands.push_back(sim::AssumeRoleCommand::kUnload);
  a.allowed = true;
  for (sim::AssumeRoleCommand cmd : commands) {
    ReplayRecord rec{"", user, cluster, sim::CanAssume(world, *c, user, a.role_arn, cmd, now_micros)};
    a.allowed = a.allowed && rec.result.evaluated && rec.result.allowed;
    a.any_error = a.any_error || !rec.result.evaluated;
    a.records.push_back(std::move(rec));
  }
  return a;
}

std::string CanWorldJson(const CanWorldAnswer& a) {
  nlohmann::json j;
  j["decision"] = a.allowed ? "allowed" : "denied";
  j["allowed"] = a.allowed;
  j["user"] = a.user;
  j["cluster"] = a.cluster;
  j["role_arn"] = a.role_arn;
  j["external_id"] = a.external_id;
  j["commands"] = nlohmann::json::array();
  for (const auto& r : a.records) j["commands"].push_back(nlohmann::json::parse(ReplayJson(r)));
  return j.dump(2);
}

}  // namespace redtrust::tools
