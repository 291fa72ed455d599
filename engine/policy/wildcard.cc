// WildcardPattern: a glob parsed once into a literal, prefix, suffix or anchored RE2.
// The byte-level contract is GlobMatch's (engine/condition/values.h); this file must agree
// with it on every input, which tests/engine/policy/wildcard_test.cc checks at random.
#include "engine/policy/wildcard.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "engine/condition/values.h"

namespace redtrust {
namespace {

// `?`: one ASCII byte or one lead-byte-delimited UTF-8 sequence, written over bytes because
// the regex runs in Latin-1 mode (see BuildRegex).
// INVARIANT: accepts exactly the sequences Utf8UnitLength in values.cc accepts.
constexpr std::string_view kUtf8UnitRegex =
    "(?:[\\x00-\\x7f]"
    "|[\\xc2-\\xdf][\\x80-\\xbf]"
    "|[\\xe0-\\xef][\\x80-\\xbf]{2}"
    "|[\\xf0-\\xf4][\\x80-\\xbf]{3})";

// `*`: any bytes, newline included.
constexpr std::string_view kAnyRegex = "(?s:.*)";

// RE2 budget (program plus DFA cache). Ample for every pattern below the caps that follow.
constexpr int64_t kMaxRegexMemory = 8 << 20;

// Patterns beyond either cap are not compiled: Matches uses GlobMatch (same answers). RE2's
// DFA state is the set of live pattern positions, so both many stars and a long literal after
// a star make states big and numerous; once the cache overflows RE2 drops to its NFA.
// Measured with RE2 2022-06-01 against a 2-16 KiB text: `*` + 256-byte literal ~1 ms, 512
// bytes ~20 ms, 2048 bytes 250-1600 ms (GlobMatch: 0.01-180 ms); 32 wildcards ~1 ms, 128
// ~35 ms, 256 ~200 ms (GlobMatch < 0.1 ms); past ~100,000 `?` RE2 also logs to stderr
// whatever log_errors says. Interior-wildcard Action/Resource/condition values are far
// shorter; pure prefix/suffix patterns of any length never reach RE2.
constexpr size_t kMaxRegexWildcards = 32;
constexpr size_t kMaxRegexPatternBytes = 256;

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Appends a literal run. Text goes only through RE2::QuoteMeta; with ignore_case an ASCII
// letter becomes the class `[aA]`, built from the letter itself and its other case.
void AppendLiteral(std::string_view run, bool ignore_case, std::string* out) {
  if (!ignore_case) {
    *out += RE2::QuoteMeta(re2::StringPiece(run.data(), run.size()));
    return;
  }
  size_t start = 0;
  for (size_t i = 0; i <= run.size(); ++i) {
    if (i < run.size() && !IsAsciiLetter(run[i])) continue;
    // Quote the non-letter stretch [start, i).
    *out += RE2::QuoteMeta(re2::StringPiece(run.data() + start, i - start));
    if (i < run.size()) {
      const char c = run[i];
      const char lower = c >= 'a' ? c : static_cast<char>(c - 'A' + 'a');
      const char upper = static_cast<char>(lower - 'a' + 'A');
      *out += '[';
      *out += lower;
      *out += upper;
      *out += ']';
    }
    start = i + 1;
  }
}

// Regex text for a glob. Why Latin-1 and explicit letter classes instead of UTF-8 mode with
// case_sensitive(false): RE2's UTF-8 mode rejects patterns and never matches texts that are
// not valid UTF-8, and its case folding is Unicode (`k` matches U+212A KELVIN SIGN, `s`
// matches U+017F, `é` matches `É`). GlobMatch is byte-based with ASCII-only folding (C6), so
// both choices would break agreement. In Latin-1 mode every byte is one character and the
// regex stays case-sensitive; folding is spelled out per letter.
std::string BuildRegex(std::string_view pattern, bool ignore_case) {
  std::string rx;
  rx.reserve(pattern.size() * 2 + 16);
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '*') {
      rx += kAnyRegex;
      while (i < pattern.size() && pattern[i] == '*') ++i;  // `**` == `*`
    } else if (c == '?') {
      rx += kUtf8UnitRegex;
      ++i;
    } else {
      size_t end = pattern.find_first_of("*?", i);
      if (end == std::string_view::npos) end = pattern.size();
      AppendLiteral(pattern.substr(i, end - i), ignore_case, &rx);
      i = end;
    }
  }
  return rx;
}

bool EqualsMaybeFolded(std::string_view text, std::string_view folded_literal, bool ignore_case) {
  return ignore_case ? EqualsIgnoreCaseAscii(text, folded_literal) : text == folded_literal;
}

}  // namespace

