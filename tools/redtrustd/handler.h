// The contract between redtrustd's HTTP layer (server.*, listener and sessions) and the pure
// request handlers (http_api.* for /v1/*, aws/ for the STS and IAM Query APIs). Handlers never see
// a socket: they take a parsed Beast request and return a response, so they are unit-tested
// without a network.
#ifndef REDTRUST_TOOLS_REDTRUSTD_HANDLER_H_
#define REDTRUST_TOOLS_REDTRUSTD_HANDLER_H_

#include <boost/beast/http.hpp>
#include <string>

namespace redtrust::server {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// What a handler reports for the access log and /metrics, beside its response.
struct Outcome {
  // A stable name for the route: "/v1/eval", "sts:AssumeRole", "iam:SimulateCustomPolicy",
  // "unknown" for requests that matched no route.
  std::string route;
  // "allowed" | "denied" | "error" | "" when the request asked no authorization question.
  // For a batch, the last record's; counts per outcome go in decisions_*.
  std::string decision;
  size_t decisions_allowed = 0;
  size_t decisions_denied = 0;
  size_t decisions_error = 0;
};

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_HANDLER_H_
