// Placeholder until the STS/IAM handlers land: answers every AWS request with NotImplemented.
#include "tools/redtrustd/aws/aws_api.h"

namespace redtrust::server {

struct AwsApi::State {
  AwsApiOptions options;
};

AwsApi::AwsApi(AwsApiOptions options) : state_(std::make_unique<State>(State{std::move(options)})) {}
AwsApi::~AwsApi() = default;

bool AwsApi::IsAwsRequest(const HttpRequest& request) {
  return request.method() == http::verb::post && request.target() == "/";
}

HttpResponse AwsApi::Handle(const HttpRequest& request, const sim::World&, Outcome* outcome) {
  outcome->route = "aws";
  outcome->decision = "error";
  HttpResponse r{http::status::not_implemented, request.version()};
  r.set(http::field::content_type, "text/xml");
  r.body() = "<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code></Error></ErrorResponse>";
  r.prepare_payload();
  return r;
}

}  // namespace redtrust::server
