#include "tools/redtrust/can_request.h"

#include "engine/policy/arn.h"
#include "engine/sts/assume_role.h"

namespace redtrust::cli {

StatusOr<Request> RedshiftAssumeRoleRequest(std::string_view region, std::string_view account,
                                            std::string_view cluster, std::string_view user,
                                            const std::string& role_arn, int64_t now_micros) {
  Request req;
  auto caller = ParseServiceCaller("redshift." + std::string(region) + ".amazonaws.com");
  if (!caller.ok()) return caller.status();
  req.caller = std::move(*caller);
  req.action = "sts:AssumeRole";
  req.resource = role_arn;
  if (auto parts = SplitArn(role_arn)) {
    req.resource_partition = std::string(parts->partition);
    req.resource_account = std::string(parts->account);
  }
  req.now_micros = now_micros;
  req.context.Set("sts:ExternalId", {RedshiftDbUserArn(region, account, cluster, user)}, false);
  return req;
}

StatusOr<std::string> ResolveWorldRole(const sim::World& world, const sim::Cluster& cluster,
                                       const std::string& role) {
  if (role.rfind("arn:", 0) == 0) return role;
  std::vector<const sim::Role*> found;
  for (const sim::Role* r : world.FindRolesByName(role)) {
    if (r->account == cluster.account) found.push_back(r);
  }
  if (found.empty()) found = world.FindRolesByName(role);
  if (found.size() != 1) {
    return Status::InvalidArgument(
        "role `" + role + "`: " +
        (found.empty() ? std::string("no role of that name in the world")
                       : "several roles have that name; give the ARN"));
  }
  return found.front()->arn;
}

}  // namespace redtrust::cli
