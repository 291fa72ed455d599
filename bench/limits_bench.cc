// Limits under attack (issue 6 §4, docs/limits.md): inputs built to exhaust memory or time must be
// rejected fast or finish fast. Run: build/bin/limits_bench (figures in docs/limits.md).
//
//  - eval lines: a 100 MB line is refused by its size before anything is parsed; a legal line
//    just under the 1 MiB limit (a long context value, or many values) is decided;
//  - wildcards: `*a*a*a...` with hundreds of stars against a 100 KB value, for StringLike and
//    ArnLike, through a compiled policy; and GlobMatch's worst case (a star, then a long literal
//    that almost matches everywhere), with the largest pattern a trust policy's quota admits;
//  - nesting: 100,000 nested arrays in a policy, in an eval line and in a world file's JSON;
//  - size: a policy with 10,000 statements when the size quota is switched off.
#include <benchmark/benchmark.h>

#include <string>

#include "engine/base/json.h"
#include "engine/condition/values.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "tools/questions/eval_json.h"
#include "tools/questions/json_writer.h"
#include "engine/policy/reader.h"

namespace redtrust {
namespace {

// ---- eval lines

void BM_EvalLine100MBRejected(benchmark::State& state) {
  // What `redtrust eval` never builds (LineReader keeps only the length of an oversize line),
  // but a library caller might pass: the size check comes first.
  const std::string line(100u << 20, 'x');
  EvalSession session;
  for (auto _ : state) {
    bool is_error = false;
    std::string out = session.EvaluateLine(line, 1, &is_error);
    benchmark::DoNotOptimize(out);
    if (!is_error) state.SkipWithError("a 100 MB line was accepted");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(line.size()));
}
BENCHMARK(BM_EvalLine100MBRejected)->Unit(benchmark::kMicrosecond);

std::string LargeLegalLine(bool many_values) {
  std::string line =
      R"({"principal":{"Service":"redshift.us-west-2.amazonaws.com"},"action":"sts:AssumeRole",)"
      R"("resource":"arn:aws:iam::123456789012:role/R","resource_policy":{"Version":"2012-10-17",)"
      R"("Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},)"
      R"("Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":"*/user1"},)"
      R"("ForAnyValue:StringLike":{"aws:TagKeys":["team-*","*-env","a*b*c*d"]}}}]},"context":{)"
      R"("sts:ExternalId":"arn:aws:redshift:us-west-2:123456789012:dbuser:c/user1","aws:TagKeys":)";
  const size_t budget = (1u << 20) - line.size() - 64;
  if (many_values) {
    // 9,999 values (with sts:ExternalId, the context limit of 10,000), each ~100 bytes.
    line += "[";
    for (int i = 0; i < 9998 && line.size() < budget - 110; ++i) {
      line += "\"tag-" + std::to_string(i) + "-" + std::string(90, 'v') + "\",";
    }
    line += "\"last\"]}}";
  } else {
    line += "[\"" + std::string(budget - line.size(), 'a') + "\"]}}";
  }
  return line;
}

