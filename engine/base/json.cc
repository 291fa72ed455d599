#include "engine/base/json.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <unordered_set>
#include <utility>

namespace redtrust {
namespace {

// Recursion costs two stack frames per nesting level (value + container). 1,024 levels stay
// far below any thread's stack, whatever max_depth a caller asks for.
constexpr int kHardMaxDepth = 1024;

// Objects with more members than this check duplicates through a hash index instead of a
// linear scan, so a hostile object with 10^6 keys stays linear.
constexpr size_t kLinearDuplicateScanLimit = 16;

std::string HexByte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

// Length (2..4) of the well-formed UTF-8 sequence at p (Unicode 15, table 3-7), or 0 with
// *why naming the problem. REQUIRES: p[0] >= 0x80, avail >= 1.
size_t Utf8SequenceLength(const unsigned char* p, size_t avail, const char** why) {
  const unsigned char c = p[0];
  size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  const char* second_byte_problem = nullptr;
  if (c < 0xC0) {
    *why = "unexpected continuation byte";
    return 0;
  } else if (c < 0xC2) {
    *why = "overlong encoding";
    return 0;
  } else if (c < 0xE0) {
    n = 2;
  } else if (c == 0xE0) {
    n = 3;
    lo = 0xA0;
    second_byte_problem = "overlong encoding";
  } else if (c == 0xED) {
    n = 3;
    hi = 0x9F;
    second_byte_problem = "encodes a UTF-16 surrogate";
  } else if (c < 0xF0) {
    n = 3;
  } else if (c == 0xF0) {
    n = 4;
    lo = 0x90;
    second_byte_problem = "overlong encoding";
  } else if (c < 0xF4) {
    n = 4;
  } else if (c == 0xF4) {
    n = 4;
    hi = 0x8F;
    second_byte_problem = "code point above U+10FFFF";
  } else {
    *why = "never valid in UTF-8";
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if (k >= avail || (p[k] & 0xC0) != 0x80) {
      *why = "incomplete multi-byte sequence";
      return 0;
    }
  }
  if (p[1] < lo || p[1] > hi) {
    *why = second_byte_problem;
    return 0;
  }
  return n;
}

void AppendUtf8(uint32_t cp, std::string* out) {
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

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// For 8 string bytes loaded little-endian: a mask with bit 7 of every byte that needs the slow
// path ('"', '\\', a control character < 0x20, a non-ASCII byte >= 0x80). Borrows can mark
// extra bytes only *above* a real one, so the lowest marked byte is exact.
inline uint64_t AttentionMask(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t high = w & kHigh;
  const uint64_t ctrl = (w - 0x20 * kOnes) & ~w & kHigh;
  const uint64_t quote = has_zero(w ^ (0x22 * kOnes));
  const uint64_t backslash = has_zero(w ^ (0x5C * kOnes));
  return high | ctrl | quote | backslash;
}

// Hash index over the keys of one object under construction. Keys are referred to by member
// index, because the members vector reallocates (and SSO keys move) while it grows.
class KeyIndex {
 public:
  explicit KeyIndex(const std::vector<JsonMember>* members)
      : set_(64, Hash{members}, Eq{members}) {}
  // False when the key of member i was already present.
  bool Insert(uint32_t i) { return set_.insert(i).second; }

 private:
  struct Hash {
    const std::vector<JsonMember>* m;
    size_t operator()(uint32_t i) const { return std::hash<std::string_view>{}((*m)[i].key); }
  };
  struct Eq {
    const std::vector<JsonMember>* m;
    bool operator()(uint32_t a, uint32_t b) const { return (*m)[a].key == (*m)[b].key; }
  };
  std::unordered_set<uint32_t, Hash, Eq> set_;
};

// Children of the containers being parsed are collected here, one buffer per nesting level,
// and moved into their parent's vector once, at its exact size, when the container closes.
// Growing the parent's vector element by element instead would move every JsonMember (and
// reallocate) log2(n) times; this made the parser about 25% faster on eval request lines.
// Thread-local so that buffers keep their capacity from one ParseJson call to the next.
struct ScratchStacks {
  std::vector<std::vector<JsonMember>> members;
  std::vector<std::vector<JsonValue>> items;
};

ScratchStacks& ThreadScratch() {
  thread_local ScratchStacks s;
  if (s.members.empty()) {
    // Sized once: the vectors must not move while parse frames hold references into them.
    s.members.resize(kHardMaxDepth + 1);
    s.items.resize(kHardMaxDepth + 1);
  }
  return s;
}

// Buffers that grew for an unusually large container are released rather than kept.
constexpr size_t kMaxRetainedScratch = 1024;

template <typename T>
void MoveOut(std::vector<T>& scratch, std::vector<T>* dest) {
  dest->assign(std::make_move_iterator(scratch.begin()), std::make_move_iterator(scratch.end()));
  scratch.clear();
  if (scratch.capacity() > kMaxRetainedScratch) std::vector<T>().swap(scratch);
}

class Parser {
 public:
  Parser(std::string_view text, const JsonOptions& options)
      : data_(text.data()),
        size_(text.size()),
        max_depth_(std::min(options.max_depth, kHardMaxDepth)),
        max_values_(options.max_values),
        reject_duplicates_(options.reject_duplicate_keys),
        deferred_keys_(options.deferred_keys) {}

  std::optional<JsonError> Run(JsonValue* out) {
    if (size_ >= 3 && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0) {
      Fail(0, "byte order mark (U+FEFF) is not allowed before the JSON value");
      return std::move(error_);
    }
    SkipWhitespace();
    if (i_ == size_) {
      Fail(i_, "empty document");
      return std::move(error_);
    }
    if (!ParseValue(out, 0)) return std::move(error_);
    SkipWhitespace();
    if (i_ != size_) {
      FailUnexpected(i_, " after the JSON value");
      return std::move(error_);
    }
    return std::nullopt;
  }

 private:
  // REQUIRES: no line break between line_start_ and offset (true for every offset on the
  // line being scanned: line breaks are only legal in white space, which updates line_).
  SourcePos PosAt(size_t offset) const {
    return SourcePos{line_, static_cast<uint32_t>(offset - line_start_ + 1), offset};
  }

  bool Fail(SourcePos pos, std::string message, const char* code = "json.syntax") {
    if (!error_) error_ = JsonError{std::move(message), pos, code};
    return false;
  }
  bool Fail(size_t offset, std::string message, const char* code = "json.syntax") {
    return Fail(PosAt(offset), std::move(message), code);
  }

  bool FailUtf8(size_t offset, const char* why) {
    return Fail(offset, "invalid UTF-8 byte " + HexByte(static_cast<unsigned char>(data_[offset])) +
                            " (" + why + ")");
  }

  // "unexpected <what is at offset><context>", e.g. "unexpected character `x`, expected a value".
  bool FailUnexpected(size_t offset, std::string_view context) {
    if (offset >= size_) {
      return Fail(offset, "unexpected end of input" + std::string(context));
    }
    const unsigned char c = static_cast<unsigned char>(data_[offset]);
    if (c == '/' && offset + 1 < size_ && (data_[offset + 1] == '/' || data_[offset + 1] == '*')) {
      return Fail(offset, "comments are not allowed in JSON");
    }
    if (c >= 0x80) {
      const char* why = nullptr;
      size_t n = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(data_) + offset,
                                    size_ - offset, &why);
      if (n == 0) return FailUtf8(offset, why);
      return Fail(offset, "unexpected character `" + std::string(data_ + offset, n) + "`" +
                              std::string(context));
    }
    if (c < 0x20 || c == 0x7F) {
      return Fail(offset, "unexpected byte " + HexByte(c) + std::string(context));
    }
    return Fail(offset, "unexpected character `" + std::string(1, static_cast<char>(c)) + "`" +
                            std::string(context));
  }

  void SkipWhitespace() {
    while (i_ < size_) {
      const char c = data_[i_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else if (c == '\n') {
        ++i_;
        ++line_;
        line_start_ = i_;
      } else {
        break;
      }
    }
  }

  // REQUIRES: white space skipped.
  bool ParseValue(JsonValue* v, int depth) {
    if (i_ >= size_) return FailUnexpected(i_, ", expected a value");
    v->pos = PosAt(i_);
    if (++values_ > max_values_) {
      return Fail(i_, "more than " + std::to_string(max_values_) + " values", "json.too_many_values");
    }
    switch (data_[i_]) {
      case '{':
        return ParseObject(v, depth);
      case '[':
        return ParseArray(v, depth);
      case '"':
        v->kind = JsonValue::Kind::kString;
        if (!ParseString(&v->text)) return false;
        v->end_offset = i_;
        return true;
      case 't':
        return ParseLiteral(v, "true", JsonValue::Kind::kBool, true);
      case 'f':
        return ParseLiteral(v, "false", JsonValue::Kind::kBool, false);
      case 'n':
        return ParseLiteral(v, "null", JsonValue::Kind::kNull, false);
      case '-':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        return ParseNumber(v);
      default:
        return FailUnexpected(i_, ", expected a value");
    }
  }

  bool ParseLiteral(JsonValue* v, std::string_view word, JsonValue::Kind kind, bool b) {
    if (size_ - i_ < word.size() || std::memcmp(data_ + i_, word.data(), word.size()) != 0) {
      return Fail(i_, "invalid literal, expected `" + std::string(word) + "`");
    }
    v->kind = kind;
    v->bool_value = b;
    v->text.assign(word.data(), word.size());
    i_ += word.size();
    v->end_offset = i_;
    return true;
  }

  bool IsDigit(size_t k) const { return k < size_ && data_[k] >= '0' && data_[k] <= '9'; }

  // RFC 8259 section 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
  bool ParseNumber(JsonValue* v) {
    const size_t start = i_;
    if (data_[i_] == '-') ++i_;
    if (!IsDigit(i_)) return Fail(i_, "invalid number: expected a digit after `-`");
    if (data_[i_] == '0') {
      ++i_;
      if (IsDigit(i_)) return Fail(start, "invalid number: leading zeros are not allowed");
    } else {
      while (IsDigit(i_)) ++i_;
    }
    if (i_ < size_ && data_[i_] == '.') {
      ++i_;
      if (!IsDigit(i_)) return Fail(i_, "invalid number: expected a digit after `.`");
      while (IsDigit(i_)) ++i_;
    }
    if (i_ < size_ && (data_[i_] == 'e' || data_[i_] == 'E')) {
      ++i_;
      if (i_ < size_ && (data_[i_] == '+' || data_[i_] == '-')) ++i_;
      if (!IsDigit(i_)) return Fail(i_, "invalid number: expected a digit in the exponent");
      while (IsDigit(i_)) ++i_;
    }
    v->kind = JsonValue::Kind::kNumber;
    v->text.assign(data_ + start, i_ - start);
    v->end_offset = i_;
    return true;
  }

  // Four hex digits at data_[k..k+4) or -1.
  int32_t Hex4(size_t k) const {
    if (size_ - k < 4) return -1;
    int32_t cp = 0;
    for (size_t j = 0; j < 4; ++j) {
      const int d = HexDigit(data_[k + j]);
      if (d < 0) return -1;
      cp = cp * 16 + d;
    }
    return cp;
  }

  // REQUIRES: data_[i_] == '"'. Decodes into *out; leaves i_ after the closing quote.
  bool ParseString(std::string* out) {
    const size_t open = i_;
    ++i_;
    size_t run = i_;  // start of the bytes not yet copied to *out
    for (;;) {
      // Fast path: 8 bytes at a time up to the first byte that needs attention.
      while (size_ - i_ >= 8) {
        uint64_t w;
        std::memcpy(&w, data_ + i_, 8);
        if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
        const uint64_t mask = AttentionMask(w);
        if (mask != 0) {
          i_ += static_cast<size_t>(std::countr_zero(mask)) / 8;
          break;
        }
        i_ += 8;
      }
      while (i_ < size_) {
        const unsigned char c = static_cast<unsigned char>(data_[i_]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++i_;
      }
      if (i_ >= size_) return Fail(open, "unterminated string");
      const unsigned char c = static_cast<unsigned char>(data_[i_]);
      if (c == '"') {
        out->append(data_ + run, i_ - run);
        ++i_;
        return true;
      }
      if (c >= 0x80) {
        const char* why = nullptr;
        const size_t n = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(data_) + i_,
                                            size_ - i_, &why);
        if (n == 0) return FailUtf8(i_, why);
        i_ += n;
        continue;
      }
      if (c < 0x20) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "unescaped control character U+%04X in string", c);
        return Fail(i_, buf);
      }
      // Backslash.
      out->append(data_ + run, i_ - run);
      if (!ParseEscape(out)) return false;
      run = i_;
    }
  }

