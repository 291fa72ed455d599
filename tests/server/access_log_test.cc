// The access log line: one JSON object with every field, strings escaped.
#include "tools/redtrustd/access_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace redtrust::server {
namespace {

TEST(AccessLogTest, LineIsOneJsonObject) {
  AccessEntry e;
  e.time_micros = 1767225600000123;
  e.remote = "127.0.0.1:5000";
  e.method = "POST";
  e.target = "/v1/eval?x=\"q\"";
  e.route = "/v1/eval";
  e.status = 200;
  e.decision = "allowed";
  e.latency_us = 84;
  e.request_bytes = 606;
  e.bytes = 190;
  std::string line;
  AppendAccessLine(e, &line);
  EXPECT_EQ(line,
            "{\"time\":\"2026-01-01T00:00:00.000123Z\",\"remote\":\"127.0.0.1:5000\","
            "\"method\":\"POST\",\"target\":\"/v1/eval?x=\\\"q\\\"\",\"route\":\"/v1/eval\","
            "\"status\":200,\"decision\":\"allowed\",\"latency_us\":84,\"request_bytes\":606,"
            "\"bytes\":190}\n");
  e.decision = "";
  line.clear();
  AppendAccessLine(e, &line);
  EXPECT_EQ(nlohmann::json::parse(line)["decision"], nullptr);
}

}  // namespace
}  // namespace redtrust::server
