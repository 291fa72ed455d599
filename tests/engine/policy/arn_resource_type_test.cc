// ResourceArnMatch (rule M2 and the resource-type rule M2-T, issue 18): a wildcard cannot
// stand for an ARN's resource type (IAM User Guide, "IAM ARNs", incorrect wildcard usage).
#include <gtest/gtest.h>

#include "engine/policy/arn.h"

namespace redtrust {
namespace {

TEST(ResourceArnMatch, WildcardResourceTypeNeverMatches) {
  EXPECT_FALSE(ResourceArnMatch("arn:aws:ec2:us-east-1:123456789012:*/12345",
                                "arn:aws:ec2:us-east-1:123456789012:instance/12345"));
  EXPECT_FALSE(ResourceArnMatch("arn:aws:iam::123456789012:u*", "arn:aws:iam::123456789012:user/x"));
  EXPECT_FALSE(ResourceArnMatch("arn:aws:iam::123456789012:?ser/x", "arn:aws:iam::123456789012:user/x"));
  EXPECT_FALSE(ResourceArnMatch("arn:aws:iam::123456789012:use*/x", "arn:aws:iam::123456789012:user/x"));
  EXPECT_FALSE(ResourceArnMatch("arn:aws:redshift:*:*:*:my-cluster/*",
                                "arn:aws:redshift:us-west-2:1:dbuser:my-cluster/u"));
  // The glob alone would match each of these.
  EXPECT_TRUE(ArnGlobMatch("arn:aws:iam::123456789012:u*", "arn:aws:iam::123456789012:user/x", true));
}

TEST(ResourceArnMatch, TypeWrittenOutOrWholeStarMatches) {
  EXPECT_TRUE(ResourceArnMatch("arn:aws:iam::123456789012:user*", "arn:aws:iam::123456789012:user/x"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:user/x"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:iam::123456789012:*", "arn:aws:iam::123456789012:user/x"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:logs:*:*:*", "arn:aws:logs:us-east-1:1:log-group:g:*"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:ec2:*:*:**", "arn:aws:ec2:us-east-1:1:instance/i-1"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:redshift:*:*:dbuser:*", "arn:aws:redshift:us-west-2:1:dbuser:c/u"));
  // Prefix parts stay case-insensitive (M2); the type, in the resource part, is case-sensitive.
  EXPECT_TRUE(ResourceArnMatch("arn:AWS:IAM::123456789012:user/x", "arn:aws:iam::123456789012:user/x"));
  EXPECT_FALSE(ResourceArnMatch("arn:aws:iam::123456789012:User/x", "arn:aws:iam::123456789012:user/x"));
}

TEST(ResourceArnMatch, ResourcesWithoutTypeKeepPlainGlobs) {
  EXPECT_TRUE(ResourceArnMatch("arn:aws:s3:::my*", "arn:aws:s3:::my-bucket/key"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:s3:::*/key", "arn:aws:s3:::b/key"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:sqs:us-east-1:1:q*", "arn:aws:sqs:us-east-1:1:queue1"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:sns:us-east-1:1:t*", "arn:aws:sns:us-east-1:1:topic:sub-id"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:execute-api:us-east-1:1:*/prod/GET/*",
                               "arn:aws:execute-api:us-east-1:1:abc123/prod/GET/pets"));
  EXPECT_TRUE(ResourceArnMatch("arn:aws:iam::1:r*", "arn:aws:iam::1:root"));  // no separator
  // S3 access points carry region, account and a type.
  EXPECT_FALSE(ResourceArnMatch("arn:aws:s3:us-west-2:1:*/ap", "arn:aws:s3:us-west-2:1:accesspoint/ap"));
}

TEST(ResourceArnMatch, PartitionStarMatchesEveryPartition) {
  EXPECT_TRUE(ResourceArnMatch("arn:*:s3:::b/*", "arn:aws:s3:::b/k"));
  EXPECT_TRUE(ResourceArnMatch("arn:*:s3:::b/*", "arn:aws-cn:s3:::b/k"));
  EXPECT_FALSE(ResourceArnMatch("arn:*:s3:::b/*", "arn:aws:s3:::c/k"));
}

TEST(ResourceTypeLength, SplitsAtFirstSlashOrColon) {
  auto type = [](const char* arn) { return ResourceTypeLength(*SplitArn(arn)); };
  EXPECT_EQ(type("arn:aws:iam::1:user/x"), 4u);
  EXPECT_EQ(type("arn:aws:redshift:us-west-2:1:dbuser:c/u"), 6u);
  EXPECT_EQ(type("arn:aws:lambda:us-east-1:1:function:f"), 8u);
  EXPECT_EQ(type("arn:aws:iam::1:root"), std::nullopt);
  EXPECT_EQ(type("arn:aws:s3:::b/k"), std::nullopt);
  EXPECT_EQ(type("arn:aws:sqs:us-east-1:1:q"), std::nullopt);
}

TEST(IsKmsKeyArn, KeysOnly) {
  EXPECT_TRUE(IsKmsKeyArn("arn:aws:kms:us-east-1:123456789012:key/1234"));
  EXPECT_FALSE(IsKmsKeyArn("arn:aws:kms:us-east-1:123456789012:alias/a"));
  EXPECT_FALSE(IsKmsKeyArn("arn:aws:s3:::key/1234"));
  EXPECT_FALSE(IsKmsKeyArn("not-an-arn"));
}

}  // namespace
}  // namespace redtrust