  // REQUIRES: data_[i_] == '\\'.
  bool ParseEscape(std::string* out) {
    const size_t start = i_;
    ++i_;
    if (i_ >= size_) return Fail(start, "unterminated escape sequence in string");
    const char e = data_[i_];
    char simple = 0;
    switch (e) {
      case '"':
        simple = '"';
        break;
      case '\\':
        simple = '\\';
        break;
      case '/':
        simple = '/';
        break;
      case 'b':
        simple = '\b';
        break;
      case 'f':
        simple = '\f';
        break;
      case 'n':
        simple = '\n';
        break;
      case 'r':
        simple = '\r';
        break;
      case 't':
        simple = '\t';
        break;
      case 'u':
        break;
      default: {
        const unsigned char ue = static_cast<unsigned char>(e);
        if (ue < 0x20 || ue >= 0x80) {
          return Fail(start, "invalid escape: `\\` followed by byte " + HexByte(ue));
        }
        return Fail(start, "invalid escape `\\" + std::string(1, e) + "` in string");
      }
    }
    if (simple != 0) {
      out->push_back(simple);
      ++i_;
      return true;
    }
    int32_t cp = Hex4(i_ + 1);
    if (cp < 0) return Fail(start, "invalid `\\u` escape: expected 4 hex digits");
    i_ += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return FailLoneSurrogate(start);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (size_ - i_ < 2 || data_[i_] != '\\' || data_[i_ + 1] != 'u') {
        return FailLoneSurrogate(start);
      }
      const int32_t low = Hex4(i_ + 2);
      if (low < 0xDC00 || low > 0xDFFF) return FailLoneSurrogate(start);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i_ += 6;
    }
    AppendUtf8(static_cast<uint32_t>(cp), out);
    return true;
  }

