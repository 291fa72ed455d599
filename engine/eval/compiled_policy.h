// CompiledPolicy: a validated PolicyDocument turned into matchers, built once and evaluated
// many times. Wildcards become WildcardPattern (literal / prefix / suffix / RE2); condition
// values are parsed into numbers, dates, CIDRs once; keys are lower-cased once.
//
// Immutable after Compile and safe to share across threads (shared_ptr<const CompiledPolicy>).
#ifndef REDTRUST_ENGINE_EVAL_COMPILED_POLICY_H_
#define REDTRUST_ENGINE_EVAL_COMPILED_POLICY_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/policy/document.h"

namespace redtrust {

struct CompiledStatement;  // defined in compiled_policy_internal.h

class CompiledPolicy {
 public:
  // REQUIRES: doc passed ValidatePolicy for `kind` without errors. Returns InvalidArgument for
  // anything the validator should have caught (defence in depth: never compiles to ALLOW).
  // `policy_id` names the policy in decisions (a file name or "resource_policy").
  static StatusOr<std::shared_ptr<const CompiledPolicy>> Compile(const PolicyDocument& doc,
                                                                 PolicyKind kind,
                                                                 std::string policy_id);
  ~CompiledPolicy();
  // Not copyable: owns compiled patterns.
  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  PolicyKind kind() const { return kind_; }
  const std::string& id() const { return id_; }
  const std::vector<CompiledStatement>& statements() const { return statements_; }
  // Every condition key any statement reads, lower-cased, in first-use order.
  const std::vector<std::string>& condition_keys() const { return condition_keys_; }

 private:
  CompiledPolicy();
  PolicyKind kind_ = PolicyKind::kTrust;
  std::string id_;
  std::vector<CompiledStatement> statements_;
  std::vector<std::string> condition_keys_;
  friend class PolicyCompiler;
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_EVAL_COMPILED_POLICY_H_
