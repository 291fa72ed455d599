// Compiled policies are immutable and shared across threads (compiled_policy.h, evaluator.h).
// Many threads evaluate the same CompiledPolicy objects, RE2 programs and RE2::Sets included,
// and each must get exactly the single-threaded answers. Run under ThreadSanitizer by .ci/run
// (`ctest -R Concurrent` in build-tsan); fast enough for the ordinary suite too.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/explain.h"
#include "tools/questions/eval_json.h"
#include "engine/policy/reader.h"
#include "tests/engine/property/policy_gen.h"

namespace redtrust {
namespace {

constexpr int kThreads = 6;
constexpr int kRounds = 40;

std::shared_ptr<const CompiledPolicy> MustCompile(const std::string& text, PolicyKind kind,
                                                  const std::string& id) {
  ParsedPolicy p = ParsePolicy(text, kind);
  EXPECT_TRUE(p.ok()) << text;
  auto c = CompiledPolicy::Compile(p.doc, kind, id);
  EXPECT_TRUE(c.ok());
  return c.ok() ? *c : nullptr;
}

TEST(EngineConcurrentTest, SharedCompiledPoliciesGiveSingleThreadedAnswers) {
  // Patterns that take every matcher path: RE2 per pattern (interior wildcards), one RE2::Set
  // (four or more StringLike values), GlobMatch beyond the regex caps, prefix / suffix, policy
  // variables, CIDRs, dates, ARN globs.
  const std::string trust = R"({"Version":"2012-10-17","Statement":[
    {"Sid":"Like","Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},
     "Action":"sts:Assume*","Condition":{"StringLike":{"sts:ExternalId":[
       "arn:aws:redshift:*:123456789012:dbuser:my-cluster/*","*user1","partner-?-*",
       "arn:aws:redshift:us-?ast-1:*:dbuser:*/u*","*a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*q*r*s*t*u*v*w*x*y*z*1*2*3*4*5*6*7*8*"]}}},
    {"Sid":"Arn","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
     "Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Load*"},
       "IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},
       "DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}},
    {"Sid":"Deny","Effect":"Deny","Principal":"*","Action":"sts:AssumeRole",
     "Condition":{"StringLike":{"sts:ExternalId":"*/blocked"}}}]})";
  const std::string identity = R"({"Version":"2012-10-17","Statement":[
    {"Sid":"Var","Effect":"Allow","Action":["sts:AssumeRole","s3:Get*"],
     "Resource":["arn:aws:iam::*:role/${aws:PrincipalTag/team}-*","arn:aws:s3:::bucket/*"]},
    {"Sid":"Num","Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
     "Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"},"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}}]})";
  auto tp = MustCompile(trust, PolicyKind::kTrust, "trust");
  auto ip = MustCompile(identity, PolicyKind::kIdentity, "identity");
  ASSERT_TRUE(tp && ip);

  // Requests and their single-threaded answers (effect, deciding statements, explanation).
  property::Rng rng(11);
  std::vector<Request> requests;
  for (int i = 0; i < 64; ++i) requests.push_back(property::ToRequest(property::RandomRequest(rng)));
  Request blocked = requests[0];
  blocked.context.Set("sts:ExternalId", {"arn:aws:redshift:us-west-2:123456789012:dbuser:c/blocked"},
                      false);
  requests.push_back(blocked);
  auto answer = [&](const Request& r) {
    EvalOptions o;
    o.trace = true;
    Decision d = Authorize(r, tp.get(), {ip.get()}, o);
    std::string out = EffectName(d.effect);
    for (const StatementRef& s : d.matched) out += " " + s.policy + "/" + s.sid;
    for (const std::string& line : ExplainDecision(d)) out += "\n" + line;
    return out;
  };
  std::vector<std::string> expected;
  for (const Request& r : requests) expected.push_back(answer(r));

  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (size_t i = 0; i < requests.size(); ++i) {
          const size_t k = (i + static_cast<size_t>(t) * 7) % requests.size();  // different orders
          if (answer(requests[k]) != expected[k]) mismatches.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(EngineConcurrentTest, OneEvalSessionPerThread) {
  // EvalSession is not thread-safe (it owns a cache): one per thread, all reading the same lines.
  const std::vector<std::string> lines = {
      R"({"id":"a","principal":{"Service":"redshift.us-west-2.amazonaws.com"},"action":"sts:AssumeRole","resource":"arn:aws:iam::123456789012:role/R","resource_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":["*u1","*u2","*u3","x*y*z"]}}}]},"context":{"sts:ExternalId":"arn:aws:redshift:us-west-2:123456789012:dbuser:c/u2"}})",
      R"({"id":"b","principal":{"AWS":"arn:aws:iam::123456789012:role/A"},"action":"sts:AssumeRole","resource":"arn:aws:iam::123456789012:role/R","resource_policy":{"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}},"identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}]})",
      R"({"id":"c","principal":{"AWS":"210987654321"},"action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resource_policy":{"Statement":[{"Effect":"allow"}]}})",
  };
  std::vector<std::string> expected;
  {
    EvalSession s;
    for (size_t i = 0; i < lines.size(); ++i) {
      bool e = false;
      expected.push_back(s.EvaluateLine(lines[i], i + 1, &e));
    }
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      EvalSession s;
      for (int round = 0; round < kRounds; ++round) {
        for (size_t i = 0; i < lines.size(); ++i) {
          bool e = false;
          if (s.EvaluateLine(lines[i], i + 1, &e) != expected[i]) mismatches.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace redtrust
