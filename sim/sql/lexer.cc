#include "sim/sql/lexer.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace redtrust::sim {
namespace {

// Length of the valid UTF-8 sequence that starts at t[i] (1 to 4), or 0 when the bytes there
// are not valid UTF-8 (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut).
size_t Utf8Len(std::string_view t, size_t i) {
  const auto c = static_cast<unsigned char>(t[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  uint32_t min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > t.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(t[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// PostgreSQL's wording for an encoding error (the first offending byte).
std::string BadByteMessage(unsigned char b) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "invalid byte sequence for encoding \"UTF8\": 0x%02x", b);
  return buf;
}

class Lexer {
 public:
  explicit Lexer(std::string_view t) : t_(t) {}

  std::vector<Token> Run() {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      const char next = i_ + 1 < t_.size() ? t_[i_ + 1] : '\0';
      if (IsSpace(c)) {
        Advance(1);
      } else if (c == '-' && next == '-') {
        LineComment();
      } else if (c == '/' && next == '*') {
        BlockComment();
      } else if (c == '\'') {
        StringLiteral();
      } else if ((c == 'e' || c == 'E') && next == '\'') {
        EscapeStringLiteral();
      } else if (c == '"') {
        QuotedIdent();
      } else if (c == '$' && DollarTagLength() > 0) {
        DollarString();
      } else if (IsDigit(c) || (c == '.' && IsDigit(next))) {
        Number();
      } else if (IsAsciiAlpha(c) || c == '_' ||
                 (static_cast<unsigned char>(c) >= 0x80 && Utf8Len(t_, i_) > 0)) {
        Word();
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        const SourcePos p = Pos();
        Advance(1);
        Emit(TokenKind::kError, BadByteMessage(static_cast<unsigned char>(c)), p);
      } else {
        const SourcePos p = Pos();
        Advance(1);
        Emit(TokenKind::kPunct, std::string(1, c), p);
      }
    }
    Emit(TokenKind::kEnd, "", Pos());
    return std::move(out_);
  }

 private:
  SourcePos Pos() const { return SourcePos{line_, col_, i_}; }

  void Advance(size_t n) {
    for (size_t k = 0; k < n && i_ < t_.size(); ++k, ++i_) {
      if (t_[i_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
    }
  }

  void Emit(TokenKind kind, std::string text, SourcePos pos) {
    Token tok;
    tok.kind = kind;
    tok.text = std::move(text);
    tok.pos = pos;
    tok.end = i_;
    out_.push_back(std::move(tok));
  }

  // "unterminated ... at or near" errors quote the rest of the input from the token start, as
  // PostgreSQL does (cut short here).
  std::string Near(const SourcePos& start) const {
    return "\"" + SnippetForMessage(t_.substr(start.offset)) + "\"";
  }

  // Consumes one character of comment or literal body; an invalid UTF-8 byte is consumed
  // alone and reported once per token through `bad`.
  void BodyChar(std::string* value, SourcePos* bad, bool* has_bad) {
    const size_t n = Utf8Len(t_, i_);
    if (n == 0) {
      if (!*has_bad) *bad = Pos(), *has_bad = true;
      if (value != nullptr) value->push_back(t_[i_]);
      Advance(1);
      return;
    }
    if (value != nullptr) value->append(t_.substr(i_, n));
    Advance(n);
  }

  void ReportBadByte(const SourcePos& bad) {
    Emit(TokenKind::kError, BadByteMessage(static_cast<unsigned char>(t_[bad.offset])), bad);
  }

  void LineComment() {
    SourcePos bad;
    bool has_bad = false;
    while (i_ < t_.size() && t_[i_] != '\n') BodyChar(nullptr, &bad, &has_bad);
    if (has_bad) ReportBadByte(bad);
  }

  // Nested like PostgreSQL's: /* a /* b */ c */ is one comment.
  void BlockComment() {
    const SourcePos start = Pos();
    SourcePos bad;
    bool has_bad = false;
    Advance(2);
    int depth = 1;
    while (i_ < t_.size()) {
      if (t_[i_] == '*' && i_ + 1 < t_.size() && t_[i_ + 1] == '/') {
        Advance(2);
        if (--depth == 0) break;
      } else if (t_[i_] == '/' && i_ + 1 < t_.size() && t_[i_ + 1] == '*') {
        Advance(2);
        ++depth;
      } else {
        BodyChar(nullptr, &bad, &has_bad);
      }
    }
    if (depth > 0) {
      Emit(TokenKind::kError, "unterminated /* comment at or near " + Near(start), start);
    } else if (has_bad) {
      ReportBadByte(bad);
    }
  }

  // 'text' with '' and the backslash escapes \' and \\ (rule RS-STR).
  void StringLiteral() {
    const SourcePos start = Pos();
    SourcePos bad;
    bool has_bad = false;
    std::string value;
    Advance(1);
    while (true) {
      if (i_ >= t_.size()) {
        Emit(TokenKind::kError, "unterminated quoted string at or near " + Near(start), start);
        return;
      }
      const char c = t_[i_];
      if (c == '\'') {
        if (i_ + 1 < t_.size() && t_[i_ + 1] == '\'') {
          value.push_back('\'');
          Advance(2);
          continue;
        }
        Advance(1);
        break;
      }
      if (c == '\\' && i_ + 1 < t_.size() && (t_[i_ + 1] == '\'' || t_[i_ + 1] == '\\')) {
        value.push_back(t_[i_ + 1]);
        Advance(2);
        continue;
      }
      BodyChar(&value, &bad, &has_bad);
    }
    if (has_bad) {
      ReportBadByte(bad);
      return;
    }
    Emit(TokenKind::kString, std::move(value), start);
  }

  // E'text' (PostgreSQL's escape string constant, which Redshift's front end inherits): '' and
  // the C-like backslash escapes \b \f \n \r \t, \ooo (octal, 1-3 digits), \xhh (hex, 1-2
  // digits), \uXXXX and \UXXXXXXXX (Unicode code points, a UTF-16 surrogate pair written as two
  // \u escapes), and \c = c for any other character (\\ \' ...). The value must be valid UTF-8
  // without NUL, as PostgreSQL requires of a server-encoded string.
  void EscapeStringLiteral() {
    const SourcePos start = Pos();
    SourcePos bad;
    bool has_bad = false;
    std::string value;
    std::string escape_error;  // the first bad \u escape
    Advance(2);                // E'
    auto hex = [](char h) {
      return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                          : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                                 : -1;
    };
    // Reads `n` hex digits at i_ + `at`; false when they are not all there.
    auto read_hex = [&](size_t at, size_t n, uint32_t* cp) {
      if (i_ + at + n > t_.size()) return false;
      *cp = 0;
      for (size_t k = 0; k < n; ++k) {
        const int d = hex(t_[i_ + at + k]);
        if (d < 0) return false;
        *cp = (*cp << 4) | static_cast<uint32_t>(d);
      }
      return true;
    };
    while (true) {
      if (i_ >= t_.size()) {
        Emit(TokenKind::kError, "unterminated quoted string at or near " + Near(start), start);
        return;
      }
      const char c = t_[i_];
      if (c == '\'') {
        if (i_ + 1 < t_.size() && t_[i_ + 1] == '\'') {
          value.push_back('\'');
          Advance(2);
          continue;
        }
        Advance(1);
        break;
      }
      if (c != '\\' || i_ + 1 >= t_.size()) {
        BodyChar(&value, &bad, &has_bad);
        continue;
      }
      const char e = t_[i_ + 1];
      if (e >= '0' && e <= '7') {
        unsigned v = 0;
        size_t n = 1;
        while (n <= 3 && i_ + n < t_.size() && t_[i_ + n] >= '0' && t_[i_ + n] <= '7') {
          v = v * 8 + static_cast<unsigned>(t_[i_ + n] - '0');
          ++n;
        }
        value.push_back(static_cast<char>(v & 0xFF));  // PostgreSQL keeps the low byte
        Advance(n);
      } else if (e == 'x' && i_ + 2 < t_.size() && hex(t_[i_ + 2]) >= 0) {
        unsigned v = static_cast<unsigned>(hex(t_[i_ + 2]));
        size_t n = 3;
        if (i_ + 3 < t_.size() && hex(t_[i_ + 3]) >= 0) {
          v = v * 16 + static_cast<unsigned>(hex(t_[i_ + 3]));
          n = 4;
        }
        value.push_back(static_cast<char>(v));
        Advance(n);
      } else if (e == 'u' || e == 'U') {
        const size_t digits = e == 'u' ? 4 : 8;
        uint32_t cp = 0;
        if (!read_hex(2, digits, &cp)) {
          // PostgreSQL's wording (scan.l, xeunicodefail).
          if (escape_error.empty()) {
            escape_error = "invalid Unicode escape at or near " + Near(Pos());
            bad = Pos();
          }
          Advance(2);
          continue;
        }
        size_t used = 2 + digits;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // high surrogate: a \uDC00-\uDFFF must follow
          uint32_t low = 0;
          if (i_ + used + 1 < t_.size() && t_[i_ + used] == '\\' && t_[i_ + used + 1] == 'u' &&
              read_hex(used + 2, 4, &low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            used += 6;
          } else {
            cp = 0xD800;  // a lone surrogate: reported below
          }
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          if (escape_error.empty()) {
            // PostgreSQL's wording (scan.l: "invalid Unicode escape value" / "invalid Unicode
            // surrogate pair").
            escape_error = cp >= 0xD800 && cp <= 0xDFFF
                               ? "invalid Unicode surrogate pair at or near " + Near(Pos())
                               : "invalid Unicode escape value at or near " + Near(Pos());
            bad = Pos();
          }
          Advance(used);
          continue;
        }
        AppendUtf8(cp, &value);
        Advance(used);
      } else {
        const char* simple = nullptr;
        switch (e) {
          case 'b': simple = "\b"; break;
          case 'f': simple = "\f"; break;
          case 'n': simple = "\n"; break;
          case 'r': simple = "\r"; break;
          case 't': simple = "\t"; break;
          default: break;
        }
        if (simple != nullptr) {
          value += simple;
          Advance(2);
        } else {
          // \c is c (\\, \', \" ...); c may be a multi-byte character.
          Advance(1);
          BodyChar(&value, &bad, &has_bad);
        }
      }
    }
    if (!escape_error.empty()) {
      Emit(TokenKind::kError, std::move(escape_error), bad);
      return;
    }
    if (has_bad) {
      ReportBadByte(bad);
      return;
    }
    // Octal and hex escapes make raw bytes: the result must still be UTF-8, without NUL.
    for (size_t k = 0; k < value.size();) {
      const size_t n = Utf8Len(value, k);
      if (n == 0 || value[k] == '\0') {
        Emit(TokenKind::kError, BadByteMessage(static_cast<unsigned char>(value[k])), start);
        return;
      }
      k += n;
    }
    Emit(TokenKind::kString, std::move(value), start);
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  void QuotedIdent() {
    const SourcePos start = Pos();
    SourcePos bad;
    bool has_bad = false;
    std::string value;
    Advance(1);
    while (true) {
      if (i_ >= t_.size()) {
        Emit(TokenKind::kError, "unterminated quoted identifier at or near " + Near(start), start);
        return;
      }
      if (t_[i_] == '"') {
        if (i_ + 1 < t_.size() && t_[i_ + 1] == '"') {
          value.push_back('"');
          Advance(2);
          continue;
        }
        Advance(1);
        break;
      }
      BodyChar(&value, &bad, &has_bad);
    }
    if (has_bad) {
      ReportBadByte(bad);
    } else if (value.empty()) {
      Emit(TokenKind::kError, "zero-length delimited identifier at or near \"\"\"\"", start);
    } else {
      Emit(TokenKind::kQuotedIdent, std::move(value), start);
    }
  }

  // Length of a dollar-quote tag ($$ or $tag$) at i_, or 0 when there is none.
  size_t DollarTagLength() const {
    size_t j = i_ + 1;
    if (j < t_.size() && (IsAsciiAlpha(t_[j]) || t_[j] == '_')) {
      while (j < t_.size() && (IsAsciiAlpha(t_[j]) || IsDigit(t_[j]) || t_[j] == '_')) ++j;
    }
    if (j < t_.size() && t_[j] == '$') return j + 1 - i_;
    return 0;
  }

  void DollarString() {
    const SourcePos start = Pos();
    const std::string_view tag = t_.substr(i_, DollarTagLength());
    Advance(tag.size());
    const size_t close = t_.find(tag, i_);
    if (close == std::string_view::npos) {
      Advance(t_.size() - i_);
      Emit(TokenKind::kError, "unterminated dollar-quoted string at or near " + Near(start), start);
      return;
    }
    SourcePos bad;
    bool has_bad = false;
    std::string value;
    while (i_ < close) BodyChar(&value, &bad, &has_bad);
    Advance(tag.size());
    if (has_bad) {
      ReportBadByte(bad);
      return;
    }
    Emit(TokenKind::kString, std::move(value), start);
  }

  void Number() {
    const SourcePos start = Pos();
    const size_t b = i_;
    while (i_ < t_.size() && IsDigit(t_[i_])) Advance(1);
    if (i_ < t_.size() && t_[i_] == '.') {
      Advance(1);
      while (i_ < t_.size() && IsDigit(t_[i_])) Advance(1);
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      size_t j = i_ + 1;
      if (j < t_.size() && (t_[j] == '+' || t_[j] == '-')) ++j;
      if (j < t_.size() && IsDigit(t_[j])) {
        Advance(j - i_);
        while (i_ < t_.size() && IsDigit(t_[i_])) Advance(1);
      }
    }
    Emit(TokenKind::kNumber, std::string(t_.substr(b, i_ - b)), start);
  }

  // PostgreSQL identifiers: letters, digits, _, $ and any non-ASCII character; ASCII folded.
  void Word() {
    const SourcePos start = Pos();
    std::string value;
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (IsAsciiAlpha(c)) {
        value.push_back(static_cast<char>(c | 0x20));
        Advance(1);
      } else if (IsDigit(c) || c == '_' || c == '$') {
        value.push_back(c);
        Advance(1);
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        const size_t n = Utf8Len(t_, i_);
        if (n == 0) break;  // reported by the main loop as its own token
        value.append(t_.substr(i_, n));
        Advance(n);
      } else {
        break;
      }
    }
    Emit(TokenKind::kWord, std::move(value), start);
  }

  std::string_view t_;
  size_t i_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
  std::vector<Token> out_;
};

}  // namespace

std::string SnippetForMessage(std::string_view text, size_t max_bytes) {
  std::string clean;
  clean.reserve(std::min(text.size(), max_bytes + 8));
  for (size_t i = 0; i < text.size() && clean.size() <= max_bytes;) {
    const size_t n = Utf8Len(text, i);
    if (n == 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(text[i]));
      clean += buf;
      ++i;
    } else {
      clean.append(text.substr(i, n));
      i += n;
    }
  }
  return SanitizeForMessage(clean, max_bytes);
}

// PostgreSQL's "reserved" key words (Appendix C of its manual), the ones that cannot be a
// column or role name without quotes. Sorted for binary search.
bool IsReservedWord(std::string_view w) {
  // clang-format off
  static constexpr std::array<std::string_view, 77> kReserved = {
      "all", "analyse", "analyze", "and", "any", "array",
      "as", "asc", "asymmetric", "both", "case", "cast",
      "check", "collate", "column", "constraint", "create", "current_catalog",
      "current_date", "current_role", "current_time", "current_timestamp", "current_user",
      "default",
      "deferrable", "desc", "distinct", "do", "else", "end",
      "except", "false", "fetch", "for", "foreign", "from",
      "grant", "group", "having", "in", "initially", "intersect",
      "into", "lateral", "leading", "limit", "localtime", "localtimestamp",
      "not", "null", "offset", "on", "only", "or",
      "order", "placing", "primary", "references", "returning", "select",
      "session_user", "some", "symmetric", "table", "then", "to",
      "trailing", "true", "union", "unique", "user", "using",
      "variadic", "when", "where", "window", "with"};
  // clang-format on
  return std::binary_search(kReserved.begin(), kReserved.end(), w);
}

std::vector<Token> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace redtrust::sim
