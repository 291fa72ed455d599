// PolicyDocument: an IAM policy as written, every element with its JSON-pointer path and
// source position. Produced by ReadPolicy (reader.h), checked by ValidatePolicy (validate.h),
// compiled by CompilePolicy (engine/eval/compiled_policy.h). Nothing here evaluates anything.
//
// The reader is deliberately lenient about *values* (an Effect of "allow" is kept as written)
// so that the validator can report every problem with AWS's wording; it is strict about
// *structure* (wrong JSON types, unknown keys, duplicate keys), which it reports itself.
#ifndef REDTRUST_ENGINE_POLICY_DOCUMENT_H_
#define REDTRUST_ENGINE_POLICY_DOCUMENT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostic.h"

namespace redtrust {

// The three kinds of policy, each with its own validation rules (rules G8, G9).
enum class PolicyKind {
  kTrust,     // a role's trust policy: Principal required, no Resource/NotResource
  kIdentity,  // attached to a user/role: no Principal, Resource required
  kResource,  // e.g. a bucket policy: Principal required, Resource required
};
const char* PolicyKindName(PolicyKind k);  // "trust" | "identity" | "resource"

// A string element with where it was written.
struct LocatedString {
  std::string value;
  std::string path;  // JSON pointer
  SourcePos pos;
};

// Principal / NotPrincipal. `"Principal": "*"` sets any=true with no entries.
enum class PrincipalType { kAWS, kService, kFederated, kCanonicalUser };
const char* PrincipalTypeName(PrincipalType t);  // "AWS" | "Service" | ...

struct PrincipalEntry {
  PrincipalType type = PrincipalType::kAWS;
  LocatedString value;  // e.g. "arn:aws:iam::123456789012:root", "redshift.amazonaws.com", "*"
};

struct PrincipalElement {
  bool present = false;
  bool is_not = false;  // NotPrincipal
  bool any = false;     // the string form "*"
  std::vector<PrincipalEntry> entries;
  std::string path;
  SourcePos pos;
};

// Action/NotAction or Resource/NotResource.
struct StringListElement {
  bool present = false;
  bool is_not = false;      // NotAction / NotResource
  bool was_array = false;
  std::vector<LocatedString> values;
  std::string path;
  SourcePos pos;
};

// One (operator, key) pair of a Condition block. Values keep their canonical text: JSON strings
// as decoded, numbers exactly as written, booleans as "true"/"false" (rule G11).
struct ConditionValue {
  LocatedString text;
  bool from_json_string = true;  // false for JSON numbers and booleans
};

struct ConditionEntry {
  LocatedString op;   // as written, e.g. "ForAnyValue:StringLikeIfExists"; path .../Condition/<op>
  LocatedString key;  // as written, e.g. "sts:ExternalId"; path .../Condition/<op>/<key>
  std::vector<ConditionValue> values;
  bool was_array = false;
};

struct Statement {
  size_t index = 0;  // position in the Statement array (0 for the single-object form)
  std::string path;  // "/Statement/0" or "/Statement"
  SourcePos pos;
  std::optional<LocatedString> sid;
  std::optional<LocatedString> effect;  // as written; validator checks "Allow"/"Deny"
  PrincipalElement principal;
  StringListElement action;
  StringListElement resource;
  bool has_condition = false;
  std::string condition_path;
  SourcePos condition_pos;
  std::vector<ConditionEntry> conditions;  // document order
  // Every operator key of the Condition block as written, in document order, including those
  // whose block is `{}` and so produce no ConditionEntry (rule G11: an unknown operator
  // with an empty block is ignored, not rejected).
  std::vector<LocatedString> condition_operators;
};

struct PolicyDocument {
  std::string path;  // JSON pointer of the policy object itself: "" or ReadPolicyFromJson's base
  SourcePos pos;     // the policy object's opening brace
  std::optional<LocatedString> version;  // missing means 2008-10-17 (rule G2)
  std::optional<LocatedString> id;
  bool has_statement = false;
  bool statement_was_array = false;
  SourcePos statement_pos;
  std::vector<Statement> statements;
  // Characters of the text outside JSON-insignificant white space (rule G14), counted
  // in Unicode code points.
  size_t size_without_whitespace = 0;

  // True when Version is exactly "2012-10-17": policy variables are recognised (rule V1).
  bool policy_variables_enabled() const {
    return version.has_value() && version->value == "2012-10-17";
  }
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_DOCUMENT_H_
