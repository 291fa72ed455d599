#include "tools/questions/lint.h"

#include "tools/questions/json_writer.h"
#include "engine/policy/reader.h"
#include "engine/policy/security_lint.h"

namespace redtrust::tools {

std::string FormatDiagnostic(std::string_view file, const Diagnostic& d) {
  std::string s(file);
  if (d.pos.known()) s += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column);
  s += ": ";
  s += SeverityName(d.severity);
  s += ": " + d.code + ": " + d.message;
  if (!d.help.empty()) s += " (" + d.help + ")";
  if (!d.pos.known() && !d.path.empty()) s += " [at " + d.path + "]";
  return s;
}

std::optional<PolicyKind> ParsePolicyKind(std::string_view s) {
  if (s == "trust") return PolicyKind::kTrust;
  if (s == "identity") return PolicyKind::kIdentity;
  if (s == "resource") return PolicyKind::kResource;
  return std::nullopt;
}

LintResult LintPolicy(std::string_view text, const LintOptions& options) {
  ValidateOptions vo;
  vo.max_policy_chars = options.max_policy_chars;
  ParsedPolicy parsed = ParsePolicy(text, options.kind, vo);
  if (options.kind == PolicyKind::kTrust && options.security && parsed.ok()) {
    LintTrustPolicySecurity(parsed.doc, &parsed.diagnostics);
    SortDiagnostics(parsed.diagnostics);
  }
  LintResult r;
  r.diagnostics = std::move(parsed.diagnostics);
  for (const Diagnostic& d : r.diagnostics) {
    // Text that is not JSON at all cannot be linted: that is unreadable input.
    if (d.code.rfind("json.", 0) == 0 && d.code != "json.duplicate_key") r.unreadable = true;
  }
  return r;
}

std::string LintJson(std::string_view file, PolicyKind kind, const LintResult& result) {
  JsonWriter w;
  w.BeginObject().Key("file").String(file).Key("kind").String(PolicyKindName(kind));
  w.Key("findings").BeginArray();
  for (const Diagnostic& d : result.diagnostics) {
    w.BeginObject().Key("severity").String(SeverityName(d.severity)).Key("code").String(d.code);
    w.Key("message").String(d.message).Key("help");
    if (d.help.empty()) w.Null(); else w.String(d.help);
    w.Key("path").String(d.path).Key("line").Uint(d.pos.line).Key("column").Uint(d.pos.column);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace redtrust::tools