void BM_EvalLineLargeLegal(benchmark::State& state) {
  const std::string line = LargeLegalLine(state.range(0) != 0);
  EvalSession session;
  for (auto _ : state) {
    bool is_error = false;
    std::string out = session.EvaluateLine(line, 1, &is_error);
    benchmark::DoNotOptimize(out);
    if (is_error) state.SkipWithError(("a legal line was refused: " + out.substr(0, 300)).c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(line.size()));
}
// 0: one ~1 MB context value; 1: 10,000 values of ~100 bytes in one multivalued key.
BENCHMARK(BM_EvalLineLargeLegal)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// ---- wildcards

std::shared_ptr<const CompiledPolicy> CompileIdentity(const std::string& op, const std::string& key,
                                                      const std::string& pattern) {
  std::string text = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*",)"
                     R"("Resource":"*","Condition":{)";
  AppendJsonString(&text, op);
  text += ":{";
  AppendJsonString(&text, key);
  text += ":";
  AppendJsonString(&text, pattern);
  text += "}}}]}";
  ValidateOptions vo;
  vo.max_policy_chars = 10240;  // a role's inline policy quota
  ParsedPolicy p = ParsePolicy(text, PolicyKind::kIdentity, vo);
  if (!p.ok()) return nullptr;
  auto c = CompiledPolicy::Compile(p.doc, PolicyKind::kIdentity, "bench");
  return c.ok() ? *c : nullptr;
}

Request RequestWith(const std::string& key, const std::string& value) {
  Request r;
  r.caller = *ParseAwsCaller("arn:aws:iam::123456789012:user/u", "aws");
  r.action = "s3:GetObject";
  r.resource = "arn:aws:s3:::b/k";
  r.resource_partition = "aws";
  r.context.Set(key, {value}, false);
  return r;
}

std::string Stars(size_t n) {  // "*a*a*...*a" with n stars
  std::string p;
  for (size_t i = 0; i < n; ++i) p += "*a";
  return p;
}

// range(0): stars; range(1): 0 = value of 'a's ending in 'b' (no match, backtracking to the end),
// 1 = value of 'b's (no 'a' at all), 2 = all 'a's (a match).
std::string Value100K(int64_t shape) {
  if (shape == 0) return std::string(100 * 1024 - 1, 'a') + "b";
  if (shape == 1) return std::string(100 * 1024, 'b');
  return std::string(100 * 1024, 'a');
}

void BM_StringLikeManyStars(benchmark::State& state) {
  auto policy = CompileIdentity("StringLike", "fz:value", Stars(static_cast<size_t>(state.range(0))));
  if (!policy) return state.SkipWithError("policy did not compile");
  const Request r = RequestWith("fz:value", Value100K(state.range(1)));
  for (auto _ : state) {
    Decision d = Authorize(r, nullptr, {policy.get()});
    benchmark::DoNotOptimize(d.effect);
  }
}
BENCHMARK(BM_StringLikeManyStars)
    ->ArgsProduct({{300, 1000}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond);

void BM_ArnLikeManyStars(benchmark::State& state) {
  const std::string pattern =
      "arn:aws:s3:::" + Stars(static_cast<size_t>(state.range(0)));
  auto policy = CompileIdentity("ArnLike", "aws:SourceArn", pattern);
  if (!policy) return state.SkipWithError("policy did not compile");
  const Request r = RequestWith("aws:SourceArn", "arn:aws:s3:::" + Value100K(state.range(1)));
  for (auto _ : state) {
    Decision d = Authorize(r, nullptr, {policy.get()});
    benchmark::DoNotOptimize(d.effect);
  }
}
BENCHMARK(BM_ArnLikeManyStars)
    ->ArgsProduct({{300, 1000}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond);

// The backtracking worst case of a glob with one star: `*` + (L-1) 'a's + 'b' against 'a's. Each
// start position compares up to L bytes before failing.
void BM_GlobWorstCase(benchmark::State& state) {
  const size_t literal = static_cast<size_t>(state.range(0));
  const std::string pattern = "*" + std::string(literal - 1, 'a') + "b";
  const std::string text(static_cast<size_t>(state.range(1)), 'a');
  for (auto _ : state) {
    bool m = GlobMatch(pattern, text, false);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_GlobWorstCase)
    ->Args({2000, 100 * 1024})
    ->Args({2000, 1 << 20})
    ->Args({10000, 100 * 1024})
    ->Args({500 * 1024, 512 * 1024})  // a 1 MiB eval line with the size quota off
    ->Unit(benchmark::kMillisecond);

// The same with a `?` after the star, and a star at the end (no suffix to check): the linear
// block matcher does not apply, so the set-based one decides, O(|pattern| * |text| / 64).
void BM_GlobWorstCaseWithOne(benchmark::State& state) {
  const size_t literal = static_cast<size_t>(state.range(0));
  const std::string pattern = "*?" + std::string(literal - 1, 'a') + "b*";
  const std::string text(static_cast<size_t>(state.range(1)), 'a');
  for (auto _ : state) {
    bool m = GlobMatch(pattern, text, false);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_GlobWorstCaseWithOne)
    ->Args({2000, 1 << 20})        // a trust policy's quota against a 1 MiB value
    ->Args({32 * 1024, 1 << 20})   // AWS's largest policy quota (a KMS key policy)
    ->Unit(benchmark::kMillisecond);

// ---- nesting and size

void BM_DeepNestingPolicy(benchmark::State& state) {
  const size_t depth = static_cast<size_t>(state.range(0));
  std::string text = R"({"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k:k":)";
  text += std::string(depth, '[') + std::string(depth, ']') + "}}}]}";
  for (auto _ : state) {
    ParsedPolicy p = ParsePolicy(text, PolicyKind::kIdentity);
    if (p.ok()) state.SkipWithError("deep nesting accepted");
    benchmark::DoNotOptimize(p.diagnostics);
  }
}
BENCHMARK(BM_DeepNestingPolicy)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

void BM_DeepNestingJsonAtHardCap(benchmark::State& state) {
  // A caller asking for more depth than the hard cap of 1,024 gets 1,024: parsing stays bounded.
  const std::string text = std::string(1000000, '[') + std::string(1000000, ']');
  JsonOptions o;
  o.max_depth = 1 << 30;
  for (auto _ : state) {
    JsonValue v;
    auto err = ParseJson(text, o, &v);
    if (!err) state.SkipWithError("nesting beyond the hard cap accepted");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_DeepNestingJsonAtHardCap)->Unit(benchmark::kMillisecond);

void BM_DeepNestingEvalLine(benchmark::State& state) {
  const std::string line = R"({"context":{"a:b":)" + std::string(500000, '[') + "}}";
  EvalSession session;
  for (auto _ : state) {
    bool is_error = false;
    std::string out = session.EvaluateLine(line, 1, &is_error);
    benchmark::DoNotOptimize(out);
    if (!is_error) state.SkipWithError("deep nesting accepted");
  }
}
BENCHMARK(BM_DeepNestingEvalLine)->Unit(benchmark::kMicrosecond);

void BM_ManyStatementsNoQuota(benchmark::State& state) {
  // With the size quota switched off (--max-policy-chars 0) only the statement limit bounds a
  // policy's size: parse, validate and compile it whole.
  const size_t n = static_cast<size_t>(state.range(0));
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (size_t i = 0; i < n; ++i) {
    if (i) text += ",";
    text += R"({"Effect":"Allow","Action":"s3:Get*Ob?ect","Resource":"arn:aws:s3:::b/*",)"
            R"("Condition":{"StringLike":{"s3:prefix":["a*b*","c?d*e"]}}})";
  }
  text += "]}";
  ValidateOptions vo;
  vo.max_policy_chars = 0;
  for (auto _ : state) {
    ParsedPolicy p = ParsePolicy(text, PolicyKind::kIdentity, vo);
    if (p.ok()) {
      auto c = CompiledPolicy::Compile(p.doc, PolicyKind::kIdentity, "big");
      benchmark::DoNotOptimize(c);
    }
    state.counters["ok"] = p.ok();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ManyStatementsNoQuota)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace redtrust

BENCHMARK_MAIN();
