// Issue 12 (outside audit), the replay's findings, on fixtures/replay-audit/:
//  - time: every request of a replay / CanAssume carries the caller's time (before the fix the
//    replay left Request::now_micros at 0, so `DateGreaterThan aws:CurrentTime 2020-...` denied
//    every COPY);
//  - COPY from PARQUET / ORC goes through Redshift Spectrum: its S3 requests carry
//    aws:UserAgent = "AWS Redshift/Spectrum" (DG-COLUMNAR, DG-SPIAM), switchable by the world
//    option spectrumUserAgentInContext;
//  - an S3 access denial carries Redshift's DETAIL box (code 8001, the key being read);
//  - maxChain above 10 takes effect (the parser's ceiling is 50).
#include <gtest/gtest.h>

#include <string>

#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"

namespace redtrust::sim {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t k2026 = 1767225600LL * kSecond;  // 2026-01-01T00:00:00Z
constexpr int64_t k2019 = 1559347200LL * kSecond;  // 2019-06-01T00:00:00Z
const char kAccount[] = "arn:aws:iam::111111111111:role/";

std::string Role(const std::string& name) { return kAccount + name; }

class AuditReplayTest : public ::testing::Test {
 protected:
  static std::shared_ptr<const World> Load(const std::string& file) {
    LoadResult r = LoadWorld(std::string(REDTRUST_SOURCE_DIR) + "/fixtures/replay-audit/" + file);
    for (const WorldDiagnostic& d : r.diagnostics) ADD_FAILURE() << d.ToString();
    return r.world;
  }
  void SetUp() override {
    world_ = Load("world.json");
    options_world_ = Load("world-options.json");
    ASSERT_TRUE(world_ && options_world_);
  }
  static ReplayResult Replay(const World& world, const std::string& sql, int64_t now) {
    SqlScript script = ParseSqlScript(sql);
    EXPECT_TRUE(script.errors.empty()) << sql;
    EXPECT_EQ(script.statements.size(), 1u) << sql;
    if (script.statements.size() != 1) return {};
    return ReplayStatement(world, *world.FindCluster("audit"), "alice", script.statements[0], now);
  }
  static std::string Copy(const std::string& from, const std::string& role,
                          const std::string& format = "CSV") {
    return "COPY t FROM '" + from + "' IAM_ROLE '" + role + "' " + format;
  }
  static std::string Trace(const ReplayResult& r) {
    std::string out;
    for (const GateStep& s : r.trace) {
      out += std::string(GateName(s.gate)) + ": " + s.summary + "\n";
      for (const std::string& d : s.details) out += "  " + d + "\n";
    }
    return out;
  }
  std::shared_ptr<const World> world_, options_world_;
};

// ---- Time

TEST_F(AuditReplayTest, TrustConditionOnCurrentTimeSeesTheCallersTime) {
  const std::string sql = Copy("s3://audit-data/csv/", Role("time-gated"));
  ReplayResult now = Replay(*world_, sql, k2026);
  EXPECT_TRUE(now.evaluated && now.allowed) << now.message << "\n" << Trace(now);
  ReplayResult before = Replay(*world_, sql, k2019);
  EXPECT_TRUE(before.evaluated);
  EXPECT_FALSE(before.allowed);
  EXPECT_EQ(before.failing_gate, Gate::kStsHop1) << Trace(before);
  // The epoch is a time like any other (no hidden default): 1970 is before 2020.
  ReplayResult epoch = Replay(*world_, sql, 0);
  EXPECT_FALSE(epoch.allowed);
  EXPECT_EQ(epoch.failing_gate, Gate::kStsHop1);
}

TEST_F(AuditReplayTest, LaterHopsSeeTheCallersTimeToo) {
  const std::string sql =
      Copy("s3://audit-data/csv/", Role("loader") + "," + Role("time-gated-hop"));
  ReplayResult now = Replay(*world_, sql, k2026);
  EXPECT_TRUE(now.evaluated && now.allowed) << now.message << "\n" << Trace(now);
  ReplayResult before = Replay(*world_, sql, k2019);
  EXPECT_FALSE(before.allowed);
  EXPECT_EQ(before.failing_gate, Gate::kStsChain) << Trace(before);
}

TEST_F(AuditReplayTest, CanAssumeSeesTheCallersTime) {
  const Cluster& c = *world_->FindCluster("audit");
  ReplayResult now = CanAssume(*world_, c, "alice", Role("time-gated"), AssumeRoleCommand::kCopy,
                               k2026);
  EXPECT_TRUE(now.evaluated && now.allowed) << now.message;
  ReplayResult before = CanAssume(*world_, c, "alice", Role("time-gated"),
                                  AssumeRoleCommand::kCopy, k2019);
  EXPECT_FALSE(before.allowed);
  EXPECT_EQ(before.failing_gate, Gate::kStsHop1);
}

// ---- Spectrum's user agent

TEST_F(AuditReplayTest, ColumnarCopyCarriesSpectrumsUserAgent) {
  // The bucket policy denies aws:UserAgent = "AWS Redshift/Spectrum": a CSV COPY passes, a
  // Parquet or ORC COPY (read through Spectrum) is denied at P9.
  ReplayResult csv = Replay(*world_, Copy("s3://audit-data/csv/", Role("loader")), k2026);
  EXPECT_TRUE(csv.evaluated && csv.allowed) << csv.message << "\n" << Trace(csv);
  EXPECT_EQ(Trace(csv).find("aws:UserAgent = "), std::string::npos) << Trace(csv);
  for (const char* format : {"FORMAT AS PARQUET", "FORMAT AS ORC", "PARQUET"}) {
    const std::string prefix = std::string(format).find("ORC") != std::string::npos
                                   ? "s3://audit-data/orc/"
                                   : "s3://audit-data/parquet/";
    ReplayResult r = Replay(*world_, Copy(prefix, Role("loader"), format), k2026);
    EXPECT_TRUE(r.evaluated) << format << ": " << r.message;
    EXPECT_FALSE(r.allowed) << format << "\n" << Trace(r);
    EXPECT_EQ(r.failing_gate, Gate::kPermissions) << format;
    EXPECT_NE(Trace(r).find("aws:UserAgent = `AWS Redshift/Spectrum`"), std::string::npos)
        << Trace(r);
  }
}

TEST_F(AuditReplayTest, SpectrumUserAgentCanBeSwitchedOff) {
  EXPECT_TRUE(world_->options().spectrum_user_agent_in_context);
  EXPECT_FALSE(options_world_->options().spectrum_user_agent_in_context);
  ReplayResult r = Replay(*options_world_,
                          Copy("s3://audit-data/parquet/", Role("loader"), "FORMAT AS PARQUET"), k2026);
  EXPECT_TRUE(r.evaluated && r.allowed) << r.message << "\n" << Trace(r);
}

TEST_F(AuditReplayTest, UnloadCarriesNoSpectrumUserAgent) {
  // UNLOAD (even to Parquet) is not documented to go through Spectrum; the loader role cannot
  // write, so the request is denied by identity, and no user agent is sent.
  SqlScript script = ParseSqlScript(
      "UNLOAD ('select 1') TO 's3://audit-data/out/' IAM_ROLE '" + Role("loader") +
      "' FORMAT AS PARQUET");
  ASSERT_EQ(script.statements.size(), 1u);
  ReplayResult r =
      ReplayStatement(*world_, *world_->FindCluster("audit"), "alice", script.statements[0], k2026);
  // (The trace may list aws:UserAgent among the keys the bucket policy reads and the request lacks.)
  EXPECT_EQ(Trace(r).find("aws:UserAgent = "), std::string::npos) << Trace(r);
}

// ---- The DETAIL box of an S3 access denial

constexpr char kRule[] = "  -----------------------------------------------";
constexpr char kDenied[] = "S3ServiceException:Access Denied,Status 403,Error AccessDenied";

std::string Box(const std::string& context) {
  return std::string(kRule) + "\n  error:  " + kDenied + "\n  code:      8001\n  context:   " +
         context + "\n" + kRule;
}

TEST_F(AuditReplayTest, DeniedObjectReadNamesTheKeyInTheDetail) {
  ReplayResult r = Replay(*world_, Copy("s3://audit-locked/secret/", Role("loader")), k2026);
  ASSERT_TRUE(r.evaluated);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.failing_gate, Gate::kPermissions);
  const std::string box = Box("S3 key being read : s3://audit-locked/secret/part-0000.csv");
  EXPECT_EQ(r.detail, box);
  EXPECT_EQ(r.message, std::string("ERROR:  ") + kDenied + "\nDETAIL:\n" + box);
}

