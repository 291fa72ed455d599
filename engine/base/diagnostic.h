// Diagnostics: findings about an input document, each with a stable code, a message, the
// JSON-pointer path of the element and its line:column. See docs/diagnostics.md for the codes.
#ifndef REDTRUST_ENGINE_BASE_DIAGNOSTIC_H_
#define REDTRUST_ENGINE_BASE_DIAGNOSTIC_H_

#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust {

// A position in a source text. Lines and columns count from 1; column counts bytes of UTF-8.
// line == 0 means "no position known".
struct SourcePos {
  uint32_t line = 0;
  uint32_t column = 0;
  uint64_t offset = 0;  // byte offset from the start of the text
  bool known() const { return line != 0; }
};

enum class Severity { kError, kWarning, kInfo };
const char* SeverityName(Severity s);  // "error" | "warning" | "info"

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;     // stable, e.g. "policy.unknown_condition_operator"
  std::string message;  // AWS's own wording where it is known
  std::string path;     // JSON pointer, e.g. "/Statement/0/Condition"; "" = whole document
  SourcePos pos;
  std::string help;     // optional one-line suggestion ("did you mean `StringEquals`?")
};

using Diagnostics = std::vector<Diagnostic>;

bool HasErrors(const Diagnostics& d);
// Stable sort by position (unknown positions last), then path, then code.
void SortDiagnostics(Diagnostics& d);

// Makes user input safe to quote inside a one-line message and to print on a terminal: control
// characters become \n, \t, \u0001 and so on (C1 controls U+0080-U+009F too, as \u009b), a byte
// that is not part of valid UTF-8 (a file name in another encoding) becomes \xNN, and text
// longer than `max_bytes` is cut at a character boundary and ends with "...". With max_bytes
// std::string::npos nothing is cut: the escaping alone, for whole messages at the output boundary.
std::string SanitizeForMessage(std::string_view text, size_t max_bytes = 100);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_BASE_DIAGNOSTIC_H_
