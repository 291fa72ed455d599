// `redtrust can`: can USER on CLUSTER in REGION use the role with this trust policy?
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/explain.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/sts/assume_role.h"
#include "tools/redtrust/can_request.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"
#include "tools/redtrust/replay_output.h"

namespace redtrust::cli {

std::shared_ptr<const sim::World> LoadWorldForCli(const std::string& path);  // cmd_replay.cc

namespace {

struct CanArgs {
  // World form (issue 3): redtrust can USER --world W --cluster C --role ARN_OR_NAME [--for].
  std::string positional_user;
  std::string world;
  std::string role;
  std::string for_command = "all";
  // Trust-policy form (issue 2).
  std::string trust_policy;
  std::string user;
  std::string cluster;
  std::string region;
  std::string account;
  std::optional<std::string> role_arn;
  std::vector<std::string> context;
  std::optional<std::string> now;
  bool json = false;
  size_t max_policy_chars = 2048;
};

// Cluster identifiers (reference R3): 1-63 lowercase letters, digits or hyphens, starting with
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

// The full Redshift answer from a world: grants, association, chain, trust (gates P4-P7).
int RunCanWorld(const CanArgs& a) {
  const std::string user = a.positional_user.empty() ? a.user : a.positional_user;
  if (user.empty() || a.cluster.empty() || a.role.empty()) {
    PrintError("with --world: redtrust can USER --world W --cluster C --role ARN_OR_NAME "
               "[--for copy|unload|all]");
    return kExitBadInput;
  }
  auto world = LoadWorldForCli(a.world);
  if (!world) return kExitBadInput;
  const sim::Cluster* cluster = world->FindCluster(a.cluster);
  if (!cluster) {
    PrintError(a.world + ": no cluster `" + a.cluster + "`");
    return kExitBadInput;
  }
  // A role by ARN (or chain 'a,b'), or by name among the cluster account's roles.
  auto resolved = ResolveWorldRole(*world, *cluster, a.role);
  if (!resolved.ok()) {
    PrintError("--" + resolved.status().message());
    return kExitBadInput;
  }
  const std::string role = *resolved;
  std::vector<sim::AssumeRoleCommand> commands;
  if (a.for_command == "copy" || a.for_command == "all") commands.push_back(sim::AssumeRoleCommand::kCopy);
  if (a.for_command == "unload" || a.for_command == "all") commands.push_back(sim::AssumeRoleCommand::kUnload);
  bool all_allowed = true, any_error = false;
  std::vector<ReplayRecord> records;
  for (sim::AssumeRoleCommand cmd : commands) {
    ReplayRecord rec{"", user, a.cluster, sim::CanAssume(*world, *cluster, user, role, cmd)};
    all_allowed = all_allowed && rec.result.evaluated && rec.result.allowed;
    any_error = any_error || !rec.result.evaluated;
    records.push_back(std::move(rec));
  }
  if (any_error) {
    for (const auto& r : records) {
      if (!r.result.evaluated) PrintError(r.result.message);
    }
    return kExitBadInput;
  }
  if (a.json) {
    nlohmann::json j;
    j["decision"] = all_allowed ? "allowed" : "denied";
    j["allowed"] = all_allowed;
    j["user"] = user;
    j["cluster"] = a.cluster;
    j["role_arn"] = role;
    j["external_id"] = cluster->DbUserArn(user, world->options());
    j["commands"] = nlohmann::json::array();
    for (const auto& r : records) {
      j["commands"].push_back(nlohmann::json::parse(ReplayJson(r)));
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << (all_allowed ? "ALLOW" : "DENY") << "\n";
    std::cout << "  user: " << user << " on " << a.cluster << " (" << cluster->region << ")\n";
    std::cout << "  external id: " << cluster->DbUserArn(user, world->options()) << "\n";
    std::cout << "  role: " << role << "\n";
    for (const auto& r : records) {
      std::cout << "  " << r.result.command << ": " << (r.result.allowed ? "allowed" : "denied");
      if (!r.result.allowed) std::cout << " at " << sim::GateName(r.result.failing_gate);
      std::cout << "\n" << ReplayTraceText(r.result);
      if (!r.result.allowed) std::cout << "  redshift would print: " << r.result.message << "\n";
    }
  }
  return all_allowed ? kExitAllowed : kExitDenied;
}

int RunCan(const CanArgs& a) {
  if (!a.world.empty()) return RunCanWorld(a);
  if (!a.positional_user.empty() && a.user.empty()) {
    PrintError("a positional USER needs --world; the trust-policy form takes --user");
    return kExitBadInput;
  }
  for (auto [value, flag] : {std::pair{&a.trust_policy, "--trust-policy"}, {&a.user, "--user"},
                             {&a.cluster, "--cluster"}, {&a.region, "--region"},
                             {&a.account, "--account"}}) {
    if (value->empty()) {
      PrintError(std::string(flag) + " is required (or use the world form: redtrust can USER "
                 "--world W --cluster C --role ROLE)");
      return kExitBadInput;
    }
  }
  // ---- Inputs, each checked with a message naming what is wrong.
  if (!IsValidRegionName(a.region)) {
    PrintError("--region `" + a.region + "` is not an AWS region name (e.g. us-west-2)");
    return kExitBadInput;
  }
  const std::string partition = PartitionOfRegion(a.region).value_or("aws");
  if (!IsAccountId(a.account)) {
    PrintError("--account `" + a.account + "` is not a 12-digit AWS account id");
    return kExitBadInput;
  }
  if (!IsClusterIdentifier(a.cluster)) {
    PrintError("--cluster `" + a.cluster +
               "` is not a cluster identifier: 1-63 lowercase letters, digits or hyphens, "
               "starting with a letter, no trailing or double hyphen");
    return kExitBadInput;
  }
  if (a.user.empty() || a.user.size() > 127) {
    PrintError("--user must be 1-127 bytes (the stored Redshift user name)");
    return kExitBadInput;
  }
  std::string role_arn =
      a.role_arn.value_or("arn:" + partition + ":iam::" + a.account + ":role/RedshiftRole");
  if (a.role_arn) {
    auto parts = SplitArn(role_arn);
    if (!parts || parts->service != "iam" || parts->resource.substr(0, 5) != "role/" ||
        !IsAccountId(parts->account) || !parts->region.empty()) {
      PrintError("--role-arn `" + role_arn +
                 "` is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)");
      return kExitBadInput;
    }
    // Partitions never cross (reference M11, R6): a cluster in REGION can only use roles of
    // its own partition.
    if (parts->partition != partition) {
      PrintError("--role-arn `" + role_arn + "` is in partition `" + std::string(parts->partition) +
                 "`, but a cluster in " + a.region + " is in partition `" + partition +
                 "`: partitions never cross");
      return kExitBadInput;
    }
  }
  auto now = ResolveNow(a.now);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  auto text = ReadFile(a.trust_policy);
  if (!text.ok()) {
    PrintError(text.status().message());
    return kExitBadInput;
  }
  ValidateOptions vo;
  vo.max_policy_chars = a.max_policy_chars;
  ParsedPolicy parsed = ParsePolicy(*text, PolicyKind::kTrust, vo);
  for (const Diagnostic& d : parsed.diagnostics) {
    if (d.severity != Severity::kError) std::cerr << FormatDiagnostic(a.trust_policy, d) << "\n";
  }
  if (!parsed.ok()) {
    for (const Diagnostic& d : parsed.diagnostics) {
      if (d.severity == Severity::kError) {
        std::cerr << "redtrust: " << FormatDiagnostic(a.trust_policy, d) << "\n";
      }
    }
    return kExitBadInput;
  }
  auto compiled = CompiledPolicy::Compile(parsed.doc, PolicyKind::kTrust, a.trust_policy);
  if (!compiled.ok()) {
    PrintError(a.trust_policy + ": " + compiled.status().message());
    return kExitBadInput;
  }

  // ---- The request Redshift makes (reference §5 hop 1, R1).
  auto built = RedshiftAssumeRoleRequest(a.region, a.account, a.cluster, a.user, role_arn, *now);
  if (!built.ok()) {
    PrintError(built.status().message());
    return kExitBadInput;
  }
  Request req = std::move(*built);
  const std::string external_id = RedshiftDbUserArn(a.region, a.account, a.cluster, a.user);
  std::map<std::string, std::vector<std::string>> extra;
  for (const std::string& kv : a.context) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || kv.substr(0, eq).find(':') == std::string::npos) {
      PrintError("--context `" + kv + "` must be KEY=VALUE with KEY like aws:SourceAccount");
      return kExitBadInput;
    }
    extra[kv.substr(0, eq)].push_back(kv.substr(eq + 1));
  }
  for (auto& [k, v] : extra) {
    bool multi = v.size() > 1;  // a key given twice is multivalued
    req.context.Set(k, std::move(v), multi);
  }
  const ContextEntry* ext = req.context.Find("sts:externalid");
  AssumeRoleParams params;
  params.role_arn = role_arn;
  if (ext && !ext->values.empty()) params.external_id = ext->values.front();
  auto violations = CheckAssumeRoleParams(params);
  if (!violations.empty()) {
    // STS rejects the call before any policy (reference S3); the ExternalId comes from the
    // user name, so a name with spaces or `$` cannot be used (reference R5, §0.1.3).
    PrintError("STS would reject the call: ValidationError: " + ValidationErrorMessage(violations));
    return kExitBadInput;
  }

