// ARNs: splitting into the six parts (rules M2, C12, R2) and per-segment glob matching.
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

// nullopt unless the text starts with "arn:" (lowercase, exactly) and has at least five colons
// (six parts). Parts may be empty ("arn:aws:s3:::b" has empty region and account). The views
// point into `arn`. No other validation: use IsKnownPartition / IsAccountId for that.
std::optional<ArnParts> SplitArn(std::string_view arn);

// Per-segment glob match: each of the six parts matched separately, a wildcard never crosses
// one of the first five colons (C12, M2). `prefix_ignore_case` compares partition, service,
// region and account case-insensitively (used for Resource elements, M2); the resource part is
// always case-sensitive. Segments use GlobMatch (values.h), so `*` inside the resource part
// crosses '/' and ':'. False when either side fails SplitArn, including the bare pattern "*":
// callers handle `"Resource": "*"` themselves. The literal "arn" prefix takes no wildcard.
// Cost: one GlobMatch per segment, no allocation.
bool ArnGlobMatch(std::string_view pattern, std::string_view arn, bool prefix_ignore_case);

// Partitions and regions (rules R6, M11).
bool IsKnownPartition(std::string_view partition);  // aws, aws-cn, aws-us-gov; case-sensitive
// "us-west-2" -> "aws", "cn-north-1" -> "aws-cn", "us-gov-west-1" -> "aws-us-gov";
// nullopt when the text is not a region name (see IsValidRegionName), and also for ISO-partition
// regions ("us-iso-east-1", "us-isob-east-1"): those partitions are out of scope (R6) and
// IsKnownPartition rejects them, so a caller that needs to tell "not a region" from "region
// outside our partitions" asks IsValidRegionName.
std::optional<std::string> PartitionOfRegion(std::string_view region);
// Syntax only: `^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$` ("us-east-1", "us-gov-west-1",
// "us-isob-east-1", "eu-isoe-west-1"). Does not check that AWS has such a region.
bool IsValidRegionName(std::string_view region);
bool IsAccountId(std::string_view s);  // exactly 12 ASCII digits

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_ARN_H_
