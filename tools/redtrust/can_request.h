// The request Redshift makes when it assumes a role for a database user (reference §5 hop 1,
// R1): caller redshift.REGION.amazonaws.com, sts:AssumeRole on the role, sts:ExternalId = the
// user's dbuser ARN. Shared by `redtrust can --trust-policy` and `redtrust test` "can" cases so
// both ask exactly the same question.
#ifndef REDTRUST_TOOLS_REDTRUST_CAN_REQUEST_H_
#define REDTRUST_TOOLS_REDTRUST_CAN_REQUEST_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "engine/eval/request.h"
#include "sim/model/world.h"

namespace redtrust::cli {

// REQUIRES: role_arn is an IAM role ARN (callers check it). Fails only when the region gives no
// valid service caller.
StatusOr<Request> RedshiftAssumeRoleRequest(std::string_view region, std::string_view account,
                                            std::string_view cluster, std::string_view user,
                                            const std::string& role_arn, int64_t now_micros);

// A role by ARN (or chain 'a,b', returned as is), or by name among the roles of the cluster's
// account (then of the whole world); fails when no role or several roles have that name.
StatusOr<std::string> ResolveWorldRole(const sim::World& world, const sim::Cluster& cluster,
                                       const std::string& role);

}  // namespace redtrust::cli

#endif  // REDTRUST_TOOLS_REDTRUST_CAN_REQUEST_H_
