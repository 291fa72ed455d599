#include "engine/policy/wildcard.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/condition/values.h"

namespace redtrust {
namespace {

// Wall-clock guard against super-linear matching. Optimized builds need a few percent of it;
// the slack is for sanitizer builds. A quadratic regression on these inputs takes minutes.
// A hang guard for pathological patterns (sanitizer builds included), not a benchmark.
constexpr std::chrono::milliseconds kTimeBudget(20000);

using std::string_literals::operator""s;

TEST(WildcardPattern, StyleMustPassCase) {
  // STYLE guideline 3: '.' is a literal, never "any character".
  WildcardPattern p("arn:aws:s3:::my.bucket/*", /*ignore_case=*/false);
  EXPECT_TRUE(p.has_wildcard());
  EXPECT_FALSE(p.Matches("arn:aws:s3:::myxbucket/k"));
  EXPECT_TRUE(p.Matches("arn:aws:s3:::my.bucket/k"));
  EXPECT_TRUE(p.Matches("arn:aws:s3:::my.bucket/"));
  EXPECT_TRUE(p.Matches("arn:aws:s3:::my.bucket/a/b:c"));
}

TEST(WildcardPattern, Kinds) {
  WildcardPattern literal("sts:AssumeRole", false);
  EXPECT_FALSE(literal.has_wildcard());
  EXPECT_FALSE(literal.uses_regex());
  EXPECT_TRUE(literal.Matches("sts:AssumeRole"));
  EXPECT_FALSE(literal.Matches("sts:assumerole"));
  EXPECT_FALSE(literal.Matches("sts:AssumeRoleX"));

  WildcardPattern any("**", false);
  EXPECT_TRUE(any.has_wildcard());
  EXPECT_FALSE(any.uses_regex());
  EXPECT_TRUE(any.Matches(""));
  EXPECT_TRUE(any.Matches("\x80\n"));

  WildcardPattern prefix("s3:Get*", false);
  EXPECT_FALSE(prefix.uses_regex());
  EXPECT_TRUE(prefix.Matches("s3:Get"));
  EXPECT_TRUE(prefix.Matches("s3:GetObject"));
  EXPECT_FALSE(prefix.Matches("s3:Ge"));
  EXPECT_FALSE(prefix.Matches("s3:getObject"));

  WildcardPattern suffix("**Object", false);
  EXPECT_FALSE(suffix.uses_regex());
  EXPECT_TRUE(suffix.Matches("s3:GetObject"));
  EXPECT_TRUE(suffix.Matches("Object"));
  EXPECT_FALSE(suffix.Matches("bject"));

  WildcardPattern middle("s3:*Object*", false);
  EXPECT_TRUE(middle.uses_regex());
  EXPECT_TRUE(middle.Matches("s3:GetObjectAcl"));
  EXPECT_FALSE(middle.Matches("s3:GetBucket"));

  WildcardPattern question("s3:Get?", false);
  EXPECT_TRUE(question.uses_regex());
  EXPECT_TRUE(question.Matches("s3:Getx"));

  WildcardPattern empty("", false);
  EXPECT_TRUE(empty.Matches(""));
  EXPECT_FALSE(empty.Matches("a"));
  EXPECT_EQ(middle.pattern(), "s3:*Object*");
}

TEST(WildcardPattern, IgnoreCaseEveryKind) {
  EXPECT_TRUE(WildcardPattern("sts:assumerole", true).Matches("STS:AssumeRole"));
  EXPECT_TRUE(WildcardPattern("S3:Get*", true).Matches("s3:getobject"));
  EXPECT_TRUE(WildcardPattern("*OBJECT", true).Matches("s3:GetObject"));
  EXPECT_TRUE(WildcardPattern("s3:*OBJECT*", true).Matches("S3:getobjectacl"));
  EXPECT_TRUE(WildcardPattern("s3:?et*", true).Matches("S3:GET"));
  EXPECT_EQ(WildcardPattern("S3:Get*", true).pattern(), "S3:Get*");  // original kept
}

TEST(WildcardPattern, IgnoreCaseIsAsciiOnly) {
  // RE2's own case folding is Unicode; ours is not (C6).
  EXPECT_FALSE(WildcardPattern("k*x", true).Matches("\u212ax"));  // KELVIN SIGN
  EXPECT_FALSE(WildcardPattern("s*x", true).Matches("\u017fx"));  // LONG S
  EXPECT_FALSE(WildcardPattern("é*x", true).Matches("Éx"));
  EXPECT_FALSE(WildcardPattern("é", true).Matches("É"));
  EXPECT_TRUE(WildcardPattern("é*x", true).Matches("éyX"));
  // Latin-1 folding must not leak in either: 0xC3 vs 0xE3 are lead bytes, not letters.
  EXPECT_FALSE(WildcardPattern("\xc3\xa9*", true).Matches("\xe3\xa9"));
}

TEST(WildcardPattern, RegexMetacharactersAreLiteral) {
  const std::string meta = "a.b+c(d)|[e]{2}$^\\f";
  WildcardPattern p(meta + "*?", false);
  EXPECT_TRUE(p.uses_regex());
  EXPECT_TRUE(p.Matches(meta + "xyz"));
  EXPECT_FALSE(p.Matches("axb+c(d)|[e]{2}$^\\fxy"));
  EXPECT_FALSE(p.Matches("abbc(d)|[e]{2}$^\\fxy"));
  WildcardPattern q("(?i)*", false);  // must not become a flag group
  EXPECT_TRUE(q.Matches("(?i)x"));
  WildcardPattern r("\\E*\\Q?", false);  // QuoteMeta must survive \Q...\E text
  EXPECT_TRUE(r.Matches("\\Eabc\\Qz"));
  EXPECT_FALSE(r.Matches("abcz"));
}

TEST(WildcardPattern, NulAndNewline) {
  WildcardPattern p("a\0*b"s, false);
  EXPECT_TRUE(p.Matches("a\0xb"s));
  EXPECT_FALSE(p.Matches("axb"));
  WildcardPattern q("a*?b", false);
  EXPECT_TRUE(q.Matches("a\n\nb"));
  EXPECT_TRUE(WildcardPattern("a?b", false).Matches("a\nb"));
}

TEST(WildcardPattern, QuestionOnMultibyte) {
  WildcardPattern p("caf?*", false);
  EXPECT_TRUE(p.Matches("café"));
  EXPECT_TRUE(p.Matches("caf😀!"));
  EXPECT_FALSE(WildcardPattern("caf??*", false).Matches("café"));
  EXPECT_FALSE(WildcardPattern("*??", false).Matches("€"));
  EXPECT_FALSE(WildcardPattern("?*", false).Matches("\x80"));
  EXPECT_FALSE(WildcardPattern("?*", false).Matches("\xc3"));
  EXPECT_TRUE(WildcardPattern("\xff*?", false).Matches("\xff\x80z"));
}

TEST(WildcardPattern, PathologicalPatternIsFast) {
  const std::string text(1 << 20, 'a');
  auto start = std::chrono::steady_clock::now();
  WildcardPattern p("*a*a*a*a*a*a*b", false);
  EXPECT_TRUE(p.uses_regex());
  EXPECT_FALSE(p.Matches(text));
  EXPECT_TRUE(WildcardPattern("*a*a*a*a*a*a*a", false).Matches(text));
  EXPECT_FALSE(WildcardPattern("*A*a*a*a*a*a*?b", true).Matches(text));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeBudget);
}

TEST(WildcardPattern, Movable) {
  WildcardPattern a("x*y?z", false);
  WildcardPattern b(std::move(a));
  EXPECT_TRUE(b.Matches("xabyéz"));
  WildcardPattern c("", false);
  c = std::move(b);
  EXPECT_TRUE(c.Matches("xyqz"));
  EXPECT_EQ(c.pattern(), "x*y?z");
}

TEST(WildcardPattern, OversizedPatternsUseGlobMatch) {
  // Over the caps (32 wildcards, 256 bytes) RE2 is not used; answers stay the same.
  const std::string many = "*" + std::string(300, '?') + "x";
  WildcardPattern p(many, false);
  EXPECT_FALSE(p.uses_regex());
  EXPECT_TRUE(p.Matches(std::string(300, 'a') + "x"));
  EXPECT_TRUE(p.Matches(std::string(299, 'a') + "éx"));
  EXPECT_FALSE(p.Matches(std::string(299, 'a') + "x"));

  EXPECT_TRUE(WildcardPattern("*" + std::string(31, '?') + "x", false).uses_regex());
  EXPECT_FALSE(WildcardPattern("*" + std::string(32, '?') + "x", false).uses_regex());
  EXPECT_TRUE(WildcardPattern("*" + std::string(254, 'a') + "?", false).uses_regex());
  EXPECT_FALSE(WildcardPattern("*" + std::string(255, 'a') + "?", false).uses_regex());

  // A long literal after a star: RE2 would take seconds on this text, GlobMatch does not.
  const std::string long_literal = "*" + std::string(2048, 'z') + "?";
  WildcardPattern q(long_literal, true);
  EXPECT_FALSE(q.uses_regex());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(q.Matches(std::string(4096, 'Z') + "!"));
  EXPECT_FALSE(q.Matches(std::string(2048, 'z')));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeBudget);

