// A strict RFC 8259 JSON reader that keeps the source position of every value and key.
//
// Why not nlohmann's DOM: Debian's nlohmann 3.11.2 has no start positions (start_pos() came in
// 3.12), its SAX interface reports positions only for errors, and its DOM keeps only the last of
// duplicate keys without telling. Policies need line:column for every element, duplicate keys as
// errors, raw byte spans (to cache compiled policies by their text) and hard limits on depth and
// size. This reader does exactly that and nothing more; nlohmann is used for writing JSON.
//
// Thread-safety: ParseJson is reentrant; JsonValue is a plain value type.
// Cost: one pass over the text, one allocation per string/array/object.
#ifndef REDTRUST_ENGINE_BASE_JSON_H_
#define REDTRUST_ENGINE_BASE_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.h"

namespace redtrust {

struct JsonMember;

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind = Kind::kNull;
  SourcePos pos;            // first byte of the value
  uint64_t end_offset = 0;  // one past the last byte of the value
  bool bool_value = false;
  // kString: the decoded string (valid UTF-8). kNumber: the number exactly as written ("10.0").
  // kBool: "true" / "false". kNull: "null".
  std::string text;
  std::vector<JsonValue> items;     // kArray
  std::vector<JsonMember> members;  // kObject, in document order, keys unique
  // True for an object whose contents were not built (JsonOptions::deferred_keys): only kind,
  // pos and end_offset are set; parse text[pos.offset, end_offset) when it is needed.
  bool deferred = false;

  bool is_string() const { return kind == Kind::kString; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_object() const { return kind == Kind::kObject; }
  // The member with exactly this key, or nullptr. REQUIRES: is_object() (else returns nullptr).
  const JsonValue* Find(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  SourcePos key_pos;  // position of the key's opening quote
  JsonValue value;
};

const char* JsonKindName(JsonValue::Kind k);  // "null", "boolean", "number", "string", ...
// With an article, for messages: "null", "a boolean", "a number", "a string", "an array", ...
const char* JsonKindWithArticle(JsonValue::Kind k);

struct JsonOptions {
  // Maximum nesting of arrays and objects. Default: 64. Deeper input is an error, not a crash.
  // Values above 1,024 are treated as 1,024, which bounds the parser's stack use.
  int max_depth = 64;
  // Maximum text size in bytes. Default: 16 MiB.
  uint64_t max_bytes = 16u << 20;
  // Maximum number of values (scalars, arrays and objects; keys are not counted; the contents
  // of deferred objects are not built and do not count). Default: 1,000,000, about 130 MB of
  // tree. More is an error ("json.too_many_values"): 16 MiB of `[1,1,1,...]` would otherwise
  // build 8 million values (2 GB, ~10 s).
  uint64_t max_values = 1'000'000;
  // Reject a second occurrence of a key in one object. Default: on (IAM grammar G13).
  bool reject_duplicate_keys = true;
  // Keys of the top-level object whose object values (or, for an array value, whose object
  // elements) are delimited but not built: they come back with `deferred` set. Their text is
  // scanned for strings and nesting only, so the caller must parse it before trusting it.
  // Used by `eval` to skip policies it has already compiled. Default: none.
  std::vector<std::string_view> deferred_keys;
};

struct JsonError {
  std::string message;  // lowercase, e.g. "duplicate key `Effect`", "invalid UTF-8 byte 0xff"
  SourcePos pos;        // where the problem is
  // Stable diagnostic code (docs/diagnostics.md): "json.syntax" (malformed text, including
  // invalid UTF-8 and empty input), "json.duplicate_key", "json.too_deep" (max_depth) or
  // "json.too_large" (max_bytes) or "json.too_many_values" (max_values).
  std::string code = "json.syntax";
};

// Parses exactly one JSON value (surrounding white space allowed). Rejects: trailing garbage,
// comments, trailing commas, NaN/Infinity, leading zeros, unescaped control characters, invalid
// UTF-8 (also in escapes: lone surrogates), depth and size beyond the options.
// On success fills *out and returns nullopt; on failure returns the first error, and *out holds
// what was read before it (containers cut short have end_offset 0; after a duplicate key, the
// object holds both members), so callers can locate the error in the tree.
std::optional<JsonError> ParseJson(std::string_view text, const JsonOptions& options,
                                   JsonValue* out);

// Appends one reference token to a JSON pointer, escaping `~` as ~0 and `/` as ~1 (RFC 6901).
std::string JsonPointerAppend(std::string_view base, std::string_view token);
std::string JsonPointerAppend(std::string_view base, size_t index);

// Computes line:column for a byte offset (used when only an offset is known).
SourcePos PositionOfOffset(std::string_view text, uint64_t offset);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_BASE_JSON_H_
