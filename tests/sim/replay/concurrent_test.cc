// A loaded World is immutable and shared as shared_ptr<const World> (world.h); replays are pure
// functions over it (replay.h). Many threads replay the golden scenarios' log against one world
// and must get the single-threaded answers. Run under ThreadSanitizer by .ci/run.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/json.h"
#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"

namespace redtrust::sim {
namespace {

// A fixed time for every replay (2026-01-01T00:00:00Z): tests never read the clock.
constexpr int64_t kReplayNow = 1767225600LL * 1000000;

constexpr int kThreads = 6;
constexpr int kRounds = 10;

struct Record {
  const Cluster* cluster;
  std::string user;
  ParsedStatement statement;
};

TEST(SimConcurrentTest, SharedWorldReplaysGiveSingleThreadedAnswers) {
  const std::string dir = std::string(REDTRUST_SOURCE_DIR) + "/fixtures/worlds/scenarios";
  LoadResult loaded = LoadWorld(dir);
  ASSERT_TRUE(loaded.ok());
  std::shared_ptr<const World> world = loaded.world;

  std::vector<Record> records;
  std::ifstream log(dir + "/log.jsonl");
  std::string line;
  while (std::getline(log, line)) {
    JsonValue v;
    ASSERT_FALSE(ParseJson(line, JsonOptions(), &v).has_value());
    const Cluster* c = world->FindCluster(v.Find("cluster")->text);
    SqlScript s = ParseSqlScript(v.Find("sql")->text);
    if (!c || s.statements.size() != 1) continue;
    records.push_back({c, v.Find("user")->text, s.statements[0]});
  }
  ASSERT_GT(records.size(), 20u);
  auto answer = [&](const Record& r) {
    ReplayResult res = ReplayStatement(*world, *r.cluster, r.user, r.statement, kReplayNow);
    std::string out = std::string(res.allowed ? "ALLOW " : "DENY ") + res.message;
    for (const GateStep& g : res.trace) {
      out += "\n" + std::string(GateName(g.gate)) + " " + g.summary;
      for (const std::string& d : g.details) out += "\n  " + d;
    }
    return out;
  };
  std::vector<std::string> expected;
  for (const Record& r : records) expected.push_back(answer(r));

  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (size_t i = 0; i < records.size(); ++i) {
          const size_t k = (i + static_cast<size_t>(t) * 5) % records.size();
          if (answer(records[k]) != expected[k]) mismatches.fetch_add(1);
          CanAssume(*world, *records[k].cluster, records[k].user,
                    "arn:aws:iam::111111111111:role/copy-role", AssumeRoleCommand::kCopy, kReplayNow);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace redtrust::sim
