// Fuzz target (f): redtrustd's request handlers (tools/redtrustd/http_api.h, aws/aws_api.h),
// called the way the server calls them, without a socket.
//
// Input: a request as text, its head then a blank line then the body:
//   METHOD TARGET                     e.g. POST /v1/eval, GET /healthz, POST /
//   Name: value                       headers, one per line
//   X-Fuzz-Sign: sts|iam REGION KEY   optional: the harness signs the request (SigV4) with the
//                                     secret of access key KEY of the AWS API world
//
//   BODY
// /v1 routes are served over the Redshift guide world (fixtures/worlds/redshift-guide); AWS Query
// requests also go to an AwsApi over fixtures/worlds/aws-api, whose users have access keys. The
// clock is fixed at 2026-01-01T00:00:00Z.
//
// Invariants (abort on violation):
//  - Handle never throws and never answers 500 (an exception it had to catch);
//  - every /v1 answer is JSON or JSON Lines, as its Content-Type says (our reader accepts it);
//  - POST /v1/eval with one request object answers exactly what `redtrust eval` answers for that
//    text (EvalSession::EvaluateText), and never a decision other than "error" when a policy in
//    it fails validation on its own (eval_line_fuzz.h's independent check);
//  - the /v1 routes are deterministic (the same request twice gives the same answer);
//  - an AWS Query request the harness did not sign is never answered 200: no valid signature can
//    come from the fuzzer, so an allow would be an authentication bypass.
#ifndef REDTRUST_TESTS_FUZZ_HTTP_FUZZ_H_
#define REDTRUST_TESTS_FUZZ_HTTP_FUZZ_H_

#include <memory>
#include <string>
#include <string_view>

#include "engine/base/json.h"
#include "tools/questions/eval_json.h"
#include "sim/model/world.h"
#include "tests/fuzz/eval_line_fuzz.h"
#include "tests/fuzz/fuzz_support.h"
#include "tools/redtrustd/aws/aws_api.h"
#include "tools/redtrustd/aws/sigv4.h"
#include "tools/redtrustd/http_api.h"
#include "tools/redtrustd/world_store.h"

namespace redtrust::fuzz {

constexpr int64_t kHttpFuzzNow = 1767225600000000;  // 2026-01-01T00:00:00Z

struct HttpFuzzEnv {
  std::shared_ptr<const sim::World> guide;
  std::shared_ptr<const sim::World> aws_world;
  std::unique_ptr<server::WorldStore> store;
  std::unique_ptr<server::AwsApi> aws;
  std::unique_ptr<server::HttpApi> api;

  static HttpFuzzEnv& Get() {
    static HttpFuzzEnv* env = [] {
      auto* e = new HttpFuzzEnv;
      const std::string src = REDTRUST_SOURCE_DIR;
      sim::LoadResult g = sim::LoadWorld(src + "/fixtures/worlds/redshift-guide");
      sim::LoadResult a = sim::LoadWorld(src + "/fixtures/worlds/aws-api");
      if (!g.ok() || !a.ok()) Fail(__FILE__, __LINE__, "worlds load", "fixture worlds do not load");
      e->guide = g.world;
      e->aws_world = a.world;
      e->store = std::make_unique<server::WorldStore>(src + "/fixtures/worlds/redshift-guide",
                                                      e->guide, kHttpFuzzNow);
      server::AwsApiOptions ao;
      ao.now_micros = [] { return kHttpFuzzNow; };
      ao.max_issued_credentials = 1000;
      e->aws = std::make_unique<server::AwsApi>(ao);
      server::ApiOptions o;
      o.now_micros = kHttpFuzzNow;
      e->api = std::make_unique<server::HttpApi>(o, e->store.get(), nullptr, e->aws.get());
      return e;
    }();
    return *env;
  }
};

inline bool IsHttpToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

inline bool IsHttpFieldValue(std::string_view s) {
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F) return false;
  }
  return true;
}

// Builds the request; returns false when the head is unusable (no request line).
inline bool ParseFuzzHttp(std::string_view data, server::HttpRequest* req, std::string* sign) {
  const size_t split = data.find("\n\n");
  std::string_view head = data.substr(0, split);
  std::string_view body = split == std::string_view::npos ? std::string_view() : data.substr(split + 2);
  std::vector<std::string_view> lines = Split(head, '\n');
  auto [method, target] = SplitOnce(lines[0], ' ');
  if (!IsHttpToken(method) || target.empty() || target.size() > 4096) return false;
  for (char c : target) {  // a request-target has no white space or control characters
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  req->method_string(std::string(method));
  req->target(std::string(target));
  req->version(11);
  req->set(server::http::field::host, "127.0.0.1:8080");
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view name = lines[i].substr(0, colon);
    std::string_view value = lines[i].substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    // Only what an HTTP parser lets through (RFC 9110 token names, no control characters in
    // values): the server never sees anything else.
    if (!IsHttpToken(name) || !IsHttpFieldValue(value)) continue;
    if (name == "X-Fuzz-Sign") {
      *sign = std::string(value);
      continue;
    }
    req->insert(std::string(name), std::string(value));
  }
  req->body() = std::string(body);
  req->prepare_payload();
  return true;
}