  // Prefix and suffix patterns of any length never need RE2.
  EXPECT_FALSE(WildcardPattern(std::string(5000, 'a') + "*", false).uses_regex());
  EXPECT_FALSE(WildcardPattern("*" + std::string(5000, 'a'), false).uses_regex());
}

TEST(WildcardPattern, LargestCompiledPatternsAreFast) {
  auto start = std::chrono::steady_clock::now();
  // 256 bytes, 31 wildcards, case-insensitive, against a 64 KiB text.
  std::string p1, text1;
  for (int i = 0; i < 15; ++i) {
    p1 += "?" + std::string(14, 'k') + "*";
    text1 += "é" + std::string(14, 'K') + "-";
  }
  p1 += "?" + std::string(15, 'k');
  ASSERT_EQ(p1.size(), 256u);
  text1 += std::string(1 << 16, 'K');
  WildcardPattern r1(p1, true);
  EXPECT_TRUE(r1.uses_regex());
  EXPECT_TRUE(r1.Matches(text1));
  EXPECT_FALSE(r1.Matches(text1 + "!"));
  // A star, then a 254-byte literal, against a 64 KiB run of the literal's byte.
  const std::string p2 = "*" + std::string(254, 'z') + "?";
  WildcardPattern r2(p2, true);
  EXPECT_TRUE(r2.uses_regex());
  EXPECT_TRUE(r2.Matches(std::string(1 << 16, 'Z') + "!"));
  EXPECT_FALSE(r2.Matches(std::string(1 << 16, 'Z') + "\x80"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeBudget);
}

// ---- Randomized agreement with GlobMatch ------------------------------------------------------

const std::vector<std::string>& Tokens() {
  // Wildcards, case pairs, regex metacharacters, multibyte and invalid UTF-8, NUL, newline.
  static const auto* tokens = new std::vector<std::string>{
      "*",    "*",    "*",    "?", "?",      "a", "A",      "b",    "B",    "/",
      ":",    ".",    "\\",   "(", "[",      "]", "$",      "^",    "|",    "+",
      "{",    "\n",   "\0"s,  "é", "É",      "€", "😀",      "\xc3", "\xa9", "\x80",
      "\xff", "\xe2", "\xf0", "k", "\u212a", "s", "\u017f", "\\Q",  "\\E",  "(?i)"};
  return *tokens;
}

std::string RandomString(std::mt19937& rng, size_t max_tokens, bool wildcards) {
  std::string out;
  for (size_t n = rng() % (max_tokens + 1); n > 0; --n) {
    const std::string& t = Tokens()[rng() % Tokens().size()];
    if (!wildcards && (t == "*" || t == "?")) continue;
    out += t;
  }
  return out;
}

std::string Instantiate(std::mt19937& rng, std::string_view pattern) {
  std::string out;
  for (char c : pattern) {
    if (c == '*') {
      out += RandomString(rng, 3, true);  // literal '*' and '?' in text, too
    } else if (c == '?') {
      out += Tokens()[rng() % Tokens().size()];
    } else {
      out += (rng() % 8 == 0 && c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c;
    }
  }
  return out;
}

TEST(WildcardPattern, AgreesWithGlobMatchOnRandomInputs) {
  std::mt19937 rng(0x5eed);  // fixed seed: deterministic
  int matches = 0, regexes = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    const std::string pattern = RandomString(rng, 8, true);
    const bool ic = iter % 2 == 0;
    WildcardPattern compiled(pattern, ic);
    regexes += compiled.uses_regex();
    for (int k = 0; k < 6; ++k) {
      const std::string text =
          k % 2 == 0 ? Instantiate(rng, pattern) : RandomString(rng, 8, k == 3);
      const bool want = GlobMatch(pattern, text, ic);
      matches += want;
      ASSERT_EQ(compiled.Matches(text), want)
          << "pattern `" << pattern << "` text `" << text << "` ignore_case " << ic;
    }
  }
  EXPECT_GT(matches, 2000);
  EXPECT_GT(regexes, 1000);
}

}  // namespace
}  // namespace redtrust

namespace redtrust {
namespace {

TEST(WildcardSet, AgreesWithGlobMatchOnEveryPattern) {
  const std::vector<std::string> patterns = {
      "arn:aws:redshift:*:123456789012:dbuser:my-cluster/user?", "exact", "pre*", "*suf",
      "a*b*c", "x?y*z", "*.amazonaws.com"};
  WildcardSet set(patterns, /*ignore_case=*/false);
  EXPECT_TRUE(set.uses_regex_set());
  for (const std::string text :
       {"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1", "exact", "prefix",
        "the suf", "aXbYc", "x1y2z", "redshift.amazonaws.com", "nothing", "",
        "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user10"}) {
    bool any = false;
    for (const std::string& p : patterns) any = any || GlobMatch(p, text, false);
    EXPECT_EQ(set.MatchesAny(text), any) << text;
  }
}

}  // namespace
}  // namespace redtrust
