// LintTrustPolicySecurity: what a reviewer would flag in a role trust policy that is valid but
// risky or probably wrong (issue 4 §3): a Redshift principal with no confused-deputy guard,
// "*" principals without conditions, StringLike without wildcards, Allow with NotPrincipal,
// conditions on keys Redshift never sends, and sts:ExternalId values that are not (lower-case)
// dbuser ARNs. Every finding is a `security.*` diagnostic (warning or info) with the element's
// path and position and a one-line fix in `help`. Codes: docs/diagnostics.md, "Security findings".
//
// Separate from ValidatePolicy on purpose: ParsePolicy (used by evaluation) is unchanged, and
// `redtrust lint --kind trust` calls this after the policy parsed without errors.
#ifndef REDTRUST_ENGINE_POLICY_SECURITY_LINT_H_
#define REDTRUST_ENGINE_POLICY_SECURITY_LINT_H_

#include <string_view>

#include "engine/base/diagnostic.h"
#include "engine/policy/document.h"

namespace redtrust {

// Appends security findings for a trust policy (PolicyKind::kTrust) to *diags, sorted by
// position among themselves; earlier entries are left as they are. Meant for a document that
// ParsePolicy accepted without errors; on anything else it stays safe but may say less.
void LintTrustPolicySecurity(const PolicyDocument& doc, Diagnostics* diags);

// True for a Redshift service principal: `redshift.amazonaws.com` or
// `redshift.<region>.amazonaws.com` (ASCII case ignored), rule RS-STS (docs/semantics.md).
bool IsRedshiftServicePrincipal(std::string_view service);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_SECURITY_LINT_H_
