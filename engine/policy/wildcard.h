// WildcardPattern: a `*`/`?` glob compiled once and matched many times. Patterns without
// wildcards compare as strings; pure prefix (`abc*`) and suffix (`*abc`) patterns use direct
// comparisons; anything else is compiled to an anchored RE2 with literal runs quoted.
// Immutable and thread-safe after construction.
//
// Semantics: exactly GlobMatch(pattern, text, ignore_case) from engine/condition/values.h, on
// every byte string (valid UTF-8 or not): `*` any bytes incl. '/', ':' and newline, `?` one
// UTF-8 sequence, ASCII-only case folding. There is no escape character.
// Cost: construction is O(|pattern|) plus RE2 compilation for the regex kind; Matches is
// O(|text|) for literal/prefix/suffix (one comparison) and for the regex kind (RE2's DFA).
// Failure: construction cannot fail. Patterns with more than 32 wildcards or 256 bytes are
// not compiled (RE2's DFA slows down badly on many stars or long literals after a star; see
// wildcard.cc), nor are patterns RE2 rejects; Matches then runs GlobMatch, linear for ordinary
// patterns and O(|pattern| * |text| / 64) at worst (values.h), with the same results.
#ifndef REDTRUST_ENGINE_POLICY_WILDCARD_H_
#define REDTRUST_ENGINE_POLICY_WILDCARD_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace redtrust {

class WildcardPattern {
 public:
  WildcardPattern(std::string_view pattern, bool ignore_case);
  ~WildcardPattern();
  WildcardPattern(WildcardPattern&&) noexcept;
  WildcardPattern& operator=(WildcardPattern&&) noexcept;
  // Not copyable: may own a compiled RE2.
  WildcardPattern(const WildcardPattern&) = delete;
  WildcardPattern& operator=(const WildcardPattern&) = delete;

  // True when the whole of `text` matches (anchored at both ends).
  bool Matches(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }
  bool has_wildcard() const { return kind_ != Kind::kLiteral; }
  // True when Matches runs a compiled RE2 (not a literal, prefix, suffix or "*" pattern, not
  // over the size caps, and compilation succeeded). For tests and cost reporting; does not
  // change results.
  bool uses_regex() const;

 private:
  enum class Kind { kLiteral, kAny, kPrefix, kSuffix, kRegex };
  std::string pattern_;
  std::string literal_;  // folded when ignore_case_
  bool ignore_case_;
  Kind kind_;
  std::unique_ptr<re2::RE2> re_;
};

// WildcardSet: "does any of these globs match?" in one scan. The patterns that fit the regex
// limits go into one anchored RE2::Set (compiled once); the others, and all of them when the set
// cannot be built, are matched one by one as WildcardPattern. Agrees with GlobMatch on every
// input. Immutable and thread-safe after construction.
class WildcardSet {
 public:
  WildcardSet(const std::vector<std::string>& patterns, bool ignore_case);
  ~WildcardSet();
  // Not copyable: owns a compiled RE2::Set.
  WildcardSet(const WildcardSet&) = delete;
  WildcardSet& operator=(const WildcardSet&) = delete;

  bool MatchesAny(std::string_view text) const;
  bool uses_regex_set() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_WILDCARD_H_
