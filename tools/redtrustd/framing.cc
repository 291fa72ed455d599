#include "tools/redtrustd/framing.h"

#include <cstdint>
#include <cstdio>
#include <limits>

namespace redtrust::server {

namespace {

// tchar (RFC 9110 section 5.6.2): the bytes of a method, field name or chunk extension name.
bool IsTchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A control byte other than HTAB (what Beast's field values and lines refuse).
bool IsControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

std::string Byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

// Header fields (or trailer fields) from the start of a line, until the blank line that ends
// them. Shared by the header and the trailers of a chunked body.
class FieldsChecker {
 public:
  explicit FieldsChecker(const char* what) : what_(what) {}

  // nullopt: still fine (or done). Sets *done at the blank line.
  std::optional<std::string> Step(unsigned char c, bool* done) {
    switch (state_) {
      case State::kLineStart:
        if (c == '\r') {
          state_ = State::kEndLf;
          return std::nullopt;
        }
        if (c == ' ' || c == '\t') {  // obs-fold: a continuation of the previous value
          if (!seen_field_) return what_ + ": a line starts with white space";
          state_ = State::kValue;
          return std::nullopt;
        }
        if (!IsTchar(c)) return what_ + ": byte " + Byte(c) + " in a field name";
        seen_field_ = true;
        state_ = State::kName;
        return std::nullopt;
      case State::kName:
        if (c == ':') {
          state_ = State::kValue;
          return std::nullopt;
        }
        if (!IsTchar(c)) return what_ + ": byte " + Byte(c) + " in a field name";
        return std::nullopt;
      case State::kValue:
        if (c == '\r') {
          state_ = State::kValueLf;
          return std::nullopt;
        }
        if (IsControl(c)) return what_ + ": control byte " + Byte(c) + " in a field value";
        return std::nullopt;
      case State::kValueLf:
        if (c != '\n') return what_ + ": CR not followed by LF";
        state_ = State::kLineStart;
        return std::nullopt;
      case State::kEndLf:
        if (c != '\n') return what_ + ": CR not followed by LF";
        *done = true;
        return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  enum class State { kLineStart, kName, kValue, kValueLf, kEndLf };
  State state_ = State::kLineStart;
  std::string what_;
  bool seen_field_ = false;
};

std::optional<std::string> CheckHeader(std::string_view s, bool fields_only) {
  // request-line = method SP request-target SP HTTP-version CRLF
  static constexpr std::string_view kVersion = "HTTP/D.D\r\n";
  enum class State { kMethod, kTarget, kVersion, kFields };
  State state = fields_only ? State::kFields : State::kMethod;
  size_t run = 0;  // bytes of the current element
  FieldsChecker fields("header");
  for (unsigned char c : s) {
    switch (state) {
      case State::kMethod:
        if (c == ' ' && run > 0) {
          state = State::kTarget;
          run = 0;
        } else if (!IsTchar(c)) {
          return "request line: byte " + Byte(c) + " in the method";
        } else {
          ++run;
        }
        break;
      case State::kTarget:
        if (c == ' ' && run > 0) {
          state = State::kVersion;
          run = 0;
        } else if (c <= 0x20 || c == 0x7F) {
          return "request line: byte " + Byte(c) + " in the target";
        } else {
          ++run;
        }
        break;
      case State::kVersion: {
        const char want = kVersion[run];
        const bool ok = want == 'D' ? (c >= '0' && c <= '9') : c == static_cast<unsigned char>(want);
        if (!ok) return "request line: the version is not HTTP/1.1 or HTTP/1.0";
        if (++run == kVersion.size()) state = State::kFields;
        break;
      }
      case State::kFields: {
        bool done = false;
        if (auto e = fields.Step(c, &done)) return e;
        if (done) return std::nullopt;  // the rest is the body
        break;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckChunkHeader(std::string_view s) {
  // [CRLF] chunk-size [ chunk-ext ] CRLF, then for the last chunk: trailer fields CRLF.
  enum class State { kStart, kStartLf, kSize, kExt, kExtQuoted, kExtEscape, kLineLf, kTrailers };
  State state = State::kStart;
  uint64_t size = 0;
  size_t digits = 0;
  FieldsChecker trailers("chunk trailer");
  for (unsigned char c : s) {
    switch (state) {
      case State::kStart:
        if (c == '\r') {  // the CRLF after the previous chunk's data
          state = State::kStartLf;
          break;
        }
        state = State::kSize;
        [[fallthrough]];
      case State::kSize: {
        const int d = HexValue(c);
        if (d >= 0) {
          if (size > std::numeric_limits<uint64_t>::max() / 16) {
            return std::string("chunk size: more than 64 bits");
          }
          size = size * 16 + static_cast<uint64_t>(d);
          ++digits;
          break;
        }
        if (digits == 0) return "chunk size: byte " + Byte(c) + " is not a hex digit";
        if (c == '\r') {
          state = State::kLineLf;
        } else if (c == ';' || c == ' ' || c == '\t') {
          state = State::kExt;
        } else {
          return "chunk size: byte " + Byte(c) + " is not a hex digit";
        }
        break;
      }
      case State::kStartLf:
        if (c != '\n') return std::string("chunk: CR not followed by LF");
        state = State::kSize;
        break;
      case State::kExt:
        // chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ); Beast checks its grammar
        // at the line end. Here: no control byte, quoted strings may hold anything printable.
        if (c == '\r') {
          state = State::kLineLf;
        } else if (c == '"') {
          state = State::kExtQuoted;
        } else if (IsControl(c)) {
          return "chunk extension: control byte " + Byte(c);
        }
        break;
      case State::kExtQuoted:
        // Beast takes any byte but the line end inside a quoted extension value.
        if (c == '"') {
          state = State::kExt;
        } else if (c == '\\') {
          state = State::kExtEscape;
        } else if (c == '\r') {
          state = State::kLineLf;
        }
        break;
      case State::kExtEscape:
        state = c == '\r' ? State::kLineLf : State::kExtQuoted;
        break;
      case State::kLineLf:
        if (c != '\n') return std::string("chunk size line: CR not followed by LF");
        if (size != 0) return std::nullopt;  // chunk data follows
        state = State::kTrailers;
        break;
      case State::kTrailers: {
        bool done = false;
        if (auto e = trailers.Step(c, &done)) return e;
        if (done) return std::nullopt;
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckFramingPrefix(std::string_view pending, FramingPhase phase) {
  switch (phase) {
    case FramingPhase::kHeader:
      return CheckHeader(pending, /*fields_only=*/false);
    case FramingPhase::kFields:
      return CheckHeader(pending, /*fields_only=*/true);
    case FramingPhase::kChunkHeader:
      break;
  }
  return CheckChunkHeader(pending);
}

}  // namespace redtrust::server
