// Regression tests for issue 12 ("fail closed everywhere"), `redtrust diff` part: each finding of
// the outside audit as a unit test of the engine (fixtures/diff/audit/, docs/diff.md).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/diff/automaton.h"
#include "engine/diff/trust_diff.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "engine/policy/reader.h"

namespace redtrust::diff {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(REDTRUST_SOURCE_DIR) + "/fixtures/diff/audit/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const CompiledPolicy> CompileText(const std::string& text, const std::string& id) {
  ParsedPolicy p = ParsePolicy(text, PolicyKind::kTrust);
  if (!p.ok()) return nullptr;
  auto c = CompiledPolicy::Compile(p.doc, PolicyKind::kTrust, id);
  return c.ok() ? *c : nullptr;
}

std::shared_ptr<const CompiledPolicy> Fixture(const std::string& name) {
  auto p = CompileText(ReadFixture(name), name);
  EXPECT_TRUE(p) << name;
  return p;
}

// A request of the account's root to the default role, with one context key.
Request RootRequest(const std::string& key, std::optional<std::vector<std::string>> values,
                    bool multivalued = false) {
  Request r;
  r.caller = *ParseAwsCaller("123456789012", "aws");
  r.action = "sts:AssumeRole";
  r.resource = "arn:aws:iam::123456789012:role/diffed-role";
  r.resource_account = "123456789012";
  r.resource_partition = "aws";
  if (values) r.context.Set(key, *values, multivalued);
  return r;
}

struct Pair {
  std::shared_ptr<const CompiledPolicy> old_p, new_p;
  TrustDiff diff;
};

Pair DiffFixtures(const std::string& old_name, const std::string& new_name,
                  const DiffOptions& o = {}) {
  auto a = Fixture(old_name);
  auto b = Fixture(new_name);
  auto d = DiffTrustPolicies(a.get(), b.get(), o);
  EXPECT_TRUE(d.ok());
  return {a, b, std::move(*d)};
}

// The request is decided differently by the two policies, and the diff puts it in a class of
// that direction.
// The caller's identity policies allow (the fixtures trust the account: E5b).
void ExpectReported(const Pair& p, const Request& r, bool new_access) {
  static const std::shared_ptr<const CompiledPolicy> identity = [] {
    ParsedPolicy d = ParsePolicy(kCallerIdentityPolicy, PolicyKind::kIdentity);
    return *CompiledPolicy::Compile(d.doc, PolicyKind::kIdentity, "identity");
  }();
  const bool a = Authorize(r, p.old_p.get(), {identity.get()}).effect == Effect::kAllowed;
  const bool b = Authorize(r, p.new_p.get(), {identity.get()}).effect == Effect::kAllowed;
  ASSERT_NE(a, b) << "the request does not change";
  ASSERT_EQ(b, new_access);
  auto cls = p.diff.ClassOf(r, true);
  ASSERT_TRUE(cls.has_value()) << "a changed request is in no reported class";
  EXPECT_EQ(p.diff.classes()[*cls].new_access, new_access);
}

std::string Undecided(const TrustDiff& d) {
  std::string s;
  for (const std::string& u : d.undecided()) s += u + "\n";
  return s;
}

