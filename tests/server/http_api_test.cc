// Handler tests for redtrustd's /v1 routes, /healthz and /metrics: HttpApi::Handle is called with
// Beast request objects, no sockets. The JSON shapes are the CLI's (docs/http-api.md); the
// byte-for-byte comparison with the `redtrust` binary is in server_integration_test.cc.
#include "tools/redtrustd/http_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "tools/questions/eval_json.h"
#include "server_test_support.h"
#include "tools/redtrustd/metrics.h"
#include "tools/redtrustd/world_store.h"

namespace redtrust::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;
using testing::GuideEvalRequest;
using testing::kGuideWorld;
using testing::kSourceDir;
using testing::ReadText;

constexpr int64_t kNow = 1767225600000000;  // 2026-01-01T00:00:00Z

class HttpApiTest : public ::testing::Test {
 protected:
  HttpApiTest() {
    sim::LoadResult loaded = sim::LoadWorld(kGuideWorld);
    EXPECT_TRUE(loaded.ok());
    worlds_ = std::make_unique<WorldStore>(kGuideWorld, loaded.world, kNow);
    ApiOptions o;
    o.now_micros = kNow;
    api_ = std::make_unique<HttpApi>(o, worlds_.get(), &metrics_, nullptr);
  }

  HttpResponse Call(http::verb method, const std::string& target, const std::string& body = "",
                    const std::string& content_type = "application/json") {
    HttpRequest req{method, target, 11};
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    outcome_ = Outcome{};
    HttpResponse r = api_->Handle(req, &outcome_);
    metrics_.Record(outcome_, r.result_int(), 10);
    return r;
  }
  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json") {
    return Call(http::verb::post, target, body, content_type);
  }
  static json Json(const HttpResponse& r) { return json::parse(r.body()); }

  Metrics metrics_;
  std::unique_ptr<WorldStore> worlds_;
  std::unique_ptr<HttpApi> api_;
  Outcome outcome_;
};

// ---- /v1/eval

TEST_F(HttpApiTest, EvalOneRequestIsTheCliLine) {
  const std::string line = GuideEvalRequest();
  HttpResponse r = Post("/v1/eval", line);
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r[http::field::content_type], "application/json");
  EvalSessionOptions o;
  o.now_micros = kNow;
  EvalSession cli(o);
  bool error = false;
  EXPECT_EQ(r.body(), cli.EvaluateLine(line, 1, &error) + "\n");
  EXPECT_EQ(outcome_.route, "/v1/eval");
  EXPECT_EQ(outcome_.decision, "allowed");
  EXPECT_EQ(outcome_.decisions_allowed, 1u);
}

TEST_F(HttpApiTest, EvalPrettyPrintedBodyHasBodyPositions) {
  // The same request spread over lines: the matched statement is reported where it stands in
  // the body (line 4, column 3 is the statement's `{`).
  const std::string body =
      "{\"principal\": {\"Service\": \"redshift.amazonaws.com\"},\n"
      " \"action\": \"sts:AssumeRole\", \"resource\": \"arn:aws:iam::123456789012:role/R\",\n"
      " \"resource_policy\": {\"Version\": \"2012-10-17\", \"Statement\": [\n"
      "  {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"redshift.amazonaws.com\"},\n"
      "   \"Action\": \"sts:AssumeRole\"}]}}\n";
  HttpResponse r = Post("/v1/eval", body);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  json j = Json(r);
  EXPECT_EQ(j["decision"], "allowed");
  EXPECT_EQ(j["matched_statements"][0]["line"], 4);
  EXPECT_EQ(j["matched_statements"][0]["column"], 3);
}

