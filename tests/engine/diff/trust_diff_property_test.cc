// Property test of the exact diff (issue 4 §2, issue 12): seeded random trust-policy pairs,
// checked by brute force over requests sampled near the policies (callers with and without role
// paths, actions, ExternalIds, source accounts, identity policies; numbers on and between the
// thresholds, at any magnitude; addresses of both families; tag values single and as sets;
// non-ASCII text). For every sampled request:
//   - if OLD and NEW decide it differently, ClassOf finds a reported class of that direction;
//   - if they agree, no reported class contains it;
// and every reported witness, written as an `eval` line, is read back by eval's own parser and
// decided differently, in the reported direction.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "engine/diff/trust_diff.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "tools/questions/eval_json.h"
#include "engine/policy/reader.h"

namespace redtrust::diff {
namespace {

const char* kRole = "arn:aws:iam::111111111111:role/target";

std::shared_ptr<const CompiledPolicy> Compile(const std::string& text, PolicyKind kind,
                                              const std::string& id) {
  ParsedPolicy p = ParsePolicy(text, kind);
  if (!p.ok()) return nullptr;
  auto c = CompiledPolicy::Compile(p.doc, kind, id);
  return c.ok() ? *c : nullptr;
}

std::string Pick(std::mt19937& rng, const std::vector<std::string>& v) { return v[rng() % v.size()]; }

std::string RandomCondition(std::mt19937& rng) {
  const std::vector<std::string> ext_values = {
      "\"arn:aws:redshift:us-east-1:111111111111:dbuser:c1/u1\"",
      "\"arn:aws:redshift:*:111111111111:dbuser:c1/*\"",
      "\"arn:aws:redshift:eu-west-1:222222222222:dbuser:c2/u2\"",
      "\"*u1\"", "\"arn:aws:redshift:us-east-1:111111111111:dbuser:c?/u?\""};
  const std::vector<std::string> ext_ops = {"StringEquals", "StringLike", "StringNotEquals",
                                            "StringNotLike", "StringEqualsIfExists",
                                            "StringNotLikeIfExists", "ForAnyValue:StringLike",
                                            "ForAllValues:StringEquals", "StringEqualsIgnoreCase",
                                            "ArnLike", "ArnNotLike"};
  switch (rng() % 10) {
    case 6:
      // Numbers: neighbouring integer thresholds (3600.5 lies between), fractions, and
      // magnitudes that %g would print with an exponent.
      return "\"" + Pick(rng, {"NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
                               "NumericGreaterThanEquals", "NumericEquals", "NumericNotEquals",
                               "NumericLessThanIfExists"}) +
             "\":{\"aws:MultiFactorAuthAge\":\"" +
             Pick(rng, {"3600", "3601", "0", "1", "100000000000000000", "-1.5"}) + "\"}";
    case 7:
      return "\"" + Pick(rng, {"IpAddress", "NotIpAddress", "IpAddressIfExists"}) +
             "\":{\"aws:SourceIp\":\"" +
             Pick(rng, {"0.0.0.0/0", "10.0.0.0/8", "2001:db8::/32", "::/0", "10.0.0.0/9"}) + "\"}";
    case 8:
      // A key that is single-valued in some requests and a set in others.
      return "\"" + Pick(rng, {"StringEquals", "ForAnyValue:StringEquals", "ForAllValues:StringLike",
                               "StringNotLike", "StringNotEquals", "ForAnyValue:StringNotLike"}) +
             "\":{\"aws:PrincipalTag/team\":" +
             Pick(rng, {"\"data\"", "\"ops\"", "[\"*?*\",\"\"]", "\"d*\"", "\"\u00e9*\""}) + "}";
    case 9:
      return "\"" + Pick(rng, {"Null"}) + "\":{\"" +
             Pick(rng, {"aws:MultiFactorAuthAge", "aws:SourceIp", "aws:PrincipalTag/team"}) +
             "\":\"" + Pick(rng, {"true", "false"}) + "\"}";
    case 0:
    case 1: {
      std::string vals = Pick(rng, ext_values);
      if (rng() % 2) vals = "[" + vals + "," + Pick(rng, ext_values) + "]";
      return "\"" + Pick(rng, ext_ops) + "\":{\"sts:ExternalId\":" + vals + "}";
    }
    case 2:
      return "\"" + Pick(rng, {"StringEquals", "StringNotEquals", "StringLike"}) +
             "\":{\"aws:SourceAccount\":\"" + Pick(rng, {"111111111111", "2*"}) + "\"}";
    case 3:
      return "\"Null\":{\"" + Pick(rng, {"sts:ExternalId", "aws:SourceAccount"}) + "\":\"" +
             Pick(rng, {"true", "false"}) + "\"}";
    case 4:
      return "\"" + Pick(rng, {"StringEquals", "StringNotEquals", "StringLike"}) +
             "\":{\"aws:PrincipalAccount\":\"" + Pick(rng, {"111111111111", "2*", "*1"}) + "\"}";
    default:
      return "\"" + Pick(rng, {"ArnLike", "ArnNotLike", "StringLike"}) +
             "\":{\"aws:PrincipalArn\":\"" +
             Pick(rng, {"arn:aws:iam::*:role/ad*", "arn:aws:iam::111111111111:*",
                        "arn:aws:iam::*:user/u1", "arn:aws:iam::*:role/etl/*"}) + "\"}";
  }
}

std::string RandomPolicy(std::mt19937& rng) {
  const std::vector<std::string> principals = {
      "{\"Service\":\"redshift.amazonaws.com\"}",
      "{\"Service\":\"redshift.us-east-1.amazonaws.com\"}",
      "{\"Service\":[\"redshift.amazonaws.com\",\"ec2.amazonaws.com\"]}",
      "{\"AWS\":\"111111111111\"}",
      "{\"AWS\":\"arn:aws:iam::222222222222:root\"}",
      "{\"AWS\":\"arn:aws:iam::222222222222:role/admin\"}",
      "{\"AWS\":\"arn:aws:iam::111111111111:user/u1\"}",
      "{\"AWS\":\"arn:aws:sts::111111111111:assumed-role/admin/s1\"}",
      "\"*\""};
  const std::vector<std::string> actions = {"\"sts:AssumeRole\"", "\"sts:*\"", "\"sts:Tag*\"",
                                            "[\"sts:AssumeRole\",\"sts:TagSession\"]"};
  std::string s = "{\"Version\":\"2012-10-17\",\"Statement\":[";
  size_t n = 1 + rng() % 3;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ",";
    s += "{\"Effect\":\"" + std::string(rng() % 5 ? "Allow" : "Deny") + "\",";
    s += std::string(rng() % 8 ? "\"Principal\":" : "\"NotPrincipal\":") + Pick(rng, principals) + ",";
    s += std::string(rng() % 8 ? "\"Action\":" : "\"NotAction\":") + Pick(rng, actions);
    size_t conds = rng() % 3;
    if (conds) {
      s += ",\"Condition\":{";
      std::vector<std::string> cs;
      for (size_t c = 0; c < conds; ++c) cs.push_back(RandomCondition(rng));
      // Distinct operators per block (JSON keys must be unique).
      std::sort(cs.begin(), cs.end());
      std::string last_op;
      bool first = true;
      for (const std::string& c : cs) {
        std::string op = c.substr(0, c.find("\":"));
        if (op == last_op) continue;
        last_op = op;
        s += (first ? "" : ",") + c;
        first = false;
      }
      s += "}";
    }
    s += "}";
  }
  return s + "]}";
}

std::vector<Caller> UniverseCallers() {
  std::vector<Caller> out;
  for (const char* svc : {"redshift.amazonaws.com", "redshift.us-east-1.amazonaws.com",
                          "redshift.eu-west-1.amazonaws.com", "ec2.amazonaws.com"}) {
    out.push_back(*ParseServiceCaller(svc));
  }
  for (const char* aws : {"111111111111", "arn:aws:iam::222222222222:root",
                          "arn:aws:iam::111111111111:user/u1", "arn:aws:iam::222222222222:user/u1",
                          "arn:aws:sts::222222222222:assumed-role/admin/s1",
                          "arn:aws:sts::111111111111:assumed-role/admin/s1",
                          "arn:aws:sts::111111111111:assumed-role/admin/s2",
                          "arn:aws:sts::111111111111:assumed-role/other/s1",
                          "arn:aws:sts::111111111111:federated-user/f",
                          "arn:aws:iam::111111111111:role/etl/admin",
                          "arn:aws:iam::222222222222:role/etl/x"}) {
    out.push_back(*ParseAwsCaller(aws, "aws"));
  }
  out.push_back(*ParseFederatedCaller("cognito-identity.amazonaws.com"));
  return out;
}

// A session of a role with a path, with a session name: in AWS's request space, though an eval
// line cannot write it (eval writes such a role's ARN, "some session").
Caller PathRoleSession() {
  Caller c = *ParseAwsCaller("arn:aws:iam::111111111111:role/etl/admin", "aws");
  c.session_name = "s1";
  c.arn = "arn:aws:sts::111111111111:assumed-role/admin/s1";
  c.raw = c.arn;
  return c;
}

// A context key's sampled value: absent, single or a set.
struct KeyValue {
  std::optional<std::vector<std::string>> values;
  bool multivalued = false;
};

std::string NowText(int64_t micros) {  // epoch seconds, exact (eval's `now`)
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  return micros >= 0 ? buf : std::to_string(micros / 1000000);
}

// The witness as the eval line docs/diff.md promises, with `policy_text` as resource_policy,
// evaluated by eval's own parser and evaluator: its decision string ("error" when not valid).
std::string ReplayWithEval(const Witness& w, const std::string& policy_text) {
  using nlohmann::json;
  const Caller& c = w.request.caller;
  const char* type = c.kind == Caller::Kind::kService     ? "Service"
                     : c.kind == Caller::Kind::kFederated ? "Federated"
                                                          : "AWS";
  json line = {{"principal", {{type, w.principal_text}}},
               {"action", w.request.action},
               {"resource", w.request.resource},
               {"now", NowText(w.request.now_micros)},
               {"resource_policy", json::parse(policy_text)}};
  if (w.identity_allows) line["identity_policies"] = {json::parse(kCallerIdentityPolicy)};
  json ctx = json::object();
  for (const ContextEntry& e : w.request.context.entries()) {
    ctx[e.key] = e.multivalued ? json(e.values) : json(e.values.front());
  }
  line["context"] = ctx;
  std::string text;
  try {
    text = line.dump();
  } catch (const json::exception& e) {
    return std::string("not JSON: ") + e.what();  // e.g. a value that is not UTF-8
  }
  // The diff's universe of service principals holds names of any region-shaped label
  // (`svc.aa-a-0.amazonaws.com`: "some other service"), which eval takes only with
  // --allow-unknown-region (docs/diff.md, "Replaying a witness").
  EvalSessionOptions options;
  options.allow_unknown_regions = true;
  EvalSession session(options);
  bool is_error = false;
  json out = json::parse(session.EvaluateLine(text, 1, &is_error));
  return out["decision"].get<std::string>() + (is_error ? " " + out["errors"].dump() : "");
}

TEST(TrustDiffPropertyTest, ReportedClassesAreExactlyTheDifferences) {
  std::vector<Caller> callers = UniverseCallers();
  callers.push_back(PathRoleSession());
  const std::vector<std::string> actions = {"sts:AssumeRole", "sts:TagSession",
                                            "sts:AssumeRoleWithWebIdentity"};
  const std::vector<std::optional<std::string>> externals = {
      std::nullopt, "arn:aws:redshift:us-east-1:111111111111:dbuser:c1/u1",
      "arn:aws:redshift:eu-west-1:111111111111:dbuser:c1/u2",
      "arn:aws:redshift:eu-west-1:222222222222:dbuser:c2/u2", "other-value", "xu1"};
  const std::vector<std::optional<std::string>> sources = {std::nullopt, "111111111111",
                                                           "222222222222"};
  // Numbers on each threshold, between neighbours, at 1e17 and beyond, and non-numbers.
  const std::vector<std::optional<std::string>> mfa = {
      std::nullopt, "3600", "3600.5", "3601", "3601.25", "0", "0.5", "1", "-1.5", "-1.25", "-2",
      "99999999999999999.5", "100000000000000000", "100000000000000000.5", "1e+17", "abc", ""};
  // Both families; a mapped IPv6 address; not an address.
  const std::vector<std::optional<std::string>> ips = {
      std::nullopt, "10.1.2.3", "10.200.0.1", "11.0.0.0", "0.0.0.0", "2001:db8::1", "2001:db9::",
      "::", "::ffff:10.0.0.1", "x"};
  // Single values and sets; non-ASCII text.
  const std::vector<KeyValue> teams = {
      {std::nullopt, false},          {{{"data"}}, false},        {{{"ops"}}, false},
      {{{"data"}}, true},             {{{"ops", "data"}}, true},  {{{}}, true},
      {{{"\xc3\xa9t\xc3\xa9"}}, false}, {{{"d\xe2\x82\xac"}}, true}, {{{""}}, false},
      {{{"x", ""}}, true}};
  auto allow_all = Compile(kCallerIdentityPolicy, PolicyKind::kIdentity, "identity");
  ASSERT_TRUE(allow_all);
  std::mt19937 rng(20261128);
  size_t pairs = 0, differing_requests = 0, classes = 0, replayed = 0, not_exact = 0;
  for (int iter = 0; iter < 220; ++iter) {
    std::string old_text = RandomPolicy(rng), new_text = RandomPolicy(rng);
    auto old_p = Compile(old_text, PolicyKind::kTrust, "old.json");
    auto new_p = Compile(new_text, PolicyKind::kTrust, "new.json");
    if (!old_p || !new_p) continue;
    ++pairs;
    DiffOptions o;
    o.role_arn = kRole;
    auto d = DiffTrustPolicies(old_p.get(), new_p.get(), o);
    ASSERT_TRUE(d.ok()) << d.status().message();
    // Not exact only where a class has no witness an eval line can write (a session name that
    // matters, of a role with a path): then only soundness is checked below.
    if (!d->exact()) {
      for (const std::string& u : d->undecided()) {
        ASSERT_NE(u.find("no witness can be written"), std::string::npos)
            << old_text << "\n" << new_text << "\n" << u;
      }
      ++not_exact;
    }
    classes += d->classes().size();
    auto decide = [&](const CompiledPolicy* p, const Request& r, bool id) {
      std::vector<const CompiledPolicy*> ids;
      if (id) ids.push_back(allow_all.get());
      return Authorize(r, p, ids).effect == Effect::kAllowed;
    };
    for (const DiffClass& c : d->classes()) {
      bool a = decide(old_p.get(), c.witness.request, c.witness.identity_allows);
      bool b = decide(new_p.get(), c.witness.request, c.witness.identity_allows);
      ASSERT_NE(a, b) << "witness does not differ\nOLD " << old_text << "\nNEW " << new_text;
      ASSERT_EQ(b, c.new_access);
      // Replayed through eval's own line parser, it is decided as the class says.
      ASSERT_EQ(ReplayWithEval(c.witness, old_text), EffectName(c.old_side.effect))
          << "witness " << c.witness.principal_text << "\nOLD " << old_text << "\nNEW " << new_text;
      ASSERT_EQ(ReplayWithEval(c.witness, new_text), EffectName(c.new_side.effect))
          << "witness " << c.witness.principal_text << "\nOLD " << old_text << "\nNEW " << new_text;
      ++replayed;
    }
    for (int sample = 0; sample < 1000; ++sample) {
      const Caller& caller = callers[rng() % callers.size()];
      const std::string& action = actions[rng() % actions.size()];
      const auto& ext = externals[rng() % externals.size()];
      const auto& src = sources[rng() % sources.size()];
      const auto& age = mfa[rng() % mfa.size()];
      const auto& ip = ips[rng() % ips.size()];
      const KeyValue& team = teams[rng() % teams.size()];
      const bool id = caller.is_iam() && rng() % 2;
      Request r;
      r.caller = caller;
      r.action = action;
      r.resource = kRole;
      r.resource_account = "111111111111";
      r.resource_partition = "aws";
      if (ext) r.context.Set("sts:ExternalId", {*ext}, false);
      if (src) r.context.Set("aws:SourceAccount", {*src}, false);
      if (age) r.context.Set("aws:MultiFactorAuthAge", {*age}, false);
      if (ip) r.context.Set("aws:SourceIp", {*ip}, false);
      if (team.values) r.context.Set("aws:PrincipalTag/team", *team.values, team.multivalued);
      bool a = decide(old_p.get(), r, id);
      bool b = decide(new_p.get(), r, id);
      auto cls = d->ClassOf(r, id);
      auto what = [&] {
        std::string s = "caller " + caller.arn + " action " + action + " ext " +
                        ext.value_or("-") + " src " + src.value_or("-") + " mfa " +
                        age.value_or("-") + " ip " + ip.value_or("-") + " team ";
        if (team.values) {
          s += team.multivalued ? "[" : "";
          for (const std::string& v : *team.values) s += v + ",";
          s += team.multivalued ? "]" : "";
        } else {
          s += "-";
        }
        return s + " id " + std::to_string(id) + "\nOLD " + old_text + "\nNEW " + new_text;
      };
      if (!d->exact()) {
        if (cls) {
          ASSERT_NE(a, b) << what();
          ASSERT_EQ(d->classes()[*cls].new_access, b) << what();
        }
        continue;
      }
      if (a != b) {
        ++differing_requests;
        ASSERT_TRUE(cls.has_value()) << "a differing request is in no reported class: " << what();
        ASSERT_EQ(d->classes()[*cls].new_access, b) << what();
      } else {
        ASSERT_FALSE(cls.has_value()) << "an unchanged request is in a reported class: " << what();
      }
    }
  }
  EXPECT_GT(pairs, 100u);
  EXPECT_GT(differing_requests, 1000u);  // the test is not vacuous
  EXPECT_GT(classes, 100u);
  EXPECT_EQ(replayed, classes);
  EXPECT_LT(not_exact * 20, pairs);  // rare: the check above is mostly complete
}

TEST(TrustDiffTest, GuideExternalIdPolicyRemovesOtherUsers) {
  auto plain = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]})",
                       PolicyKind::kTrust, "plain.json");
  auto ext = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole",
      "Condition":{"StringEquals":{"sts:ExternalId":"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1"}}}]})",
                     PolicyKind::kTrust, "ext.json");
  ASSERT_TRUE(plain && ext);
  auto d = DiffTrustPolicies(plain.get(), ext.get(), {});
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->exact());
  ASSERT_EQ(d->classes().size(), 1u);
  EXPECT_FALSE(d->classes()[0].new_access);
  // Reversed: the same class, as new access.
  auto r = DiffTrustPolicies(ext.get(), plain.get(), {});
  ASSERT_EQ(r->classes().size(), 1u);
  EXPECT_TRUE(r->classes()[0].new_access);
  // Identical policies: nothing.
  auto same = DiffTrustPolicies(ext.get(), ext.get(), {});
  EXPECT_TRUE(same->classes().empty());
}