  bool FailLoneSurrogate(size_t start) {
    return Fail(start, "lone UTF-16 surrogate `" + std::string(data_ + start, 6) + "` in string");
  }

  bool FailTooDeep(size_t offset) {
    return Fail(offset, "nesting deeper than " + std::to_string(max_depth_) + " levels",
                "json.too_deep");
  }

  bool IsDeferredKey(std::string_view key) const {
    for (std::string_view k : deferred_keys_) {
      if (k == key) return true;
    }
    return false;
  }

  // A deferred member value (depth 1): an object is delimited, an array's object elements are
  // delimited, anything else is parsed normally.
  bool ParseDeferred(JsonValue* v) {
    if (i_ < size_ && data_[i_] == '{') return DelimitObject(v, 1);
    if (i_ >= size_ || data_[i_] != '[') return ParseValue(v, 1);
    v->pos = PosAt(i_);
    v->kind = JsonValue::Kind::kArray;
    ++i_;
    SkipWhitespace();
    if (i_ < size_ && data_[i_] == ']') {
      ++i_;
      v->end_offset = i_;
      return true;
    }
    for (;;) {
      v->items.emplace_back();
      JsonValue* item = &v->items.back();
      if (i_ < size_ && data_[i_] == '{') {
        if (!DelimitObject(item, 2)) return false;
      } else if (!ParseValue(item, 2)) {
        return false;
      }
      bool done = false;
      if (!AfterElement(']', v, &done)) return false;
      if (done) return true;
    }
  }

