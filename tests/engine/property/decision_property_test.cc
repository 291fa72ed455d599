// Properties of the decision, over seeded random policies and requests (policy_gen.h): what no
// change of a policy may do, whatever the policy. Deterministic and fast (a few thousand
// evaluations); a failure prints the seed, the policies as JSON and the request.
//
//  - adding a Deny statement never turns a denial into an allow;
//  - removing every Allow statement leaves nothing allowed;
//  - reordering statements, or the values of an Action, Resource or condition, never changes
//    the decision (nor the statements that decided it);
//  - a request that no statement applies to is an implicit deny, and an applicable Deny is an
//    explicit deny (rule E1);
//  - a policy that fails validation never produces ALLOW, through every entry point that takes
//    policy text: `eval` lines here, `can` in tests/e2e/fail_closed_test.cc, the world loader in
//    tests/sim/property/replay_property_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "tools/questions/eval_json.h"
#include "engine/policy/reader.h"
#include "tests/engine/property/policy_gen.h"

namespace redtrust::property {
namespace {

constexpr int kCases = 400;  // per property; all properties together run in well under a second

std::shared_ptr<const CompiledPolicy> CompileText(const std::string& text, PolicyKind kind,
                                                  const std::string& id) {
  ParsedPolicy p = ParsePolicy(text, kind);
  if (!p.ok()) {
    ADD_FAILURE() << "generated policy does not validate: " << p.diagnostics[0].code << " "
                  << p.diagnostics[0].message << "\n"
                  << text;
    return nullptr;
  }
  auto c = CompiledPolicy::Compile(p.doc, kind, id);
  if (!c.ok()) {
    ADD_FAILURE() << "generated policy does not compile: " << c.status().message();
    return nullptr;
  }
  return *c;
}

// One authorization question: a trust or resource policy (optional) and identity policies.
struct Question {
  std::optional<GenPolicy> resource;  // a trust policy for sts actions, else a resource policy
  std::vector<GenPolicy> identity;
  bool sts = false;  // the resource policy is a trust policy (chosen for the request's action)
};

std::string Describe(const Question& s, const GenRequest& r) {
  std::string out;
  if (s.resource) out += "  resource/trust policy: " + ToJson(*s.resource) + "\n";
  for (const GenPolicy& p : s.identity) out += "  identity policy: " + ToJson(p) + "\n";
  out += "  request: " + r.principal_type + " " + r.principal + " " + r.action + " " + r.resource;
  for (const auto& [k, v] : r.context) {
    out += " " + k + "=";
    for (const std::string& x : v) out += x + ",";
  }
  return out + "\n";
}

struct Outcome {
  Effect effect = Effect::kImplicitDeny;
  std::vector<std::string> deciding;  // "policy/Sid", sorted
  bool any_applies = false;
  bool any_deny_applies = false;
};

Outcome Evaluate(const Question& s, const GenRequest& g) {
  const Request r = ToRequest(g);
  const bool sts = s.sts;
  std::shared_ptr<const CompiledPolicy> rp;
  if (s.resource) {
    rp = CompileText(ToJson(*s.resource), sts ? PolicyKind::kTrust : PolicyKind::kResource, "rp");
  }
  std::vector<std::shared_ptr<const CompiledPolicy>> ids;
  std::vector<const CompiledPolicy*> id_ptrs;
  for (size_t i = 0; i < s.identity.size(); ++i) {
    ids.push_back(CompileText(ToJson(s.identity[i]), PolicyKind::kIdentity, "id" + std::to_string(i)));
    if (!ids.back()) return {};
    id_ptrs.push_back(ids.back().get());
  }
  EvalOptions o;
  o.trace = true;
  Decision d = Authorize(r, rp.get(), id_ptrs, o);
  Outcome out;
  out.effect = d.effect;
  for (const StatementRef& ref : d.matched) out.deciding.push_back(ref.policy + "/" + ref.sid);
  std::sort(out.deciding.begin(), out.deciding.end());
  for (const PolicyResult& pr : d.policies) {
    for (const StatementTrace& t : pr.trace) {
      if (t.applies()) {
        out.any_applies = true;
        out.any_deny_applies = out.any_deny_applies || t.is_deny;
      }
    }
  }
  return out;
}

// A random setup: a trust policy for sts requests, a resource policy (or none) for the others,
// and zero to two identity policies. Resource policies match the request's action family.
Question RandomSetup(Rng& rng, const GenRequest& g) {
  Question s;
  const bool sts = g.action.rfind("sts:", 0) == 0;
  s.sts = sts;
  if (sts || rng.Chance(50)) s.resource = RandomPolicy(rng, sts ? PolicyKind::kTrust : PolicyKind::kResource);
  const size_t n = rng.Below(3);
  for (size_t i = 0; i < n; ++i) s.identity.push_back(RandomPolicy(rng, PolicyKind::kIdentity));
  return s;
}

struct Counts {
  int allowed = 0, explicit_deny = 0, implicit_deny = 0;
  void Add(Effect e) {
    (e == Effect::kAllowed ? allowed : e == Effect::kExplicitDeny ? explicit_deny : implicit_deny)++;
  }
};

// The properties would hold vacuously if nothing were ever allowed or denied explicitly.
void ExpectVariety(const Counts& c) {
  EXPECT_GT(c.allowed, kCases / 20) << "too few allows for the property to mean much";
  EXPECT_GT(c.explicit_deny, kCases / 20);
  EXPECT_GT(c.implicit_deny, kCases / 20);
}

TEST(DecisionProperty, AddingADenyNeverTurnsADenialIntoAnAllow) {
  Rng rng(20260101);
  Counts counts;
  for (int i = 0; i < kCases; ++i) {
    const GenRequest g = RandomRequest(rng);
    Question s = RandomSetup(rng, g);
    const Outcome before = Evaluate(s, g);
    counts.Add(before.effect);
    // Add a Deny to one of the policies (a new identity policy when there is none), at a random
    // position.
    if (s.identity.empty() && !s.resource) s.identity.push_back(GenPolicy{"2012-10-17", {}});
    const size_t target = rng.Below(s.identity.size() + (s.resource ? 1 : 0));
    GenPolicy& p = target < s.identity.size() ? s.identity[target] : *s.resource;
    const PolicyKind kind = target < s.identity.size() ? PolicyKind::kIdentity
                            : s.sts                    ? PolicyKind::kTrust
                                                       : PolicyKind::kResource;
    GenStatement deny = RandomStatement(rng, kind, 100);
    p.statements.insert(p.statements.begin() + static_cast<long>(rng.Below(p.statements.size() + 1)),
                        deny);
    NameStatements(&p);
    const Outcome after = Evaluate(s, g);
    if (before.effect != Effect::kAllowed) {
      ASSERT_NE(after.effect, Effect::kAllowed) << "case " << i << "\n" << Describe(s, g);
    }
    if (before.effect == Effect::kExplicitDeny) {
      ASSERT_EQ(after.effect, Effect::kExplicitDeny) << "case " << i << "\n" << Describe(s, g);
    }
  }
  ExpectVariety(counts);
}

TEST(DecisionProperty, RemovingEveryAllowLeavesNothingAllowed) {
  Rng rng(7);
  int had_allow = 0;
  for (int i = 0; i < kCases; ++i) {
    const GenRequest g = RandomRequest(rng);
    Question s = RandomSetup(rng, g);
    had_allow += Evaluate(s, g).effect == Effect::kAllowed;
    auto strip = [](GenPolicy& p) {
      std::vector<GenStatement> kept;
      for (GenStatement& st : p.statements) {
        if (st.deny) kept.push_back(st);
      }
      p.statements = kept;
    };
    if (s.resource) {
      strip(*s.resource);
      if (s.resource->statements.empty()) s.resource.reset();  // an empty Statement is invalid
    }
    for (GenPolicy& p : s.identity) strip(p);
    std::vector<GenPolicy> kept;
    for (GenPolicy& p : s.identity) {
      if (!p.statements.empty()) kept.push_back(p);
    }
    s.identity = kept;
    const Outcome after = Evaluate(s, g);
    ASSERT_NE(after.effect, Effect::kAllowed) << "case " << i << "\n" << Describe(s, g);
  }
  EXPECT_GT(had_allow, kCases / 20);
}

TEST(DecisionProperty, OrderOfStatementsAndValuesNeverMatters) {
  Rng rng(42);
  Counts counts;
  for (int i = 0; i < kCases; ++i) {
    const GenRequest g = RandomRequest(rng);
    Question s = RandomSetup(rng, g);
    const Outcome before = Evaluate(s, g);
    counts.Add(before.effect);
    auto shuffle = [&](GenPolicy& p) {
      rng.Shuffle(&p.statements);  // Sids move with their statements
      for (GenStatement& st : p.statements) {
        rng.Shuffle(&st.actions);
        rng.Shuffle(&st.resources);
        rng.Shuffle(&st.conditions);
        for (GenCondition& c : st.conditions) rng.Shuffle(&c.values);
      }
    };
    if (s.resource) shuffle(*s.resource);
    for (GenPolicy& p : s.identity) shuffle(p);
    const Outcome after = Evaluate(s, g);
    ASSERT_EQ(after.effect, before.effect) << "case " << i << "\n" << Describe(s, g);
    ASSERT_EQ(after.deciding, before.deciding) << "case " << i << "\n" << Describe(s, g);
  }
  ExpectVariety(counts);
}

TEST(DecisionProperty, NoApplicableStatementIsAnImplicitDenyAndAnApplicableDenyIsExplicit) {
  Rng rng(99);
  int none_applies = 0;
  for (int i = 0; i < kCases; ++i) {
    GenRequest g = RandomRequest(rng);
    Question s = RandomSetup(rng, g);
    const Outcome o = Evaluate(s, g);
    if (!o.any_applies) {
      ++none_applies;
      ASSERT_EQ(o.effect, Effect::kImplicitDeny) << "case " << i << "\n" << Describe(s, g);
      ASSERT_TRUE(o.deciding.empty());
    }
    if (o.any_deny_applies) {
      ASSERT_EQ(o.effect, Effect::kExplicitDeny) << "case " << i << "\n" << Describe(s, g);
    }
    // An action no statement names: only NotAction statements could apply.
    g.action = "ec2:RunInstances";
    bool has_not_action = false;
    auto scan = [&](const GenPolicy& p) {
      for (const GenStatement& st : p.statements) {
        for (const std::string& a : st.actions) has_not_action = has_not_action || st.not_action || a == "*";
      }
    };
    if (s.resource) scan(*s.resource);
    for (const GenPolicy& p : s.identity) scan(p);
    if (!has_not_action) {
      const Outcome unmatched = Evaluate(s, g);
      ASSERT_EQ(unmatched.effect, Effect::kImplicitDeny) << "case " << i << "\n" << Describe(s, g);
      ASSERT_FALSE(unmatched.any_applies);
    }
  }
  EXPECT_GT(none_applies, kCases / 20);
}

TEST(DecisionProperty, InvalidPoliciesNeverAllowThroughEvalLines) {
  Rng rng(2026);
  EvalSession session;
  int corrupted = 0;
  for (int i = 0; i < kCases; ++i) {
    GenRequest g = RandomRequest(rng);
    const bool sts = g.action.rfind("sts:", 0) == 0;
    const PolicyKind kind = sts ? PolicyKind::kTrust : PolicyKind::kResource;
    GenPolicy good = RandomPolicy(rng, kind);
    // Make the good policy allow everything, so a decided line would be an allow.
    GenStatement all;
    if (kind != PolicyKind::kIdentity) all.principal = "\"*\"";
    all.actions = {"*"};
    if (kind != PolicyKind::kTrust) all.resources = {"*"};
    good.statements = {all};
    NameStatements(&good);
    const bool corrupt_identity = rng.Chance(40);
    GenPolicy identity;
    identity.statements = {GenStatement{"", false, "", false, {"*"}, {"*"}, {}}};
    NameStatements(&identity);
    const std::string rp_text = corrupt_identity ? ToJson(good) : CorruptPolicy(rng, good, kind);
    const std::string id_text =
        corrupt_identity ? CorruptPolicy(rng, identity, PolicyKind::kIdentity) : ToJson(identity);
    const std::string bad = corrupt_identity ? id_text : rp_text;
    if (ParsePolicy(bad, corrupt_identity ? PolicyKind::kIdentity : kind).ok()) continue;
    ++corrupted;
    std::string line = "{\"principal\":{\"" + g.principal_type + "\":";
    AppendJsonString(&line, g.principal);
    line += "},\"action\":";
    AppendJsonString(&line, g.action);
    line += ",\"resource\":";
    AppendJsonString(&line, g.resource);
    line += ",\"resource_policy\":" + rp_text + ",\"identity_policies\":[" + id_text + "]}";
    bool is_error = false;
    const std::string out = session.EvaluateLine(line, 1, &is_error);
    // A truncated policy may break the line's JSON itself: still an error line.
    ASSERT_TRUE(is_error) << out << "\n  line: " << line;
    ASSERT_NE(out.find("\"decision\":\"error\""), std::string::npos) << out;
    // The control: the same line with valid policies is decided (and allowed, for this caller
    // whenever STS's own checks pass).
    std::string good_line = "{\"principal\":{\"" + g.principal_type + "\":";
    AppendJsonString(&good_line, g.principal);
    good_line += "},\"action\":";
    AppendJsonString(&good_line, g.action);
    good_line += ",\"resource\":";
    AppendJsonString(&good_line, g.resource);
    good_line += ",\"resource_policy\":" + ToJson(good) + ",\"identity_policies\":[" +
                 ToJson(identity) + "]}";
    bool good_error = true;
    const std::string good_out = session.EvaluateLine(good_line, 1, &good_error);
    ASSERT_FALSE(good_error) << good_out;
  }
  EXPECT_GT(corrupted, kCases / 2);
}

}  // namespace
}  // namespace redtrust::property
