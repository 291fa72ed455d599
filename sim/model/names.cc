#include "sim/model/names.h"

#include "engine/base/diagnostic.h"
#include "engine/policy/arn.h"

namespace redtrust::sim {
namespace {

bool IsLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

}  // namespace

std::string CheckKmsKeyArn(std::string_view arn, std::string* partition, std::string* region,
                           std::string* account, std::string* key_id,
                           bool allow_unknown_region) {
  std::optional<ArnParts> parts = SplitArn(arn);
  if (!parts) return "an ARN has six parts: arn:partition:service:region:account:resource";
  if (!IsKnownPartition(parts->partition)) {
    return "unknown partition `" + std::string(parts->partition) + "` (aws, aws-cn, aws-us-gov)";
  }
  if (parts->service != "kms") return "the service must be `kms`";
  if (const char* why = RegionProblem(ClassifyRegion(parts->region), allow_unknown_region)) {
    return "`" + SanitizeForMessage(parts->region) + "` " + why;
  }
  std::optional<std::string> region_partition = PartitionOfRegion(parts->region);
  if (!region_partition || *region_partition != parts->partition) {
    return "region `" + std::string(parts->region) + "` is not in partition `" +
           std::string(parts->partition) + "`";
  }
  if (!IsAccountId(parts->account)) return "the account must be 12 digits";
  if (!StartsWith(parts->resource, "key/") || parts->resource.size() == 4) {
    return "the resource must be `key/<key-id>`";
  }
  std::string_view id = parts->resource.substr(4);
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return "a key id has only letters, digits and '-'";
  }
  if (partition) *partition = std::string(parts->partition);
  if (region) *region = std::string(parts->region);
  if (account) *account = std::string(parts->account);
  if (key_id) *key_id = std::string(id);
  return "";
}

std::string CheckBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return "a bucket name has 3 to 63 characters";
  for (char c : name) {
    if (!IsLowerOrDigit(c) && c != '.' && c != '-') {
      return "a bucket name has only lowercase letters, digits, '.' and '-'";
    }
  }
  if (!IsLowerOrDigit(name.front()) || !IsLowerOrDigit(name.back())) {
    return "a bucket name starts and ends with a letter or digit";
  }
  if (name.find("..") != std::string_view::npos) return "a bucket name has no two adjacent dots";
  // An IP address: four dot-separated runs of digits.
  int dots = 0;
  bool digits_and_dots = true;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      digits_and_dots = false;
    }
  }
  if (digits_and_dots && dots == 3) return "a bucket name must not look like an IP address";
  for (std::string_view p : {"xn--", "sthree-", "amzn-s3-demo-"}) {
    if (StartsWith(name, p)) return "the prefix `" + std::string(p) + "` is reserved";
  }
  for (std::string_view s : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
    if (EndsWith(name, s)) return "the suffix `" + std::string(s) + "` is reserved";
  }
  return "";
}

std::string CheckClusterIdentifier(std::string_view id) {
  if (id.empty() || id.size() > 63) return "a cluster identifier has 1 to 63 characters";
  for (char c : id) {
    if (c >= 'A' && c <= 'Z') return "cluster identifiers are stored in lowercase";
    if (!IsLowerOrDigit(c) && c != '-') {
      return "a cluster identifier has only lowercase letters, digits and hyphens";
    }
  }
  if (id.front() < 'a' || id.front() > 'z') return "a cluster identifier starts with a letter";
  if (id.back() == '-') return "a cluster identifier cannot end with a hyphen";
  if (id.find("--") != std::string_view::npos) {
    return "a cluster identifier cannot contain two consecutive hyphens";
  }
  return "";
}

std::string CheckServerlessName(std::string_view name) {
  if (name.size() < 3 || name.size() > 64) return "the name has 3 to 64 characters";
  for (char c : name) {
    if (!IsLowerOrDigit(c) && c != '-') {
      return "the name has only lowercase letters, digits and hyphens";
    }
  }
  return "";
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

}  // namespace redtrust::sim
