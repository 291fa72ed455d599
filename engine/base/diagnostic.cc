#include "engine/base/diagnostic.h"

#include <algorithm>
#include <cstdint>
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

namespace {

// The length of the valid UTF-8 sequence at text[i], or 0 when the bytes there are not one
// (a stray continuation byte, a truncated, overlong or surrogate sequence). *cp gets the code point.
size_t Utf8SequenceAt(std::string_view text, size_t i, uint32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (c >= 0xF5 || len == 0 || i + len > text.size()) return 0;
  uint32_t v = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    v = (v << 6) | (cc & 0x3F);
  }
  if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
      (len == 4 && (v < 0x10000 || v > 0x10FFFF))) {
    return 0;
  }
  *cp = v;
  return len;
}

// Unicode's bidirectional formatting characters (ALM, LRM, RLM, the embeddings and overrides
// U+202A-U+202E, the isolates U+2066-U+2069): printed raw they reorder what the terminal shows,
// so a name could display as something it is not ("Trojan Source", CVE-2021-42574).
bool IsBidiControl(uint32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string SanitizeForMessage(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 4);
  size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) break;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char buf[8];
    if (c < 0x80) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = Utf8SequenceAt(text, i, &cp);
    if (len == 0) {
      // Not UTF-8 (a file name in another encoding): the byte, never raw (0x9b is a terminal's
      // CSI in 8-bit mode).
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
    } else if (cp < 0xA0 || IsBidiControl(cp)) {
      // C1 control characters (U+0080-U+009F) steer terminals too; bidi controls reorder text.
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
      i += len;
    } else {
      if (out.size() + len > max_bytes) break;  // never cut inside a character
      out.append(text.substr(i, len));
      i += len;
    }
  }
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace redtrust
