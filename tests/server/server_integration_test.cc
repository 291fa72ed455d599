// The redtrustd binary, started the way a user starts it (port 0, the guide world): the JSON of
// every /v1 route equals the `redtrust` CLI's byte for byte over one keep-alive connection;
// SIGHUP reloads a good world and rejects a bad one; SIGTERM finishes the request in flight and
// exits 0; startup failures exit 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "../support/run_binary.h"
#include "server_test_support.h"

namespace redtrust::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
using testing::Client;
using testing::ReadText;
using testing::ServerProcess;
using testing::WriteText;
using testing_support::RunBinary;
using testing_support::RunResult;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr char kNow[] = "2026-01-01T00:00:00Z";

class ServerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    tmp_ = fs::path(::testing::TempDir()) /
           ("redtrustd_it_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  // `redtrust args...` in the source directory.
  RunResult Cli(const std::vector<std::string>& args) {
    fs::create_directories(tmp_ / "cli");
    return RunBinary(std::string(testing::kBinDir) + "/redtrust", args, testing::kSourceDir,
                     tmp_ / "cli");
  }

  // Polls /healthz until the world generation is `g` (or 5 s pass).
  bool WaitForGeneration(uint16_t port, int g) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      Client c(port);
      auto r = c.Request(http::verb::get, "/healthz");
      if (r && json::parse(r->body())["world"]["generation"] == g) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  fs::path tmp_;
};

TEST_F(ServerIntegrationTest, RoutesAnswerWhatTheCliPrints) {
  ServerProcess server(tmp_);
  ASSERT_TRUE(server.Start({"--world", "fixtures/worlds/redshift-guide", "--listen", "127.0.0.1:0",
                            "--now", kNow, "--threads", "2"}));
  Client c(server.port());  // one keep-alive connection for every route

  // eval: each line of the guide's requests.
  RunResult eval = Cli({"eval", "--now", kNow, "fixtures/redshift-guide/requests.jsonl"});
  ASSERT_EQ(eval.exit_code, 0) << eval;
  std::istringstream requests(ReadText(std::string(testing::kSourceDir) +
                                       "/fixtures/redshift-guide/requests.jsonl"));
  std::istringstream answers(eval.out);
  for (std::string request, answer; std::getline(requests, request) && std::getline(answers, answer);) {
    auto r = c.Request(http::verb::post, "/v1/eval", request);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body(), answer + "\n");
  }

  // can, trust-policy form: the policy's text and its file name, as the CLI reads them.
  for (const char* user : {"user1", "user3"}) {
    const std::string file = "fixtures/redshift-guide/trust-externalid.json";
    RunResult cli = Cli({"can", "--trust-policy", file, "--user", user, "--cluster", "my-cluster",
                         "--region", "us-west-2", "--account", "123456789012", "--json", "--now", kNow});
    auto r = c.Request(http::verb::post, "/v1/can",
                       json({{"trust_policy", ReadText(std::string(testing::kSourceDir) + "/" + file)},
                             {"trust_policy_name", file}, {"user", user}, {"cluster", "my-cluster"},
                             {"region", "us-west-2"}, {"account", "123456789012"}})
                           .dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), http::status::ok);
    EXPECT_EQ(r->body(), cli.out) << user;
  }

  // can, world form.
  for (const char* user : {"user1", "user3"}) {
    RunResult cli = Cli({"can", user, "--world", "fixtures/worlds/redshift-guide", "--cluster",
                         "my-cluster", "--role", "RedshiftCopyUnloadExternalId", "--json"});
    auto r = c.Request(http::verb::post, "/v1/can",
                       json({{"user", user}, {"cluster", "my-cluster"},
                             {"role", "RedshiftCopyUnloadExternalId"}}).dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body(), cli.out) << user;
  }

  // replay: the guide log as JSON Lines, named as the CLI names it.
  const std::string log = "fixtures/worlds/redshift-guide/log.jsonl";
  RunResult replay = Cli({"replay", "--world", "fixtures/worlds/redshift-guide", log, "--json"});
  ASSERT_EQ(replay.exit_code, 0) << replay;
  auto rr = c.Request(http::verb::post, "/v1/replay?source=" + log,
                      ReadText(std::string(testing::kSourceDir) + "/" + log), "application/x-ndjson");
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->body(), replay.out);

  // lint.
  for (const char* file : {"fixtures/redshift-guide/trust-plain.json",
                           "fixtures/redshift-guide/trust-externalid.json"}) {
    RunResult lint = Cli({"lint", "--json", file});
    auto r = c.Request(http::verb::post, "/v1/lint",
                       json({{"policy", ReadText(std::string(testing::kSourceDir) + "/" + file)},
                             {"name", file}}).dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body(), lint.out) << file;
  }

  auto m = c.Request(http::verb::get, "/metrics");
  ASSERT_TRUE(m);
  EXPECT_THAT(m->body(), HasSubstr("redtrustd_requests_total{route=\"/v1/can\",status=\"200\"} 4\n"));
  EXPECT_THAT(m->body(), HasSubstr("redtrustd_connections_active 1\n"));
}

