// The HTTP layer (server.h) in this process on port 0: keep-alive and pipelining, limits (413,
// 431, malformed requests, too many connections), timeouts (slowloris, idle), graceful
// shutdown, and many clients at once. Suites that exercise concurrency are named *Concurrent*
// (the ThreadSanitizer run selects them with -R Concurrent).
#include "tools/redtrustd/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "server_test_support.h"

namespace redtrust::server {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using testing::Client;
using testing::GuideEvalRequest;
using testing::InProcessServer;
using namespace std::chrono_literals;
namespace beast = boost::beast;

ServerOptions Fast() {
  ServerOptions o;
  o.threads = 2;
  o.read_timeout = 500ms;
  o.idle_timeout = 2s;
  o.write_timeout = 2s;
  o.shutdown_timeout = 5s;
  return o;
}

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  InProcessServer server(Fast());
  Client c(server.port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 5; ++i) {
    auto r = c.Request(http::verb::post, "/v1/eval", GuideEvalRequest(i % 2));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), http::status::ok);
    EXPECT_TRUE(r->keep_alive());
    EXPECT_EQ(json::parse(r->body())["decision"], i % 2 ? "implicitDeny" : "allowed");
  }
  auto h = c.Request(http::verb::get, "/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->result(), http::status::ok);
  EXPECT_EQ(server.metrics().connections_active(), 1);
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  InProcessServer server(Fast());
  Client c(server.port());
  std::string both;
  for (int i = 0; i < 2; ++i) {
    const std::string body = GuideEvalRequest(i);
    both += "POST /v1/eval HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + body;
  }
  ASSERT_TRUE(c.SendRaw(both));
  auto first = c.Read(), second = c.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(json::parse(first->body())["decision"], "allowed");
  EXPECT_EQ(json::parse(second->body())["decision"], "implicitDeny");
}

TEST(ServerTest, ConnectionCloseIsHonoured) {
  InProcessServer server(Fast());
  Client c(server.port());
  ASSERT_TRUE(c.Send(http::verb::get, "/healthz", "", "", /*keep_alive=*/false));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->keep_alive());
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST(ServerTest, MalformedHttpGets400AndTheConnectionCloses) {
  InProcessServer server(Fast());
  for (const char* garbage : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                              "POST /v1/eval HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                              "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    Client c(server.port());
    ASSERT_TRUE(c.SendRaw(garbage));
    auto r = c.Read();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->result(), http::status::bad_request) << garbage;
    EXPECT_EQ(json::parse(r->body())["error"]["code"], "http.malformed");
    EXPECT_TRUE(c.ClosedByPeer());
  }
  Client ok(server.port());
  EXPECT_EQ(ok.Request(http::verb::get, "/healthz")->result(), http::status::ok);
}

