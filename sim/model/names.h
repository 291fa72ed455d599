// Syntax rules for the names and ARNs a world uses, with the reason when one is broken. Used by
// the loader; the replay planner can use them to check role ARNs written in a statement.
// Each Check* returns "" when the text is valid, else a lowercase reason without a final period.
#ifndef REDTRUST_SIM_MODEL_NAMES_H_
#define REDTRUST_SIM_MODEL_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/policy/arn.h"

namespace redtrust::sim {

// IAM role and user ARNs: the one validator lives in engine/policy/arn.h (so that `eval` and
// `redtrust can` use it too).
using ::redtrust::IamArn;
using ::redtrust::ParseIamArn;

// arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID; *region, *account, *key_id filled when valid.
// REGION must be a known region (engine/policy/arn.h ClassifyRegion), or with
// `allow_unknown_region` a well-formed region name of the partition.
std::string CheckKmsKeyArn(std::string_view arn, std::string* partition, std::string* region,
                           std::string* account, std::string* key_id,
                           bool allow_unknown_region = false);

// S3 general purpose bucket naming rules (S3 User Guide, bucketnamingrules): 3-63 characters,
// lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, no "..",
// not an IP address, no reserved prefix or suffix.
std::string CheckBucketName(std::string_view name);

// Redshift cluster identifier (CreateCluster ClusterIdentifier): 1-63 characters, lowercase
// letters, digits and hyphens, first a letter, no "--", not ending with '-'.
std::string CheckClusterIdentifier(std::string_view id);

// Redshift Serverless namespace / workgroup name: 3-64 lowercase letters, digits and hyphens.
std::string CheckServerlessName(std::string_view name);

// 8-4-4-4-12 hexadecimal digits (lowercase, as Redshift Serverless shows workgroup ids).
bool IsUuid(std::string_view s);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_MODEL_NAMES_H_