TEST_F(HttpApiTest, EvalArrayAnswersAnArrayInOrder) {
  const std::string body = "[" + GuideEvalRequest(0) + ",\n" + GuideEvalRequest(1) + ",\n" +
                           "{\"id\": \"bad\", \"action\": \"sts:AssumeRole\"}]";
  HttpResponse r = Post("/v1/eval", body);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  json j = Json(r);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["decision"], "allowed");
  EXPECT_EQ(j[0]["matched_statements"][0]["line"], 1);
  EXPECT_EQ(j[1]["decision"], "implicitDeny");
  EXPECT_EQ(j[2]["decision"], "error");
  EXPECT_EQ(j[2]["id"], "bad");
  EXPECT_EQ(outcome_.decisions_allowed, 1u);
  EXPECT_EQ(outcome_.decisions_denied, 1u);
  EXPECT_EQ(outcome_.decisions_error, 1u);
  EXPECT_EQ(Post("/v1/eval", "[]").body(), "[]\n");
}

TEST_F(HttpApiTest, EvalBadJsonIs400WithLineAndColumn) {
  HttpResponse r = Post("/v1/eval", "{\"id\": \"broken\",\n  \"action\": }");
  EXPECT_EQ(r.result(), http::status::bad_request);
  json j = Json(r);
  EXPECT_EQ(j["error"]["code"], "json.syntax");
  EXPECT_EQ(j["error"]["line"], 2);
  EXPECT_EQ(j["error"]["column"], 13);
  EXPECT_THAT(j["error"]["message"].get<std::string>(), StartsWith("body:2:13: "));
  EXPECT_EQ(outcome_.decision, "error");

  for (const std::string bad : {"", "   \n", "42", "\"x\"", "[1, 2", "{} trailing"}) {
    HttpResponse b = Post("/v1/eval", bad);
    EXPECT_EQ(b.result(), http::status::bad_request) << bad;
    EXPECT_TRUE(Json(b).contains("error")) << bad;
    EXPECT_THAT(b.body(), Not(HasSubstr("allowed")));
  }
}

TEST_F(HttpApiTest, EvalInvalidRequestIs422WithTheErrorLine) {
  // JSON, but not a request that can be evaluated: the eval line with decision "error".
  HttpResponse r = Post("/v1/eval", "{\"id\": \"x\", \"principal\": {\"Service\": \"redshift.amazonaws.com\"}, "
                                    "\"action\": \"sts:AssumeRole\", \"resource\": \"arn:aws:iam::123456789012:role/R\", "
                                    "\"resource_policy\": {\"Statement\": [{\"Effect\": \"allow\"}]}}");
  EXPECT_EQ(r.result(), http::status::unprocessable_entity);
  json j = Json(r);
  EXPECT_EQ(j["decision"], "error");
  EXPECT_FALSE(j["errors"].empty());
  EXPECT_EQ(outcome_.decisions_error, 1u);
}

TEST_F(HttpApiTest, EvalUsesTheFixedClock) {
  // aws:CurrentTime against --now: 2026-01-01 is after 2025-01-01.
  const std::string body =
      "{\"principal\": {\"Service\": \"redshift.amazonaws.com\"}, \"action\": \"sts:AssumeRole\", "
      "\"resource\": \"arn:aws:iam::123456789012:role/R\", \"resource_policy\": {\"Version\": "
      "\"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": "
      "\"redshift.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\", \"Condition\": "
      "{\"DateGreaterThan\": {\"aws:CurrentTime\": \"2025-01-01T00:00:00Z\"}}}]}}";
  EXPECT_EQ(Json(Post("/v1/eval", body))["decision"], "allowed");
}

// ---- /v1/can

std::string TrustCanBody(const std::string& user, const std::string& extra = "") {
  const std::string policy =
      ReadText(std::string(kSourceDir) + "/fixtures/redshift-guide/trust-externalid.json");
  return json({{"trust_policy", policy},
               {"trust_policy_name", "fixtures/redshift-guide/trust-externalid.json"},
               {"user", user},
               {"cluster", "my-cluster"},
               {"region", "us-west-2"},
               {"account", "123456789012"}})
             .dump()
             .insert(1, extra);
}