TEST(ServerTest, OversizedBodyGets413BeforeItIsSent) {
  ServerOptions o = Fast();
  o.max_body_bytes = 4096;
  InProcessServer server(o);
  Client c(server.port());
  // Only the header: the limit is enforced from Content-Length, without reading the body.
  ASSERT_TRUE(c.SendRaw("POST /v1/eval HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), http::status::payload_too_large);
  EXPECT_EQ(json::parse(r->body())["error"]["code"], "http.body_too_large");
  EXPECT_FALSE(r->keep_alive());
  EXPECT_TRUE(c.ClosedByPeer());

  // A chunked body that grows past the limit, sent in full.
  Client chunked(server.port());
  std::string big(5000, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", big.size());
  ASSERT_TRUE(chunked.SendRaw("POST /v1/eval HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                              std::string(size) + "\r\n" + big + "\r\n0\r\n\r\n"));
  auto rc = chunked.Read();
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result(), http::status::payload_too_large);
}

TEST(ServerTest, OversizedHeaderGets431) {
  ServerOptions o = Fast();
  o.max_header_bytes = 1024;
  InProcessServer server(o);
  Client c(server.port());
  ASSERT_TRUE(c.SendRaw("GET /healthz HTTP/1.1\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), http::status::request_header_fields_too_large);
}

TEST(ServerTest, ExpectContinueGets100ThenTheAnswer) {
  InProcessServer server(Fast());
  Client c(server.port());
  const std::string body = GuideEvalRequest();
  ASSERT_TRUE(c.SendRaw("POST /v1/eval HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n"));
  char buf[64] = {};
  size_t n = c.socket().read_some(boost::asio::buffer(buf, 25));
  EXPECT_EQ(std::string(buf, n), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.SendRaw(body));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body())["decision"], "allowed");
}

TEST(ServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o = Fast();
  o.idle_timeout = 300ms;
  InProcessServer server(o);
  Client c(server.port(), 5s);
  ASSERT_TRUE(c.Request(http::verb::get, "/healthz"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ClosedByPeer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(ServerTest, ConnectionsPastTheLimitGet503) {
  ServerOptions o = Fast();
  o.max_connections = 2;
  InProcessServer server(o);
  Client a(server.port()), b(server.port());
  ASSERT_TRUE(a.Request(http::verb::get, "/healthz"));
  ASSERT_TRUE(b.Request(http::verb::get, "/healthz"));
  Client c(server.port());
  beast::error_code ec;
  auto r = c.Read(&ec);
  ASSERT_TRUE(r) << ec.message();
  EXPECT_EQ(r->result(), http::status::service_unavailable);
  EXPECT_EQ(json::parse(r->body())["error"]["code"], "http.too_many_connections");
  EXPECT_THAT(server.metrics().Render(nullptr), HasSubstr("redtrustd_connections_rejected_total 1\n"));
  EXPECT_EQ(a.Request(http::verb::get, "/healthz")->result(), http::status::ok);
}

TEST(ServerTest, GracefulShutdownFinishesTheRequestInFlight) {
  InProcessServer server(Fast());
  const uint16_t port = server.port();
  Client idle(port);
  ASSERT_TRUE(idle.Request(http::verb::get, "/healthz"));
  Client busy(server.port());
  const std::string body = GuideEvalRequest();
  ASSERT_TRUE(busy.SendRaw("POST /v1/eval HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 100)));
  std::this_thread::sleep_for(50ms);  // the server has read the header
  server.BeginShutdown();
  EXPECT_TRUE(idle.ClosedByPeer());  // idle connections close at once
  ASSERT_TRUE(busy.SendRaw(body.substr(100)));
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), http::status::ok);
  EXPECT_FALSE(r->keep_alive());
  EXPECT_EQ(json::parse(r->body())["decision"], "allowed");
  server.Join();
  Client late(port);
  EXPECT_FALSE(late.connected());
}

TEST(ServerTest, AccessLogHasOneJsonLinePerRequest) {
  InProcessServer server(Fast());
  Client c(server.port());
  ASSERT_TRUE(c.Request(http::verb::post, "/v1/eval", GuideEvalRequest()));
  ASSERT_TRUE(c.Request(http::verb::get, "/nope"));
  server.Stop();
  std::vector<json> lines;
  std::istringstream in(server.AccessLogText());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == '{') lines.push_back(json::parse(line));
  }
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["method"], "POST");
  EXPECT_EQ(lines[0]["target"], "/v1/eval");
  EXPECT_EQ(lines[0]["route"], "/v1/eval");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["decision"], "allowed");
  EXPECT_GT(lines[0]["bytes"], 0);
  EXPECT_TRUE(lines[0]["latency_us"].is_number());
  EXPECT_THAT(lines[0]["remote"].get<std::string>(), ::testing::StartsWith("127.0.0.1:"));
  EXPECT_EQ(lines[1]["route"], "unknown");
  EXPECT_EQ(lines[1]["status"], 404);
  EXPECT_EQ(lines[1]["decision"], nullptr);
}

// ---- Concurrency

TEST(ServerConcurrentTest, SlowlorisIsCutOffWhileOthersAreAnswered) {
  InProcessServer server(Fast());  // read timeout 500 ms
  Client slow(server.port(), 5s);
  ASSERT_TRUE(slow.SendRaw("POST /v1/eval HTTP/1.1\r\nHost: x\r\n"));
  const auto start = std::chrono::steady_clock::now();
  std::atomic<bool> cut{false};
  std::thread trickle([&] {
    // One header byte every 100 ms: never a whole request within the read timeout.
    for (int i = 0; i < 30 && !cut; ++i) {
      if (!slow.SendRaw("X")) break;
      std::this_thread::sleep_for(100ms);
    }
  });
  Client fast(server.port());
  for (int i = 0; i < 20; ++i) {
    auto r = fast.Request(http::verb::post, "/v1/eval", GuideEvalRequest());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), http::status::ok);
  }
  EXPECT_TRUE(slow.ClosedByPeer());
  cut = true;
  trickle.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(fast.Request(http::verb::get, "/healthz")->result(), http::status::ok);
}

TEST(ServerConcurrentTest, ThousandConnectionsWhileServing) {
  testing::RaiseFileLimit();
  InProcessServer server(Fast());
  boost::asio::io_context ioc;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 1000; ++i) {
    clients.push_back(std::make_unique<Client>(&ioc, server.port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  // Every connection asks; meanwhile another client is answered.
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(clients[i]->Send(http::verb::post, "/v1/eval", GuideEvalRequest(i % 2))) << i;
  }
  Client other(server.port());
  auto h = other.Request(http::verb::get, "/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->result(), http::status::ok);
  int allowed = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = clients[i]->Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->result(), http::status::ok);
    allowed += json::parse(r->body())["decision"] == "allowed";
  }
  EXPECT_EQ(allowed, 500);
  EXPECT_EQ(server.metrics().connections_active(), 1001);
  clients.clear();
}

TEST(ServerConcurrentTest, ParallelClientsGetTheirOwnAnswers) {
  InProcessServer server(Fast());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client c(server.port());
      for (int i = 0; i < 50; ++i) {
        const int which = (i + t) % 2;
        auto r = c.Request(http::verb::post, "/v1/eval", GuideEvalRequest(which));
        if (!r || json::parse(r->body())["decision"] != (which ? "implicitDeny" : "allowed")) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  // A request is counted once its response is written, which may be just after the client read
  // it: wait for the last ones.
  const std::string want = "redtrustd_requests_total{route=\"/v1/eval\",status=\"200\"} 400\n";
  for (int i = 0; i < 100 && server.metrics().Render(nullptr).find(want) == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_THAT(server.metrics().Render(nullptr), HasSubstr(want));
}

TEST(ServerConcurrentTest, ShutdownWithManyOpenConnections) {
  InProcessServer server(Fast());
  boost::asio::io_context ioc;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::make_unique<Client>(&ioc, server.port()));
    ASSERT_TRUE(clients.back()->Request(http::verb::get, "/healthz"));
  }
  const auto start = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  for (auto& c : clients) EXPECT_TRUE(c->ClosedByPeer());
}

}  // namespace
}  // namespace redtrust::server
