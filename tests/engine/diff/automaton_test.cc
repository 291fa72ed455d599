// The automata must accept exactly what the evaluator's matchers accept: seeded random patterns
// and strings over a small alphabet that provokes every case (wildcards, colons, case, UTF-8).
#include "engine/diff/automaton.h"

#include <gtest/gtest.h>

#include <random>

#include "engine/condition/values.h"
#include "engine/policy/arn.h"

namespace redtrust::diff {
namespace {

std::string RandomString(std::mt19937& rng, const std::vector<std::string>& pieces, size_t max) {
  std::string s;
  size_t n = rng() % (max + 1);
  for (size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;
}

TEST(AutomatonTest, GlobAgreesWithGlobMatch) {
  std::mt19937 rng(7);
  const std::vector<std::string> pat = {"a", "A", "b", "*", "?", ":", "/", "\xc3\xa9", "\xe2\x82\xac"};
  const std::vector<std::string> txt = {"a", "A", "b", ":", "/", "\xc3\xa9", "\xe2\x82\xac", "\xc3", "\x80"};
  for (int i = 0; i < 3000; ++i) {
    std::string p = RandomString(rng, pat, 5);
    bool ic = rng() % 2;
    Nfa n = Nfa::Glob(p, ic);
    for (int j = 0; j < 20; ++j) {
      std::string x = RandomString(rng, txt, 6);
      ASSERT_EQ(n.Accepts(x), GlobMatch(p, x, ic)) << "pattern " << p << " text " << x << " ic " << ic;
    }
  }
}

TEST(AutomatonTest, ArnGlobAgreesWithArnGlobMatch) {
  std::mt19937 rng(11);
  const std::vector<std::string> pat = {"arn:", "aws", "*", "?", ":", "iam", "a", "/"};
  for (int i = 0; i < 3000; ++i) {
    std::string p = "arn:" + RandomString(rng, pat, 8);
    bool ic = rng() % 2;
    Nfa n = Nfa::ArnGlob(p, ic);
    for (int j = 0; j < 20; ++j) {
      std::string x = (rng() % 4 ? "arn:" : "") + RandomString(rng, {"aws", "AWS", ":", "iam", "a", "/"}, 9);
      ASSERT_EQ(n.Accepts(x), ArnGlobMatch(p, x, ic)) << "pattern " << p << " text " << x;
    }
  }
}

TEST(AutomatonTest, RegionsAreCompleteAndWitnessed) {
  Nfa any = Nfa::Repeat(AllBytes(), 0);
  Nfa a = Nfa::Glob("a*", false);
  Nfa b = Nfa::Glob("*b", false);
  Nfa lit = Nfa::Literal("ab", false);
  RegionsResult r = FindRegions(any, {&a, &b, &lit});
  ASSERT_TRUE(r.complete);
  // Regions: none, a only, b only, a and b but not "ab" (e.g. "axb"), and "ab".
  EXPECT_EQ(r.regions.size(), 5u);
  for (const Region& reg : r.regions) {
    EXPECT_EQ(reg.in[0], GlobMatch("a*", reg.witness, false));
    EXPECT_EQ(reg.in[1], GlobMatch("*b", reg.witness, false));
    EXPECT_EQ(reg.in[2], reg.witness == "ab");
  }
}

TEST(AutomatonTest, UniverseRestrictsWitnesses) {
  Nfa two_plus = Nfa::Repeat(BytesOf("xy"), 2);
  Nfa x = Nfa::Literal("x", false);  // outside the universe: never a region
  RegionsResult r = FindRegions(two_plus, {&x});
  ASSERT_EQ(r.regions.size(), 1u);
  EXPECT_FALSE(r.regions[0].in[0]);
  EXPECT_EQ(r.regions[0].witness.size(), 2u);
}

TEST(AutomatonTest, StateLimitIsReported) {
  Nfa any = Nfa::Repeat(AllBytes(), 0);
  std::vector<Nfa> globs;
  for (int i = 0; i < 12; ++i) globs.push_back(Nfa::Glob("*" + std::string(1, 'a' + i) + "*?*", false));
  std::vector<const Nfa*> ptrs;
  for (const Nfa& g : globs) ptrs.push_back(&g);
  RegionsResult r = FindRegions(any, ptrs, 1000);
  EXPECT_FALSE(r.complete);
}

}  // namespace
}  // namespace redtrust::diff
