// ASSUMEROLE privilege check (rule RS-GRANT). The order in which grantees are searched only
// decides which grant is *reported* (the union decides whether the privilege holds): the user's
// own grants, then its groups in the order joined, then its RBAC roles breadth-first, then PUBLIC,
// so the explanation names the most specific grant.
#include "sim/model/privileges.h"

#include <algorithm>

namespace redtrust::sim {
namespace {

bool ObjectMatches(const AssumeRoleGrant& g, std::string_view role_or_chain,
                   bool statement_used_default, GrantDefaultMeans default_means) {
  switch (g.object_kind) {
    case AssumeRoleObject::Kind::kAll:
      return true;
    case AssumeRoleObject::Kind::kDefault:
      // Open item 8: a synonym of ALL, or only IAM_ROLE default (switch grantDefaultMeans).
      return default_means == GrantDefaultMeans::kAll || statement_used_default;
    case AssumeRoleObject::Kind::kRole:
      // Exact string: a chain grant matches only the identical chain, a single-role grant never
      // covers a chain (DG-GRANT usage notes; RS-OPEN-9). Case and spaces count.
      return g.object == role_or_chain;
  }
  return false;
}

const AssumeRoleGrant* FirstMatch(const std::vector<AssumeRoleGrant>& grants,
                                  std::string_view role_or_chain, AssumeRoleCommand cmd,
                                  bool statement_used_default, GrantDefaultMeans default_means) {
  for (const AssumeRoleGrant& g : grants) {
    if (g.Holds(cmd) && ObjectMatches(g, role_or_chain, statement_used_default, default_means)) {
      return &g;
    }
  }
  return nullptr;
}

}  // namespace

std::string AssumeRoleDeniedMessage(std::string_view user, std::string_view role_or_chain,
                                    AssumeRoleCommand cmd) {
  std::string m = "ERROR:  User ";
  m.append(user);
  m += " does not have ASSUMEROLE permission on IAM role \"";
  m.append(role_or_chain);
  m += "\" for ";
  m += AssumeRoleCommandName(cmd);
  return m;
}

AssumeRoleCheck CheckAssumeRolePrivilege(const Database& db, std::string_view user,
                                         std::string_view role_or_chain, AssumeRoleCommand cmd,
                                         bool statement_used_default) {
  AssumeRoleCheck out;
  const DbUser* u = db.FindUser(user);
  if (!u) {
    out.via = AssumeRoleCheck::Via::kUnknownUser;
    out.error = "ERROR:  user \"" + std::string(user) + "\" does not exist";
    return out;
  }
  if (u->superuser) {
    // "A superuser always retains ASSUMEROLE" (DG-GRANT).
    out.holds = true;
    out.via = AssumeRoleCheck::Via::kSuperuser;
    return out;
  }
  const GrantDefaultMeans means = db.grant_default_means();
  auto found = [&](const AssumeRoleGrant* g, std::vector<std::string> through) {
    out.holds = true;
    out.via = AssumeRoleCheck::Via::kGrant;
    out.grant = g;
    out.grant_where = *g->commands[CommandIndex(cmd)];
    out.through = std::move(through);
    return out;
  };

  if (const AssumeRoleGrant* g = FirstMatch(db.GrantsOf(Grantee::Kind::kUser, u->name),
                                            role_or_chain, cmd, statement_used_default, means)) {
    return found(g, {});
  }
  for (const std::string& group : u->groups) {
    if (const AssumeRoleGrant* g = FirstMatch(db.GrantsOf(Grantee::Kind::kGroup, group),
                                              role_or_chain, cmd, statement_used_default, means)) {
      return found(g, {"group " + group});
    }
  }
  // RBAC roles, breadth-first, remembering how each was reached for the explanation.
  if (!u->roles.empty()) {
    struct Node {
      const DbRole* role;
      size_t parent;  // index into `queue`, or npos for roles granted to the user directly
    };
    std::vector<Node> queue;
    auto enqueue = [&](const std::string& name, size_t parent) {
      const DbRole* r = db.FindRole(name);
      if (!r) return;
      for (const Node& n : queue) {
        if (n.role == r) return;
      }
      queue.push_back({r, parent});
    };
    for (const std::string& r : u->roles) enqueue(r, std::string::npos);
    for (size_t i = 0; i < queue.size(); ++i) {
      const DbRole* role = queue[i].role;
      if (const AssumeRoleGrant* g =
              FirstMatch(db.GrantsOf(Grantee::Kind::kRole, role->name), role_or_chain, cmd,
                         statement_used_default, means)) {
        std::vector<std::string> through;
        for (size_t j = i; j != std::string::npos; j = queue[j].parent) {
          through.push_back("role " + queue[j].role->name);
        }
        std::reverse(through.begin(), through.end());
        return found(g, std::move(through));
      }
      for (const std::string& inner : role->roles) enqueue(inner, i);
    }
  }
  if (const AssumeRoleGrant* g = FirstMatch(db.GrantsOf(Grantee::Kind::kPublic, ""), role_or_chain,
                                            cmd, statement_used_default, means)) {
    return found(g, {"PUBLIC"});
  }
  out.via = AssumeRoleCheck::Via::kNotGranted;
  out.error = AssumeRoleDeniedMessage(user, role_or_chain, cmd);
  return out;
}

std::string AssumeRoleCheck::Describe() const {
  switch (via) {
    case Via::kSuperuser:
      return "superuser (always holds ASSUMEROLE)";
    case Via::kGrant: {
      std::string s;
      if (grant->built_in) {
        s = "PUBLIC's default grant (ON ALL FOR ALL; publicHoldsAssumeRoleByDefault)";
        return s;
      }
      s = "grant ON " + grant->ObjectName() + " to " + grant->GranteeName();
      if (grant->grantee_kind == Grantee::Kind::kGroup) {
        s += " (a group of the user)";
      } else if (grant->grantee_kind == Grantee::Kind::kRole) {
        s += " (via ";
        for (size_t i = 0; i < through.size(); ++i) s += (i ? " -> " : "") + through[i];
        s += ")";
      }
      s += " at " + grant_where.ToString();
      return s;
    }
    case Via::kNotGranted:
    case Via::kUnknownUser:
      return error;
  }
  return error;
}

}  // namespace redtrust::sim