  // REQUIRES: data_[i_] == '{'. Finds the matching `}` (strings and nesting respected, depth
  // limited) without building anything.
  bool DelimitObject(JsonValue* v, int depth) {
    v->pos = PosAt(i_);
    v->kind = JsonValue::Kind::kObject;
    v->deferred = true;
    int level = 0;
    while (i_ < size_) {
      const char c = data_[i_];
      if (c == '"') {
        ++i_;
        while (i_ < size_ && data_[i_] != '"') {
          if (data_[i_] == '\\') ++i_;
          if (i_ < size_ && data_[i_] == '\n') return FailUnexpected(i_, " in a string");
          ++i_;
        }
        if (i_ >= size_) return FailUnexpected(i_, ", expected `\"` to end a string");
      } else if (c == '{' || c == '[') {
        if (depth + level >= max_depth_) return FailTooDeep(i_);
        ++level;
      } else if (c == '}' || c == ']') {
        if (--level == 0) {
          ++i_;
          v->end_offset = i_;
          return true;
        }
      } else if (c == '\n') {
        line_++;
        line_start_ = i_ + 1;
      }
      ++i_;
    }
    return FailUnexpected(i_, ", expected `}`");
  }

  // After an element of an array or object: `close` ends the container (sets end_offset and
  // *done), `,` continues and leaves the next element's first byte at i_ (a trailing comma
  // before `close` is an error). False on a syntax error.
  bool AfterElement(char close, JsonValue* v, bool* done) {
    const char* expected = close == ']' ? ", expected `,` or `]`" : ", expected `,` or `}`";
    SkipWhitespace();
    if (i_ >= size_) return FailUnexpected(i_, expected);
    if (data_[i_] == close) {
      ++i_;
      v->end_offset = i_;
      *done = true;
      return true;
    }
    if (data_[i_] != ',') return FailUnexpected(i_, expected);
    const SourcePos comma = PosAt(i_);
    ++i_;
    SkipWhitespace();
    if (i_ < size_ && data_[i_] == close) return Fail(comma, "trailing comma is not allowed");
    return true;
  }

