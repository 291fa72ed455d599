// The documented limits (docs/limits.md): each is an error with a code and a position, and the
// inputs that used to exhaust time or memory finish fast. Hang guards (sanitizer builds
// included), not benchmarks: bench/limits_bench.cc has the figures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "engine/base/json.h"
#include "engine/eval/request.h"
#include "tools/questions/eval_json.h"
#include "engine/policy/reader.h"

namespace redtrust {
namespace {

using ::testing::HasSubstr;

constexpr std::chrono::milliseconds kTimeBudget(20000);

TEST(Limits, JsonValueCountIsBounded) {
  // 16 MiB of `[1,1,1,...]` used to build 8 million values (2 GB, ~10 s).
  const auto start = std::chrono::steady_clock::now();
  std::string text = "[";
  while (text.size() < (16u << 20) - 4) text += "1,";
  text += "1]";
  JsonValue v;
  auto err = ParseJson(text, JsonOptions(), &v);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, "json.too_many_values");
  EXPECT_EQ(err->message, "more than 1000000 values");
  EXPECT_EQ(err->pos.line, 1u);
  EXPECT_EQ(err->pos.column, 2000000u);  // the 1,000,001st value (the array is the first)
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeBudget);

  JsonOptions small;
  small.max_values = 3;
  EXPECT_FALSE(ParseJson("[1,2]", small, &v).has_value());  // the array and two numbers
  ASSERT_TRUE(ParseJson("[1,2,3]", small, &v).has_value());
}

std::string Statements(size_t n) {
  std::string s = "{\"Version\":\"2012-10-17\",\"Statement\":[\n";
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ",\n";
    s += R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})";
  }
  return s + "]}";
}

TEST(Limits, StatementsPerPolicy) {
  ValidateOptions no_quota;
  no_quota.max_policy_chars = 0;
  EXPECT_TRUE(ParsePolicy(Statements(kMaxPolicyStatements), PolicyKind::kIdentity, no_quota).ok());
  ParsedPolicy p = ParsePolicy(Statements(kMaxPolicyStatements + 1), PolicyKind::kIdentity, no_quota);
  ASSERT_FALSE(p.ok());
  ASSERT_EQ(p.diagnostics.size(), 1u);
  EXPECT_EQ(p.diagnostics[0].code, "policy.too_many_statements");
  EXPECT_EQ(p.diagnostics[0].message, "policy has 1001 statements; the limit is 1000");
  EXPECT_EQ(p.diagnostics[0].path, "/Statement/1000");
  EXPECT_EQ(p.diagnostics[0].pos.line, 1002u);
  EXPECT_EQ(p.diagnostics[0].pos.column, 1u);
}

TEST(Limits, ValuesPerPolicy) {
  ValidateOptions no_quota;
  no_quota.max_policy_chars = 0;
  std::string text = R"({"Statement":{"Effect":"Allow","Resource":"*","Action":[)";
  for (int i = 0; i < 20000; ++i) text += "\"s3:GetObject\",";
  text += "\"s3:PutObject\"]}}";
  ParsedPolicy p = ParsePolicy(text, PolicyKind::kIdentity, no_quota);
  ASSERT_FALSE(p.ok());
  ASSERT_EQ(p.diagnostics.size(), 1u);
  EXPECT_EQ(p.diagnostics[0].code, "json.too_many_values");
  EXPECT_EQ(p.diagnostics[0].message, "more than 20000 values");

  // A policy inside a larger document (a world file's inline policy).
  JsonValue v;
  ASSERT_FALSE(ParseJson(R"({"inline": )" + text + "}", JsonOptions(), &v).has_value());
  PolicyDocument doc;
  Diagnostics ds;
  EXPECT_FALSE(ReadPolicyFromJson(v.members[0].value, "/inline", text, &doc, &ds));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "json.too_many_values");
  EXPECT_EQ(ds[0].path, "/inline");
}

TEST(Limits, ContextValuesPerEvalLine) {
  std::string line = R"({"principal":{"AWS":"123456789012"},"action":"s3:GetObject",)"
                     R"("resource":"arn:aws:s3:::b/k","context":{"a:b":[)";
  for (int i = 0; i < 10000; ++i) line += "\"v\",";
  line += "\"v\"]}}";
  EvalSession session;
  bool is_error = false;
  const std::string out = session.EvaluateLine(line, 7, &is_error);
  EXPECT_TRUE(is_error);
  EXPECT_THAT(out, HasSubstr(R"x("code":"request.invalid","message":"`context` has more than 10000 values (docs/limits.md)","path":"/context/a:b","line":7)x"));
}

TEST(Limits, ManyContextKeysStayLinear) {
  // 88,000 keys in one eval line took 15 s when every Set scanned every key.
  const auto start = std::chrono::steady_clock::now();
  Context c;
  constexpr int kKeys = 100000;
  for (int i = 0; i < kKeys; ++i) c.Set("k:" + std::to_string(i), {"v"}, false);
  c.Set("K:7", {"replaced"}, true);  // keys compare case-insensitively; Set replaces
  ASSERT_EQ(c.entries().size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; i += 997) {
    const ContextEntry* e = c.Find("k:" + std::to_string(i));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->key, "k:" + std::to_string(i));
  }
  ASSERT_NE(c.Find("k:7"), nullptr);
  EXPECT_EQ(c.Find("k:7")->values[0], "replaced");
  EXPECT_EQ(c.Find("k:7")->key, "K:7");
  EXPECT_EQ(c.Find("k:100000"), nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeBudget);

  Context few;  // below the index threshold: the same answers
  few.Set("aws:SourceIp", {"10.0.0.1"}, false);
  few.Set("AWS:SOURCEIP", {"10.0.0.2"}, false);
  ASSERT_EQ(few.entries().size(), 1u);
  EXPECT_EQ(few.Find("aws:sourceip")->values[0], "10.0.0.2");
}

}  // namespace
}  // namespace redtrust
