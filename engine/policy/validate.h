// ValidatePolicy: the IAM grammar and per-kind rules G1-G14 (docs/semantics.md), as diagnostics
// with AWS's own message text where it is known. Never stops at the first finding.
#ifndef REDTRUST_ENGINE_POLICY_VALIDATE_H_
#define REDTRUST_ENGINE_POLICY_VALIDATE_H_

#include <cstddef>

#include "engine/base/diagnostic.h"
#include "engine/policy/document.h"

namespace redtrust {

struct ValidateOptions {
  // Size quota in characters without white space (rule G14). Default: 2,048, the default
  // "Role trust policy length" quota. 0 disables the check.
  size_t max_policy_chars = 2048;
};

// Appends findings to *diags (sorted by position among themselves; earlier entries are left as
// they are). REQUIRES: doc came from ReadPolicy without structural errors.
void ValidatePolicy(const PolicyDocument& doc, PolicyKind kind, const ValidateOptions& options,
                    Diagnostics* diags);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_VALIDATE_H_
