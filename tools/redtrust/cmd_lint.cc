// `redtrust lint FILE... [--kind trust|identity|resource] [--no-security]`: validation findings,
// and for trust policies that parse without errors, security findings (security_lint.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/policy/reader.h"
#include "engine/policy/security_lint.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

namespace {

struct LintArgs {
  std::vector<std::string> files;
  std::string kind = "trust";
  size_t max_policy_chars = 2048;
  bool no_security = false;
};

int RunLint(const LintArgs& a) {
  PolicyKind kind = a.kind == "identity" ? PolicyKind::kIdentity
                    : a.kind == "resource" ? PolicyKind::kResource
                                           : PolicyKind::kTrust;
  ValidateOptions vo;
  vo.max_policy_chars = a.max_policy_chars;
  bool unreadable = false, findings = false;
  for (const std::string& file : a.files) {
    auto text = ReadFile(file);
    if (!text.ok()) {
      PrintError(text.status().message());
      unreadable = true;
      continue;
    }
    ParsedPolicy parsed = ParsePolicy(*text, kind, vo);
    if (kind == PolicyKind::kTrust && !a.no_security && parsed.ok()) {
      LintTrustPolicySecurity(parsed.doc, &parsed.diagnostics);
      SortDiagnostics(parsed.diagnostics);
    }
    for (const Diagnostic& d : parsed.diagnostics) {
      std::cout << FormatDiagnostic(file, d) << "\n";
      findings = true;
      // Text that is not JSON at all cannot be linted: that is unreadable input.
      if (d.code.rfind("json.", 0) == 0 && d.code != "json.duplicate_key") unreadable = true;
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
      ->check(CLI::IsMember({"trust", "identity", "resource"}));
  c->add_option("--max-policy-chars", args->max_policy_chars,
                "Size quota in characters without white space (default 2048)");
  c->add_flag("--no-security", args->no_security,
              "Print only validation findings, not the security.* findings of trust policies");
  c->callback([args, exit_code] { *exit_code = RunLint(*args); });
}

}  // namespace redtrust::cli