TEST_F(ServerIntegrationTest, SighupReloadsAGoodWorldAndRejectsABadOne) {
  const fs::path world = tmp_ / "world";
  fs::copy(testing::kGuideWorld, world, fs::copy_options::recursive);
  ServerProcess server(tmp_);
  ASSERT_TRUE(server.Start({"--world", world.string(), "--listen", "127.0.0.1:0", "--now", kNow}));
  const std::string ask =
      R"({"user": "user3", "cluster": "my-cluster", "role": "RedshiftCopyUnloadExternalId", "for": "copy"})";
  Client c(server.port());
  EXPECT_EQ(json::parse(c.Request(http::verb::post, "/v1/can", ask)->body())["decision"], "denied");

  // A good change: the ExternalId policy now names user3 as well.
  std::string trust = ReadText(world / "trust-externalid.json");
  size_t at = trust.find("my-cluster/user2\"");
  ASSERT_NE(at, std::string::npos);
  trust.insert(at + 17, ", \"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user3\"");
  WriteText(world / "trust-externalid.json", trust);
  server.Signal(SIGHUP);
  ASSERT_TRUE(WaitForGeneration(server.port(), 2)) << server.Stderr();
  EXPECT_EQ(json::parse(c.Request(http::verb::post, "/v1/can", ask)->body())["decision"], "allowed");

  // A bad world: rejected, the previous one keeps serving.
  WriteText(world / "world.json", "{\"accounts\": [");
  server.Signal(SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server.Stderr().find("reload rejected") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_THAT(server.Stderr(), HasSubstr("reload rejected"));
  EXPECT_THAT(server.Stderr(), HasSubstr("world.json:1:15: error: json.syntax"));
  EXPECT_EQ(json::parse(c.Request(http::verb::post, "/v1/can", ask)->body())["decision"], "allowed");
  auto m = c.Request(http::verb::get, "/metrics");
  EXPECT_THAT(m->body(), HasSubstr("redtrustd_world_generation 2\n"));
  EXPECT_THAT(m->body(), HasSubstr("redtrustd_world_reloads_total{result=\"ok\"} 1\n"));
  EXPECT_THAT(m->body(), HasSubstr("redtrustd_world_reloads_total{result=\"failed\"} 1\n"));
}

TEST_F(ServerIntegrationTest, SigtermFinishesTheRequestInFlightAndExitsZero) {
  ServerProcess server(tmp_);
  const fs::path log = tmp_ / "access.log";
  ASSERT_TRUE(server.Start({"--world", "fixtures/worlds/redshift-guide", "--listen", "127.0.0.1:0",
                            "--access-log", log.string()}));
  Client idle(server.port());
  ASSERT_TRUE(idle.Request(http::verb::get, "/healthz"));
  Client busy(server.port());
  const std::string body = testing::GuideEvalRequest();
  ASSERT_TRUE(busy.SendRaw("POST /v1/eval HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10)));
  std::this_thread::sleep_for(100ms);
  server.Signal(SIGTERM);
  EXPECT_TRUE(idle.ClosedByPeer());
  ASSERT_TRUE(busy.SendRaw(body.substr(10)));
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), http::status::ok);
  EXPECT_FALSE(r->keep_alive());
  EXPECT_EQ(server.Wait(), 0);
  EXPECT_THAT(server.Stderr(), HasSubstr("SIGTERM: shutting down"));
  EXPECT_THAT(server.Stderr(), HasSubstr("redtrustd: stopped"));
  // Both requests are in the access log, one JSON line each.
  std::istringstream lines(ReadText(log));
  std::vector<json> entries;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] == '{') entries.push_back(json::parse(line));
  }
  ASSERT_EQ(entries.size(), 2u) << ReadText(log);
  EXPECT_EQ(entries[1]["route"], "/v1/eval");
  EXPECT_EQ(entries[1]["decision"], "allowed");
  for (const char* key : {"time", "remote", "method", "target", "route", "status", "decision",
                          "latency_us", "request_bytes", "bytes"}) {
    EXPECT_TRUE(entries[1].contains(key)) << key;
  }
}

