#include "engine/base/diagnostic.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace redtrust {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "error";
}

bool HasErrors(const Diagnostics& d) {
  return std::any_of(d.begin(), d.end(),
                     [](const Diagnostic& x) { return x.severity == Severity::kError; });
}

void SortDiagnostics(Diagnostics& d) {
  // Unknown positions sort after every known one (line 0 would otherwise come first).
  auto key = [](const Diagnostic& x) {
    return std::make_tuple(!x.pos.known(), x.pos.line, x.pos.column, x.pos.offset);
  };
  std::stable_sort(d.begin(), d.end(), [&key](const Diagnostic& a, const Diagnostic& b) {
    auto ka = key(a);
    auto kb = key(b);
    if (ka != kb) return ka < kb;
    if (a.path != b.path) return a.path < b.path;
    return a.code < b.code;
  });
}

std::string SanitizeForMessage(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 4);
  size_t i = 0;
  for (; i < text.size(); ++i) {
    if (out.size() >= max_bytes) break;
    unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out.push_back(static_cast<char>(c));
  }
  if (i < text.size()) {
    // Stopped inside a multi-byte sequence: drop its first bytes too.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) {
        out.pop_back();
      }
      if (!out.empty()) out.pop_back();
    }
    out += "...";
  }
  return out;
}

}  // namespace redtrust