WildcardPattern::WildcardPattern(std::string_view pattern, bool ignore_case)
    : pattern_(pattern), ignore_case_(ignore_case), kind_(Kind::kLiteral) {
  const size_t first_wild = pattern.find_first_of("*?");
  const size_t first_non_star = pattern.find_first_not_of('*');
  const size_t last_non_star = pattern.find_last_not_of('*');
  const bool has_question = pattern.find('?') != std::string_view::npos;
  auto fold = [&](std::string_view s) { return ignore_case ? AsciiLower(s) : std::string(s); };

  if (first_wild == std::string_view::npos) {
    kind_ = Kind::kLiteral;
    literal_ = fold(pattern);
  } else if (first_non_star == std::string_view::npos) {
    kind_ = Kind::kAny;  // "*", "**", ...
  } else if (!has_question && first_wild == last_non_star + 1) {
    kind_ = Kind::kPrefix;  // "abc*", "abc**": stars only after the last literal byte
    literal_ = fold(pattern.substr(0, first_wild));
  } else if (!has_question && first_wild == 0 &&
             pattern.find('*', first_non_star) == std::string_view::npos) {
    kind_ = Kind::kSuffix;  // "*abc", "**abc"
    literal_ = fold(pattern.substr(first_non_star));
  } else {
    kind_ = Kind::kRegex;
    const size_t wildcards = static_cast<size_t>(
        std::count_if(pattern.begin(), pattern.end(), [](char c) { return c == '*' || c == '?'; }));
    if (wildcards > kMaxRegexWildcards || pattern.size() > kMaxRegexPatternBytes) return;
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);
    options.set_log_errors(false);
    options.set_case_sensitive(true);  // folding is in the regex text, see BuildRegex
    options.set_dot_nl(true);
    options.set_max_mem(kMaxRegexMemory);
    re_ = std::make_unique<RE2>(BuildRegex(pattern, ignore_case), options);
    // The text is quoted, so an oversized program is the only expected failure. Dropping
    // the regex makes Matches use GlobMatch, which needs no compilation.
    if (!re_->ok()) re_.reset();
  }
}

WildcardPattern::~WildcardPattern() = default;
WildcardPattern::WildcardPattern(WildcardPattern&&) noexcept = default;
WildcardPattern& WildcardPattern::operator=(WildcardPattern&&) noexcept = default;

bool WildcardPattern::Matches(std::string_view text) const {
  switch (kind_) {
    case Kind::kLiteral:
      return EqualsMaybeFolded(text, literal_, ignore_case_);
    case Kind::kAny:
      return true;
    case Kind::kPrefix:
      return text.size() >= literal_.size() &&
             EqualsMaybeFolded(text.substr(0, literal_.size()), literal_, ignore_case_);
    case Kind::kSuffix:
      return text.size() >= literal_.size() &&
             EqualsMaybeFolded(text.substr(text.size() - literal_.size()), literal_, ignore_case_);
    case Kind::kRegex:
      if (re_ == nullptr) return GlobMatch(pattern_, text, ignore_case_);
      return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
  }
  return false;
}

bool WildcardPattern::uses_regex() const { return re_ != nullptr; }

struct WildcardSet::Impl {
  std::unique_ptr<RE2::Set> set;
  std::vector<WildcardPattern> rest;  // literal, prefix, suffix and oversized patterns
};

WildcardSet::WildcardSet(const std::vector<std::string>& patterns, bool ignore_case)
    : impl_(std::make_unique<Impl>()) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  options.set_case_sensitive(true);  // folding is in the regex text, see BuildRegex
  options.set_dot_nl(true);
  options.set_max_mem(kMaxRegexMemory);
  auto set = std::make_unique<RE2::Set>(options, RE2::ANCHOR_BOTH);
  std::vector<std::string_view> in_set;
  for (const std::string& p : patterns) {
    WildcardPattern single(p, ignore_case);
    if (single.uses_regex()) {
      std::string error;
      if (set->Add(BuildRegex(p, ignore_case), &error) >= 0) {
        in_set.push_back(p);
        continue;
      }
    }
    impl_->rest.push_back(std::move(single));
  }
  if (!in_set.empty()) {
    if (set->Compile()) {
      impl_->set = std::move(set);
    } else {
      // Too large for one program: fall back to one matcher per pattern.
      for (std::string_view p : in_set) impl_->rest.emplace_back(p, ignore_case);
    }
  }
}

WildcardSet::~WildcardSet() = default;

bool WildcardSet::MatchesAny(std::string_view text) const {
  for (const WildcardPattern& p : impl_->rest) {
    if (p.Matches(text)) return true;
  }
  return impl_->set && impl_->set->Match(re2::StringPiece(text.data(), text.size()), nullptr);
}

bool WildcardSet::uses_regex_set() const { return impl_->set != nullptr; }

}  // namespace redtrust