TEST_F(ServerIntegrationTest, StartupFailuresExitTwo) {
  RunResult bad_world = RunBinary(std::string(testing::kBinDir) + "/redtrustd",
                                  {"--world", "fixtures/redshift-guide/trust-plain.json",
                                   "--listen", "127.0.0.1:0"},
                                  testing::kSourceDir, tmp_);
  EXPECT_EQ(bad_world.exit_code, 2) << bad_world;
  EXPECT_THAT(bad_world.err, HasSubstr("the world could not be loaded"));

  RunResult bad_listen = RunBinary(std::string(testing::kBinDir) + "/redtrustd",
                                   {"--world", "fixtures/worlds/redshift-guide", "--listen", "localhost"},
                                   testing::kSourceDir, tmp_);
  EXPECT_EQ(bad_listen.exit_code, 2) << bad_listen;

  // Out-of-range numbers are named in words, not as a range up to DBL_MAX.
  for (const auto& [flag, value, message] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--read-timeout", "0", "--read-timeout: must be greater than 0, not 0"},
           {"--max-issued-credentials", "0", "--max-issued-credentials: must be greater than 0"},
           {"--threads", "-1", "--threads: must be 0 or more, not -1"},
           {"--max-connections", "many", "--max-connections: `many` is not a number"}}) {
    RunResult bad = RunBinary(std::string(testing::kBinDir) + "/redtrustd",
                              {"--world", "fixtures/worlds/redshift-guide", flag, value},
                              testing::kSourceDir, tmp_);
    EXPECT_EQ(bad.exit_code, 2) << bad;
    EXPECT_THAT(bad.err, HasSubstr(message)) << bad;
    EXPECT_THAT(bad.err, Not(HasSubstr("179769313486231570814527423731704356798070567525844996")));
  }

  fs::create_directories(tmp_ / "first");
  ServerProcess first(tmp_ / "first");
  ASSERT_TRUE(first.Start({"--world", "fixtures/worlds/redshift-guide", "--listen", "127.0.0.1:0"}));
  RunResult busy = RunBinary(std::string(testing::kBinDir) + "/redtrustd",
                             {"--world", "fixtures/worlds/redshift-guide", "--listen",
                              "127.0.0.1:" + std::to_string(first.port())},
                             testing::kSourceDir, tmp_);
  EXPECT_EQ(busy.exit_code, 2) << busy;
  EXPECT_THAT(busy.err, HasSubstr("cannot listen on"));
}

}  // namespace
}  // namespace redtrust::server
