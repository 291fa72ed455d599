// `redtrust can`: can USER on CLUSTER in REGION use the role with this trust policy?
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "engine/eval/decision.h"
#include "tools/questions/can.h"
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
  bool allow_unknown_region = false;
  size_t max_policy_chars = 2048;
  // Set when the option was given (an empty value never parses: RefuseEmptyValues).
  CLI::Option* max_policy_chars_option = nullptr;
};

// The options each form takes; one of the other form is a usage error, never ignored.
std::optional<std::string> WrongFormOption(const CanArgs& a, bool world_form) {
  const std::pair<bool, const char*> trust_only[] = {
      {!a.trust_policy.empty(), "--trust-policy"},
      {!a.region.empty(), "--region"},
      {!a.account.empty(), "--account"},
      {a.role_arn.has_value(), "--role-arn"},
      {!a.context.empty(), "--context"},
      {a.allow_unknown_region, "--allow-unknown-region"},
      {a.max_policy_chars_option && a.max_policy_chars_option->count() > 0, "--max-policy-chars"}};
  const std::pair<bool, const char*> world_only[] = {{!a.role.empty(), "--role"},
                                                     {a.for_command != "all", "--for"}};
  if (world_form) {
    for (auto [given, flag] : trust_only) {
      if (given) return std::string(flag) + " belongs to the trust-policy form, not to --world";
    }
  } else {
    for (auto [given, flag] : world_only) {
      if (given) return std::string(flag) + " belongs to the world form: it needs --world";
    }
  }
  return std::nullopt;
}

// The full Redshift answer from a world: grants, association, chain, trust (gates P4-P7).
int RunCanWorld(const CanArgs& a) {
  if (!a.positional_user.empty() && !a.user.empty()) {
    PrintError("the user is given twice (USER and --user): give it once");
    return kExitBadInput;
  }
  if (auto wrong = WrongFormOption(a, true)) {
    PrintError(*wrong);
    return kExitBadInput;
  }
  const std::string user = a.positional_user.empty() ? a.user : a.positional_user;
  for (auto [value, what] : {std::pair{&user, "the user (USER)"}, {&a.cluster, "--cluster"},
                             {&a.role, "--role"}}) {
    if (value->empty()) {
      PrintError(std::string(what) + " is required with --world: redtrust can USER --world W "
                 "--cluster C --role ARN_OR_NAME [--for copy|unload|all]");
      return kExitBadInput;
    }
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
    PrintError((answer.status().code() == StatusCode::kNotFound ? Shown(a.world) + ": " : "--") +
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
    // Text for a terminal: the user, names and messages come from the user and the world.
    const sim::Cluster* cluster = world->FindCluster(a.cluster);
    std::string out = std::string(w.allowed ? "ALLOW" : "DENY") + "\n";
    out += "  user: " + user + " on " + a.cluster + " (" + cluster->region + ")\n";
    out += "  external id: " + w.external_id + "\n";
    out += "  role: " + w.role_arn + "\n";
    for (const auto& r : w.records) {
      std::string line = "  " + r.result.command + ": " + (r.result.allowed ? "allowed" : "denied");
      if (!r.result.allowed) line += std::string(" at ") + sim::GateName(r.result.failing_gate);
      out += line + "\n" + tools::ReplayTraceText(r.result);
      if (!r.result.allowed) out += "  redshift would print: " + r.result.message + "\n";
    }
    std::cout << TerminalText(out);
  }
  return w.allowed ? kExitAllowed : kExitDenied;
}

int RunCan(const CanArgs& a) {
  if (!a.world.empty()) return RunCanWorld(a);
  if (!a.positional_user.empty()) {
    PrintError(a.user.empty()
                   ? "a positional USER needs --world; the trust-policy form takes --user"
                   : "the user is given twice (USER and --user): the trust-policy form takes "
                     "--user only");
    return kExitBadInput;
  }
  if (auto wrong = WrongFormOption(a, false)) {
    PrintError(*wrong);
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
  q.allow_unknown_region = a.allow_unknown_region;
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
    if (d.severity != Severity::kError) {
      std::cerr << TerminalText(FormatDiagnostic(a.trust_policy, d)) << "\n";
    }
  }
  if (!trust.policy) {
    bool printed = false;
    for (const Diagnostic& d : trust.diagnostics) {
      if (d.severity == Severity::kError) {
        PrintError(FormatDiagnostic(a.trust_policy, d));
        printed = true;
      }
    }
    if (!printed) PrintError(trust.status.message());  // compiling failed
    return kExitBadInput;
  }
  for (const std::string& kv : a.context) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || kv.substr(0, eq).find(':') == std::string::npos) {
      PrintError("--context `" + Shown(kv) +
                 "` must be KEY=VALUE with KEY like aws:SourceAccount");
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
  std::string out = std::string(r.allowed ? "ALLOW" : "DENY") + "\n";
  out += "  caller: " + r.caller_names.front() + " (Redshift in " + a.region;
  if (r.caller_names.size() > 1) out += "; also answers to " + r.caller_names.back();
  out += ")\n";
  out += "  external id: " + r.external_id + "\n";
  out += "  role: " + r.role_arn + "\n";
  out += std::string("  decision: ") + EffectName(r.decision.effect) + ": " + why.front() + "\n";
  for (size_t i = 1; i < why.size(); ++i) {
    const std::string& line = why[i];
    if (line.rfind("allowed by ", 0) == 0) {
      out += "  allowed by: " + line.substr(11) + "\n";
    } else if (line.rfind("denied by ", 0) == 0) {
      out += "  denied by: " + line.substr(10) + "\n";
    } else {
      out += "  why: " + line + "\n";
    }
  }
  if (!r.allowed) out += "  redshift would print: " + r.redshift_error + "\n";
  // Text for a terminal: names, context values and policy text come from the user.
  std::cout << TerminalText(out);
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
      ->check(OneOf({"copy", "unload", "all"}));
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
  args->max_policy_chars_option = AddNumberOption(
      c, "--max-policy-chars", &args->max_policy_chars,
      "Trust policy size quota in characters without white space (default 2048; 0 = off)");
  c->add_flag("--allow-unknown-region", args->allow_unknown_region,
              "Accept a well-formed --region that is not in redtrust's table of AWS regions "
              "(a region AWS opened after this release)");
  c->add_flag("--json", args->json, "Print one JSON object instead of text");
  c->callback([args, exit_code] { *exit_code = RunCan(*args); });
}

}  // namespace redtrust::cli
