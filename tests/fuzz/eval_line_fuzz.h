// Fuzz target (e): the `redtrust eval` line protocol (tools/questions/eval_json.h, EvalSession).
//
// Input: JSON Lines, as `redtrust eval` reads them; each line (at most 16) is evaluated by one
// session, in order, so later lines hit the session's compiled-policy cache.
//
// Invariants (abort on violation):
//  - every output line is one JSON object (our own reader accepts it) with the protocol's
//    fields, a decision among allowed / explicitDeny / implicitDeny / error, and is_error set
//    exactly for "error";
//  - fail closed, checked independently of the session: when the line parses and any policy in
//    it (resource_policy as trust or resource policy, each of identity_policies as identity
//    policy) fails ParsePolicy on its own text, the decision is "error";
//  - determinism: a fresh session answers every line with the same text as the first one, and
//    so does the first session when asked again (cache hits);
//  - the oversize check: a line over max_line_bytes is answered with request.too_large.
#ifndef REDTRUST_TESTS_FUZZ_EVAL_LINE_FUZZ_H_
#define REDTRUST_TESTS_FUZZ_EVAL_LINE_FUZZ_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/json.h"
#include "engine/condition/values.h"
#include "tools/questions/eval_json.h"
#include "engine/policy/reader.h"
#include "tests/fuzz/fuzz_support.h"

namespace redtrust::fuzz {

// True when `line` is a JSON request that names a policy that does not validate on its own.
inline bool LineHasInvalidPolicy(std::string_view line) {
  JsonValue root;
  if (ParseJson(line, JsonOptions(), &root) || !root.is_object()) return false;
  const JsonValue* action = root.Find("action");
  const bool sts = action && action->is_string() && action->text.size() > 4 &&
                   EqualsIgnoreCaseAscii(std::string_view(action->text).substr(0, 4), "sts:");
  auto invalid = [&](const JsonValue& v, PolicyKind kind) {
    if (!v.is_object()) return false;
    std::string_view text = line.substr(v.pos.offset, v.end_offset - v.pos.offset);
    return !ParsePolicy(text, kind).ok();
  };
  if (const JsonValue* rp = root.Find("resource_policy")) {
    if (invalid(*rp, sts ? PolicyKind::kTrust : PolicyKind::kResource)) return true;
  }
  if (const JsonValue* ips = root.Find("identity_policies"); ips && ips->is_array()) {
    for (const JsonValue& v : ips->items) {
      if (invalid(v, PolicyKind::kIdentity)) return true;
    }
  }
  return false;
}

inline void CheckEvalOutput(std::string_view line, const std::string& out, bool is_error) {
  JsonValue v;
  auto err = ParseJson(out, JsonOptions(), &v);
  REDTRUST_FUZZ_CHECK(!err, "output is not JSON: " + out);
  REDTRUST_FUZZ_CHECK(v.is_object(), "output is not an object: " + out);
  const JsonValue* decision = v.Find("decision");
  REDTRUST_FUZZ_CHECK(decision && decision->is_string(), "output has no decision: " + out);
  const std::string& d = decision->text;
  REDTRUST_FUZZ_CHECK(d == "allowed" || d == "explicitDeny" || d == "implicitDeny" || d == "error",
                      "unknown decision: " + out);
  REDTRUST_FUZZ_CHECK(is_error == (d == "error"), "is_error disagrees with the output: " + out);
  for (const char* field : {"id", "matched_statements", "missing_context_keys", "errors"}) {
    REDTRUST_FUZZ_CHECK(v.Find(field) != nullptr, std::string("output lacks ") + field);
  }
  const JsonValue* errors = v.Find("errors");
  REDTRUST_FUZZ_CHECK(errors->is_array() && (is_error == !errors->items.empty()),
                      "errors and decision disagree: " + out);
  if (d != "error") {
    REDTRUST_FUZZ_CHECK(!LineHasInvalidPolicy(line),
                        "a line with an invalid policy was decided: " + out + "\n  line: " +
                            std::string(line));
  }
}

inline void CheckEvalLineInput(std::string_view data) {
  std::vector<std::string_view> lines = Split(data, '\n');
  if (lines.size() > 16) lines.resize(16);
  EvalSession first, fresh;
  std::vector<std::string> outputs;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // as LineReader does
    bool is_error = false;
    outputs.push_back(first.EvaluateLine(line, i + 1, &is_error));
    CheckEvalOutput(line, outputs.back(), is_error);
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool e1 = false, e2 = false;
    REDTRUST_FUZZ_CHECK(fresh.EvaluateLine(line, i + 1, &e1) == outputs[i],
                        "a fresh session answers differently");
    REDTRUST_FUZZ_CHECK(first.EvaluateLine(line, i + 1, &e2) == outputs[i],
                        "the cache changed the answer");
  }
  // The oversize check, on a session with a small limit.
  EvalSessionOptions small;
  small.max_line_bytes = 64;
  EvalSession limited(small);
  for (std::string_view line : lines) {
    bool is_error = false;
    const std::string out = limited.EvaluateLine(line, 1, &is_error);
    if (line.size() > 64) {
      REDTRUST_FUZZ_CHECK(is_error && out.find("request.too_large") != std::string::npos,
                          "an oversize line was not rejected: " + out);
    }
    CheckEvalOutput(line, out, is_error);
  }
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_EVAL_LINE_FUZZ_H_
