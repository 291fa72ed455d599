// Fuzz target (a): policy text -> ReadPolicy -> ValidatePolicy -> CompiledPolicy -> Authorize.
//
// Input: a policy's JSON text, then optionally a NUL byte and a request, one field per line:
//   P <AWS|Service|Federated> <value>   the caller
//   A <action>                          e.g. sts:AssumeRole
//   R <resource ARN or *>
//   C <key>=<value>                     a context value; a key given twice is multivalued
//   T <ISO 8601 date or epoch seconds>  the clock
// The policy is read once and checked as each of the three kinds; every request (the fuzzed one
// and three canned ones: Redshift's hop 1, a same-account role, a cross-account S3 read) is
// evaluated against it.
//
// Invariants (abort on violation):
//  - reading and validation are deterministic (same diagnostics twice);
//  - print -> parse round trip: a structurally sound document written back as JSON reads back
//    to an equal document (positions aside) with the same validation findings (code and path);
//  - a policy that validates compiles (the validator and the compiler agree);
//  - a policy that does not validate is never compiled by ParsedPolicy users, and the helper
//    DecideText (what `can` and `eval` do) answers no decision for it: never ALLOW;
//  - evaluation is deterministic (twice, and with the trace on: same effect, same statements)
//    and explainable (ExplainDecision returns at least one line);
//  - reversing the order of the statements never changes the effect.
#ifndef REDTRUST_TESTS_FUZZ_POLICY_FUZZ_H_
#define REDTRUST_TESTS_FUZZ_POLICY_FUZZ_H_

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/condition/values.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/explain.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/policy_print.h"

namespace redtrust::fuzz {

inline std::string DiagnosticsKey(const Diagnostics& ds) {
  std::vector<std::string> keys;
  for (const Diagnostic& d : ds) {
    keys.push_back(std::string(SeverityName(d.severity)) + " " + d.code + " " + d.path);
  }
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const std::string& k : keys) out += k + "\n";
  return out;
}

inline std::string DiagnosticsFull(const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds) {
    out += std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " " + d.code + " " +
           d.path + " " + d.message + " | " + d.help + "\n";
  }
  return out;
}

// Reads a request in the line format above. Returns nullopt when the caller is not parseable.
inline std::optional<Request> ParseFuzzRequest(std::string_view text) {
  Request r;
  std::string ptype = "Service", pvalue = "redshift.us-west-2.amazonaws.com";
  r.action = "sts:AssumeRole";
  r.resource = "arn:aws:iam::123456789012:role/R";
  std::vector<std::pair<std::string, std::vector<std::string>>> context;
  for (std::string_view line : Split(text, '\n')) {
    if (line.size() < 2 || line[1] != ' ') continue;
    const std::string_view rest = line.substr(2);
    switch (line[0]) {
      case 'P': {
        auto [t, v] = SplitOnce(rest, ' ');
        ptype = std::string(t);
        pvalue = std::string(v);
        break;
      }
      case 'A':
        r.action = std::string(rest);
        break;
      case 'R':
        r.resource = std::string(rest);
        break;
      case 'C': {
        const auto kv = SplitOnce(rest, '=');
        const std::string_view k = kv.first, v = kv.second;
        auto it = std::find_if(context.begin(), context.end(),
                               [k](const auto& e) { return e.first == k; });
        if (it == context.end()) {
          context.push_back({std::string(k), {std::string(v)}});
        } else {
          it->second.emplace_back(v);
        }
        break;
      }
      case 'T':
        if (auto t = ParseDate(rest)) r.now_micros = *t;
        break;
      default:
        break;
    }
  }
  if (auto parts = SplitArn(r.resource)) {
    r.resource_partition = std::string(parts->partition);
    r.resource_account = std::string(parts->account);
  }
  const std::string partition = r.resource_partition.empty() ? "aws" : r.resource_partition;
  StatusOr<Caller> c = Status::InvalidArgument("no caller");
  if (ptype == "AWS") c = ParseAwsCaller(pvalue, partition);
  if (ptype == "Service") c = ParseServiceCaller(pvalue);
  if (ptype == "Federated") c = ParseFederatedCaller(pvalue);
  if (!c.ok()) return std::nullopt;
  r.caller = std::move(*c);
  for (auto& [k, v] : context) {
    const bool multi = v.size() > 1;
    r.context.Set(k, std::move(v), multi);
  }
  return r;
}

inline std::vector<Request> CannedRequests() {
  std::vector<Request> out;
  out.push_back(*ParseFuzzRequest(
      "P Service redshift.us-west-2.amazonaws.com\nA sts:AssumeRole\n"
      "R arn:aws:iam::123456789012:role/RedshiftRole\n"
      "C sts:ExternalId=arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1\n"
      "T 2026-01-01T00:00:00Z"));
  out.push_back(*ParseFuzzRequest(
      "P AWS arn:aws:iam::123456789012:role/RedshiftCopyUnload\nA sts:AssumeRole\n"
      "R arn:aws:iam::123456789012:role/Target\nC aws:SourceIp=10.1.2.3"));
  out.push_back(*ParseFuzzRequest(
      "P AWS 210987654321\nA s3:GetObject\nR arn:aws:s3:::redshift-guide-data/tickit/a.txt\n"
      "C s3:prefix=tickit/\nC aws:TagKeys=a\nC aws:TagKeys=b"));
  return out;
}

inline std::string DecisionKey(const Decision& d) {
  std::string out = EffectName(d.effect);
  for (const StatementRef& r : d.matched) out += " " + r.policy + "#" + std::to_string(r.index);
  out += " |";
  for (const std::string& k : d.missing_context_keys) out += " " + k;
  return out;
}