TEST_F(HttpApiTest, CanTrustPolicyForm) {
  HttpResponse r = Post("/v1/can", TrustCanBody("user1"));
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  json j = Json(r);
  EXPECT_EQ(j["decision"], "allowed");
  EXPECT_EQ(j["matched_statements"][0]["policy"], "fixtures/redshift-guide/trust-externalid.json");
  EXPECT_EQ(j["matched_statements"][0]["line"], 4);
  EXPECT_EQ(j["external_id"], "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1");
  EXPECT_EQ(outcome_.decision, "allowed");

  json d = Json(Post("/v1/can", TrustCanBody("user3")));
  EXPECT_EQ(d["decision"], "implicitDeny");
  EXPECT_THAT(d["redshift_error"].get<std::string>(), HasSubstr("my-cluster/user3 is not authorized"));
}

TEST_F(HttpApiTest, CanTrustPolicyInlineObjectAndContext) {
  const std::string body =
      "{\"trust_policy\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
      "\"Principal\": {\"Service\": \"redshift.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\", "
      "\"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"123456789012\"}}}]},"
      " \"user\": \"u\", \"cluster\": \"c\", \"region\": \"us-east-1\", \"account\": \"123456789012\"%s}";
  char with[1024], without[1024];
  std::snprintf(with, sizeof with, body.c_str(), ", \"context\": {\"aws:SourceAccount\": \"123456789012\"}");
  std::snprintf(without, sizeof without, body.c_str(), "");
  EXPECT_EQ(Json(Post("/v1/can", with))["decision"], "allowed");
  json j = Json(Post("/v1/can", without));
  EXPECT_EQ(j["decision"], "implicitDeny");
  EXPECT_EQ(j["missing_context_keys"], json::array({"aws:SourceAccount"}));
  EXPECT_EQ(j["role_arn"], "arn:aws:iam::123456789012:role/RedshiftRole");
}

TEST_F(HttpApiTest, CanBadInputIs400AndNeverAllowed) {
  struct Case {
    std::string body, code, message;
  } cases[] = {
      {"{\"trust_policy\": \"{}\", \"user\": \"u\", \"cluster\": \"c\", \"account\": \"123456789012\"}",
       "request.invalid", "missing field `region`"},
      {TrustCanBody("user1", "\"region\": \"mars-1\", "), "json.duplicate_key", "duplicate key"},
      {json({{"trust_policy", "{}"}, {"user", "u"}, {"cluster", "c"}, {"region", "mars-1"},
             {"account", "123456789012"}}).dump(),
       "request.invalid", "`region` `mars-1` is not an AWS region name"},
      {json({{"trust_policy", "{\"Version\": "}, {"user", "u"}, {"cluster", "c"},
             {"region", "us-west-2"}, {"account", "123456789012"}}).dump(),
       "json.syntax", "trust_policy:1:13: error: json.syntax"},
      {json({{"trust_policy", ReadText(std::string(kSourceDir) + "/fixtures/redshift-guide/trust-plain.json")},
             {"user", "bob smith"}, {"cluster", "c"}, {"region", "us-west-2"},
             {"account", "123456789012"}}).dump(),
       "sts.validation", "STS would reject the call: ValidationError"},
      {"{\"user\": \"user1\", \"cluster\": \"nope\", \"role\": \"RedshiftCopyUnload\"}",
       "world.not_found", "no cluster `nope`"},
      {"{\"user\": \"user1\", \"cluster\": \"my-cluster\", \"role\": \"Nope\"}", "world.not_found",
       "role `Nope`: no role of that name"},
      {"{\"user\": \"user1\", \"cluster\": \"my-cluster\", \"role\": \"RedshiftCopyUnload\", \"for\": \"select\"}",
       "request.invalid", "`for` must be copy, unload or all"},
      {"{\"user\": \"user1\", \"cluster\": \"my-cluster\", \"rolez\": \"x\"}", "request.invalid",
       "unknown field `rolez`"},
      {"[1]", "request.invalid", "a question is a JSON object"},
  };
  for (const Case& c : cases) {
    HttpResponse r = Post("/v1/can", c.body);
    EXPECT_EQ(r.result(), http::status::bad_request) << c.body << "\n" << r.body();
    json j = Json(r);
    EXPECT_EQ(j["error"]["code"], c.code) << r.body();
    EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr(c.message)) << r.body();
    EXPECT_EQ(outcome_.decision, "error");
    EXPECT_THAT(r.body(), Not(HasSubstr("\"allowed\"")));
  }
}

