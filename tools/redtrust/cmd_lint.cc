// `redtrust lint FILE... [--kind trust|identity|resource] [--no-security] [--json]`: validation
// findings, and for trust policies that parse without errors, security findings
// (security_lint.h). The checks and the JSON line are shared with redtrustd (tools/questions/lint.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/questions/lint.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

namespace {

struct LintArgs {
  std::vector<std::string> files;
  std::string kind = "trust";
  size_t max_policy_chars = 2048;
  bool no_security = false;
  bool json = false;
};

int RunLint(const LintArgs& a) {
  tools::LintOptions options;
  options.kind = tools::ParsePolicyKind(a.kind).value_or(PolicyKind::kTrust);
  options.max_policy_chars = a.max_policy_chars;
  options.security = !a.no_security;
  bool unreadable = false, findings = false;
  for (const std::string& file : a.files) {
    auto text = ReadFile(file);
    if (!text.ok()) {
      PrintError(text.status().message());
      unreadable = true;
      continue;
    }
    tools::LintResult result = tools::LintPolicy(*text, options);
    findings = findings || !result.diagnostics.empty();
    unreadable = unreadable || result.unreadable;
    if (a.json) {
      std::cout << tools::LintJson(file, options.kind, result) << "\n";
      continue;
    }
    // Text for a terminal: the file name and quoted policy text come from the user.
    for (const Diagnostic& d : result.diagnostics) {
      std::cout << TerminalText(FormatDiagnostic(file, d)) << "\n";
    }
  }
  if (unreadable) return kExitBadInput;
  return findings ? 1 : 0;
}

}  // namespace

void AddLintCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* c = app.add_subcommand(
      "lint",
      "Validate policies: findings as FILE:LINE:COLUMN: severity: code: message.\n"
      "Trust policies without errors also get security findings (security.*).\n"
      "Exit 0 clean, 1 findings, 2 unreadable input. Codes: docs/diagnostics.md.");
  c->add_option("files", args->files, "Policy files (- for stdin)")->required();
  c->add_option("--kind", args->kind, "Policy kind: trust (default), identity or resource")
      ->check(OneOf({"trust", "identity", "resource"}));
  AddNumberOption(c, "--max-policy-chars", &args->max_policy_chars,
                  "Size quota in characters without white space (default 2048; 0 = off)");
  c->add_flag("--no-security", args->no_security,
              "Print only validation findings, not the security.* findings of trust policies");
  c->add_flag("--json", args->json,
              "One JSON line per file: {\"file\", \"kind\", \"findings\": [...]}");
  c->callback([args, exit_code] { *exit_code = RunLint(*args); });
}

}  // namespace redtrust::cli
