// GlobMatch's two matchers (values.h): the backtracking one and the set-based one it falls back
// to once a match costs more than a few linear passes. They must agree on every input, and the
// worst cases of the backtracking matcher must finish fast (issue 6 §4, docs/limits.md).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "engine/condition/values.h"
#include "tests/engine/property/policy_gen.h"

namespace redtrust {
namespace {

// A hang guard (sanitizer builds included), not a benchmark: bench/limits_bench.cc has figures.
// The inputs below take seconds to minutes with backtracking alone.
constexpr std::chrono::milliseconds kTimeBudget(20000);

std::string RandomGlobText(property::Rng& rng, size_t max_len, bool wildcards) {
  // Letters in both cases, UTF-8 sequences, a lone continuation byte, a truncated sequence.
  static const std::vector<std::string> pieces = {"a", "b", "A", "B", ":", "é", "日", "\xF0\x9F\x98\x80",
                                                  "\x80", "\xE6\x97"};
  static const std::vector<std::string> wild = {"*", "?", "**"};
  std::string out;
  const size_t n = rng.Below(max_len + 1);
  for (size_t i = 0; i < n; ++i) {
    out += wildcards && rng.Chance(35) ? rng.Pick(wild) : rng.Pick(pieces);
  }
  return out;
}

TEST(GlobBounded, SetMatcherAgreesWithBacktracking) {
  property::Rng rng(1234);
  for (int i = 0; i < 30000; ++i) {
    const std::string p = RandomGlobText(rng, 8, true);
    const std::string t = RandomGlobText(rng, 12, false);
    for (bool ic : {false, true}) {
      const bool greedy = GlobMatchWithBudget(p, t, ic, ~size_t{0});
      ASSERT_EQ(GlobMatchWithBudget(p, t, ic, 0), greedy)
          << "pattern `" << p << "` text `" << t << "` ignore_case " << ic;
      ASSERT_EQ(GlobMatchWithBudget(p, t, ic, rng.Below(20)), greedy);
      ASSERT_EQ(GlobMatch(p, t, ic), greedy);
    }
  }
}

// The linear block matcher (patterns without `?`) against the set-based one and backtracking,
// over a small alphabet so that blocks overlap, repeat and have long borders (KMP's hard cases).
TEST(GlobBounded, BlockMatcherAgreesWithTheOthers) {
  property::Rng rng(4321);
  static const std::vector<std::string> pattern_pieces = {"a", "a", "b", "A", "*", "*", "\xC3\xA9"};
  static const std::vector<std::string> text_pieces = {"a", "a", "a", "b", "B", "\xC3\xA9"};
  for (int i = 0; i < 30000; ++i) {
    std::string p, t;
    for (size_t n = rng.Below(10); n > 0; --n) p += rng.Pick(pattern_pieces);
    for (size_t n = rng.Below(16); n > 0; --n) t += rng.Pick(text_pieces);
    for (bool ic : {false, true}) {
      const bool expected = GlobMatchWithBudget(p, t, ic, 0);
      ASSERT_EQ(GlobMatchBlocks(p, t, ic), expected)
          << "pattern `" << p << "` text `" << t << "` ignore_case " << ic;
      ASSERT_EQ(GlobMatchWithBudget(p, t, ic, ~size_t{0}), expected);
      ASSERT_EQ(GlobMatchWithBudget(p, t, ic, 1), expected);
    }
  }
  EXPECT_EQ(GlobMatchBlocks("a?", "ab", false), std::nullopt);
  // Prefix and suffix blocks may not overlap; a middle block must fit between them.
  EXPECT_FALSE(*GlobMatchBlocks("aba*aba", "ababa", false));
  EXPECT_TRUE(*GlobMatchBlocks("ab*aab*ab", "abaabaab", false));
  EXPECT_TRUE(*GlobMatchBlocks("ab*aab*ab", "abaabab", false));
  EXPECT_FALSE(*GlobMatchBlocks("ab*aab*ab", "abaab", false));
}

TEST(GlobBounded, PartsAgreeWithTheGlobStringAndKeepLiteralsLiteral) {
  property::Rng rng(99);
  for (int i = 0; i < 5000; ++i) {
    const std::string p = RandomGlobText(rng, 8, true);
    const std::string t = RandomGlobText(rng, 12, false);
    std::vector<GlobPart> parts;
    for (size_t j = 0; j < p.size(); ++j) {
      if (p[j] == '*') parts.push_back({GlobPart::Kind::kStar, {}});
      else if (p[j] == '?') parts.push_back({GlobPart::Kind::kOne, {}});
      else parts.push_back({GlobPart::Kind::kLiteral, std::string_view(p).substr(j, 1)});
    }
    ASSERT_EQ(GlobMatchParts(parts, t, false), GlobMatch(p, t, false)) << p << " / " << t;
  }
  // A literal `*` (substituted by a policy variable, V7) matches only itself.
  const std::vector<GlobPart> star_literal = {{GlobPart::Kind::kLiteral, "a*"},
                                              {GlobPart::Kind::kStar, {}}};
  EXPECT_TRUE(GlobMatchParts(star_literal, "a*xyz", false));
  EXPECT_FALSE(GlobMatchParts(star_literal, "abxyz", false));
}

TEST(GlobBounded, BacktrackingWorstCasesFinishFast) {
  const auto start = std::chrono::steady_clock::now();
  // A star, then an 8 KB block that matches everywhere but at its last byte, against 1 MiB:
  // 8 * 10^9 steps of backtracking (minutes with sanitizers), about 0.5 s set-based.
  EXPECT_FALSE(GlobMatch("*" + std::string(8191, 'a') + "b", std::string(1 << 20, 'a'), false));
  const std::string text(256 << 10, 'a');
  const std::string almost = "*" + std::string(2046, 'a') + "b";
  EXPECT_FALSE(GlobMatch(almost, text, true));
  EXPECT_TRUE(GlobMatch("*" + std::string(2047, 'a'), text, false));
  // The same through parts (policy variables) and with `?`.
  const std::string block = std::string(1000, 'a') + "b";
  EXPECT_FALSE(GlobMatchParts({{GlobPart::Kind::kStar, {}}, {GlobPart::Kind::kLiteral, block}},
                              text, false));
  EXPECT_FALSE(GlobMatch("*?" + std::string(1000, 'a') + "?b", text, false));
  // Many stars: linear for the backtracking matcher already.
  std::string stars;
  for (int i = 0; i < 1000; ++i) stars += "*a";
  EXPECT_TRUE(GlobMatch(stars, text, false));
  EXPECT_FALSE(GlobMatch(stars, std::string(256 << 10, 'b'), false));
  EXPECT_FALSE(GlobMatch(stars + "b", text, false));
  // Half a megabyte of block against half a megabyte of text (a 1 MiB eval line with the size
  // quota off): linear without `?` (it took 20 s set-based), set-based with one.
  const std::string half(512 << 10, 'a');
  EXPECT_FALSE(GlobMatch("*" + std::string(500 << 10, 'a') + "b*", half, true));
  EXPECT_TRUE(GlobMatch("*" + std::string(500 << 10, 'a') + "*", half, false));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeBudget);
}

}  // namespace
}  // namespace redtrust
