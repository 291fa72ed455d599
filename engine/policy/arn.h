// ARNs: splitting into the six parts (reference M2, C12, R2) and per-segment glob matching.
#ifndef REDTRUST_ENGINE_POLICY_ARN_H_
#define REDTRUST_ENGINE_POLICY_ARN_H_

#include <optional>
#include <string>
#include <string_view>

namespace redtrust {

// arn:partition:service:region:account:resource. `resource` is everything after the fifth colon
// and may contain further colons and slashes (R2).
struct ArnParts {
  std::string_view partition;
  std::string_view service;
  std::string_view region;
  std::string_view account;
  std::string_view resource;
};

// nullopt unless the text starts with "arn:" and has at least five colons (six parts).
std::optional<ArnParts> SplitArn(std::string_view arn);

// Per-segment glob match: each of the six parts matched separately, a wildcard never crosses
// one of the first five colons (C12, M2). `prefix_ignore_case` compares partition, service,
// region and account case-insensitively (used for Resource elements, M2); the resource part is
// always case-sensitive.
bool ArnGlobMatch(std::string_view pattern, std::string_view arn, bool prefix_ignore_case);

// Partitions and regions (reference R6, M11).
bool IsKnownPartition(std::string_view partition);  // aws, aws-cn, aws-us-gov
// "us-west-2" -> "aws", "cn-north-1" -> "aws-cn", "us-gov-west-1" -> "aws-us-gov";
// nullopt when the text is not a region name of the form xx[-yyy]-zzz-N.
std::optional<std::string> PartitionOfRegion(std::string_view region);
bool IsValidRegionName(std::string_view region);
bool IsAccountId(std::string_view s);  // exactly 12 ASCII digits

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_ARN_H_