  // REQUIRES: data_[i_] == '['.
  bool ParseArray(JsonValue* v, int depth) {
    if (depth >= max_depth_) return FailTooDeep(i_);
    v->kind = JsonValue::Kind::kArray;
    ++i_;
    SkipWhitespace();
    if (i_ < size_ && data_[i_] == ']') {
      ++i_;
      v->end_offset = i_;
      return true;
    }
    std::vector<JsonValue>& items = scratch_.items[static_cast<size_t>(depth)];
    items.clear();  // leftovers of an earlier failed parse
    // On failure the items read so far still go to *v, so callers can inspect the partial tree.
    auto fail = [&] {
      MoveOut(items, &v->items);
      return false;
    };
    for (;;) {
      items.emplace_back();
      if (!ParseValue(&items.back(), depth + 1)) return fail();
      bool done = false;
      if (!AfterElement(']', v, &done)) return fail();
      if (done) {
        MoveOut(items, &v->items);
        return true;
      }
    }
  }

  // REQUIRES: data_[i_] == '{'.
  bool ParseObject(JsonValue* v, int depth) {
    if (depth >= max_depth_) return FailTooDeep(i_);
    v->kind = JsonValue::Kind::kObject;
    ++i_;
    SkipWhitespace();
    if (i_ < size_ && data_[i_] == '}') {
      ++i_;
      v->end_offset = i_;
      return true;
    }
    std::vector<JsonMember>& members = scratch_.members[static_cast<size_t>(depth)];
    members.clear();
    std::unique_ptr<KeyIndex> index;  // only for large objects
    auto fail = [&] {
      MoveOut(members, &v->members);
      return false;
    };
    for (;;) {
      if (i_ >= size_ || data_[i_] != '"') {
        FailUnexpected(i_, ", expected a string key");
        return fail();
      }
      const SourcePos key_pos = PosAt(i_);
      members.emplace_back();
      members.back().key_pos = key_pos;
      if (!ParseString(&members.back().key)) return fail();
      if (reject_duplicates_ && !CheckUniqueKey(members, &index)) {
        Fail(key_pos, "duplicate key `" + SanitizeForMessage(members.back().key) + "`",
             "json.duplicate_key");
        return fail();
      }
      SkipWhitespace();
      if (i_ >= size_ || data_[i_] != ':') {
        FailUnexpected(i_, ", expected `:` after an object key");
        return fail();
      }
      ++i_;
      SkipWhitespace();
      if (depth == 0 && IsDeferredKey(members.back().key)) {
        if (!ParseDeferred(&members.back().value)) return fail();
      } else if (!ParseValue(&members.back().value, depth + 1)) {
        return fail();
      }
      bool done = false;
      if (!AfterElement('}', v, &done)) return fail();
      if (done) {
        MoveOut(members, &v->members);
        return true;
      }
    }
  }

