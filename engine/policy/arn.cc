// ARN splitting and per-segment matching (rules M2, C12, R2, R6).
#include "engine/policy/arn.h"

#include <cstddef>
#include <string>
#include <string_view>

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

}  // namespace redtrust