TEST(TrustDiffAuditTest, NumbersBetweenTwoThresholdsAreExamined) {
  // OLD <= 3600, NEW < 3601: 3600.5 is denied by OLD and allowed by NEW.
  Pair p = DiffFixtures("mfa-old.json", "mfa-new.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  ExpectReported(p, RootRequest("aws:MultiFactorAuthAge", {{"3600.5"}}), true);
  ExpectReported(p, RootRequest("aws:MultiFactorAuthAge", {{"3600.000001"}}), true);
  // >= 1 vs > 0: 0.5.
  Pair q = DiffFixtures("mfa-ge1.json", "mfa-gt0.json");
  EXPECT_TRUE(q.diff.exact()) << Undecided(q.diff);
  ExpectReported(q, RootRequest("aws:MultiFactorAuthAge", {{"0.5"}}), true);
}

TEST(TrustDiffAuditTest, ThresholdsOfAnyMagnitudeKeepTheirRegionBelow) {
  // 1e17 printed with %g was "1e+17", which is not a number: the class below was lost.
  Pair p = DiffFixtures("big-lt.json", "big-ge.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  ExpectReported(p, RootRequest("aws:MultiFactorAuthAge", {{"99999999999999999.5"}}), false);
  ExpectReported(p, RootRequest("aws:MultiFactorAuthAge", {{"3"}}), false);
  ExpectReported(p, RootRequest("aws:MultiFactorAuthAge", {{"100000000000000000"}}), true);
  ExpectReported(p, RootRequest("aws:MultiFactorAuthAge", {{"100000000000000000.1"}}), true);
}

TEST(TrustDiffAuditTest, BothAddressFamiliesAreExamined) {
  // OLD 0.0.0.0/0 (IPv4 only), NEW "not in 10.0.0.0/8 and present": IPv6 callers are new.
  Pair p = DiffFixtures("ip-any-v4.json", "ip-not-10.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  ExpectReported(p, RootRequest("aws:SourceIp", {{"2001:db8::1"}}), true);
  ExpectReported(p, RootRequest("aws:SourceIp", {{"::ffff:10.0.0.1"}}), true);
  ExpectReported(p, RootRequest("aws:SourceIp", {{"10.1.2.3"}}), false);
}

TEST(TrustDiffAuditTest, KeysUnderSetOperatorsAreAlsoSingleValued) {
  // A single-valued aws:PrincipalTag/team "data": OLD allows, NEW's ForAnyValue "ops" denies.
  Pair p = DiffFixtures("tag-single.json", "tag-any.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  ExpectReported(p, RootRequest("aws:PrincipalTag/team", {{"data"}}), false);
  ExpectReported(p, RootRequest("aws:PrincipalTag/team", {{"ops"}}), true);
  ExpectReported(p, RootRequest("aws:PrincipalTag/team", {{"ops", "x"}}, true), true);
}

TEST(TrustDiffAuditTest, SetValuesOfKeysWithoutSetOperatorsAreExamined) {
  // A plain operator is false on a set (C5), whatever its values: one set stands for all.
  Pair p = DiffFixtures("tag-single.json", "any-caller.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  ExpectReported(p, RootRequest("aws:PrincipalTag/team", {{"data"}}, true), true);
  ExpectReported(p, RootRequest("aws:PrincipalTag/team", {std::vector<std::string>{}}, true),
                 true);
}

bool ValidUtf8(const std::string& s) { return Nfa::Utf8Text(0).Accepts(s); }

TEST(TrustDiffAuditTest, WitnessesAreUtf8Text) {
  // StringNotLike ["*?*", ""] holds only for strings of no UTF-8 unit, which no JSON text
  // (so no eval line) can carry: within the universe, every present value is removed access.
  Pair p = DiffFixtures("tag-no-unit.json", "any-caller.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  ASSERT_FALSE(p.diff.classes().empty());
  for (const DiffClass& c : p.diff.classes()) {
    for (const ContextEntry& e : c.witness.request.context.entries()) {
      for (const std::string& v : e.values) EXPECT_TRUE(ValidUtf8(v)) << v;
    }
  }
  ExpectReported(p, RootRequest("aws:PrincipalTag/team", {{"\xc3\xa9"}}), true);
  // Against "absent only": the value "\x80" differed before, and no eval line can write it.
  Pair q = DiffFixtures("tag-no-unit.json", "tag-absent.json");
  EXPECT_TRUE(q.diff.exact()) << Undecided(q.diff);
  EXPECT_TRUE(q.diff.classes().empty());
}

TEST(TrustDiffAuditTest, RoleSessionWitnessKeepsTheRolePath) {
  // ArnLike aws:PrincipalArn role/etl/*: the witness is a role with that path, written as
  // eval writes it (the role ARN), and eval's reading of it is decided as the class says.
  Pair p = DiffFixtures("etl-path.json", "nobody.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  ASSERT_FALSE(p.diff.classes().empty());
  bool saw_path = false;
  for (const DiffClass& c : p.diff.classes()) {
    if (c.witness.principal_text.find(":role/etl/") != std::string::npos) saw_path = true;
    auto caller = ParseAwsCaller(c.witness.principal_text, "aws");
    ASSERT_TRUE(caller.ok()) << c.witness.principal_text;
    Request r = c.witness.request;
    r.caller = *caller;
    if (c.witness.identity_allows) continue;  // decided with identity policies: ExpectReported
    EXPECT_EQ(Authorize(r, p.old_p.get(), {}).effect, c.old_side.effect);
    EXPECT_EQ(Authorize(r, p.new_p.get(), {}).effect, c.new_side.effect);
  }
  EXPECT_TRUE(saw_path);
}

TEST(TrustDiffAuditTest, ExhaustedBudgetSaysChangesAreNotRuledOut) {
  DiffOptions o;
  o.max_work = 60;
  o.max_work_per_part = 30;
  Pair p = DiffFixtures("tag-single.json", "tag-any.json", o);
  EXPECT_FALSE(p.diff.exact());
  EXPECT_NE(Undecided(p.diff).find("NOT ruled out"), std::string::npos) << Undecided(p.diff);
}

TEST(TrustDiffAuditTest, ManyKeysInOneStatementCostLinearWork) {
  // 56 StringEquals keys in one statement: 2^56 combinations before; now each key is fixed
  // in turn and a false condition ends the branch.
  Pair p = DiffFixtures("tags56-old.json", "tags56-new.json");
  EXPECT_TRUE(p.diff.exact()) << Undecided(p.diff);
  EXPECT_LT(p.diff.combinations_examined(), 20000u);
  // Every tag right but the last, which each side wants differently.
  std::vector<std::pair<std::string, std::string>> tags;
  Request r = RootRequest("aws:PrincipalTag/t00", {{"v00"}});
  for (int i = 1; i < 56; ++i) {
    char k[32], v[8];
    std::snprintf(k, sizeof k, "aws:PrincipalTag/t%02d", i);
    std::snprintf(v, sizeof v, "v%02d", i);
    r.context.Set(k, {i == 55 ? "x" : v}, false);
  }
  ExpectReported(p, r, true);
}

TEST(TrustDiffAuditTest, LongStarPatternsStayWithinTheMemoryBound) {
  // A 16k-star pattern: the product's subsets grow with the pattern, so memory grew with its
  // square (1.77 GB). The search now stops at the element bound and says so.
  std::string pattern;
  for (int i = 0; i < 16000; ++i) pattern += "*a";
  Nfa glob = Nfa::Glob(pattern, false);
  Nfa other = Nfa::Glob("*b*", false);
  RegionLimits limits;
  limits.max_elements = 200000;
  RegionsResult r = FindRegions(Nfa::Utf8Text(0), {&glob, &other}, limits);
  EXPECT_FALSE(r.complete);
  EXPECT_LE(r.elements, limits.max_elements);
}

}  // namespace
}  // namespace redtrust::diff
