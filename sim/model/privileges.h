// The ASSUMEROLE privilege check of rule RS-GRANT (gate P4): may database user U use this role or
// chain string for this command?
//
//  * A superuser always may (the privilege cannot be revoked from one).
//  * Otherwise the privilege is the union of the grants to U, to every group U belongs to, to
//    every RBAC role granted to U (and, recursively, the roles granted to those roles), and to
//    PUBLIC. A grant counts when it holds the command and its object matches:
//      - ALL matches any role or chain;
//      - a quoted string matches only the identical string (exact, case-sensitive comparison):
//        a chain grant 'A,B' matches only the statement string "A,B", and a grant on 'A' does
//        not cover the chain "A,B" (RS-OPEN-9);
//      - `default` matches like ALL when the database's GrantDefaultMeans is kAll, and otherwise
//        only when the statement wrote IAM_ROLE default (RS-OPEN-8).
//
// Thread-safe (reads an immutable Database). Cost: proportional to the grants of U, its groups,
// its roles and PUBLIC; one string allocation on failure (the error text).
#ifndef REDTRUST_SIM_MODEL_PRIVILEGES_H_
#define REDTRUST_SIM_MODEL_PRIVILEGES_H_

#include <string>
#include <string_view>
#include <vector>

#include "sim/model/database.h"
#include "sim/model/source_ref.h"
#include "sim/sql/statement.h"

namespace redtrust::sim {

struct AssumeRoleCheck {
  enum class Via {
    kSuperuser,    // held: the user is a superuser
    kGrant,        // held: `grant` provided it
    kNotGranted,   // not held: no grant matches
    kUnknownUser,  // not held: the database has no such user
  };
  bool holds = false;
  Via via = Via::kNotGranted;
  // kGrant: the grant that provided the privilege (points into the Database), where the GRANT
  // giving this command was written (empty for PUBLIC's built-in grant), and how the user reaches
  // the grantee: {} for a grant to the user itself, {"group loaders"}, {"role etl", "role
  // loader"} for a nested role, {"PUBLIC"}.
  const AssumeRoleGrant* grant = nullptr;
  SourceRef grant_where;
  std::vector<std::string> through;
  // When !holds: what Redshift prints. kNotGranted: the verbatim RS-E1 text (DG-GRANT), e.g.
  //   ERROR:  User user2 does not have ASSUMEROLE permission on IAM role "arn:..." for COPY
  // kUnknownUser (proposed, unsourced): ERROR:  user "bob" does not exist
  std::string error;

  // One line for traces: "superuser", "grant to group loaders at setup.sql:12:1 (ON ALL FOR
  // COPY)", "PUBLIC's default grant (ON ALL FOR ALL)", or the error.
  std::string Describe() const;
};

// `user` is the stored user name (exact). `role_or_chain` is the role string the statement used,
// exactly as written (for IAM_ROLE default, the resolved default role ARN), and is what the error
// quotes. `statement_used_default` is true when the statement wrote IAM_ROLE default.
AssumeRoleCheck CheckAssumeRolePrivilege(const Database& db, std::string_view user,
                                         std::string_view role_or_chain, AssumeRoleCommand cmd,
                                         bool statement_used_default);

// "ERROR:  User <user> does not have ASSUMEROLE permission on IAM role \"<role>\" for <CMD>"
// (two spaces after ERROR:, RS-GRANT / RS-E1).
std::string AssumeRoleDeniedMessage(std::string_view user, std::string_view role_or_chain,
                                    AssumeRoleCommand cmd);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_MODEL_PRIVILEGES_H_
