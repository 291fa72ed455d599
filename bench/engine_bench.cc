// Engine benchmarks (issue 2 §5): compiled-policy decisions per second on one core, and the
// `eval` line path (parse + cache hit + evaluate + write). Run: build/bin/engine_bench
#include <benchmark/benchmark.h>

#include <string>

#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "tools/questions/eval_json.h"
#include "engine/policy/reader.h"

namespace redtrust {
namespace {

const char* kExternalIdTrust = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "redshift.amazonaws.com" },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": [
            "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1",
            "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user2"
          ]
        }
      }
    }
  ]
})";

std::shared_ptr<const CompiledPolicy> CompileGuidePolicy() {
  ParsedPolicy p = ParsePolicy(kExternalIdTrust, PolicyKind::kTrust);
  return *CompiledPolicy::Compile(p.doc, PolicyKind::kTrust, "trust.json");
}

Request RedshiftRequest(const std::string& user) {
  Request r;
  r.caller = *ParseServiceCaller("redshift.us-west-2.amazonaws.com");
  r.action = "sts:AssumeRole";
  r.resource = "arn:aws:iam::123456789012:role/RedshiftCopyUnload";
  r.resource_partition = "aws";
  r.resource_account = "123456789012";
  r.context.Set("sts:ExternalId",
                {"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/" + user}, false);
  r.now_micros = 1767225600000000;
  return r;
}

void BM_CompiledTrustExternalId(benchmark::State& state) {
  auto policy = CompileGuidePolicy();
  // Alternate an allowed and a denied user so both paths are measured.
  Request allowed = RedshiftRequest("user2");
  Request denied = RedshiftRequest("user3");
  size_t n = 0;
  for (auto _ : state) {
    Decision d = Authorize((n++ & 1) ? denied : allowed, policy.get(), {});
    benchmark::DoNotOptimize(d.effect);
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
}
BENCHMARK(BM_CompiledTrustExternalId);

void BM_CompilePolicy(benchmark::State& state) {
  for (auto _ : state) {
    ParsedPolicy p = ParsePolicy(kExternalIdTrust, PolicyKind::kTrust);
    auto c = CompiledPolicy::Compile(p.doc, PolicyKind::kTrust, "trust.json");
    benchmark::DoNotOptimize(c.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompilePolicy);

void BM_EvalLineCacheHit(benchmark::State& state) {
  std::string policy = kExternalIdTrust;
  std::string flat;
  for (char c : policy) {
    if (c != '\n') flat.push_back(c);
  }
  std::string line =
      R"({"id":"r1","principal":{"Service":"redshift.us-west-2.amazonaws.com"},"action":"sts:AssumeRole","resource":"arn:aws:iam::123456789012:role/RedshiftCopyUnload","context":{"sts:ExternalId":"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user2"},"resource_policy":)" +
      flat + "}";
  EvalSessionOptions o;
  o.now_micros = 1767225600000000;
  EvalSession session(o);
  bool err = false;
  for (auto _ : state) {
    std::string out = session.EvaluateLine(line, 1, &err);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(line.size()));
}
BENCHMARK(BM_EvalLineCacheHit);

}  // namespace
}  // namespace redtrust

BENCHMARK_MAIN();
