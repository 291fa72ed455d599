// AWS-compatible Query API endpoints served by redtrustd: STS AssumeRole (version 2011-06-15)
// and IAM SimulateCustomPolicy / SimulatePrincipalPolicy (version 2010-05-08), with SigV4
// verification against the world's access keys and the temporary credentials this server issued.
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_API_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_API_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "sim/model/world.h"
#include "tools/redtrustd/handler.h"

namespace redtrust::server {

struct AwsApiOptions {
  // Wall clock in microseconds since the epoch; injected so tests control time.
  std::function<int64_t()> now_micros;
};

// Thread-safe: Handle may be called concurrently from every server thread. Holds the temporary
// credentials it issued (they outlive world reloads).
class AwsApi {
 public:
  explicit AwsApi(AwsApiOptions options);
  ~AwsApi();
  AwsApi(const AwsApi&) = delete;
  AwsApi& operator=(const AwsApi&) = delete;

  // True when the request is for the Query APIs (a POST whose body is form-encoded with an
  // Action, or a SigV4-signed request); the server routes it here, not to /v1/*.
  static bool IsAwsRequest(const HttpRequest& request);

  // Answers with AWS's XML (AssumeRoleResponse, SimulateCustomPolicyResponse, ErrorResponse).
  HttpResponse Handle(const HttpRequest& request, const sim::World& world, Outcome* outcome);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_API_H_