TEST_F(HttpApiTest, CanPolicyErrorsCarryFindings) {
  HttpResponse r = Post("/v1/can", json({{"trust_policy", json::parse(
                                             R"({"Version": "2012-10-17", "Statement": [{"Effect": "allow",
                                                 "Principal": {"Service": "redshift.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]})")},
                                         {"user", "u"}, {"cluster", "c"}, {"region", "us-west-2"},
                                         {"account", "123456789012"}})
                                       .dump());
  EXPECT_EQ(r.result(), http::status::bad_request);
  json j = Json(r);
  EXPECT_EQ(j["error"]["code"], "statement.invalid_effect");
  ASSERT_FALSE(j["error"]["findings"].empty());
  EXPECT_EQ(j["error"]["findings"][0]["code"], "statement.invalid_effect");
}

TEST_F(HttpApiTest, CanWorldForm) {
  HttpResponse r = Post("/v1/can", R"({"user": "user1", "cluster": "my-cluster",
                                       "role": "RedshiftCopyUnloadExternalId", "for": "copy"})");
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  json j = Json(r);
  EXPECT_EQ(j["decision"], "allowed");
  EXPECT_EQ(j["role_arn"], "arn:aws:iam::123456789012:role/RedshiftCopyUnloadExternalId");
  ASSERT_EQ(j["commands"].size(), 1u);
  EXPECT_EQ(j["commands"][0]["command"], "COPY");

  json d = Json(Post("/v1/can", R"({"user": "user3", "cluster": "my-cluster",
                                    "role": "RedshiftCopyUnloadExternalId"})"));
  EXPECT_EQ(d["decision"], "denied");
  EXPECT_EQ(d["commands"].size(), 2u);
  EXPECT_EQ(outcome_.decision, "denied");
}

// ---- /v1/replay

TEST_F(HttpApiTest, ReplayJsonLinesAsTheCliPrintsThem) {
  const std::string log = ReadText(kGuideWorld + "/log.jsonl");
  HttpResponse r = Post("/v1/replay", log, "application/x-ndjson");
  ASSERT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r[http::field::content_type], "application/x-ndjson");
  std::vector<std::string> lines;
  for (size_t pos = 0, nl; (nl = r.body().find('\n', pos)) != std::string::npos; pos = nl + 1) {
    lines.push_back(r.body().substr(pos, nl - pos));
  }
  size_t records = 0;
  for (char c : log) records += c == '\n';
  EXPECT_EQ(lines.size(), records);
  // The golden expectations of the guide log hold over HTTP too.
  std::map<std::string, json> expected;
  std::ifstream in(kGuideWorld + "/expected.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json e = json::parse(line);
    expected[e["id"]] = e;
  }
  for (const std::string& line : lines) {
    json j = json::parse(line);
    ASSERT_TRUE(expected.count(j["id"])) << line;
    EXPECT_EQ(j["decision"], expected[j["id"]]["decision"]) << line;
  }
}

TEST_F(HttpApiTest, ReplayArrayAndBadRecords) {
  HttpResponse r = Post("/v1/replay", R"([
    {"id": "a", "user": "user1", "cluster": "my-cluster",
     "sql": "COPY venue FROM 's3://redshift-guide-data/tickit/venue_pipe.txt' IAM_ROLE default DELIMITER '|'"},
    {"user": "user1", "cluster": "nope", "sql": "COPY t FROM 's3://b/k' IAM_ROLE default"},
    {"user": "user1", "cluster": "my-cluster",
     "sqlx": "x"}])");
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  json j = Json(r);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["decision"], "ALLOW");
  EXPECT_EQ(j[1]["decision"], "ERROR");
  EXPECT_EQ(j[1]["id"], "record 2");
  EXPECT_EQ(j[1]["message"], "body:4: unknown cluster `nope`");
  EXPECT_EQ(j[2]["message"], "body:6:6: unknown field `sqlx`; expected id, user, cluster, sql, time");
  EXPECT_EQ(outcome_.decisions_allowed, 1u);
  EXPECT_EQ(outcome_.decisions_error, 2u);

  EXPECT_EQ(Post("/v1/replay", "[{]").result(), http::status::bad_request);
  EXPECT_EQ(Post("/v1/replay", " \n").result(), http::status::bad_request);
  // A JSON Lines body with a bad line: an ERROR record for that line, as the CLI.
  json bad = json::parse(Post("/v1/replay?source=log.jsonl", "{\"id\": 1}\n").body());
  EXPECT_EQ(bad["id"], "line 1");
  EXPECT_EQ(bad["message"], "log.jsonl:1:8: `id` must be a string");
}

