// The AWS managed policies the Redshift documentation names (rule RS-PERM), shipped as their
// published documents in sim/model/managed/NAME.json and embedded in the binary, so a world can
// attach them as "aws-managed:NAME" without network access. Versions: docs/world.md.
//
// Thread-safe: a constant table.
#ifndef REDTRUST_SIM_MODEL_MANAGED_POLICIES_H_
#define REDTRUST_SIM_MODEL_MANAGED_POLICIES_H_

#include <string_view>
#include <vector>

namespace redtrust::sim {

struct ManagedPolicy {
  std::string_view name;      // "AmazonS3ReadOnlyAccess"
  std::string_view arn;       // "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
  std::string_view version;   // default version, "v3"
  std::string_view edited;    // when AWS last changed it, ISO 8601 UTC
  std::string_view document;  // the JSON text, byte-identical to sim/model/managed/NAME.json
};

// Every shipped policy, in a fixed order.
const std::vector<ManagedPolicy>& ManagedPolicies();
// By name ("AmazonS3ReadOnlyAccess") or ARN; nullptr when not shipped. Case-sensitive, as IAM
// policy names are.
const ManagedPolicy* FindManagedPolicy(std::string_view name_or_arn);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_MODEL_MANAGED_POLICIES_H_
