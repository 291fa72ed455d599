// Helpers shared by the redtrust subcommands: reading and writing files with limits and checks,
// strict option values, printing diagnostics in the FILE:LINE:COLUMN form with user text
// escaped, the wall clock (the engine never reads it), exit codes.
#ifndef REDTRUST_TOOLS_REDTRUST_COMMON_H_
#define REDTRUST_TOOLS_REDTRUST_COMMON_H_

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.h"
#include "engine/base/status.h"

namespace CLI {
class App;
class Option;
class ParseError;
class Validator;
}  // namespace CLI

namespace redtrust::cli {

// Exit statuses shared by every command (docs/cli.md).
inline constexpr int kExitAllowed = 0;  // also: success / clean
inline constexpr int kExitDenied = 1;   // also: findings
inline constexpr int kExitBadInput = 2;

// ---- Reading

// Reads a whole file ("-" = standard input). Fails on a missing or unreadable file, on a
// directory ("is a directory") and on one larger than max_bytes (default 16 MiB), without
// reading more than that. Messages name the file as Shown(path).
StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes = 16u << 20);

// Opens a file to stream it ("-" = standard input); fails like ReadFile (missing, unreadable,
// a directory). The caller closes a FILE* other than stdin.
StatusOr<FILE*> OpenInput(const std::string& path);

// The longest line without a newline a LineReader consumes (256 MiB): input streams without a
// total cap, but a line must end within this many bytes, or reading stops (docs/limits.md).
inline constexpr uint64_t kMaxUnterminatedLineBytes = 256u << 20;

// Reads lines with bounded memory: a line longer than `max` is consumed to its end but only its
// length is kept, so a 100 MB line costs no more than `max` bytes of memory. A final line
// without a newline counts; a trailing newline does not start another line. `\r\n` is accepted.
// A line that has no newline within `max_unterminated` bytes (at least `max`) stops the reader:
// Next returns false and stopped() is true (`eval /dev/zero` ends).
class LineReader {
 public:
  LineReader(FILE* f, size_t max, uint64_t max_unterminated = kMaxUnterminatedLineBytes);
  // False at end of input, or when stopped. *too_long is set when the line exceeded `max` (then
  // *line is empty and *length holds its real length).
  bool Next(std::string* line, bool* too_long, size_t* length);
  // True when the last line had no newline within max_unterminated bytes; reading stopped.
  bool stopped() const { return stopped_; }
  // "no newline within N bytes: reading stopped (...)": the message for a stopped reader.
  std::string StoppedMessage() const;

 private:
  FILE* f_;
  size_t max_;
  uint64_t max_unterminated_;
  bool stopped_ = false;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
};

// ---- Writing

// Standard output in 64 KiB blocks (for batch output), with a buffer that outlives every
// command. Call before the first write.
void BufferStdout();

// After a command: flushes std::cout and stdout and checks that every write to standard output
// succeeded. On a failure prints "redtrust: error writing to standard output: REASON" (e.g. No
// space left on device) and returns kExitBadInput; otherwise returns exit_code. main() calls it
// once for every command, so no command can answer 0 with its output lost.
int FinishStdout(int exit_code);

// Writes `data` to `path` (created or truncated), checking open, every write, the flush and
// the close: "FILE: cannot write: No space left on device". For commands that write files.
Status WriteFileChecked(const std::string& path, std::string_view data);

// ---- Options

// Adds an option taking a whole number in [min, max]. The value is parsed strictly: ASCII
// digits only (no sign, space, fraction or exponent), no overflow. Anything else — a negative,
// an overflowing or an empty number — is a usage error (exit 2) in words. Use it for every
// numeric flag of every subcommand.
CLI::Option* AddNumberOption(CLI::App* app, const std::string& name, size_t* value,
                             const std::string& description, uint64_t min = 0,
                             uint64_t max = UINT64_MAX);
// The strict parse behind AddNumberOption: digits only, no overflow; nullopt otherwise.
std::optional<uint64_t> ParseWholeNumber(std::string_view text);

// A check that the value is one of `choices` ("is empty" / "`x` is not one of: a, b, c").
CLI::Validator OneOf(std::initializer_list<const char*> choices);

// Makes every option and positional argument of every subcommand of `app` that takes a value
// refuse an empty one ("--region: the value is empty"): an empty value is never "missing".
void RefuseEmptyValues(CLI::App& app);

// A CLI11 parse error in words, without the "redtrust: " prefix: "--user was given more than
// once", "unknown command `bogus`; the commands are: ...".
std::string DescribeParseError(const CLI::App& app, const CLI::ParseError& e);

// When argv names a command that does not exist ("redtrust bogus"), the message for it.
std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, char** argv);

// ---- Messages

// User text (a file name, a flag value) as it may be quoted in a message: control characters
// escaped, cut at 100 bytes with "..." (SanitizeForMessage; docs/limits.md).
std::string Shown(std::string_view user_text);

// Text for a terminal: every line of `text` with its control characters escaped
// (SanitizeForMessage without a length cut); the newlines between lines are kept. Use it on
// every text (not JSON) output that embeds user text.
std::string TerminalText(std::string_view text);

// "FILE:LINE:COLUMN: severity: code: message (help)"
std::string FormatDiagnostic(std::string_view file, const Diagnostic& d);

// "redtrust: " + message, to standard error, with control characters escaped (TerminalText):
// the one exit of every error message.
void PrintError(std::string_view message);

// Microseconds since the epoch from --now (ISO 8601 or epoch seconds), or the wall clock.
StatusOr<int64_t> ResolveNow(const std::optional<std::string>& now);

}  // namespace redtrust::cli

#endif  // REDTRUST_TOOLS_REDTRUST_COMMON_H_