TEST_F(HttpApiTest, ReplaySqlScript) {
  const std::string script =
      "-- redtrust: user=user1 cluster=my-cluster\n"
      "COPY venue FROM 's3://redshift-guide-data/tickit/venue_pipe.txt'\n"
      "  IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyUnload' DELIMITER '|';\n"
      "-- redtrust: user=user3\n"
      "COPY users FROM 's3://redshift-guide-data/tickit/allusers_pipe.txt'\n"
      "  IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyUnloadExternalId';\n";
  HttpResponse r = Post("/v1/replay?source=load.sql", script, "application/sql");
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  std::istringstream lines(r.body());
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(json::parse(first)["id"], "load.sql:2");
  EXPECT_EQ(json::parse(first)["decision"], "ALLOW");
  EXPECT_EQ(json::parse(second)["id"], "load.sql:5");
  EXPECT_EQ(json::parse(second)["decision"], "DENY");
}

// ---- /v1/lint

TEST_F(HttpApiTest, Lint) {
  const std::string plain = ReadText(std::string(kSourceDir) + "/fixtures/redshift-guide/trust-plain.json");
  json j = Json(Post("/v1/lint", json({{"policy", plain}, {"name", "trust-plain.json"}}).dump()));
  EXPECT_EQ(j["file"], "trust-plain.json");
  EXPECT_EQ(j["kind"], "trust");
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["code"], "security.redshift_no_confused_deputy_guard");
  EXPECT_EQ(j["findings"][0]["line"], 7);
  EXPECT_EQ(j["findings"][0]["column"], 20);
  EXPECT_EQ(outcome_.decision, "");

  json quiet = Json(Post("/v1/lint", json({{"policy", plain}, {"security", false}}).dump()));
  EXPECT_TRUE(quiet["findings"].empty());
  EXPECT_EQ(quiet["file"], "policy");
  json identity = Json(Post("/v1/lint", json({{"policy", json::parse(plain)}, {"kind", "identity"}}).dump()));
  EXPECT_EQ(identity["kind"], "identity");
  EXPECT_EQ(identity["findings"].size(), 2u);
  // A policy text that is not JSON is a lint finding, not a bad request.
  json syntax = Json(Post("/v1/lint", R"({"policy": "{\"Version\": \"2012-10-17\","})"));
  EXPECT_EQ(syntax["findings"][0]["code"], "json.syntax");

  EXPECT_EQ(Post("/v1/lint", R"({"policy": {}, "kind": "bucket"})").result(), http::status::bad_request);
  EXPECT_EQ(Post("/v1/lint", R"({"kind": "trust"})").result(), http::status::bad_request);
  EXPECT_EQ(Post("/v1/lint", R"({"policy": 3})").result(), http::status::bad_request);
}

// ---- routing, /healthz, /metrics

TEST_F(HttpApiTest, UnknownPathIs404WrongMethodIs405) {
  HttpResponse r = Call(http::verb::get, "/v2/eval");
  EXPECT_EQ(r.result(), http::status::not_found);
  EXPECT_EQ(Json(r)["error"]["code"], "http.not_found");
  EXPECT_EQ(outcome_.route, "unknown");

  HttpResponse m = Call(http::verb::get, "/v1/eval");
  EXPECT_EQ(m.result(), http::status::method_not_allowed);
  EXPECT_EQ(m[http::field::allow], "POST");
  EXPECT_EQ(Call(http::verb::post, "/healthz").result(), http::status::method_not_allowed);
  EXPECT_EQ(Call(http::verb::delete_, "/v1/can").result(), http::status::method_not_allowed);
  // A query string does not change the route.
  EXPECT_EQ(Call(http::verb::get, "/healthz?verbose=1").result(), http::status::ok);
}

