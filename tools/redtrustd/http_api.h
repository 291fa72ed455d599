// HttpApi: redtrustd's routes as a pure function from a parsed HTTP request to a response, with
// no socket in sight (the server, server.h, reads and writes; tests call Handle directly).
//
//   POST /v1/eval    one `redtrust eval` request object, or an array of them
//   POST /v1/can     the `redtrust can` question (trust-policy form or world form)
//   POST /v1/replay  COPY/UNLOAD records: a JSON array, JSON Lines, or a SQL script
//   POST /v1/lint    a policy and its kind
//   GET  /healthz    liveness and the served world's generation
//   GET  /metrics    Prometheus text (metrics.h)
//   AWS Query API requests (AwsApi::IsAwsRequest) go to AwsApi with the current world.
//
// The JSON of every /v1 answer is the CLI's, byte for byte (tools/questions/, tools/questions/eval_json.h);
// the shapes, statuses and limits are in docs/http-api.md. Errors: 400 (the body cannot be read
// as the route's input), 404, 405, 422 (/v1/eval: the one request could not be evaluated), each
// with a JSON body; a bad request is never answered ALLOW. Handle never throws: an unexpected
// exception becomes a 500.
//
// Thread-safety: Handle may be called concurrently from every server thread. `eval` keeps a pool
// of EvalSessions (each caches compiled policies by their text), one per concurrent caller.
#ifndef REDTRUST_TOOLS_REDTRUSTD_HTTP_API_H_
#define REDTRUST_TOOLS_REDTRUSTD_HTTP_API_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/questions/eval_json.h"
#include "tools/redtrustd/handler.h"

namespace redtrust::server {

class AwsApi;
class Metrics;
class WorldStore;

struct ApiOptions {
  // The clock for requests that give no "now", microseconds since the epoch. Default (nullopt):
  // the wall clock at each request. Tests and docs fix it with --now.
  std::optional<int64_t> now_micros;
  // Policy size quota in characters without white space, for eval and the defaults of can and
  // lint. Default: 2,048 (G14).
  size_t max_policy_chars = 2048;
  // Largest body the routes read; the server refuses larger ones with 413 before they get here.
  // Default: 1 MiB.
  size_t max_body_bytes = 1u << 20;
};

class HttpApi {
 public:
  // `worlds` is required; `metrics` (for /metrics) and `aws` (AWS routes; else 404) may be null.
  // None is owned; all must outlive the HttpApi.
  HttpApi(ApiOptions options, WorldStore* worlds, Metrics* metrics, AwsApi* aws);
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  // Answers one request. *outcome receives the route and decisions for the access log and
  // metrics. The response's version is the request's; keep-alive is left to the server.
  HttpResponse Handle(const HttpRequest& request, Outcome* outcome);

 private:
  HttpResponse Route(const HttpRequest& request, Outcome* outcome);
  HttpResponse Eval(const HttpRequest& request, Outcome* outcome);
  HttpResponse Can(const HttpRequest& request, Outcome* outcome);
  HttpResponse Replay(const HttpRequest& request, Outcome* outcome);
  HttpResponse Lint(const HttpRequest& request, Outcome* outcome);
  HttpResponse Healthz(const HttpRequest& request, Outcome* outcome);
  HttpResponse MetricsText(const HttpRequest& request, Outcome* outcome);
  int64_t Now() const;

  std::unique_ptr<EvalSession> AcquireSession();
  void ReleaseSession(std::unique_ptr<EvalSession> s);

  const ApiOptions options_;
  WorldStore* const worlds_;
  Metrics* const metrics_;
  AwsApi* const aws_;
  std::mutex sessions_mu_;
  std::vector<std::unique_ptr<EvalSession>> sessions_;  // idle sessions, reused LIFO
};

// A JSON error response: {"error":{"code":CODE,"message":MESSAGE}} plus "line" and "column" when
// `pos` is known. Used for every 4xx and 5xx of the /v1 routes and of the server itself.
HttpResponse ErrorResponse(http::status status, unsigned version, std::string_view code,
                           std::string_view message, uint32_t line = 0, uint32_t column = 0);

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_HTTP_API_H_
