// Decisions and their explanations (STYLE guideline 6): the outcome, the statements that decided
// it, the keys the policies wanted and the request lacked, and (optionally) a per-statement trace
// from which explain.h writes the "why".
#ifndef REDTRUST_ENGINE_EVAL_DECISION_H_
#define REDTRUST_ENGINE_EVAL_DECISION_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.h"

namespace redtrust {

// AWS's EvalDecision values (rule E1).
enum class Effect { kAllowed, kExplicitDeny, kImplicitDeny };
const char* EffectName(Effect e);  // "allowed" | "explicitDeny" | "implicitDeny"

struct StatementRef {
  std::string policy;  // policy id: a file name, or "resource_policy", "identity_policies/0"
  size_t index = 0;
  std::string sid;     // empty when none
  std::string path;    // JSON pointer of the statement
  SourcePos pos;
};

// How a statement's Principal matched the caller (rules M5, M6).
enum class PrincipalMatch { kNone, kAccountLevel, kDirect };

// ---- Trace: filled only when EvalOptions::trace is on.
struct ConditionTrace {
  std::string op;   // as written
  std::string key;  // as written
  std::vector<std::string> policy_values;   // after variable substitution
  std::vector<std::string> request_values;  // empty when the key is missing
  bool key_present = false;
  bool result = false;
  std::string note;  // e.g. "key missing: IfExists makes this true", "not a number"
  std::string path;
  SourcePos pos;
};

struct StatementTrace {
  StatementRef ref;
  bool is_deny = false;
  bool action_matched = false;
  bool has_principal = false;
  PrincipalMatch principal = PrincipalMatch::kNone;
  bool resource_matched = false;
  bool has_resource = false;
  bool conditions_matched = false;
  std::vector<ConditionTrace> conditions;  // every condition, in order
  std::vector<std::string> principals;     // the Principal entries as written
  bool applies() const {
    return action_matched && (!has_principal || principal != PrincipalMatch::kNone) &&
           resource_matched && conditions_matched;
  }
};

// The outcome of evaluating one policy against a request.
struct PolicyResult {
  std::string policy;
  std::vector<StatementRef> allows;  // applicable Allow statements
  std::vector<StatementRef> denies;  // applicable Deny statements
  PrincipalMatch best_allow_principal = PrincipalMatch::kNone;  // resource policies only
  std::vector<StatementTrace> trace;
};

struct Decision;
// STS's AccessDenied reason suffix for a denial (rule S6), e.g.
// " because no role trust policy allows the sts:AssumeRole action"; "" when allowed.
std::string StsDenyReason(const Decision& d, std::string_view action);

struct Decision {
  Effect effect = Effect::kImplicitDeny;
  std::vector<StatementRef> matched;  // allow: the allows that counted; explicit deny: the denies
  std::vector<std::string> missing_context_keys;
  // One sentence saying which rule decided, e.g. "cross-account: the trust policy allows but no
  // identity policy allows sts:AssumeRole" (rules E3-E6). Points to static text.
  const char* reason = "";
  // Which kind of policy a denial is attributed to, for STS's AccessDenied wording (S6).
  enum class DenyBy { kNone, kTrust, kIdentity, kResource };
  DenyBy deny_by = DenyBy::kNone;
  // Names the caller answers to (service names; the principal ARN otherwise), for explanations.
  std::vector<std::string> caller_names;
  std::vector<PolicyResult> policies;  // per policy, in evaluation order (resource policy first)
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_EVAL_DECISION_H_
