// SigV4 verification and redtrustd's AWS endpoints, in process (no sockets):
//   build/bin/sigv4_bench
// BM_SigV4Verify: parse + scope/clock check + signature of a botocore-shaped STS request.
// BM_AssumeRole*: AwsApi::Handle end to end (authentication, engine decision, issuance / error
// XML) over fixtures/worlds/aws-api with a fixed clock. Figures: docs/aws-api.md.
#include <benchmark/benchmark.h>

#include "tools/redtrustd/aws/aws_api.h"
#include "tools/redtrustd/aws/sigv4.h"

namespace redtrust::server {
namespace {

constexpr char kDate[] = "20260115T103000Z";

HttpRequest SignedAssumeRole(const std::string& key, const std::string& secret,
                             const std::string& role) {
  HttpRequest r{http::verb::post, "/", 11};
  r.set(http::field::host, "127.0.0.1:8080");
  r.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  r.body() = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + aws::UriEncode(role, true) +
             "&RoleSessionName=bench";
  r.prepare_payload();
  aws::SigningParams p;
  p.access_key_id = key;
  p.secret = secret;
  p.region = "eu-west-1";
  p.amz_date = kDate;
  aws::SignRequest(&r, p);
  return r;
}

void BM_SigV4Verify(benchmark::State& state) {
  HttpRequest r =
      SignedAssumeRole("AKIAALICE00000000001", "alice/Secret/Key/0000000000000000000000001",
                       "arn:aws:iam::111122223333:role/Analyst");
  const int64_t now = *aws::ParseAmzDate(kDate);
  for (auto _ : state) {
    aws::SigV4Auth auth;
    aws::AwsError err;
    bool ok = aws::ParseSigV4(r, &auth, &err) && !aws::CheckScopeAndTime(auth, "sts", now) &&
              aws::SignatureMatches(r, auth, "alice/Secret/Key/0000000000000000000000001");
    if (!ok) state.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_SigV4Verify);

struct Fixture {
  std::shared_ptr<const sim::World> world;
  Fixture() {
    sim::LoadResult r = sim::LoadWorld(REDTRUST_SOURCE_DIR "/fixtures/worlds/aws-api");
    world = r.world;
  }
};

void RunHandle(benchmark::State& state, const HttpRequest& r, unsigned want) {
  static Fixture f;
  if (!f.world) {
    state.SkipWithError("world did not load");
    return;
  }
  AwsApiOptions o;
  o.now_micros = [] { return *aws::ParseAmzDate(kDate); };
  AwsApi api(std::move(o));
  for (auto _ : state) {
    Outcome out;
    HttpResponse resp = api.Handle(r, *f.world, &out);
    if (resp.result_int() != want) state.SkipWithError("unexpected status");
    benchmark::DoNotOptimize(resp);
  }
}

void BM_AssumeRoleAllowed(benchmark::State& state) {
  RunHandle(state,
            SignedAssumeRole("AKIAALICE00000000001", "alice/Secret/Key/0000000000000000000000001",
                             "arn:aws:iam::111122223333:role/Analyst"),
            200);
}
BENCHMARK(BM_AssumeRoleAllowed);

void BM_AssumeRoleDenied(benchmark::State& state) {
  RunHandle(state,
            SignedAssumeRole("AKIABOB0000000000001", "bob/Secret/Key/00000000000000000000000001",
                             "arn:aws:iam::111122223333:role/Analyst"),
            403);
}
BENCHMARK(BM_AssumeRoleDenied);

void BM_BadSignature(benchmark::State& state) {
  RunHandle(
      state,
      SignedAssumeRole("AKIAALICE00000000001", "wrong", "arn:aws:iam::111122223333:role/Analyst"),
      403);
}
BENCHMARK(BM_BadSignature);

}  // namespace
}  // namespace redtrust::server

BENCHMARK_MAIN();
