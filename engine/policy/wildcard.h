// WildcardPattern: a `*`/`?` glob compiled once and matched many times. Patterns without
// wildcards compare as strings; pure prefix (`abc*`) and suffix (`*abc`) patterns use direct
// comparisons; anything else is compiled to an anchored RE2 with literal runs quoted.
// Immutable and thread-safe after construction.
#ifndef REDTRUST_ENGINE_POLICY_WILDCARD_H_
#define REDTRUST_ENGINE_POLICY_WILDCARD_H_

#include <memory>
#include <string>
#include <string_view>

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

  bool Matches(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }
  bool has_wildcard() const { return kind_ != Kind::kLiteral; }

 private:
  enum class Kind { kLiteral, kAny, kPrefix, kSuffix, kRegex };
  std::string pattern_;
  std::string literal_;  // folded when ignore_case_
  bool ignore_case_;
  Kind kind_;
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_WILDCARD_H_
