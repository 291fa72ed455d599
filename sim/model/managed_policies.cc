#include "sim/model/managed_policies.h"

namespace redtrust::sim {

const std::vector<ManagedPolicy>& ManagedPolicies() {
  static const std::vector<ManagedPolicy> kPolicies = {
#include "sim/model/managed_policies_data.inc"
  };
  return kPolicies;
}

const ManagedPolicy* FindManagedPolicy(std::string_view name_or_arn) {
  for (const ManagedPolicy& p : ManagedPolicies()) {
    if (p.name == name_or_arn || p.arn == name_or_arn) return &p;
  }
  return nullptr;
}

}  // namespace redtrust::sim
