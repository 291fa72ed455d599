// The simulator's KMS gate (P9) inherits the engine's key-policy rule (docs/semantics.md K-KMS,
// issue 18): IAM policies count for a KMS key only when the key policy allows the account. The
// golden world's key has AWS's default key policy, which does; a custom key policy that names
// neither the role nor the account makes the role's identity allow for kms:GenerateDataKey
// useless, so UNLOAD ... ENCRYPTED KMS_KEY_ID is denied.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"

namespace redtrust::sim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKeyArn =
    "arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
constexpr const char* kDefaultDescription =
    "\"description\": \"default key policy: IAM policies of 111111111111 decide\"";
// writer-role's identity policy allows kms:GenerateDataKey and kms:Decrypt on the key.
constexpr const char* kUnload =
    "UNLOAD ('select * from sales') TO 's3://rt-unload/fresh/' IAM_ROLE "
    "'arn:aws:iam::111111111111:role/writer-role' ENCRYPTED KMS_KEY_ID "
    "'arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'";

std::string KeyPolicy(const std::string& principal) {
  return std::string("\"policy\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
                     "\"Allow\", \"Principal\": {\"AWS\": \"") +
         principal + "\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"}]}";
}

class KmsKeyPolicyTest : public ::testing::Test {
 protected:
  // The golden scenarios world with the key's description replaced by `key_field` (a policy),
  // or unchanged when `key_field` is empty.
  ReplayResult Unload(const std::string& key_field) {
    const fs::path src = fs::path(REDTRUST_SOURCE_DIR) / "fixtures/worlds/scenarios";
    // ctest runs each test in its own process, two at a time: the directory is the test's own.
    const fs::path dir =
        fs::path(::testing::TempDir()) /
        ("kms_key_policy_" + std::to_string(getpid()) + "_" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
         std::to_string(counter_++));
    fs::remove_all(dir);
    fs::copy(src, dir, fs::copy_options::recursive);
    if (!key_field.empty()) {
      std::ifstream in(dir / "world.json");
      std::stringstream buf;
      buf << in.rdbuf();
      std::string text = buf.str();
      const size_t at = text.find(kDefaultDescription);
      EXPECT_NE(at, std::string::npos);
      if (at == std::string::npos) return {};
      text.replace(at, std::string(kDefaultDescription).size(), key_field);
      std::ofstream out(dir / "world.json", std::ios::trunc);
      out << text;
      EXPECT_TRUE(out.good());
    }
    LoadResult loaded = LoadWorld(dir.string());
    EXPECT_TRUE(loaded.ok());
    if (!loaded.ok()) return {};
    const Cluster* cluster = loaded.world->FindCluster("analytics");
    EXPECT_NE(cluster, nullptr);
    SqlScript script = ParseSqlScript(kUnload);
    EXPECT_EQ(script.statements.size(), 1u);
    if (!cluster || script.statements.size() != 1) return {};
    ReplayOptions options;
    options.trace = true;
    ReplayResult r = ReplayStatement(*loaded.world, *cluster, "eng", script.statements[0],
                                     /*now_micros=*/1767225600000000, options);
    fs::remove_all(dir);
    return r;
  }

  static std::string Trace(const ReplayResult& r) {
    std::string out = r.message;
    for (const GateStep& g : r.trace) {
      out += "\n" + g.summary;
      for (const std::string& d : g.details) out += "\n  " + d;
    }
    return out;
  }

  int counter_ = 0;
};

TEST_F(KmsKeyPolicyTest, DefaultKeyPolicyEnablesIamPolicies) {
  ReplayResult r = Unload("");
  EXPECT_TRUE(r.evaluated);
  EXPECT_TRUE(r.allowed) << Trace(r);
}

TEST_F(KmsKeyPolicyTest, AccountRootInKeyPolicyEnablesIamPolicies) {
  ReplayResult r = Unload(KeyPolicy("arn:aws:iam::111111111111:root"));
  EXPECT_TRUE(r.allowed) << Trace(r);
}

TEST_F(KmsKeyPolicyTest, KeyPolicyNamingTheRoleAllowsWithoutIamPolicies) {
  ReplayResult r = Unload(KeyPolicy("arn:aws:iam::111111111111:role/writer-role"));
  EXPECT_TRUE(r.allowed) << Trace(r);
}

TEST_F(KmsKeyPolicyTest, KeyPolicyThatDoesNotEnableIamPoliciesDeniesUnload) {
  // Names another role only: writer-role's identity allow has no effect (K-KMS).
  ReplayResult r = Unload(KeyPolicy("arn:aws:iam::111111111111:role/kms-reader-role"));
  EXPECT_TRUE(r.evaluated);
  EXPECT_FALSE(r.allowed) << Trace(r);
  EXPECT_NE(Trace(r).find("kms:GenerateDataKey"), std::string::npos) << Trace(r);
  EXPECT_NE(Trace(r).find(kKeyArn), std::string::npos) << Trace(r);
}

}  // namespace
}  // namespace redtrust::sim
