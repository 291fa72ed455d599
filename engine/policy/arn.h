// ARNs: splitting into the six parts (rules M2, C12, R2) and per-segment glob matching.
#ifndef REDTRUST_ENGINE_POLICY_ARN_H_
#define REDTRUST_ENGINE_POLICY_ARN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Resource elements (rule M2): ArnGlobMatch(pattern, arn, /*prefix_ignore_case=*/true)
// plus the resource-type rule of IAM User Guide "IAM ARNs" (a wildcard cannot stand for the
// resource type, "arn:aws:iam::123456789012:u*" is not allowed): when `arn` has a resource type
// (ResourceTypeLength), the pattern's resource part must either consist only of `*` (any
// resource of the service) or begin with that type written literally, so
// "arn:aws:ec2:us-east-1:1:*/12345" does not match ".../instance/12345" and
// "arn:aws:iam::1:u*" does not match ".../user/x", while "arn:aws:iam::1:user*" and
// "arn:aws:iam::1:*" do. Cost: ArnGlobMatch plus one prefix comparison.
bool ResourceArnMatch(std::string_view pattern, std::string_view arn);

// Length of the resource type at the start of the resource part: the text before the first '/'
// or ':' ("user" in "user/x", "dbuser" in "dbuser:c/u"). nullopt when the resource part has
// neither separator, and for services whose resource part starts with a name the owner chose
// rather than a type word: S3 buckets and objects (no region or account), SQS queues, SNS topics
// and API Gateway execute-api ARNs (api-id/stage/...).
std::optional<size_t> ResourceTypeLength(const ArnParts& arn);

// arn:P:kms:R:A:key/ID (not an alias): access needs the key policy's consent (docs/semantics.md
// K-KMS).
bool IsKmsKeyArn(std::string_view arn);

// Partitions and regions (rule R6, M11).
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

// ---- Known regions (one table, one check: `redtrust can`, `eval`, the world loader; R6)
// The regions AWS has opened in the modelled partitions, from AWS's region list ("AWS Regions",
// https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html): 34 in aws,
// 2 in aws-cn, 2 in aws-us-gov. A region AWS opens later is rejected until the table grows,
// unless the caller allows unknown regions (`--allow-unknown-region`, a world's
// `allowUnknownRegions`, docs/cli.md).
enum class RegionStatus {
  kKnown,                // in the table
  kUnknown,              // a well-formed name of a modelled partition that is not in the table
  kNotARegionName,       // fails IsValidRegionName
  kUnmodelledPartition,  // a region name of a partition out of scope (us-iso-east-1)
};
RegionStatus ClassifyRegion(std::string_view region);
bool IsKnownRegion(std::string_view region);  // ClassifyRegion(region) == kKnown
// nullptr when a region of this status may be used: kKnown, or kUnknown when `allow_unknown`.
// Otherwise the words that follow "`REGION` " in a message, e.g. "is an unknown region: ...".
const char* RegionProblem(RegionStatus status, bool allow_unknown);
// The known regions of `partition`, in the table's order (for messages and tests).
std::vector<std::string_view> KnownRegions(std::string_view partition);

// ---- IAM role and user ARNs (one validator for every entry point: the world loader,
// `redtrust can --role-arn`, redtrustd, `eval` requests for sts: actions)
// arn:PARTITION:iam::ACCOUNT:<type>[/path/]NAME for type "role" or "user" (IAM quotas and
// CreateRole / CreateUser parameter rules: name 1-64 of [A-Za-z0-9+=,.@_-], path /.../ of
// printable ASCII, at most 512).
struct IamArn {
  std::string partition;
  std::string account;
  std::string path;  // "/" when none
  std::string name;
};
// nullopt when `arn` is not such an ARN; then *why (if not null) holds a lowercase reason
// without a final period ("the name must have 1 to 64 characters").
std::optional<IamArn> ParseIamArn(std::string_view arn, std::string_view type, std::string* why);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_POLICY_ARN_H_
