// ReadPolicy: JSON text -> PolicyDocument, reporting structural problems as diagnostics.
// ParsePolicy: ReadPolicy + ValidatePolicy in one call, for callers that just want a verdict.
#ifndef REDTRUST_ENGINE_POLICY_READER_H_
#define REDTRUST_ENGINE_POLICY_READER_H_

#include <string_view>

#include "engine/base/diagnostic.h"
#include "engine/base/json.h"
#include "engine/policy/document.h"
#include "engine/policy/validate.h"

namespace redtrust {

// Hard limits on one policy, whatever the size quota (ValidateOptions::max_policy_chars, which
// may be switched off): they bound the memory and time a policy can cost and never reject a
// policy AWS accepts (the largest quota, 32,768 characters for a KMS key policy, holds about 700
// statements and 8,200 one-character values). docs/limits.md.
//   - at most kMaxPolicyStatements statements ("policy.too_many_statements");
//   - at most kMaxPolicyJsonValues JSON values in the document: strings, numbers, booleans,
//     arrays and objects ("json.too_many_values").
inline constexpr size_t kMaxPolicyStatements = 1000;
inline constexpr uint64_t kMaxPolicyJsonValues = 20000;

// Reads a policy from text. Structural problems (malformed JSON, invalid UTF-8, duplicate keys,
// wrong JSON types, unknown keys, missing Statement) are appended to *diags as errors with
// codes from docs/diagnostics.md. Returns true when *doc is complete enough to validate
// (no structural error); *doc is filled as far as possible either way. json_options.max_values
// is lowered to kMaxPolicyJsonValues when it is larger.
bool ReadPolicy(std::string_view text, const JsonOptions& json_options, PolicyDocument* doc,
                Diagnostics* diags);

// Reads a policy from an already parsed JSON value (e.g. embedded in an `eval` request line).
// `base_path` prefixes every diagnostic path ("/resource_policy"). A value with more than
// kMaxPolicyJsonValues values in it is refused ("json.too_many_values") without reading it.
bool ReadPolicyFromJson(const JsonValue& value, std::string_view base_path,
                        std::string_view source_text, PolicyDocument* doc, Diagnostics* diags);

struct ParsedPolicy {
  PolicyDocument doc;
  Diagnostics diagnostics;  // sorted by position
  bool ok() const { return !HasErrors(diagnostics); }
};

// ReadPolicy followed, when structure is sound, by ValidatePolicy.
ParsedPolicy ParsePolicy(std::string_view text, PolicyKind kind,
                         const ValidateOptions& options = {});

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_READER_H_