TEST_F(HttpApiTest, Healthz) {
  json j = Json(Call(http::verb::get, "/healthz"));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["world"]["generation"], 1);
  EXPECT_EQ(j["world"]["roles"], 3);
}

TEST_F(HttpApiTest, MetricsCountRoutesStatusesAndDecisions) {
  Post("/v1/eval", GuideEvalRequest(0));
  Post("/v1/eval", GuideEvalRequest(1));
  Post("/v1/eval", "{");
  Call(http::verb::get, "/nope");
  HttpResponse r = Call(http::verb::get, "/metrics");
  EXPECT_EQ(r[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body();
  EXPECT_THAT(m, HasSubstr("redtrustd_requests_total{route=\"/v1/eval\",status=\"200\"} 2\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_requests_total{route=\"/v1/eval\",status=\"400\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_requests_total{route=\"unknown\",status=\"404\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_decisions_total{route=\"/v1/eval\",outcome=\"allowed\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_decisions_total{route=\"/v1/eval\",outcome=\"denied\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_decisions_total{route=\"/v1/eval\",outcome=\"error\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("# TYPE redtrustd_request_duration_seconds histogram\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_request_duration_seconds_bucket{route=\"/v1/eval\",le=\"0.0001\"} 3\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_request_duration_seconds_bucket{route=\"/v1/eval\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_request_duration_seconds_count{route=\"/v1/eval\"} 3\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_world_generation 1\n"));
  EXPECT_THAT(m, HasSubstr("redtrustd_world_reloads_total{result=\"failed\"} 0\n"));
}

TEST_F(HttpApiTest, InternalErrorsAre500NotCrashes) {
  // Any body on any route: a response, never an exception out of Handle.
  const std::string bodies[] = {std::string(1, '\0'), std::string("\xff\xfe", 2), "{\"a\":" + std::string(200, '['),
                                "{\"user\": \"\xc3\x28\"}", std::string(100000, '{')};
  for (const char* target : {"/v1/eval", "/v1/can", "/v1/replay", "/v1/lint"}) {
    for (const std::string& body : bodies) {
      HttpResponse r = Post(target, body);
      EXPECT_GE(r.result_int(), 200u);
      EXPECT_THAT(r.body(), Not(HasSubstr("\"allowed\"")));
    }
  }
}

class HttpApiConcurrentTest : public HttpApiTest {};

// Many threads answering at once while the world is reloaded: every answer is right, and the
// sessions pool and metrics hold up (run under ThreadSanitizer in CI with -R Concurrent).
TEST_F(HttpApiConcurrentTest, HandlersAndReloadStayCorrect) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  const std::string allowed = GuideEvalRequest(0), denied = GuideEvalRequest(1);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        HttpRequest req{http::verb::post, (i % 3 == 2) ? "/v1/can" : "/v1/eval", 11};
        req.body() = (i % 3 == 2) ? R"({"user": "user1", "cluster": "my-cluster", "role": "RedshiftCopyUnload"})"
                     : (i + t) % 2 ? allowed
                                   : denied;
        req.prepare_payload();
        Outcome o;
        HttpResponse r = api_->Handle(req, &o);
        metrics_.Record(o, r.result_int(), 1);
        const bool want_allowed = (i % 3 == 2) || (i + t) % 2;
        if (r.result() != http::status::ok || (o.decision == "allowed") != want_allowed) ++wrong;
      }
    });
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(worlds_->Reload(kNow).ok());
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(worlds_->generation(), 4u);
  EXPECT_THAT(metrics_.Render(worlds_.get()),
              HasSubstr("redtrustd_requests_total{route=\"/v1/eval\",status=\"200\"} 536\n"));
}

}  // namespace
}  // namespace redtrust::server