  EvalOptions eo;
  eo.trace = true;
  Decision d = Authorize(req, compiled->get(), {}, eo);
  const bool allowed = d.effect == Effect::kAllowed;
  std::vector<std::string> why = ExplainDecision(d);
  const std::string caller_text = req.caller.service_names.front();
  const std::string redshift_error =
      "ERROR:  User " + external_id + " is not authorized to assume IAM Role " + role_arn;

  if (a.json) {
    nlohmann::json j;
    j["decision"] = EffectName(d.effect);
    j["allowed"] = allowed;
    j["caller"] = caller_text;
    j["external_id"] = ext && !ext->values.empty() ? ext->values.front() : external_id;
    j["role_arn"] = role_arn;
    j["matched_statements"] = nlohmann::json::array();
    for (const StatementRef& r : d.matched) {
      j["matched_statements"].push_back({{"policy", r.policy},
                                         {"index", r.index},
                                         {"sid", r.sid.empty() ? nlohmann::json() : nlohmann::json(r.sid)},
                                         {"line", r.pos.line},
                                         {"column", r.pos.column}});
    }
    j["explanation"] = why;
    j["missing_context_keys"] = d.missing_context_keys;
    j["errors"] = nlohmann::json::array();
    if (!allowed) j["redshift_error"] = redshift_error;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return allowed ? kExitAllowed : kExitDenied;
  }
  std::cout << (allowed ? "ALLOW" : "DENY") << "\n";
  std::cout << "  caller: " << caller_text << " (Redshift in " << a.region;
  if (req.caller.service_names.size() > 1) {
    std::cout << "; also answers to " << req.caller.service_names.back();
  }
  std::cout << ")\n";
  std::cout << "  external id: " << (ext ? ext->values.front() : external_id) << "\n";
  std::cout << "  role: " << role_arn << "\n";
  std::cout << "  decision: " << EffectName(d.effect) << ": " << why.front() << "\n";
  for (size_t i = 1; i < why.size(); ++i) {
    const std::string& line = why[i];
    if (line.rfind("allowed by ", 0) == 0) {
      std::cout << "  allowed by: " << line.substr(11) << "\n";
    } else if (line.rfind("denied by ", 0) == 0) {
      std::cout << "  denied by: " << line.substr(10) << "\n";
    } else {
      std::cout << "  why: " << line << "\n";
    }
  }
  if (!allowed) std::cout << "  redshift would print: " << redshift_error << "\n";
  return allowed ? kExitAllowed : kExitDenied;
}

}  // namespace

void AddCanCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CanArgs>();
  CLI::App* c = app.add_subcommand(
      "can",
      "Can USER on CLUSTER in REGION use a role with this trust policy? Simulates Redshift's\n"
      "sts:AssumeRole call: caller redshift.REGION.amazonaws.com, sts:ExternalId =\n"
      "arn:PARTITION:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER.\n"
      "  redtrust can --trust-policy FILE --user U --cluster C --region R --account A\n"
      "World form, the full Redshift answer (ASSUMEROLE grants, association, chain, trust):\n"
      "  redtrust can USER --world W --cluster C --role ARN_OR_NAME [--for copy|unload|all]\n"
      "Prints ALLOW or DENY, then why. Exit 0 allowed, 1 denied, 2 bad input.");
  c->add_option("user_name", args->positional_user,
                "World form: the database user (stored name)");
  c->add_option("--world", args->world,
                "World form: world directory or file (docs/world.md); answers with every gate: "
                "ASSUMEROLE grants, association, chain, trust");
  c->add_option("--role", args->role, "World form: role ARN, chain 'arn1,arn2', or role name");
  c->add_option("--for", args->for_command, "World form: copy, unload or all (default all)")
      ->check(CLI::IsMember({"copy", "unload", "all"}));
  c->add_option("--trust-policy", args->trust_policy, "The role's trust policy (JSON file, - for stdin)");
  c->add_option("--user", args->user,
                "Database user name as Redshift stores it (unquoted names are folded to lower case: "
                "CREATE USER Alice stores alice)");
  c->add_option("--cluster", args->cluster, "Cluster identifier, e.g. my-cluster");
  c->add_option("--region", args->region, "The cluster's region, e.g. us-west-2");
  c->add_option("--account", args->account, "The cluster's 12-digit AWS account id");
  c->add_option("--role-arn", args->role_arn,
                "The role's ARN (default arn:PARTITION:iam::ACCOUNT:role/RedshiftRole)");
  c->add_option("--context", args->context,
                "Extra request context KEY=VALUE, e.g. aws:SourceAccount=123456789012 "
                "(repeat a key for a multivalued key)");
  c->add_option("--now", args->now,
                "Time of the request for aws:CurrentTime / date conditions "
                "(ISO 8601 or epoch seconds; default: now)");
  c->add_option("--max-policy-chars", args->max_policy_chars,
                "Trust policy size quota in characters without white space (default 2048)");
  c->add_flag("--json", args->json, "Print one JSON object instead of text");
  c->callback([args, exit_code] { *exit_code = RunCan(*args); });
}

}  // namespace redtrust::cli