TEST(TrustDiffTest, PolicyVariablesAreReportedUndecided) {
  auto a = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole",
      "Condition":{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}}]})",
                   PolicyKind::kTrust, "a.json");
  ASSERT_TRUE(a);
  auto d = DiffTrustPolicies(nullptr, a.get(), {});
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->exact());
  EXPECT_NE(d->undecided().front().find("policy variable"), std::string::npos);
}

TEST(TrustDiffTest, TypedConditionsAreDecidedAtBoundaries) {
  auto a = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole",
      "Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"},
                   "IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
                   "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]})",
                   PolicyKind::kTrust, "a.json");
  auto b = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole",
      "Condition":{"NumericLessThanEquals":{"aws:MultiFactorAuthAge":"3600"},
                   "IpAddress":{"aws:SourceIp":"10.0.0.0/9"},
                   "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]})",
                   PolicyKind::kTrust, "b.json");
  ASSERT_TRUE(a && b);
  DiffOptions o;
  o.role_arn = "arn:aws:iam::111111111111:role/r";
  auto d = DiffTrustPolicies(a.get(), b.get(), o);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->exact()) << d->undecided().front();
  bool saw_new = false, saw_removed = false;
  for (const DiffClass& c : d->classes()) {
    (c.new_access ? saw_new : saw_removed) = true;
  }
  EXPECT_TRUE(saw_new);      // MFA age exactly 3600
  EXPECT_TRUE(saw_removed);  // 10.128.0.0 - 10.255.255.255
}

}  // namespace
}  // namespace redtrust::diff
