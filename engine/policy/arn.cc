// ARN splitting and per-segment matching (rules M2, C12, R2, R6).
#include "engine/policy/arn.h"

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/base/diagnostic.h"
#include "engine/condition/values.h"

namespace redtrust {
namespace {

constexpr std::string_view kArnPrefix = "arn:";

bool IsLowerAlpha(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// What PartitionOfRegion needs from a valid region name: "us-gov-west-1" has qualifier
// "gov", "us-west-2" none. Shared by IsValidRegionName and PartitionOfRegion.
struct RegionShape {
  std::string_view qualifier;  // "", "gov", "iso", "isob", ...
};

// Accepts `^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`. The `iso` qualifier admits one extra
// letter so that the real ISO regions (us-iso-east-1, us-isob-east-1, eu-isoe-west-1,
// us-isof-south-1) are recognised as region names; their partitions are out of scope (R6).
std::optional<RegionShape> ParseRegionShape(std::string_view region) {
  std::string_view parts[4];
  size_t count = 0;
  while (true) {
    if (count == 4) return std::nullopt;
    size_t dash = region.find('-');
    parts[count++] = region.substr(0, dash);
    if (dash == std::string_view::npos) break;
    region.remove_prefix(dash + 1);
  }
  if (count < 3) return std::nullopt;
  if (parts[0].size() != 2 || !IsLowerAlpha(parts[0])) return std::nullopt;
  if (!IsDigits(parts[count - 1]) || !IsLowerAlpha(parts[count - 2])) return std::nullopt;
  RegionShape shape;
  if (count == 4) {
    std::string_view q = parts[1];
    bool iso = q.size() >= 3 && q.size() <= 4 && q.substr(0, 3) == "iso" && IsLowerAlpha(q);
    if (q != "gov" && !iso) return std::nullopt;
    shape.qualifier = q;
  }
  return shape;
}

}  // namespace

std::optional<ArnParts> SplitArn(std::string_view arn) {
  if (arn.substr(0, kArnPrefix.size()) != kArnPrefix) return std::nullopt;
  std::string_view rest = arn.substr(kArnPrefix.size());
  std::string_view fields[4];
  for (std::string_view& field : fields) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    field = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  return ArnParts{fields[0], fields[1], fields[2], fields[3], rest};
}

bool ArnGlobMatch(std::string_view pattern, std::string_view arn, bool prefix_ignore_case) {
  // Per segment, so a `*` in the region cannot swallow "us-east-2:999999999999:store/abc:"
  // (C12 worked example). Fewer than six parts on either side: not an ARN, no match (C12).
  std::optional<ArnParts> p = SplitArn(pattern);
  std::optional<ArnParts> v = SplitArn(arn);
  if (!p || !v) return false;
  return GlobMatch(p->partition, v->partition, prefix_ignore_case) &&
         GlobMatch(p->service, v->service, prefix_ignore_case) &&
         GlobMatch(p->region, v->region, prefix_ignore_case) &&
         GlobMatch(p->account, v->account, prefix_ignore_case) &&
         GlobMatch(p->resource, v->resource, /*ignore_case=*/false);
}

std::optional<size_t> ResourceTypeLength(const ArnParts& arn) {
  auto service_is = [&arn](std::string_view s) { return EqualsIgnoreCaseAscii(arn.service, s); };
  if (service_is("s3") && arn.region.empty() && arn.account.empty()) return std::nullopt;
  if (service_is("sqs") || service_is("sns") || service_is("execute-api")) return std::nullopt;
  size_t sep = arn.resource.find_first_of("/:");
  if (sep == std::string_view::npos) return std::nullopt;
  return sep;
}

bool ResourceArnMatch(std::string_view pattern, std::string_view arn) {
  if (!ArnGlobMatch(pattern, arn, /*prefix_ignore_case=*/true)) return false;
  // Both split: ArnGlobMatch checked.
  const ArnParts p = *SplitArn(pattern);
  const ArnParts v = *SplitArn(arn);
  std::optional<size_t> type = ResourceTypeLength(v);
  if (!type) return true;
  if (p.resource.find_first_not_of('*') == std::string_view::npos) return true;  // "*", "**"
  // The type is spelled out: no wildcard in the pattern's first `type` characters. The glob
  // already matched, so literal characters there equal the ARN's.
  return p.resource.size() >= *type &&
         p.resource.substr(0, *type).find_first_of("*?") == std::string_view::npos;
}

bool IsKmsKeyArn(std::string_view arn) {
  std::optional<ArnParts> p = SplitArn(arn);
  return p && EqualsIgnoreCaseAscii(p->service, "kms") && p->resource.substr(0, 4) == "key/";
}

bool IsKnownPartition(std::string_view partition) {
  return partition == "aws" || partition == "aws-cn" || partition == "aws-us-gov";
}

std::optional<std::string> PartitionOfRegion(std::string_view region) {
  std::optional<RegionShape> shape = ParseRegionShape(region);
  if (!shape) return std::nullopt;
  if (shape->qualifier == "gov") return std::string("aws-us-gov");
  // ISO partitions (aws-iso, aws-iso-b, ...) are out of scope (R6): IsKnownPartition rejects
  // them, so naming them here would only move the failure elsewhere.
  if (!shape->qualifier.empty()) return std::nullopt;
  if (region.substr(0, 3) == "cn-") return std::string("aws-cn");
  return std::string("aws");
}

bool IsValidRegionName(std::string_view region) { return ParseRegionShape(region).has_value(); }

bool IsAccountId(std::string_view s) { return s.size() == 12 && IsDigits(s); }

namespace {

struct KnownRegion {
  std::string_view name;
  std::string_view partition;
};

// AWS's region list ("AWS Regions", docs.aws.amazon.com/global-infrastructure/latest/regions/
// aws-regions.html; the same set as botocore's partitions.json, 2026), modelled partitions only.
constexpr KnownRegion kKnownRegions[] = {
    {"us-east-1", "aws"},      {"us-east-2", "aws"},      {"us-west-1", "aws"},
    {"us-west-2", "aws"},      {"af-south-1", "aws"},     {"ap-east-1", "aws"},
    {"ap-east-2", "aws"},      {"ap-south-1", "aws"},     {"ap-south-2", "aws"},
    {"ap-northeast-1", "aws"}, {"ap-northeast-2", "aws"}, {"ap-northeast-3", "aws"},
    {"ap-southeast-1", "aws"}, {"ap-southeast-2", "aws"}, {"ap-southeast-3", "aws"},
    {"ap-southeast-4", "aws"}, {"ap-southeast-5", "aws"}, {"ap-southeast-6", "aws"},
    {"ap-southeast-7", "aws"}, {"ca-central-1", "aws"},   {"ca-west-1", "aws"},
    {"eu-central-1", "aws"},   {"eu-central-2", "aws"},   {"eu-north-1", "aws"},
    {"eu-south-1", "aws"},     {"eu-south-2", "aws"},     {"eu-west-1", "aws"},
    {"eu-west-2", "aws"},      {"eu-west-3", "aws"},      {"il-central-1", "aws"},
    {"me-central-1", "aws"},   {"me-south-1", "aws"},     {"mx-central-1", "aws"},
    {"sa-east-1", "aws"},
    {"cn-north-1", "aws-cn"},  {"cn-northwest-1", "aws-cn"},
    {"us-gov-east-1", "aws-us-gov"}, {"us-gov-west-1", "aws-us-gov"},
};

bool IsIamNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '=' || c == ',' || c == '.' || c == '@' || c == '_' || c == '-';
}

}  // namespace

RegionStatus ClassifyRegion(std::string_view region) {
  for (const KnownRegion& r : kKnownRegions) {
    if (r.name == region) return RegionStatus::kKnown;
  }
  if (!IsValidRegionName(region)) return RegionStatus::kNotARegionName;
  if (!PartitionOfRegion(region)) return RegionStatus::kUnmodelledPartition;
  return RegionStatus::kUnknown;
}

bool IsKnownRegion(std::string_view region) {
  return ClassifyRegion(region) == RegionStatus::kKnown;
}

const char* RegionProblem(RegionStatus status, bool allow_unknown) {
  switch (status) {
    case RegionStatus::kKnown: return nullptr;
    case RegionStatus::kUnknown:
      return allow_unknown ? nullptr
                           : "is an unknown region: its partition has no region of that name in "
                             "redtrust's table of AWS regions";
    case RegionStatus::kNotARegionName: return "is not an AWS region name (e.g. us-west-2)";
    case RegionStatus::kUnmodelledPartition:
      return "is in a partition redtrust does not model (it models aws, aws-cn and aws-us-gov)";
  }
  return "is not an AWS region name (e.g. us-west-2)";
}

std::vector<std::string_view> KnownRegions(std::string_view partition) {
  std::vector<std::string_view> out;
  for (const KnownRegion& r : kKnownRegions) {
    if (r.partition == partition) out.push_back(r.name);
  }
  return out;
}

std::optional<IamArn> ParseIamArn(std::string_view arn, std::string_view type, std::string* why) {
  auto fail = [why](std::string reason) -> std::optional<IamArn> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  std::optional<ArnParts> parts = SplitArn(arn);
  if (!parts) return fail("an ARN has six parts: arn:partition:service:region:account:resource");
  if (!IsKnownPartition(parts->partition)) {
    return fail("unknown partition `" + SanitizeForMessage(parts->partition) +
                "` (aws, aws-cn, aws-us-gov)");
  }
  if (parts->service != "iam") return fail("the service must be `iam`");
  if (!parts->region.empty()) return fail("IAM ARNs have no region");
  if (!IsAccountId(parts->account)) return fail("the account must be 12 digits");
  std::string prefix = std::string(type) + "/";
  if (parts->resource.substr(0, prefix.size()) != prefix) {
    return fail("the resource must start with `" + prefix + "`");
  }
  std::string_view rest = parts->resource.substr(type.size());  // "/path/name"
  size_t last = rest.rfind('/');
  std::string_view path = rest.substr(0, last + 1);
  std::string_view name = rest.substr(last + 1);
  if (name.empty() || name.size() > 64) return fail("the name must have 1 to 64 characters");
  for (char c : name) {
    if (!IsIamNameChar(c)) {
      return fail("the name may contain only letters, digits and + = , . @ _ -");
    }
  }
  if (path.size() > 512) return fail("the path is longer than 512 characters");
  for (char c : path) {
    if (c < 0x21 || c > 0x7e) return fail("the path may contain only printable ASCII");
  }
  if (path.find("//") != std::string_view::npos) return fail("the path has an empty segment");
  if (why) why->clear();
  return IamArn{std::string(parts->partition), std::string(parts->account), std::string(path),
                std::string(name)};
}

}  // namespace redtrust
