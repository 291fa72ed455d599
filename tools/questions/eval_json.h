// The `redtrust eval` line protocol: one JSON request per input line in, one JSON decision per
// line out. This is the one place (with decision_json.h) where requests are read from JSON.
//
// Input line:
//   {"id": "echoed string",
//    "principal": {"Service": "..."} | {"AWS": "<account id, :root, role, user or session ARN>"}
//                 | {"Federated": "..."},
//    "action": "sts:AssumeRole",
//    "resource": "arn:aws:iam::123456789012:role/R",
//    "resource_policy": {...} (optional; for sts:AssumeRole the role's trust policy),
//    "identity_policies": [{...}, ...] (optional),
//    "resource_account": "123456789012" (optional; else from the resource ARN),
//    "context": {"sts:ExternalId": "...", "aws:TagKeys": ["a", "b"], ...} (optional),
//    "now": "2026-01-01T00:00:00Z" (optional; else the session's clock)}
// Output line:
//   {"id", "decision": "allowed"|"explicitDeny"|"implicitDeny"|"error",
//    "matched_statements": [{"policy", "index", "sid", "line", "column"}],
//    "missing_context_keys": [...], "errors": [{"code", "message", "path", "line", "column"}]}
// `policy` names the policy inside the request: "resource_policy" or "identity_policies/N".
// Every input line gets one output line: a blank line too gets an error line
// (request.empty_line), so output line N always answers input line N.
// Regions a request names (a service principal's, the resource ARN's) must be known AWS regions
// (engine/policy/arn.h ClassifyRegion) unless allow_unknown_regions. A resource that is no role
// IAM could have created (ParseIamArn) is denied by STS for sts: actions (S1; the evaluator).
// line/column are positions in the input line's text (line = the input line number).
//
// Thread-safety: an EvalSession is not thread-safe (it owns a cache); use one per thread.
#ifndef REDTRUST_ENGINE_IO_EVAL_JSON_H_
#define REDTRUST_ENGINE_IO_EVAL_JSON_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/diagnostic.h"
#include "engine/policy/validate.h"

namespace redtrust {

struct EvalSessionOptions {
  // Clock for aws:CurrentTime / aws:EpochTime when a line has no "now", in microseconds since
  // the epoch. The engine never reads the wall clock: tools pass it in (`--now` overrides).
  // Default: 0 (1970-01-01T00:00:00Z).
  int64_t now_micros = 0;
  ValidateOptions validate;
  // Compiled policies cached by their exact text. Default: 4,096 entries (LRU-less: the cache
  // is cleared when full, which keeps memory bounded).
  size_t policy_cache_entries = 4096;
  // Maximum bytes of one input line. Default: 1 MiB.
  size_t max_line_bytes = 1u << 20;
  // Maximum number of values in a request's `context`, all keys together (an array counts its
  // items). Default: 10,000 (AWS requests carry tens). More is an error (request.invalid), which
  // bounds what a set operator can cost: request values x policy values.
  size_t max_context_values = 10000;
  // Accept a well-formed region that is not in redtrust's table of AWS regions (a region AWS
  // opened after this release) where a request names one: the region of a service principal
  // (`redshift.REGION.amazonaws.com`) and of the `resource` ARN. Default: false: such a line
  // is an error (request.invalid, "is an unknown region"), never a decision.
  bool allow_unknown_regions = false;
};

class EvalSession {
 public:
  explicit EvalSession(EvalSessionOptions options = {});
  ~EvalSession();
  EvalSession(const EvalSession&) = delete;
  EvalSession& operator=(const EvalSession&) = delete;

  // Evaluates one input line and returns the output JSON (no trailing newline). Never throws;
  // a bad line yields decision "error" with errors naming path, line and column, and sets
  // *is_error. `line_number` (1-based) is used for positions in errors and matched statements.
  std::string EvaluateLine(std::string_view line, uint64_t line_number, bool* is_error);

  // The "error" output line for an input line longer than max_line_bytes, which the caller
  // did not keep in memory; `length` is its real length in bytes.
  std::string OversizeLine(uint64_t line_number, uint64_t length) const;

  struct Result {
    std::string json;       // the output object, as EvaluateLine returns it
    bool is_error = false;  // decision "error"
    bool allowed = false;   // decision "allowed"
  };
  // Evaluates one request whose text starts at `start` of a larger input that may span lines,
  // such as an HTTP body holding a pretty-printed request or an array of them; positions in the
  // output are in that input's coordinates. `now_micros` is the clock for a request without
  // "now" (instead of the session's). Never throws.
  // EvaluateLine(line, n, &e) is EvaluateText(line, {n, 1, 0}, options.now_micros).
  Result EvaluateText(std::string_view text, const SourcePos& start, int64_t now_micros);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_IO_EVAL_JSON_H_
