// AWS-compatible Query API endpoints served by redtrustd: STS AssumeRole (version 2011-06-15)
// and IAM SimulateCustomPolicy / SimulatePrincipalPolicy (version 2010-05-08), with SigV4
// verification against the world's access keys and the temporary credentials this server issued.
// What is supported, every error with its AWS source, and the extensions: docs/aws-api.md.
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_API_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_API_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "sim/model/world.h"
#include "tools/redtrustd/handler.h"

namespace redtrust::server {

struct AwsApiOptions {
  // Wall clock in microseconds since the epoch; injected so tests control time. Default
  // (empty): the system clock. Used for SigV4's 15-minute window, credential expiry,
  // aws:CurrentTime and Expiration.
  std::function<int64_t()> now_micros;
  // Most temporary credentials kept at once; beyond it the oldest are forgotten (their requests
  // then get InvalidClientTokenId). Expired ones are dropped first. Default: 20,000 (about
  // 1 KB each).
  size_t max_issued_credentials = 20000;
  // Seed of the request ids (x-amzn-RequestId, RequestId): ids are a digest of the seed and a
  // per-server counter, so a run is reproducible. Default: 0.
  uint64_t request_id_seed = 0;
};

// Thread-safe: Handle may be called concurrently from every server thread. Holds the temporary
// credentials it issued (they outlive world reloads, but a session whose role the new world no
// longer has is refused).
class AwsApi {
 public:
  explicit AwsApi(AwsApiOptions options);
  ~AwsApi();
  AwsApi(const AwsApi&) = delete;
  AwsApi& operator=(const AwsApi&) = delete;

  // True when the request is for the Query APIs: a GET or POST of "/" that is SigV4-signed,
  // names an Action in its query string, or (POST) has a form-encoded body. The server routes
  // it here, not to /v1/*.
  static bool IsAwsRequest(const HttpRequest& request);

  // Answers with AWS's XML (AssumeRoleResponse, SimulateCustomPolicyResponse,
  // SimulatePrincipalPolicyResponse, ErrorResponse) and x-amzn-RequestId; never throws, never
  // answers allowed to a request whose signature was not verified.
  HttpResponse Handle(const HttpRequest& request, const sim::World& world, Outcome* outcome);

  // Temporary credentials currently stored (for /metrics and tests).
  size_t issued_credentials() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_API_H_
