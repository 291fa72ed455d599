// Diff of two worlds (docs/diff.md "Worlds"): what Redshift users can newly do or can no longer
// do, and how every role's trust policy changed.
//
// Redshift side, exact by enumeration: for every cluster, database user and role of either world
// and both commands (COPY, UNLOAD), the full Redshift answer of `redtrust can` (gates P4-P7:
// ASSUMEROLE grants, association, STS hop 1 with the trust policy) in OLD and in NEW. IAM side:
// the exact trust-policy diff (engine/diff/trust_diff.h) of every role, a role missing on one
// side counting as a role nobody can assume.
//
// Thread-safety: pure function over immutable worlds.
#ifndef REDTRUST_SIM_DIFF_WORLD_DIFF_H_
#define REDTRUST_SIM_DIFF_WORLD_DIFF_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/diff/trust_diff.h"
#include "sim/model/world.h"

namespace redtrust::sim {

struct RedshiftAccessChange {
  std::string cluster;
  std::string user;     // stored name
  std::string role;     // role ARN
  std::string command;  // "COPY" | "UNLOAD"
  bool new_access = false;
  // "allowed", or the failing gate and Redshift's message, or why the question has no answer
  // on that side ("no cluster `c` in OLD").
  std::string old_answer, new_answer;
  std::string dbuser_arn;  // the ExternalId Redshift sends (from the side that has the cluster)
};

struct RoleTrustChange {
  std::string role_arn;
  std::string change;  // "changed" | "added" | "removed"
  diff::TrustDiff diff;
};

struct WorldDiff {
  std::vector<RedshiftAccessChange> redshift;  // new access first, then removed
  std::vector<RoleTrustChange> roles;          // only roles whose trust decisions differ
  size_t questions_examined = 0;               // Redshift (cluster, user, role, command) tuples
  bool exact() const;
};

// `options.role_arn` is ignored (each role's own ARN is used); the rest applies to every role;
// `options.now_micros` is also the time of the Redshift access questions (CanAssume).
StatusOr<WorldDiff> DiffWorlds(const World& old_world, const World& new_world,
                               const diff::DiffOptions& options);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_DIFF_WORLD_DIFF_H_
