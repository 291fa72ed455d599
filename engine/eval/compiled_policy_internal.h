// Internal representation of compiled statements. Only compiled_policy.cc and evaluator.cc
// include this; everything else sees CompiledPolicy as opaque.
#ifndef REDTRUST_ENGINE_EVAL_COMPILED_POLICY_INTERNAL_H_
#define REDTRUST_ENGINE_EVAL_COMPILED_POLICY_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/condition/operators.h"
#include "engine/condition/values.h"
#include "engine/eval/decision.h"
#include "engine/policy/wildcard.h"

namespace redtrust {

// A value with policy variables (rules V1-V7): literal runs and ${key[, 'default']} slots.
// `${*}`, `${?}`, `${$}` are literal runs of one character (V5) and are never wildcards.
struct TemplatePart {
  bool is_variable = false;
  std::string text;           // literal text (may contain `*`/`?` meaning wildcards when
                              // wildcard_literal is false), or the lower-cased key
  bool wildcard_literal = false;  // literal run produced by ${*} / ${?} / ${$}
  bool has_default = false;
  std::string default_value;
};
using Template = std::vector<TemplatePart>;

// Parses `text` into parts. Returns false when the text holds no recognised variable (then the
// caller keeps the plain string). An unclosed `${` is literal text (V3).
bool ParseTemplate(std::string_view text, Template* out);

struct PolicyValue {
  std::string text;        // canonical text as written
  bool has_template = false;
  Template tmpl;
  std::optional<WildcardPattern> glob;  // StringLike family without variables
  double number = 0;
  int64_t date = 0;
  IpCidr cidr;
  bool boolean = false;
};

struct CompiledCondition {
  OperatorSpec spec;
  ValueType type = ValueType::kString;
  Comparison cmp = Comparison::kEquals;
  bool negated = false;
  std::string op_written;
  std::string key_written;
  std::string key_lower;
  std::vector<PolicyValue> values;
  // StringLike / StringNotLike with many plain patterns: one scan for "does any match"
  // (RE2::Set). Values with policy variables are still matched one by one.
  std::shared_ptr<const WildcardSet> like_set;
  bool null_wants_absent = false;  // Null: any value "true"
  bool null_wants_present = false; // Null: any value "false"
  std::string path;
  SourcePos pos;
};

struct ActionPattern {
  std::string written;
  bool any = false;     // "*"
  bool never = false;   // empty action part or white space: never matches (rule M1 note)
  std::string service_lower;
  std::optional<WildcardPattern> name;  // case-insensitive
};

struct PrincipalPattern {
  enum class Kind {
    kAny,            // "*" or {"AWS": "*"}
    kAccount,        // 12 digits or arn:P:iam::A:root: account-level (M5)
    kRole,           // arn:P:iam::A:role/path/Name: any session of the role (M6)
    kExactArn,       // user, assumed-role session, federated user: exact (M6, M7)
    kService,        // exact name (M8, M9 via the caller's names)
    kFederated,      // exact provider
    kNever,          // CanonicalUser (S3 only) and anything that can never match a caller
  };
  Kind kind = Kind::kNever;
  std::string written;
  std::string partition;  // empty: the resource's partition (bare account id)
  std::string account;
  std::string role_name;
  std::string value;      // exact ARN / service name / provider
};

struct ResourcePattern {
  std::string written;
  bool any = false;
  bool has_template = false;
  Template tmpl;
};

struct CompiledStatement {
  StatementRef ref;
  bool is_deny = false;
  bool not_action = false;
  std::vector<ActionPattern> actions;
  bool has_principal = false;
  bool not_principal = false;
  std::vector<PrincipalPattern> principals;
  bool has_resource = false;
  bool not_resource = false;
  std::vector<ResourcePattern> resources;
  std::vector<CompiledCondition> conditions;
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_EVAL_COMPILED_POLICY_INTERNAL_H_
