// Evaluate: a request against compiled policies -> Decision (rules E1-E7).
//
// Thread-safety: pure functions over const inputs; safe to call concurrently with shared
// CompiledPolicy objects. Cost: no allocation on the common path unless tracing is on.
#ifndef REDTRUST_ENGINE_EVAL_EVALUATOR_H_
#define REDTRUST_ENGINE_EVAL_EVALUATOR_H_

#include <vector>

#include "engine/eval/compiled_policy.h"
#include "engine/eval/decision.h"
#include "engine/eval/request.h"

namespace redtrust {

struct EvalOptions {
  // Record a StatementTrace for every statement of every evaluated policy (for explanations).
  // Default: off. Costs a few allocations per statement.
  bool trace = false;
};

// Evaluates one policy: which statements apply (rule E2). Principal is checked only for
// policies of kind trust/resource. Keys read by applicable-so-far statements and absent from
// the request are appended to *missing_keys (as written in the policy, without duplicates).
PolicyResult EvaluatePolicy(const CompiledPolicy& policy, const Request& request,
                            const EvalOptions& options, std::vector<std::string>* missing_keys);

// The full decision for a request (rule E1, E3-E6; docs/semantics.md):
// - sts:GetCallerIdentity -> allowed, whatever the policies say; sts:GetSessionToken -> allowed
//   for users and the root user, implicitDeny for session credentials (E4-STS);
// - an applicable Deny in any policy -> explicitDeny;
// - role assumption (ClassifyStsAction kRoleAssumption), or a trust policy with a non-STS
//   action: service and federated callers need the trust policy alone (E3); IAM callers in the
//   role's account need a direct trust match, or an account-level match plus an identity allow
//   (E5); other accounts need both the trust and an identity allow (E6). No trust policy ->
//   implicitDeny (E4). Other STS actions (GetFederationToken, ...) follow the rules below, with
//   a trust policy set aside (E4-STS);
// - a KMS key (IsKmsKeyArn): the key policy is required; in the key's account a direct
//   key-policy allow suffices, an account-level one needs an identity allow, and an identity
//   allow alone is not enough (K-KMS); cross-account -> both;
// - other resource policies: same account -> identity allow or a direct resource-policy allow;
//   cross-account -> both;
// - no resource policy: an identity allow.
// `resource_policy` may be null; identity policies are those of the caller.
Decision Authorize(const Request& request, const CompiledPolicy* resource_policy,
                   const std::vector<const CompiledPolicy*>& identity_policies,
                   const EvalOptions& options = {});

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_EVAL_EVALUATOR_H_
