// An error answer of the AWS Query APIs: HTTP status, AWS's error code and message text. Turned
// into an ErrorResponse XML document by aws_api.cc. Sources of every code and message are in
// docs/aws-api.md.
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_ERROR_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_ERROR_H_

#include <string>

namespace redtrust::server::aws {

struct AwsError {
  int status = 400;
  std::string code;     // "SignatureDoesNotMatch", "ValidationError", ...
  std::string message;  // "" = the response has no <Message> element (STS's MalformedInput)
  // True for dispatch errors (InvalidAction), which STS answers in the AWSFault namespace.
  bool fault_namespace = false;
};

}  // namespace redtrust::server::aws

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_AWS_ERROR_H_