TEST_F(AuditReplayTest, DeniedListHasAnEmptyContext) {
  ReplayResult r = Replay(*world_, Copy("s3://audit-data/parquet/", Role("loader"), "PARQUET"),
                          k2026);
  ASSERT_FALSE(r.allowed);
  EXPECT_EQ(r.detail, Box(""));
  EXPECT_EQ(r.message, std::string("ERROR:  ") + kDenied + "\nDETAIL:\n" + Box(""));
}

TEST_F(AuditReplayTest, OtherMessagesHaveNoDetail) {
  ReplayResult before = Replay(*world_, Copy("s3://audit-data/csv/", Role("time-gated")), k2019);
  EXPECT_FALSE(before.allowed);
  EXPECT_EQ(before.detail, "");
  EXPECT_EQ(before.message.find('\n'), std::string::npos) << before.message;
  ReplayResult allowed = Replay(*world_, Copy("s3://audit-data/csv/", Role("loader")), k2026);
  EXPECT_EQ(allowed.detail, "");
}

// ---- maxChain and the parser's ceiling (docs/replay.md)

TEST_F(AuditReplayTest, MaxChainAboveTenTakesEffect) {
  std::string chain;
  for (int k = 1; k <= 11; ++k) chain += (k > 1 ? "," : "") + Role("c" + std::to_string(k));
  const std::string sql = Copy("s3://audit-data/csv/", chain);
  ReplayResult by_default = Replay(*world_, sql, k2026);
  ASSERT_TRUE(by_default.evaluated) << by_default.message;
  EXPECT_FALSE(by_default.allowed);
  EXPECT_EQ(by_default.failing_gate, Gate::kOptions);
  EXPECT_EQ(by_default.message, "ERROR:  IAM role chain has 11 roles; at most 10 are allowed");
  ReplayResult twelve = Replay(*options_world_, sql, k2026);
  EXPECT_TRUE(twelve.evaluated && twelve.allowed) << twelve.message << "\n" << Trace(twelve);
}

}  // namespace
}  // namespace redtrust::sim
