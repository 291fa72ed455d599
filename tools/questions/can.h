// `can`: Redshift's AssumeRole for one database user, as `redtrust can` and redtrustd's
// POST /v1/can ask it. Both front ends check their inputs with these functions, evaluate with
// them and print the JSON they build, so the CLI's `--json` and the server answer byte for byte
// alike (docs/cli.md, docs/http-api.md).
//
// Two forms:
//   trust-policy form: the request Redshift makes (caller redshift.REGION.amazonaws.com,
//     sts:ExternalId = the user's dbuser ARN) decided by one trust policy (E3);
//   world form: the full Redshift answer from a world, gates P4-P7 for COPY and/or UNLOAD.
//
// Thread-safety: free functions over values and an immutable World; safe to call concurrently.
#ifndef REDTRUST_TOOLS_COMMON_CAN_H_
#define REDTRUST_TOOLS_COMMON_CAN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/diagnostic.h"
#include "engine/base/status.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/decision.h"
#include "engine/eval/request.h"
#include "sim/model/world.h"
#include "tools/questions/replay.h"

namespace redtrust::tools {

// How messages name an input: the CLI's flag (`--role-arn`) or the JSON field (`role_arn`).
enum class FieldStyle { kFlag, kJsonField };
// "--role-arn" for kFlag, "`role_arn`" for kJsonField. `field` is the JSON spelling.
std::string FieldName(std::string_view field, FieldStyle style);

// ---- Redshift's request (rule RS-STS hop 1, R1)

// REQUIRES: role_arn is an IAM role ARN (callers check it). Fails only when the region gives no
// valid service caller.
StatusOr<Request> RedshiftAssumeRoleRequest(std::string_view region, std::string_view account,
                                            std::string_view cluster, std::string_view user,
                                            const std::string& role_arn, int64_t now_micros);

// A role by ARN (or chain 'a,b', returned as is), or by name among the roles of the cluster's
// account (then of the whole world); fails when no role or several roles have that name.
StatusOr<std::string> ResolveWorldRole(const sim::World& world, const sim::Cluster& cluster,
                                       const std::string& role);

// ---- Trust-policy form

struct CanTrustQuestion {
  std::string user;     // stored Redshift user name, 1-127 bytes
  std::string cluster;  // cluster identifier
  std::string region;
  std::string account;  // 12 digits
  std::optional<std::string> role_arn;  // default arn:PARTITION:iam::ACCOUNT:role/RedshiftRole
  // Accept a well-formed region that is not in redtrust's table of AWS regions (a region AWS
  // opened after this release; engine/policy/arn.h ClassifyRegion). Default: false.
  bool allow_unknown_region = false;
  // Extra request context, in order; a key given twice is multivalued. Keys are `prefix:name`
  // (the caller checks the shape it reads them in). `sts:ExternalId` replaces the dbuser ARN.
  std::vector<std::pair<std::string, std::string>> context;
  int64_t now_micros = 0;
};

// Checks the question's names in the CLI's order (region: a known region unless
// allow_unknown_region; account, cluster, user, role ARN — the world loader's validator,
// ParseIamArn — and its partition) and returns the role ARN to use. Messages name inputs per
// `style` and quote user text escaped and cut (SanitizeForMessage).
StatusOr<std::string> CheckCanTrustQuestion(const CanTrustQuestion& q, FieldStyle style);

// A trust policy read, validated for kind trust and compiled. `diagnostics` holds every finding
// (warnings too); `policy` is null when any is an error or compiling failed (then `status` says
// why: the first error as "NAME:LINE:COLUMN: error: CODE: MESSAGE", `code` its diagnostic code).
struct CompiledTrustPolicy {
  std::shared_ptr<const CompiledPolicy> policy;
  Diagnostics diagnostics;
  Status status;
  std::string code;
};
// `name` is what positions and matched statements cite (a file name); positions are relative
// to `text`. `max_policy_chars` is the size quota (0 = off).
CompiledTrustPolicy CompileTrustPolicy(std::string_view text, const std::string& name,
                                       size_t max_policy_chars);

struct CanTrustAnswer {
  Decision decision;                  // with the trace, for explanations
  std::vector<std::string> explanation;
  std::vector<std::string> caller_names;  // "redshift.REGION.amazonaws.com", then the global one
  std::string external_id;
  std::string role_arn;
  std::string redshift_error;  // what Redshift prints on a denial
  bool allowed = false;
};

// Evaluates the question against `trust` (E3). Fails (InvalidArgument, message starting with
// "STS would reject the call: ValidationError: ") when STS rejects the parameters before any
// policy is read (rule S3), and when the region gives no caller.
// REQUIRES: CheckCanTrustQuestion(q) returned role_arn.
StatusOr<CanTrustAnswer> AnswerCanTrust(const CanTrustQuestion& q, const std::string& role_arn,
                                        const CompiledPolicy& trust);

// The `redtrust can --json` object, pretty-printed with two spaces, no trailing newline.
std::string CanTrustJson(const CanTrustAnswer& a);

// ---- World form

enum class CanFor { kCopy, kUnload, kAll };
// "copy" | "unload" | "all"; nullopt for anything else.
std::optional<CanFor> ParseCanFor(std::string_view s);

struct CanWorldAnswer {
  std::string user;
  std::string cluster;
  std::string role_arn;  // as resolved (an ARN or a chain 'a,b')
  std::string external_id;
  std::vector<ReplayRecord> records;  // one per command (COPY, UNLOAD)
  bool allowed = false;               // every record evaluated and allowed
  bool any_error = false;             // some record could not be evaluated (see its message)
};

// The full Redshift answer from `world` at `now_micros` (microseconds since the epoch: the
// aws:CurrentTime of every STS hop). Fails (NotFound) on an unknown cluster ("no cluster `C`")
// and (InvalidArgument) when `role` names no role or several ("role `R`: ...").
StatusOr<CanWorldAnswer> AnswerCanWorld(const sim::World& world, const std::string& user,
                                        const std::string& cluster, const std::string& role,
                                        CanFor for_command, int64_t now_micros);

// The `redtrust can USER --world ... --json` object, pretty-printed, no trailing newline.
// REQUIRES: !a.any_error.
std::string CanWorldJson(const CanWorldAnswer& a);

}  // namespace redtrust::tools

#endif  // REDTRUST_TOOLS_COMMON_CAN_H_
