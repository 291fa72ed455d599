// STS AssumeRole: the parameter checks STS makes before any policy (rules S1-S5), the
// error texts it answers with (S5, S6), and the Redshift dbuser ARN used as ExternalId (R1).
#ifndef REDTRUST_ENGINE_STS_ASSUME_ROLE_H_
#define REDTRUST_ENGINE_STS_ASSUME_ROLE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust {

// One violated constraint, e.g. {"externalId", "arn:...bob smith", "Member must satisfy regular
// expression pattern: [\w+=,.@:/-]*"}.
struct StsViolation {
  std::string field;  // lowerCamel as STS spells it: roleArn, roleSessionName, externalId, ...
  std::string value;
  std::string constraint;
};

struct AssumeRoleParams {
  std::string role_arn;
  std::optional<std::string> role_session_name;
  std::optional<std::string> external_id;
  std::optional<long long> duration_seconds;
};

// Every violated constraint of S1-S4 (empty when the call would reach policy evaluation).
std::vector<StsViolation> CheckAssumeRoleParams(const AssumeRoleParams& p);

// "1 validation error detected: Value 'x' at 'externalId' failed to satisfy constraint: ..."
// (S5). REQUIRES: !v.empty().
std::string ValidationErrorMessage(const std::vector<StsViolation>& v);

// "User: <caller> is not authorized to perform: sts:AssumeRole on resource: <role><reason>" (S6).
std::string AccessDeniedMessage(std::string_view caller_arn, std::string_view action,
                                std::string_view resource, std::string_view reason);

// How Authorize decides an `sts:` action (rule E4; docs/semantics.md "STS actions").
enum class StsActionKind {
  kNotSts,          // the action's service is not sts
  kRoleAssumption,  // AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity and the
                    // permissions checked with them in the role's trust policy (TagSession,
                    // SetSourceIdentity, SetContext); also any sts action not listed below,
                    // so that an unknown name still needs a trust policy (fail closed)
  kCallerIdentity,  // GetCallerIdentity: needs no permission and cannot be denied
  kSessionToken,    // GetSessionToken: no policy controls it; long-term credentials only
  kIdentityOnly,    // GetFederationToken, GetAccessKeyInfo, DecodeAuthorizationMessage,
                    // GetServiceBearerToken, AssumeRoot: the caller's identity policies decide
};
// `action` as in a request ("sts:GetCallerIdentity"); service and name compare
// case-insensitively (rule M1). Cost: a few comparisons, no allocation.
StsActionKind ClassifyStsAction(std::string_view action);

// True when `s` fits STS's ExternalId pattern [\w+=,.@:/-]* with \w = [A-Za-z0-9_] (S3).
bool MatchesExternalIdPattern(std::string_view s);

// arn:PARTITION:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER (rule R1). REQUIRES: a valid
// region (the partition comes from it).
std::string RedshiftDbUserArn(std::string_view region, std::string_view account,
                              std::string_view cluster, std::string_view user);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_STS_ASSUME_ROLE_H_