inline Decision AuthorizeAs(const Request& r, const CompiledPolicy& p, PolicyKind kind,
                            bool trace) {
  EvalOptions o;
  o.trace = trace;
  if (kind == PolicyKind::kIdentity) return Authorize(r, nullptr, {&p}, o);
  return Authorize(r, &p, {}, o);
}

// What the public entry points that take policy text do (`can`, `eval`, the world loader):
// parse, validate, compile, evaluate; no decision at all when any step fails.
inline std::optional<Decision> DecideText(std::string_view text, PolicyKind kind,
                                          const Request& r) {
  ParsedPolicy parsed = ParsePolicy(text, kind);
  if (!parsed.ok()) return std::nullopt;
  auto compiled = CompiledPolicy::Compile(parsed.doc, kind, "p");
  if (!compiled.ok()) return std::nullopt;
  return AuthorizeAs(r, **compiled, kind, false);
}

inline void CheckPolicyInput(std::string_view data) {
  auto [policy_text, request_text] = SplitOnce(data, '\0');

  std::vector<Request> requests = CannedRequests();
  if (!request_text.empty()) {
    if (auto r = ParseFuzzRequest(request_text)) requests.push_back(std::move(*r));
  }

  // Structure, twice.
  PolicyDocument doc, again;
  Diagnostics read_diags, read_again;
  const bool read_ok = ReadPolicy(policy_text, JsonOptions(), &doc, &read_diags);
  REDTRUST_FUZZ_CHECK(ReadPolicy(policy_text, JsonOptions(), &again, &read_again) == read_ok,
                      "ReadPolicy is not deterministic");
  REDTRUST_FUZZ_CHECK(DiagnosticsFull(read_diags) == DiagnosticsFull(read_again),
                      DiagnosticsFull(read_diags) + "---\n" + DiagnosticsFull(read_again));
  REDTRUST_FUZZ_CHECK(read_ok == !HasErrors(read_diags), DiagnosticsFull(read_diags));

  // Round trip through the printer.
  std::string printed;
  PolicyDocument reread;
  if (read_ok) {
    printed = PrintPolicy(doc);
    Diagnostics d2;
    REDTRUST_FUZZ_CHECK(ReadPolicy(printed, JsonOptions(), &reread, &d2),
                        "printed policy does not read back: " + printed + "\n" + DiagnosticsFull(d2));
    REDTRUST_FUZZ_CHECK(SamePolicy(doc, reread), "round trip changed the document: " + printed);
  }

  for (PolicyKind kind : {PolicyKind::kTrust, PolicyKind::kIdentity, PolicyKind::kResource}) {
    ParsedPolicy parsed = ParsePolicy(policy_text, kind);
    ParsedPolicy parsed2 = ParsePolicy(policy_text, kind);
    REDTRUST_FUZZ_CHECK(DiagnosticsFull(parsed.diagnostics) == DiagnosticsFull(parsed2.diagnostics),
                        "ParsePolicy is not deterministic");
    REDTRUST_FUZZ_CHECK(!read_ok ? !parsed.ok() : true, "a reader error was lost by ParsePolicy");

    if (read_ok) {
      // Same findings, positions aside, for the original and the printed text (no size quota:
      // the printer writes escapes differently, so sizes differ).
      ValidateOptions no_quota;
      no_quota.max_policy_chars = 0;
      Diagnostics a, b;
      ValidatePolicy(doc, kind, no_quota, &a);
      ValidatePolicy(reread, kind, no_quota, &b);
      REDTRUST_FUZZ_CHECK(DiagnosticsKey(a) == DiagnosticsKey(b),
                          "round trip changed the findings: " + printed + "\n" + DiagnosticsKey(a) +
                              "---\n" + DiagnosticsKey(b));
    }

    if (!parsed.ok()) {
      for (const Request& r : requests) {
        REDTRUST_FUZZ_CHECK(!DecideText(policy_text, kind, r).has_value(),
                            "a policy with errors produced a decision");
      }
      continue;
    }
    auto compiled = CompiledPolicy::Compile(parsed.doc, kind, "p");
    REDTRUST_FUZZ_CHECK(compiled.ok(), std::string("a validated ") + PolicyKindName(kind) +
                                           " policy does not compile: " +
                                           compiled.status().message());
    PolicyDocument reversed = parsed.doc;
    std::reverse(reversed.statements.begin(), reversed.statements.end());
    auto compiled_reversed = CompiledPolicy::Compile(reversed, kind, "p");
    REDTRUST_FUZZ_CHECK(compiled_reversed.ok(), "reversed statements do not compile");

    for (const Request& r : requests) {
      const Decision d1 = AuthorizeAs(r, **compiled, kind, false);
      const Decision d2 = AuthorizeAs(r, **compiled, kind, false);
      const Decision traced = AuthorizeAs(r, **compiled, kind, true);
      REDTRUST_FUZZ_CHECK(DecisionKey(d1) == DecisionKey(d2),
                          DecisionKey(d1) + " vs " + DecisionKey(d2));
      REDTRUST_FUZZ_CHECK(DecisionKey(d1) == DecisionKey(traced),
                          "trace changed the decision: " + DecisionKey(d1) + " vs " +
                              DecisionKey(traced));
      REDTRUST_FUZZ_CHECK(!ExplainDecision(traced).empty(), "empty explanation");
      const Decision rev = AuthorizeAs(r, **compiled_reversed, kind, false);
      REDTRUST_FUZZ_CHECK(rev.effect == d1.effect, std::string("statement order changed ") +
                                                       EffectName(d1.effect) + " to " +
                                                       EffectName(rev.effect));
      std::optional<Decision> via_text = DecideText(policy_text, kind, r);
      REDTRUST_FUZZ_CHECK(via_text && via_text->effect == d1.effect, "DecideText disagrees");
    }
  }
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_POLICY_FUZZ_H_
