#include "engine/policy/arn.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "engine/condition/values.h"

namespace redtrust {
namespace {

TEST(SplitArn, SixParts) {
  std::optional<ArnParts> p = SplitArn("arn:aws:s3:::my_bucket/key");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->partition, "aws");
  EXPECT_EQ(p->service, "s3");
  EXPECT_EQ(p->region, "");
  EXPECT_EQ(p->account, "");
  EXPECT_EQ(p->resource, "my_bucket/key");

  p = SplitArn("arn:aws-us-gov:iam::123456789012:role/path/Name");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->partition, "aws-us-gov");
  EXPECT_EQ(p->service, "iam");
  EXPECT_EQ(p->account, "123456789012");
  EXPECT_EQ(p->resource, "role/path/Name");
}

TEST(SplitArn, ResourceKeepsColonsAndSlashes) {
  // R2: the dbuser resource has a colon, and so may the user name.
  std::optional<ArnParts> p =
      SplitArn("arn:aws:redshift:us-east-1:123456789012:dbuser:my-cluster/myco_aad:bob");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->region, "us-east-1");
  EXPECT_EQ(p->resource, "dbuser:my-cluster/myco_aad:bob");
}

TEST(SplitArn, RejectsNonArns) {
  for (std::string_view bad :
       {"", "arn:", "arn:aws:s3::", "aws:s3:::x", "ARN:aws:s3:::x", "arn", "*",
        "arn:aws:iam::123456789012", " arn:aws:s3:::x", "urn:aws:s3:::x"}) {
    EXPECT_EQ(SplitArn(bad), std::nullopt) << "`" << bad << "`";
  }
  std::optional<ArnParts> empty = SplitArn("arn:::::");
  ASSERT_TRUE(empty.has_value());  // five colons: six (empty) parts
  EXPECT_EQ(empty->resource, "");
}

TEST(ArnGlobMatch, C12WorkedExample) {
  constexpr std::string_view kPattern = "arn:aws:someservice:*:111122223333:finance/*";
  constexpr std::string_view kValue =
      "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
  EXPECT_TRUE(GlobMatch(kPattern, kValue, false));      // StringLike matches ...
  EXPECT_FALSE(ArnGlobMatch(kPattern, kValue, false));  // ... ArnLike does not
  EXPECT_TRUE(ArnGlobMatch(
      kPattern, "arn:aws:someservice:us-east-2:111122223333:finance/document.txt", false));
}

TEST(ArnGlobMatch, DotIsNotAWildcard) {
  // STYLE guideline 3 must-pass case.
  EXPECT_FALSE(ArnGlobMatch("arn:aws:s3:::my.bucket/*", "arn:aws:s3:::myxbucket/k", false));
  EXPECT_TRUE(ArnGlobMatch("arn:aws:s3:::my.bucket/*", "arn:aws:s3:::my.bucket/k", false));
}

TEST(ArnGlobMatch, StarInResourceCrossesColonAndSlash) {
  EXPECT_TRUE(ArnGlobMatch("arn:aws:redshift:us-east-1:123456789012:dbuser:*",
                           "arn:aws:redshift:us-east-1:123456789012:dbuser:c1/IAM:temp_craig",
                           false));
  EXPECT_TRUE(ArnGlobMatch("arn:aws:redshift:*:123456789012:dbuser:c1/*",
                           "arn:aws:redshift:eu-west-1:123456789012:dbuser:c1/a:b/c", false));
  EXPECT_FALSE(ArnGlobMatch("arn:aws:redshift:*:123456789012:dbuser:c1/*",
                            "arn:aws:redshift:eu-west-1:123456789012:dbuser:c2/a", false));
}

TEST(ArnGlobMatch, WildcardNeverCrossesTheFirstFiveColons) {
  // Only five parts in the pattern: not an ARN pattern, although a whole-string glob matches.
  EXPECT_TRUE(
      GlobMatch("arn:aws:*:123456789012:role/x", "arn:aws:iam::123456789012:role/x", false));
  EXPECT_FALSE(
      ArnGlobMatch("arn:aws:*:123456789012:role/x", "arn:aws:iam::123456789012:role/x", false));
  EXPECT_FALSE(ArnGlobMatch("arn:*", "arn:aws:iam::123456789012:role/x", false));
  // A region wildcard matches one region, not "region:account".
  EXPECT_FALSE(
      ArnGlobMatch("arn:aws:sqs:*:queue", "arn:aws:sqs:us-east-1:123456789012:queue", false));
  EXPECT_TRUE(
      ArnGlobMatch("arn:aws:sqs:*:*:queue", "arn:aws:sqs:us-east-1:123456789012:queue", false));
  EXPECT_TRUE(ArnGlobMatch("arn:aws:s3:*:*:b", "arn:aws:s3:::b", false));  // `*` matches empty
  EXPECT_TRUE(ArnGlobMatch("arn:aws:sqs:us-east-?:*:q", "arn:aws:sqs:us-east-1:1:q", false));
  EXPECT_FALSE(ArnGlobMatch("arn:aws:sqs:us-east-?:*:q", "arn:aws:sqs:us-east-10:1:q", false));
}

