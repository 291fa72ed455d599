// WorldStore: a reload publishes a fully loaded world or nothing; snapshots taken before a reload
// keep their world.
#include "tools/redtrustd/world_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server_test_support.h"

namespace redtrust::server {
namespace {

using ::testing::HasSubstr;
using testing::kGuideWorld;
namespace fs = std::filesystem;

class WorldStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("redtrustd_world_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::copy(kGuideWorld, dir_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(WorldStoreTest, GoodReloadPublishesBadReloadKeepsTheOldWorld) {
  sim::LoadResult loaded = sim::LoadWorld(dir_.string());
  ASSERT_TRUE(loaded.ok());
  WorldStore store(dir_.string(), loaded.world, 5);
  std::shared_ptr<const sim::World> before = store.Get();
  EXPECT_EQ(store.generation(), 1u);

  ASSERT_TRUE(store.Reload(7).ok());
  EXPECT_EQ(store.generation(), 2u);
  EXPECT_EQ(store.loaded_at_micros(), 7);
  EXPECT_NE(store.Get(), before);
  EXPECT_EQ(before->roles().size(), 3u);  // a snapshot outlives the reload

  testing::WriteText(dir_ / "world.json", "{\"accounts\": [");
  sim::WorldDiagnostics diagnostics;
  std::shared_ptr<const sim::World> current = store.Get();
  Status s = store.Reload(9, &diagnostics);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("still serving generation 2"));
  EXPECT_FALSE(diagnostics.empty());
  EXPECT_EQ(store.Get(), current);
  EXPECT_EQ(store.generation(), 2u);
  EXPECT_EQ(store.loaded_at_micros(), 7);
  EXPECT_EQ(store.reloads_ok(), 1u);
  EXPECT_EQ(store.reloads_failed(), 1u);
}

}  // namespace
}  // namespace redtrust::server
