// Replay: (world, cluster, user, COPY/UNLOAD statement) -> the decision Redshift would reach,
// the gate that stops it, the message Redshift would print, and a trace of every gate with the
// deciding statements as file:line:column. The gate order is P1-P10 of docs/semantics.md
// (P1-P10); STS hops use the IAM engine (engine/eval/evaluator.h).
//
// Thread-safety: pure functions over an immutable World. Cost: every policy was compiled when the
// world was loaded; a replay evaluates, it never parses a policy.
#ifndef REDTRUST_SIM_REPLAY_REPLAY_H_
#define REDTRUST_SIM_REPLAY_REPLAY_H_

#include <string>
#include <string_view>
#include <vector>

#include "sim/model/world.h"
#include "sim/sql/parser.h"

namespace redtrust::sim {

// The gates P1-P10 (docs/semantics.md §9.12), in order.
enum class Gate {
  kOptions,       // P1: option rules beyond the grammar (chain length, client-side encryption)
  kDefaultRole,   // P2: IAM_ROLE default resolution
  kAssumeRole,    // P4: ASSUMEROLE privilege
  kAssociation,   // P5: the first role is associated with the cluster
  kStsHop1,       // P6: Redshift's service principal assumes role 1
  kStsChain,      // P7: role i's session assumes role i+1
  kRegion,        // P8: the bucket is in the region the statement addresses
  kPermissions,   // P9: S3 / KMS actions with the last role's (or the IAM user's) credentials;
                  // for key-based authorization also the access key and its secret (RS-E7)
  kData,          // P10: prefix / manifest exists, UNLOAD target empty
};
const char* GateName(Gate g);  // "P1 options", "P6 sts-hop-1", ...

struct GateStep {
  Gate gate;
  bool passed = false;
  std::string summary;               // one line
  std::vector<std::string> details;  // deciding statements as file:line:column, values compared
};

struct ReplayResult {
  bool evaluated = false;  // false: the record could not be evaluated (bad SQL, unknown user...)
  bool allowed = false;
  std::string command;     // "COPY" | "UNLOAD" | "" when unknown
  Gate failing_gate = Gate::kOptions;  // meaningful when evaluated && !allowed
  std::string message;     // what Redshift prints (ERROR:  ...), or the reason it was not evaluated
  std::vector<GateStep> trace;
};

struct ReplayOptions {
  // Build the per-gate trace (summaries, explanations, deciding statements). Default: on. Off,
  // only the failing gate's summary is kept, which is what a table of results needs.
  bool trace = true;
};

// Decides one parsed statement. Statements other than COPY/UNLOAD are not evaluated.
// `user` is the stored user name.
ReplayResult ReplayStatement(const World& world, const Cluster& cluster, std::string_view user,
                             const ParsedStatement& statement, const ReplayOptions& options = {});

// The full Redshift answer to "can USER use ROLE (or chain 'a,b') for CMD on CLUSTER": gates
// P4-P7 of a statement that names the role (no S3 access is attempted).
ReplayResult CanAssume(const World& world, const Cluster& cluster, std::string_view user,
                       std::string_view role_or_chain, AssumeRoleCommand command);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_REPLAY_REPLAY_H_
