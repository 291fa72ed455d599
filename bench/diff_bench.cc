// `redtrust diff` speed (issue 4 §5: two 2 KB trust policies in under 100 ms): the exact diff of
// two realistic trust policies of about 2 KB each (Redshift with ExternalId lists and wildcards,
// source account and ARN guards, cross-account roles with a Deny).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "engine/diff/trust_diff.h"
#include "engine/eval/compiled_policy.h"
#include "engine/policy/reader.h"

namespace {

using namespace redtrust;

std::string Policy(int variant) {
  std::string ext;
  for (int i = 0; i < 16; ++i) {
    if (i) ext += ",";
    ext += "\"arn:aws:redshift:us-west-2:123456789012:dbuser:etl-" + std::to_string(i % 3) +
           "/user" + std::to_string(i + variant) + "\"";
  }
  return R"({"Version":"2012-10-17","Statement":[
 {"Sid":"Redshift","Effect":"Allow","Principal":{"Service":["redshift.amazonaws.com","redshift.us-east-1.amazonaws.com"]},
  "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":[)" + ext + R"(]}}},
 {"Sid":"RedshiftAnalysts","Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},
  "Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":"arn:aws:redshift:*:123456789012:dbuser:analytics-)" +
         std::to_string(variant) + R"(/*"},
  "StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:redshift:*:123456789012:cluster:analytics-*"}}},
 {"Sid":"Admins","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::210987654321:role/admin","111122223333"]},
  "Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin*"},
  "ForAllValues:StringEquals":{"aws:TagKeys":["team","project"]}}},
 {"Sid":"NoSandbox","Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
  "Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/sandbox-)" + std::to_string(variant) + R"(*"}}}
]})";
}

std::shared_ptr<const CompiledPolicy> Compile(const std::string& text) {
  ParsedPolicy p = ParsePolicy(text, PolicyKind::kTrust, {});
  return *CompiledPolicy::Compile(p.doc, PolicyKind::kTrust, "p.json");
}

void BM_DiffTwo2KbTrustPolicies(benchmark::State& state) {
  std::string a = Policy(0), b = Policy(1);
  auto pa = Compile(a), pb = Compile(b);
  size_t classes = 0, examined = 0;
  for (auto _ : state) {
    auto d = diff::DiffTrustPolicies(pa.get(), pb.get(), {});
    classes = d->classes().size();
    examined = d->combinations_examined();
    benchmark::DoNotOptimize(classes);
  }
  state.counters["policy_bytes"] = static_cast<double>(a.size());
  state.counters["classes"] = static_cast<double>(classes);
  state.counters["combinations"] = static_cast<double>(examined);
}
BENCHMARK(BM_DiffTwo2KbTrustPolicies)->Unit(benchmark::kMillisecond);

// Issue 12: N StringEquals tag keys in one statement (the audit's 56-key policy ran past 120 s;
// 16 keys took 13.5 s, 40 keys 48 s), against the same policy with the last value changed.
std::string TagPolicy(int keys, bool changed) {
  std::string conds;
  for (int i = 0; i < keys; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s\"aws:PrincipalTag/t%02d\":\"%s\"", i ? "," : "", i,
                  changed && i == keys - 1 ? "x" : ("v" + std::to_string(i)).c_str());
    conds += buf;
  }
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},)"
         R"("Action":"sts:AssumeRole","Condition":{"StringEquals":{)" + conds + "}}}]}";
}

void BM_DiffTagKeys(benchmark::State& state) {
  const int keys = static_cast<int>(state.range(0));
  auto pa = Compile(TagPolicy(keys, false)), pb = Compile(TagPolicy(keys, true));
  size_t classes = 0, examined = 0;
  bool exact = false;
  for (auto _ : state) {
    auto d = diff::DiffTrustPolicies(pa.get(), pb.get(), {});
    classes = d->classes().size();
    examined = d->combinations_examined();
    exact = d->exact();
    benchmark::DoNotOptimize(classes);
  }
  state.counters["classes"] = static_cast<double>(classes);
  state.counters["combinations"] = static_cast<double>(examined);
  state.counters["exact"] = exact ? 1 : 0;
}
BENCHMARK(BM_DiffTagKeys)->Arg(16)->Arg(40)->Arg(56)->Unit(benchmark::kMillisecond);

// N Allow statements, each on its own key: the outcome names every statement that applies, so
// the enumeration is exponential; the work budget ends it ("not decided exactly").
void BM_DiffBudgetExhausted(benchmark::State& state) {
  std::string st;
  for (int i = 0; i < 40; ++i) {
    st += std::string(i ? "," : "") +
          R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole",)"
          R"("Condition":{"StringEquals":{"aws:PrincipalTag/k)" + std::to_string(i) + R"(":"v"}}})";
  }
  auto pa = Compile(R"({"Version":"2012-10-17","Statement":[)" + st + "]}");
  auto pb = Compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},)"
                    R"("Action":"sts:TagSession"},)" + st + "]}");
  bool exact = true;
  for (auto _ : state) {
    auto d = diff::DiffTrustPolicies(pa.get(), pb.get(), {});
    exact = d->exact();
    benchmark::DoNotOptimize(exact);
  }
  state.counters["exact"] = exact ? 1 : 0;
}
BENCHMARK(BM_DiffBudgetExhausted)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