inline void SignForFuzz(const std::string& spec, const sim::World& world, server::HttpRequest* req) {
  std::vector<std::string_view> parts = Split(spec, ' ');
  if (parts.size() != 3) return;
  for (const sim::IamUser& u : world.users()) {
    for (const sim::AccessKey& k : u.access_keys) {
      if (k.id != parts[2]) continue;
      server::aws::SigningParams p;
      p.access_key_id = k.id;
      p.secret = k.secret;
      p.service = std::string(parts[0]);
      p.region = std::string(parts[1]);
      p.amz_date = server::aws::FormatAmzDate(kHttpFuzzNow);
      server::aws::SignRequest(req, p);
      return;
    }
  }
}

inline server::HttpResponse HandleOrFail(server::HttpApi& api, const server::HttpRequest& req) {
  server::Outcome outcome;
  try {
    return api.Handle(req, &outcome);
  } catch (const std::exception& e) {
    Fail(__FILE__, __LINE__, "Handle does not throw", e.what());
  }
}

inline void CheckHttpInput(std::string_view data) {
  HttpFuzzEnv& env = HttpFuzzEnv::Get();
  server::HttpRequest req;
  std::string sign;
  if (!ParseFuzzHttp(data, &req, &sign)) return;
  if (!sign.empty()) SignForFuzz(sign, *env.aws_world, &req);
  const std::string target(req.target());

  const server::HttpResponse r = HandleOrFail(*env.api, req);
  REDTRUST_FUZZ_CHECK(r.result_int() != 500, "500 for " + target + ": " + r.body());
  const bool v1 = target.rfind("/v1/", 0) == 0;
  const std::string content_type(r[server::http::field::content_type]);
  if (content_type == "application/json") {
    JsonValue v;
    REDTRUST_FUZZ_CHECK(!ParseJson(r.body(), JsonOptions(), &v), "not JSON: " + r.body());
  } else if (content_type == "application/x-ndjson") {
    for (std::string_view line : Split(r.body(), '\n')) {
      JsonValue v;
      if (!line.empty()) REDTRUST_FUZZ_CHECK(!ParseJson(line, JsonOptions(), &v), "not JSON Lines");
    }
  } else if (v1 && !server::AwsApi::IsAwsRequest(req)) {
    Fail(__FILE__, __LINE__, "/v1 answers JSON", "content type `" + content_type + "`");
  }
  if (v1 && req.method() == server::http::verb::post) {
    const server::HttpResponse again = HandleOrFail(*env.api, req);
    REDTRUST_FUZZ_CHECK(again.result_int() == r.result_int() && again.body() == r.body(),
                        "/v1 answer not deterministic: " + target);
  }
  if (target == "/v1/eval" && req.method() == server::http::verb::post) {
    const std::string& body = req.body();
    const size_t first = body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && body[first] == '{' && r.result_int() != 400 &&
        r.result_int() != 413) {
      EvalSession session;
      EvalSession::Result want = session.EvaluateText(body, SourcePos{1, 1, 0}, kHttpFuzzNow);
      REDTRUST_FUZZ_CHECK(r.body() == want.json + "\n",
                          "/v1/eval differs from eval: " + r.body() + " vs " + want.json);
      if (LineHasInvalidPolicy(body)) {
        REDTRUST_FUZZ_CHECK(want.is_error, "a request with an invalid policy was decided");
      }
    }
  }

  if (server::AwsApi::IsAwsRequest(req)) {
    server::Outcome outcome;
    server::HttpResponse a;
    try {
      a = env.aws->Handle(req, *env.aws_world, &outcome);
    } catch (const std::exception& e) {
      Fail(__FILE__, __LINE__, "AwsApi::Handle does not throw", e.what());
    }
    REDTRUST_FUZZ_CHECK(a.result_int() != 500, "500 from the AWS API: " + a.body());
    if (sign.empty()) {
      REDTRUST_FUZZ_CHECK(a.result_int() != 200 && r.result_int() != 200,
                          "an unsigned AWS request was answered 200: " + a.body());
    }
  }
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_HTTP_FUZZ_H_
