// The world's key table for redtrustd's AWS endpoints: `service_keys` and `session_keys`
// beside the IAM users' keys (docs/world.md, docs/aws-api.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/model/world.h"

namespace redtrust::sim {
namespace {

using ::testing::ElementsAre;

const std::string kSource = REDTRUST_SOURCE_DIR;

using Finding = std::tuple<uint32_t, uint32_t, std::string>;

std::vector<Finding> Findings(const WorldDiagnostics& ds) {
  std::vector<Finding> out;
  for (const WorldDiagnostic& d : ds) {
    out.emplace_back(d.diagnostic.pos.line, d.diagnostic.pos.column, d.diagnostic.code);
  }
  return out;
}

std::string Dump(const WorldDiagnostics& ds) {
  std::string out;
  for (const WorldDiagnostic& d : ds) out += "  " + d.ToString() + "\n";
  return out;
}

LoadResult LoadText(const std::string& world) {
  std::map<std::string, std::string> files = {
      {"w/world.json", world},
      {"w/trust.json",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]})"}};
  LoadOptions options;
  options.read_file = [files](const std::string& path) -> StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound("No such file or directory");
    return it->second;
  };
  return LoadWorld("w/world.json", options);
}

TEST(WorldKeys, AwsApiFixtureLoads) {
  LoadResult r = LoadWorld(kSource + "/fixtures/worlds/aws-api");
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  const World& w = *r.world;
  const ServiceKey* sk = w.FindServiceKey("AKIAREDSHIFTEUWEST01");
  ASSERT_NE(sk, nullptr);
  EXPECT_EQ(sk->service, "redshift.eu-west-1.amazonaws.com");
  EXPECT_FALSE(sk->key.secret.empty());
  const SessionKey* ss = w.FindSessionKey("ASIAANALYSTSESSION01");
  ASSERT_NE(ss, nullptr);
  ASSERT_NE(ss->role, nullptr);
  EXPECT_EQ(ss->role->arn, "arn:aws:iam::111122223333:role/Analyst");
  EXPECT_EQ(ss->session_name, "nightly-etl");
  EXPECT_EQ(ss->session_token, "world-declared-session-token");
  // Each table answers for its own keys only.
  EXPECT_EQ(w.FindAccessKey("AKIAREDSHIFTEUWEST01").first, nullptr);
  EXPECT_EQ(w.FindServiceKey("AKIAALICE00000000001"), nullptr);
  EXPECT_NE(w.FindAccessKey("AKIAALICE00000000001").first, nullptr);
}

TEST(WorldKeys, EveryProblemAtItsPosition) {
  LoadResult r = LoadText(R"({
  "accounts": ["123456789012"],
  "roles": [{"arn": "arn:aws:iam::123456789012:role/R", "trust_policy": "trust.json"}],
  "users": [{"arn": "arn:aws:iam::123456789012:user/u", "access_keys": [{"id": "AKIAUSERKEY000000001"}]}],
  "service_keys": [
    {"id": "AKIAUSERKEY000000001", "secret": "s", "service": "redshift.amazonaws.com"},
    {"id": "AKIASERVICE000000001", "secret": "s", "service": "not a service"},
    {"id": "AKIASERVICE000000002", "service": "redshift.amazonaws.com", "region": "x"}
  ],
  "session_keys": [
    {"id": "ASIASESSION000000001", "secret": "s", "role": "arn:aws:iam::123456789012:role/Nope", "session_name": "s1"},
    {"id": "ASIASESSION000000002", "secret": "s", "role": "arn:aws:iam::123456789012:role/R", "session_name": "bad/name"}
  ]
})");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(
      Findings(r.diagnostics),
      ElementsAre(Finding{6, 12, "world.duplicate_id"}, Finding{7, 62, "world.invalid_value"},
                  Finding{8, 5, "world.missing_field"}, Finding{8, 73, "world.unknown_field"},
                  Finding{11, 59, "world.unknown_role"}, Finding{12, 111, "world.invalid_value"}))
      << Dump(r.diagnostics);
}

TEST(WorldKeys, WorldsWithoutTheNewSectionsStillLoad) {
  LoadResult r = LoadWorld(kSource + "/fixtures/worlds/redshift-guide");
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  EXPECT_TRUE(r.world->service_keys().empty());
  EXPECT_TRUE(r.world->session_keys().empty());
}

}  // namespace
}  // namespace redtrust::sim
