// Issue 12, CLI items: the world loader uses the one region table (an unknown region is
// world.invalid_region unless `options.allowUnknownRegions`) and the one IAM ARN validator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "sim/model/world.h"

namespace redtrust::sim {
namespace {

using ::testing::HasSubstr;

LoadResult LoadFiles(const std::map<std::string, std::string>& files) {
  LoadOptions options;
  options.read_file = [files](const std::string& path) -> StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound("No such file or directory");
    return it->second;
  };
  return LoadWorld("w/world.json", options);
}

const char* kTrust = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"}]})";

std::string World(const std::string& options, const std::string& region,
                  const std::string& role_arn = "arn:aws:iam::123456789012:role/R") {
  return R"({"accounts": ["123456789012"], )" + options +
         R"("roles": [{"arn": ")" + role_arn + R"(", "trust_policy": "trust.json"}],
  "clusters": [{"id": "c", "account": "123456789012", "region": ")" + region +
         R"(", "kind": "provisioned"}]})";
}

TEST(AuditCliWorld, UnknownRegionIsRefused) {
  LoadResult r = LoadFiles({{"w/world.json", World("", "eu-west-99")}, {"w/trust.json", kTrust}});
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].diagnostic.code, "world.invalid_region");
  EXPECT_THAT(r.diagnostics[0].diagnostic.message, HasSubstr("unknown region"));
  EXPECT_THAT(r.diagnostics[0].diagnostic.help, HasSubstr("allowUnknownRegions"));
}

TEST(AuditCliWorld, AllowUnknownRegionsAdmitsAWellFormedName) {
  LoadResult r = LoadFiles({{"w/world.json",
                             World(R"("options": {"allowUnknownRegions": true}, )", "eu-west-99")},
                            {"w/trust.json", kTrust}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.world->FindCluster("c")->region, "eu-west-99");
  EXPECT_TRUE(r.world->options().allow_unknown_regions);
  // ...but never a malformed one.
  r = LoadFiles({{"w/world.json", World(R"("options": {"allowUnknownRegions": true}, )", "mars-1")},
                 {"w/trust.json", kTrust}});
  EXPECT_FALSE(r.ok());
}

TEST(AuditCliWorld, KnownNewRegionLoads) {
  LoadResult r = LoadFiles({{"w/world.json", World("", "ap-southeast-7")}, {"w/trust.json", kTrust}});
  EXPECT_TRUE(r.ok());
}

TEST(AuditCliWorld, RoleArnRulesAreTheCliRules) {
  LoadResult r = LoadFiles({{"w/world.json", World("", "us-east-1",
                                                   "arn:aws:iam::123456789012:role/" +
                                                       std::string(65, 'r'))},
                            {"w/trust.json", kTrust}});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.diagnostics[0].diagnostic.message, HasSubstr("1 to 64 characters"));
}

}  // namespace
}  // namespace redtrust::sim
