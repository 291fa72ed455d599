// `replay`: COPY/UNLOAD records decided against a world, as `redtrust replay` and redtrustd's
// POST /v1/replay read and print them (docs/replay.md, docs/http-api.md). The record readers
// (JSON Lines `{"id","user","cluster","sql"}` and `.sql` scripts with `-- redtrust:` directives)
// and the output (table row, JSON line, trace text) live here so both front ends agree byte for
// byte.
//
// Thread-safety: the functions are pure over an immutable World; a SqlCache is not thread-safe
// (one per request or per thread).
#ifndef REDTRUST_TOOLS_COMMON_REPLAY_H_
#define REDTRUST_TOOLS_COMMON_REPLAY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/base/json.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"

namespace redtrust::tools {

struct ReplayRecord {
  std::string id;
  std::string user;
  std::string cluster;
  sim::ReplayResult result;
};

// "ALLOW" | "DENY" | "ERROR"
const char* ReplayDecisionName(const sim::ReplayResult& r);
// One JSON object (no newline): {"id","user","cluster","command","decision","failing_gate",
// "message","detail","trace":[{"gate","passed","summary","details"}]}; `detail` is the DETAIL
// box Redshift prints under the error (a string), or null.
std::string ReplayJson(const ReplayRecord& r);
// Indented trace lines ("  P4 assumerole: ok: ...").
std::string ReplayTraceText(const sim::ReplayResult& r);

// A record that could not be evaluated, with the reason as its message.
ReplayRecord ErrorRecord(std::string id, std::string user, std::string cluster, std::string why);

// Parsed SQL by its exact text: logs repeat the same statements for many users, and a statement
// is parsed once. Bounded: cleared when full (4,096 entries).
class SqlCache {
 public:
  const sim::SqlScript& Get(std::string_view sql);

  // Where to say, once per cache (one per run), that a GRANT / REVOKE of a privilege redtrust
  // does not model appeared in a record (UnmodelledPrivilegeWarning). None by default.
  void set_warn(std::function<void(const std::string&)> warn) { warn_ = std::move(warn); }
  // Called by the record readers for each statement of a record at `where` (FILE:LINE).
  void NoteUnmodelledPrivilege(const sim::ParsedStatement& s, const std::string& where);

 private:
  static constexpr size_t kEntries = 4096;
  std::function<void(const std::string&)> warn_;
  bool warned_ = false;
  std::string key_;
  std::unordered_map<std::string, std::shared_ptr<const sim::SqlScript>> map_;
};

// Where records come from, for messages: `source` is the file name (the CLI) or "body" (the
// server). A position p inside a value parsed from text that starts on line `base_line` of the
// source is reported as SOURCE:(base_line + p.line - 1):p.column.
struct RecordSource {
  std::string source;
  uint64_t base_line = 1;
};

// Decides one JSON record value {"id","user","cluster","sql","time"} (strings; id optional,
// `fallback_id` when absent; time optional). The statement runs at the record's `time` (ISO 8601
// string, or epoch seconds as a number or a string) when it has one, else at `now_micros` (the
// run's clock: microseconds since the epoch). Every outcome is a record: a malformed record (a
// bad `time` too), an unknown cluster, bad SQL, not exactly one COPY/UNLOAD statement come back
// not evaluated with the reason.
ReplayRecord ReplayJsonRecord(const sim::World& world, SqlCache& cache,
                              const sim::ReplayOptions& options, int64_t now_micros,
                              const JsonValue& record, const RecordSource& where,
                              const std::string& fallback_id);

// One line of JSON Lines (without its newline), line `line_number` of `source`: parsed and
// decided as ReplayJsonRecord; a blank line or a line that is not JSON is an error record
// (id "line N").
ReplayRecord ReplayJsonLine(const sim::World& world, SqlCache& cache,
                            const sim::ReplayOptions& options, int64_t now_micros,
                            std::string_view line, const std::string& source,
                            uint64_t line_number);

// A SQL script: `-- redtrust: user=NAME cluster=ID time=DATE` comments set who logged in, where
// and when (`now_micros` until a `time=`); SET SESSION AUTHORIZATION u switches the user that runs
// the statements that follow, RESET SESSION AUTHORIZATION (or SET ... DEFAULT) switches back to the
// directive's user; SET LOCAL lasts until the end of the transaction (none outside BEGIN ...
// COMMIT), and ROLLBACK undoes a SET made inside the transaction. Each COPY/UNLOAD (and each SQL
// error) is a record with id "SOURCE:LINE", handed to `sink` in script order; a COPY/UNLOAD that
// Redshift refuses is a DENY at P1. A comment with an unknown setting or a bad date makes every
// COPY/UNLOAD after it an error record (naming SOURCE:LINE:COLUMN of the setting) until the next
// comment. `warn`, when given, receives the first UnmodelledPrivilegeWarning of the script (once).
void ReplayScript(const sim::World& world, const std::string& source, const std::string& text,
                  const sim::ReplayOptions& options, int64_t now_micros,
                  const std::function<void(ReplayRecord&&)>& sink,
                  const std::function<void(const std::string&)>& warn = {});

// "LOCATION: warning: `GRANT SELECT ON ...` is accepted but not modelled: ..." when `s` is a
// GRANT / REVOKE that gives or takes a privilege redtrust does not model (table and schema
// privileges, gate P3; anything but GRANT / REVOKE ASSUMEROLE and ROLE); else nullopt.
std::optional<std::string> UnmodelledPrivilegeWarning(const sim::ParsedStatement& s,
                                                      const std::string& location);

}  // namespace redtrust::tools

#endif  // REDTRUST_TOOLS_COMMON_REPLAY_H_
