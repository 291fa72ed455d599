// Replay: (world, cluster, user, COPY/UNLOAD statement) -> the decision Redshift would reach,
// the gate that stops it, the message Redshift would print, and a trace of every gate with the
// deciding statements as file:line:column. The gate order is P1-P10 of docs/semantics.md
// (P1-P10); STS hops use the IAM engine (engine/eval/evaluator.h).
//
// Thread-safety: pure functions over an immutable World. Cost: every policy was compiled when the
// world was loaded; a replay evaluates, it never parses a policy.
#ifndef REDTRUST_SIM_REPLAY_REPLAY_H_
#define REDTRUST_SIM_REPLAY_REPLAY_H_

#include <cstdint>
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
  // What Redshift prints (ERROR:  ...), or the reason it was not evaluated. For an error
  // Redshift reports with a DETAIL box (the S3 access denials, RS-E catalog), the ERROR line, a
  // newline, "DETAIL:" and the box: the same text as `detail`, each line starting with two
  // spaces.
  std::string message;
  // The DETAIL box alone ("  ----...\n  error:  ...\n  code:      8001\n  context:   ...\n
  // ----..."), or "" when Redshift prints none.
  std::string detail;
  std::vector<GateStep> trace;
};

struct ReplayOptions {
  // Build the per-gate trace (summaries, explanations, deciding statements). Default: on. Off,
  // only the failing gate's summary is kept, which is what a table of results needs.
  bool trace = true;
};

// Decides one parsed statement. Statements other than COPY/UNLOAD are not evaluated.
// `user` is the stored user name. `now_micros` (microseconds since the epoch, UTC) is the time of
// the statement: aws:CurrentTime / aws:EpochTime of every request it makes (STS hops, S3, KMS).
// The simulator never reads a clock: the caller passes its own (the CLI's --now or the wall
// clock read once, a log record's own time).
ReplayResult ReplayStatement(const World& world, const Cluster& cluster, std::string_view user,
                             const ParsedStatement& statement, int64_t now_micros,
                             const ReplayOptions& options = {});

// A COPY / UNLOAD that Redshift itself refuses (IsRejectedCopyOrUnload(error): an option rule
// such as IAM_ROLE with CREDENTIALS): DENY at gate P1 with `ERROR:  <error.message>`, as Redshift
// prints it; the trace names the rule's position `line:column` in `where` (the record's SQL).
// Not evaluated when the user does not exist, as for ReplayStatement.
ReplayResult ReplayRejected(const World& world, const Cluster& cluster, std::string_view user,
                            const SqlError& error, const ReplayOptions& options = {});

// The full Redshift answer to "can USER use ROLE (or chain 'a,b') for CMD on CLUSTER" at
// `now_micros`: gates P4-P7 of a statement that names the role (no S3 access is attempted).
ReplayResult CanAssume(const World& world, const Cluster& cluster, std::string_view user,
                       std::string_view role_or_chain, AssumeRoleCommand command,
                       int64_t now_micros);

// The aws:UserAgent of the S3 requests Redshift Spectrum makes, which COPY from PARQUET and ORC
// goes through (DG-COLUMNAR; the value is DG-SPIAM's).
inline constexpr const char* kSpectrumUserAgent = "AWS Redshift/Spectrum";

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_REPLAY_REPLAY_H_
