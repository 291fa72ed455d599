// Helpers shared by the redtrust subcommands: reading files with limits, printing diagnostics
// in the FILE:LINE:COLUMN form, the wall clock (the engine never reads it), exit codes.
#ifndef REDTRUST_TOOLS_REDTRUST_COMMON_H_
#define REDTRUST_TOOLS_REDTRUST_COMMON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <cstdio>

#include "engine/base/diagnostic.h"
#include "engine/base/status.h"

namespace redtrust::cli {

// Exit statuses shared by every command (docs/cli.md).
inline constexpr int kExitAllowed = 0;  // also: success / clean
inline constexpr int kExitDenied = 1;   // also: findings
inline constexpr int kExitBadInput = 2;

// Reads a whole file ("-" = standard input). Fails on a missing or unreadable file and on one
// larger than max_bytes (default 16 MiB), without reading more than that.
StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes = 16u << 20);

// Reads lines with bounded memory: a line longer than `max` is consumed to its end but only its
// length is kept, so a 100 MB line costs no more than `max` bytes of memory. A final line
// without a newline counts; a trailing newline does not start another line. `\r\n` is accepted.
class LineReader {
 public:
  LineReader(FILE* f, size_t max);
  // False at end of input. *too_long is set when the line exceeded `max` (then *line is empty
  // and *length holds its real length).
  bool Next(std::string* line, bool* too_long, size_t* length);

 private:
  FILE* f_;
  size_t max_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
};

// "FILE:LINE:COLUMN: severity: code: message (help)"
std::string FormatDiagnostic(std::string_view file, const Diagnostic& d);

// "redtrust: " + message, to standard error.
void PrintError(std::string_view message);

// Microseconds since the epoch from --now (ISO 8601 or epoch seconds), or the wall clock.
StatusOr<int64_t> ResolveNow(const std::optional<std::string>& now);

}  // namespace redtrust::cli

#endif  // REDTRUST_TOOLS_REDTRUST_COMMON_H_
