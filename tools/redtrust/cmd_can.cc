// `redtrust can`: can USER on CLUSTER in REGION use the role with this trust policy?
#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/eval/decision.h"
#include "tools/common/can.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

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

// The full Redshift answer from a world: grants, association, chain, trust (gates P4-P7).
int RunCanWorld(const CanArgs& a) {
  const std::string user = a.positional_user.empty() ? a.user : a.positional_user;
  if (user.empty() || a.cluster.empty() || a.role.empty()) {
    PrintError("with --world: redtrust can USER --world W --cluster C --role ARN_OR_NAME "
               "[--for copy|unload|all]");
    return kExitBadInput;
  }
  auto now = ResolveNow(a.now);  // the time of every STS hop, as in the trust-policy form
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  auto world = LoadWorldForCli(a.world);
  if (!world) return kExitBadInput;
  auto answer = tools::AnswerCanWorld(*world, user, a.cluster, a.role,
                                      tools::ParseCanFor(a.for_command).value_or(tools::CanFor::kAll),
                                      *now);
  if (!answer.ok()) {
    // An unknown cluster is named with the world; a role that resolves to none with its flag.
    PrintError((answer.status().code() == StatusCode::kNotFound ? a.world + ": " : "--") +
               answer.status().message());
    return kExitBadInput;
  }
  const tools::CanWorldAnswer& w = *answer;
  if (w.any_error) {
    for (const auto& r : w.records) {
      if (!r.result.evaluated) PrintError(r.result.message);
    }
    return kExitBadInput;
  }
  if (a.json) {
    std::cout << tools::CanWorldJson(w) << "\n";
  } else {
    const sim::Cluster* cluster = world->FindCluster(a.cluster);
    std::cout << (w.allowed ? "ALLOW" : "DENY") << "\n";
    std::cout << "  user: " << user << " on " << a.cluster << " (" << cluster->region << ")\n";
    std::cout << "  external id: " << w.external_id << "\n";
    std::cout << "  role: " << w.role_arn << "\n";
    for (const auto& r : w.records) {
      std::cout << "  " << r.result.command << ": " << (r.result.allowed ? "allowed" : "denied");
      if (!r.result.allowed) std::cout << " at " << sim::GateName(r.result.failing_gate);
      std::cout << "\n" << tools::ReplayTraceText(r.result);
      if (!r.result.allowed) std::cout << "  redshift would print: " << r.result.message << "\n";
    }
  }
  return w.allowed ? kExitAllowed : kExitDenied;
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
  tools::CanTrustQuestion q;
  q.user = a.user;
  q.cluster = a.cluster;
  q.region = a.region;
  q.account = a.account;
  q.role_arn = a.role_arn;
  auto role_arn = tools::CheckCanTrustQuestion(q, tools::FieldStyle::kFlag);
  if (!role_arn.ok()) {
    PrintError(role_arn.status().message());
    return kExitBadInput;
  }
  auto now = ResolveNow(a.now);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  q.now_micros = *now;
  auto text = ReadFile(a.trust_policy);
  if (!text.ok()) {
    PrintError(text.status().message());
    return kExitBadInput;
  }
  tools::CompiledTrustPolicy trust =
      tools::CompileTrustPolicy(*text, a.trust_policy, a.max_policy_chars);
  for (const Diagnostic& d : trust.diagnostics) {
    if (d.severity != Severity::kError) std::cerr << FormatDiagnostic(a.trust_policy, d) << "\n";
  }
  if (!trust.policy) {
    bool printed = false;
    for (const Diagnostic& d : trust.diagnostics) {
      if (d.severity == Severity::kError) {
        std::cerr << "redtrust: " << FormatDiagnostic(a.trust_policy, d) << "\n";
        printed = true;
      }
    }
    if (!printed) PrintError(trust.status.message());  // compiling failed
    return kExitBadInput;
  }
  for (const std::string& kv : a.context) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || kv.substr(0, eq).find(':') == std::string::npos) {
      PrintError("--context `" + kv + "` must be KEY=VALUE with KEY like aws:SourceAccount");
      return kExitBadInput;
    }
    q.context.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  auto answer = tools::AnswerCanTrust(q, *role_arn, *trust.policy);
  if (!answer.ok()) {
    PrintError(answer.status().message());
    return kExitBadInput;
  }
  const tools::CanTrustAnswer& r = *answer;
  if (a.json) {
    std::cout << tools::CanTrustJson(r) << "\n";
    return r.allowed ? kExitAllowed : kExitDenied;
  }
  const std::vector<std::string>& why = r.explanation;
  std::cout << (r.allowed ? "ALLOW" : "DENY") << "\n";
  std::cout << "  caller: " << r.caller_names.front() << " (Redshift in " << a.region;
  if (r.caller_names.size() > 1) std::cout << "; also answers to " << r.caller_names.back();
  std::cout << ")\n";
  std::cout << "  external id: " << r.external_id << "\n";
  std::cout << "  role: " << r.role_arn << "\n";
  std::cout << "  decision: " << EffectName(r.decision.effect) << ": " << why.front() << "\n";
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
  if (!r.allowed) std::cout << "  redshift would print: " << r.redshift_error << "\n";
  return r.allowed ? kExitAllowed : kExitDenied;
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
                "Time of the request for aws:CurrentTime / date conditions, in both forms "
                "(ISO 8601 or epoch seconds; default: now)");
  c->add_option("--max-policy-chars", args->max_policy_chars,
                "Trust policy size quota in characters without white space (default 2048)");
  c->add_flag("--json", args->json, "Print one JSON object instead of text");
  c->callback([args, exit_code] { *exit_code = RunCan(*args); });
}

}  // namespace redtrust::cli
