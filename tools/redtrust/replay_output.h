// Shared output of the Redshift commands (`replay`, `can USER --world`): the table row, the
// JSON line and the trace text of a ReplayResult.
#ifndef REDTRUST_TOOLS_REDTRUST_REPLAY_OUTPUT_H_
#define REDTRUST_TOOLS_REDTRUST_REPLAY_OUTPUT_H_

#include <string>

#include "sim/replay/replay.h"

namespace redtrust::cli {

struct ReplayRecord {
  std::string id;
  std::string user;
  std::string cluster;
  sim::ReplayResult result;
};

// "ALLOW" | "DENY" | "ERROR"
const char* ReplayDecisionName(const sim::ReplayResult& r);
// One JSON object (no newline): {"id","user","cluster","command","decision","failing_gate",
// "message","trace":[{"gate","passed","summary","details"}]}
std::string ReplayJson(const ReplayRecord& r);
// Indented trace lines ("  P4 assumerole: ok: ...").
std::string ReplayTraceText(const sim::ReplayResult& r);

}  // namespace redtrust::cli

#endif  // REDTRUST_TOOLS_REDTRUST_REPLAY_OUTPUT_H_