  // True when the last member's key differs from every earlier one.
  static bool CheckUniqueKey(const std::vector<JsonMember>& members,
                             std::unique_ptr<KeyIndex>* index) {
    const size_t last = members.size() - 1;
    if (!*index) {
      const std::string& key = members[last].key;
      if (members.size() <= kLinearDuplicateScanLimit) {
        for (size_t k = 0; k < last; ++k) {
          if (members[k].key == key) return false;
        }
        return true;
      }
      *index = std::make_unique<KeyIndex>(&members);
      for (size_t k = 0; k < last; ++k) (*index)->Insert(static_cast<uint32_t>(k));
    }
    return (*index)->Insert(static_cast<uint32_t>(last));
  }

  const char* data_;
  size_t size_;
  size_t i_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  int max_depth_;
  uint64_t max_values_;
  uint64_t values_ = 0;
  bool reject_duplicates_;
  std::vector<std::string_view> deferred_keys_;
  ScratchStacks& scratch_ = ThreadScratch();
  std::optional<JsonError> error_;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (kind != Kind::kObject) return nullptr;
  for (const JsonMember& m : members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

const char* JsonKindWithArticle(JsonValue::Kind k) {
  switch (k) {
    case JsonValue::Kind::kNull: return "null";
    case JsonValue::Kind::kBool: return "a boolean";
    case JsonValue::Kind::kNumber: return "a number";
    case JsonValue::Kind::kString: return "a string";
    case JsonValue::Kind::kArray: return "an array";
    case JsonValue::Kind::kObject: return "an object";
  }
  return "a value";
}

const char* JsonKindName(JsonValue::Kind k) {
  switch (k) {
    case JsonValue::Kind::kNull:
      return "null";
    case JsonValue::Kind::kBool:
      return "boolean";
    case JsonValue::Kind::kNumber:
      return "number";
    case JsonValue::Kind::kString:
      return "string";
    case JsonValue::Kind::kArray:
      return "array";
    case JsonValue::Kind::kObject:
      return "object";
  }
  return "null";
}

std::optional<JsonError> ParseJson(std::string_view text, const JsonOptions& options,
                                   JsonValue* out) {
  *out = JsonValue();
  if (text.size() > options.max_bytes) {
    return JsonError{"document is " + std::to_string(text.size()) +
                         " bytes, more than the limit of " + std::to_string(options.max_bytes),
                     PositionOfOffset(text, options.max_bytes), "json.too_large"};
  }
  Parser parser(text, options);
  return parser.Run(out);
}

std::string JsonPointerAppend(std::string_view base, std::string_view token) {
  std::string out;
  out.reserve(base.size() + token.size() + 1);
  out.append(base);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string JsonPointerAppend(std::string_view base, size_t index) {
  std::string out;
  out.reserve(base.size() + 8);
  out.append(base);
  out.push_back('/');
  out += std::to_string(index);
  return out;
}

SourcePos PositionOfOffset(std::string_view text, uint64_t offset) {
  const size_t end = static_cast<size_t>(std::min<uint64_t>(offset, text.size()));
  uint32_t line = 1;
  size_t line_start = 0;
  const char* p = text.data();
  const char* stop = p + end;
  while (p < stop) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(stop - p));
    if (nl == nullptr) break;
    ++line;
    p = static_cast<const char*>(nl) + 1;
    line_start = static_cast<size_t>(p - text.data());
  }
  return SourcePos{line, static_cast<uint32_t>(end - line_start + 1), end};
}

}  // namespace redtrust
