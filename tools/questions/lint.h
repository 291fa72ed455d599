// `lint`: validation findings for a policy, and for a trust policy without errors the security
// findings (engine/policy/security_lint.h), as `redtrust lint` and redtrustd's POST /v1/lint
// report them (docs/cli.md, docs/http-api.md).
//
// Thread-safety: pure functions.
#ifndef REDTRUST_TOOLS_COMMON_LINT_H_
#define REDTRUST_TOOLS_COMMON_LINT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/diagnostic.h"
#include "engine/policy/document.h"

namespace redtrust::tools {

// "FILE:LINE:COLUMN: severity: code: message (help)"; without a position "FILE: ..." and the
// JSON pointer as " [at PATH]".
std::string FormatDiagnostic(std::string_view file, const Diagnostic& d);

// "trust" | "identity" | "resource" -> the kind; nullopt for anything else.
std::optional<PolicyKind> ParsePolicyKind(std::string_view s);

struct LintOptions {
  PolicyKind kind = PolicyKind::kTrust;
  // Size quota in characters without white space. Default 2,048 (G14); 0 turns it off.
  size_t max_policy_chars = 2048;
  // Security findings for trust policies that have no errors. Default: on.
  bool security = true;
};

struct LintResult {
  Diagnostics diagnostics;  // sorted by position
  // The text is not JSON at all (a json.* error other than a duplicate key): the CLI's exit 2.
  bool unreadable = false;
};

LintResult LintPolicy(std::string_view text, const LintOptions& options);

// One JSON object (no newline), the `redtrust lint --json` line of one file:
// {"file","kind","findings":[{"severity","code","message","help","path","line","column"}]}
// `help` is null when there is none; `line` and `column` are 0 when the position is unknown.
std::string LintJson(std::string_view file, PolicyKind kind, const LintResult& result);

}  // namespace redtrust::tools

#endif  // REDTRUST_TOOLS_COMMON_LINT_H_