TEST(ArnGlobMatch, FewerThanSixPartsNeverMatch) {
  EXPECT_FALSE(ArnGlobMatch("*", "arn:aws:s3:::b", false));
  EXPECT_FALSE(ArnGlobMatch("arn:aws:s3:::b", "arn:aws:s3::b", false));
  EXPECT_FALSE(ArnGlobMatch("arn:aws:s3:::*", "not-an-arn", false));
  EXPECT_FALSE(ArnGlobMatch("arn:aws:s3:::*", "", false));
}

TEST(ArnGlobMatch, PrefixIgnoreCase) {
  constexpr std::string_view kValue = "arn:aws:iam::123456789012:role/X";
  EXPECT_TRUE(ArnGlobMatch("arn:AWS:IAM::123456789012:role/X", kValue, true));
  EXPECT_FALSE(ArnGlobMatch("arn:AWS:IAM::123456789012:role/X", kValue, false));
  // The resource part is always case-sensitive.
  EXPECT_FALSE(ArnGlobMatch("arn:aws:iam::123456789012:role/x", kValue, true));
  EXPECT_FALSE(ArnGlobMatch("arn:aws:iam::123456789012:ROLE/*", kValue, true));
  EXPECT_TRUE(ArnGlobMatch("arn:aws:sqs:US-EAST-*:*:q", "arn:aws:sqs:us-east-1:1:q", true));
}

TEST(ArnGlobMatch, PartitionsDiffer) {
  // M11: partitions never cross.
  EXPECT_FALSE(ArnGlobMatch("arn:aws:iam::123456789012:role/R",
                            "arn:aws-cn:iam::123456789012:role/R", false));
  EXPECT_TRUE(ArnGlobMatch("arn:aws*:iam::123456789012:role/R",
                           "arn:aws-cn:iam::123456789012:role/R", false));
}

TEST(IsKnownPartition, ThreePartitions) {
  EXPECT_TRUE(IsKnownPartition("aws"));
  EXPECT_TRUE(IsKnownPartition("aws-cn"));
  EXPECT_TRUE(IsKnownPartition("aws-us-gov"));
  for (std::string_view bad : {"", "AWS", "aws-iso", "aws-iso-b", "aws ", "aws-us"}) {
    EXPECT_FALSE(IsKnownPartition(bad)) << bad;
  }
}

TEST(PartitionOfRegion, ByPrefix) {
  EXPECT_EQ(PartitionOfRegion("us-west-2"), "aws");
  EXPECT_EQ(PartitionOfRegion("eu-central-1"), "aws");
  EXPECT_EQ(PartitionOfRegion("ap-southeast-4"), "aws");
  EXPECT_EQ(PartitionOfRegion("il-central-1"), "aws");
  EXPECT_EQ(PartitionOfRegion("cn-north-1"), "aws-cn");
  EXPECT_EQ(PartitionOfRegion("cn-northwest-1"), "aws-cn");
  EXPECT_EQ(PartitionOfRegion("us-gov-west-1"), "aws-us-gov");
  EXPECT_EQ(PartitionOfRegion("us-gov-east-1"), "aws-us-gov");
}

TEST(PartitionOfRegion, IsoRegionsAreValidNamesWithoutPartition) {
  for (std::string_view iso :
       {"us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"}) {
    EXPECT_TRUE(IsValidRegionName(iso)) << iso;
    EXPECT_EQ(PartitionOfRegion(iso), std::nullopt) << iso;
  }
}

TEST(IsValidRegionName, Shape) {
  EXPECT_TRUE(IsValidRegionName("us-east-1"));
  EXPECT_TRUE(IsValidRegionName("us-gov-west-1"));
  EXPECT_TRUE(IsValidRegionName("me-south-12"));
  for (std::string_view bad :
       {"", "us-east", "US-EAST-1", "us-east-1a", "useast1", "u-east-1", "usa-east-1",
        "us-east-1-bos-1", "us-foo-east-1", "us-isoxx-east-1", "us--1", "-east-1", "us-east-",
        "us-east-x", "us_east_1", "us-gov-west-1 ", "us-east-1-", "aws-global"}) {
    EXPECT_FALSE(IsValidRegionName(bad)) << "`" << bad << "`";
    EXPECT_EQ(PartitionOfRegion(bad), std::nullopt) << "`" << bad << "`";
  }
}

TEST(IsAccountId, TwelveDigits) {
  EXPECT_TRUE(IsAccountId("123456789012"));
  EXPECT_TRUE(IsAccountId("000000000000"));
  for (std::string_view bad : {"", "12345678901", "1234567890123", "12345678901a", "-12345678901",
                               " 23456789012", "１23456789012"}) {
    EXPECT_FALSE(IsAccountId(bad)) << bad;
  }
}

}  // namespace
}  // namespace redtrust
