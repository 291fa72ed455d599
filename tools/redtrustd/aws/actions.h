// The AWS actions redtrustd answers, behind authentication and dispatch (aws_api.cc):
// STS AssumeRole (sts.cc) and IAM SimulateCustomPolicy / SimulatePrincipalPolicy
// (iam_simulate.cc). Each is a pure function of its context, apart from AssumeRole storing the
// credentials it issues. Contracts and AWS sources: docs/aws-api.md.
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_ACTIONS_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_ACTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/model/world.h"
#include "tools/redtrustd/aws/aws_error.h"
#include "tools/redtrustd/aws/credentials.h"
#include "tools/redtrustd/aws/query.h"
#include "tools/redtrustd/aws/sigv4.h"
#include "tools/redtrustd/handler.h"

namespace redtrust::server::aws {

inline constexpr char kStsNamespace[] = "https://sts.amazonaws.com/doc/2011-06-15/";
inline constexpr char kIamNamespace[] = "https://iam.amazonaws.com/doc/2010-05-08/";

struct ActionContext {
  const HttpRequest& request;
  const QueryParams& params;
  const sim::World& world;
  const Principal& principal;
  const SigV4Auth& auth;  // the verified signature: region (aws:RequestedRegion), service
  int64_t now_micros;
  const std::string& request_id;
  CredentialStore* store;  // AssumeRole stores what it issues here
};

struct ActionResult {
  bool ok = false;
  std::string body;  // the success XML (ok)
  AwsError error;    // !ok
  // For the access log and /metrics: "allowed" | "denied" | "error", and per-decision counts
  // (a simulation answers several questions).
  std::string decision;
  size_t allowed = 0;
  size_t denied = 0;
  size_t errors = 0;
  // Extra response headers explaining the decision (X-Redtrust-*); SDKs ignore them.
  std::vector<std::pair<std::string, std::string>> headers;
};

ActionResult AssumeRole(const ActionContext& ctx);
ActionResult SimulateCustomPolicy(const ActionContext& ctx);
ActionResult SimulatePrincipalPolicy(const ActionContext& ctx);

}  // namespace redtrust::server::aws

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_ACTIONS_H_
