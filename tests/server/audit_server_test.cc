// Issue 12 (outside audit), the HTTP layer: malformed framing is answered at once (not after the
// read timeout), and a shutdown answers the requests a busy connection has already received.
// Suites that exercise concurrency are named *Concurrent* (the ThreadSanitizer run selects them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <tuple>

#include "../support/run_binary.h"
#include "server_test_support.h"
#include "tools/redtrustd/access_log.h"
#include "tools/redtrustd/framing.h"

namespace redtrust::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::RunBinary;
using testing_support::RunResult;
using json = nlohmann::json;
using testing::Client;
using testing::GuideEvalRequest;
using testing::InProcessServer;
using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace fs = std::filesystem;

std::string Post(const std::string& body, const std::string& extra = "") {
  return "POST /v1/eval HTTP/1.1\r\nHost: x\r\n" + extra +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// ---- CheckFramingPrefix without sockets.

// Every prefix of a valid request is accepted: the check never answers 400 to bytes that can
// still become a request Beast takes.
TEST(FramingPrefixTest, EveryPrefixOfValidFramingPasses) {
  const std::vector<std::string> headers = {
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /healthz?x=%20&y HTTP/1.0\r\n\r\n",
      "POST /v1/eval HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
      "X-Tab:\ta\tb \r\nX-Empty:\r\nX-Fold: a\r\n  b\r\nX-Utf8: \xc3\xa9\xff\r\n\r\nbody\x01",
      "M-._~!#$%&'*+^`| * HTTP/1.1\r\n\r\n",
  };
  for (const std::string& h : headers) {
    for (size_t n = 0; n <= h.size(); ++n) {
      EXPECT_EQ(CheckFramingPrefix(h.substr(0, n), FramingPhase::kHeader), std::nullopt)
          << h.substr(0, n);
    }
  }
  const std::vector<std::string> chunks = {
      "5\r\n",       "\r\n1a\r\n",       "000000000000000000000001\r\n", "A;ext=1\r\n",
      "a ; e = \"q \\\" ;\"\r\n", "0\r\n\r\n", "\r\n0;x\r\nTrailer: v\r\nT2:\r\n\r\n",
      "ffffffffffffffff\r\n",
  };
  for (const std::string& c : chunks) {
    for (size_t n = 0; n <= c.size(); ++n) {
      EXPECT_EQ(CheckFramingPrefix(c.substr(0, n), FramingPhase::kChunkHeader), std::nullopt)
          << c.substr(0, n);
    }
  }
}

TEST(FramingPrefixTest, MalformedFramingIsRejectedAtItsFirstBadByte) {
  const std::pair<const char*, const char*> headers[] = {
      {"GARB\x01", "request line: byte 0x01 in the method"},
      {" GET", "request line: byte 0x20 in the method"},
      {"GET /a\x7f", "request line: byte 0x7F in the target"},
      {"GET  /", "request line: byte 0x20 in the target"},
      {"GET / HTTX", "request line: the version is not HTTP/1.1 or HTTP/1.0"},
      {"GET / HTTP/1.1\n", "request line: the version is not HTTP/1.1 or HTTP/1.0"},
      {"GET / HTTP/1.1\r\nBad Header", "header: byte 0x20 in a field name"},
      {"GET / HTTP/1.1\r\nA: b\x01", "header: control byte 0x01 in a field value"},
      {"GET / HTTP/1.1\r\nA: b\n", "header: control byte 0x0A in a field value"},
      {"GET / HTTP/1.1\r\nA: b\rX", "header: CR not followed by LF"},
      {"GET / HTTP/1.1\r\n x: y", "header: a line starts with white space"},
      {"GET / HTTP/1.1\r\n\rX", "header: CR not followed by LF"},
  };
  for (const auto& [text, why] : headers) {
    EXPECT_EQ(CheckFramingPrefix(text, FramingPhase::kHeader), std::optional<std::string>(why))
        << text;
  }
  const std::pair<const char*, const char*> chunks[] = {
      {"zz", "chunk size: byte 0x7A is not a hex digit"},
      {"\r\nzz", "chunk size: byte 0x7A is not a hex digit"},
      {"5x", "chunk size: byte 0x78 is not a hex digit"},
      {"-5", "chunk size: byte 0x2D is not a hex digit"},
      {"\rX", "chunk: CR not followed by LF"},
      {"5\rX", "chunk size line: CR not followed by LF"},
      {"5;a\x01", "chunk extension: control byte 0x01"},
      {"10000000000000000", "chunk size: more than 64 bits"},
      {"0\r\nBad Trailer", "chunk trailer: byte 0x20 in a field name"},
  };
  for (const auto& [text, why] : chunks) {
    EXPECT_EQ(CheckFramingPrefix(text, FramingPhase::kChunkHeader),
              std::optional<std::string>(why))
        << text;
  }
}

// ---- The server: malformed framing gets its 400 at once. The read timeout is a minute and the
// client waits at most 10 s, so a server that waited for the timeout fails the test.

ServerOptions SlowReadTimeout() {
  ServerOptions o;
  o.threads = 1;
  o.read_timeout = 60s;
  o.shutdown_timeout = 5s;
  return o;
}

TEST(ServerFramingTest, MalformedFramingGets400WithoutWaitingForTheReadTimeout) {
  InProcessServer server(SlowReadTimeout());
  const std::string chunked = "POST /v1/eval HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string cases[] = {
      chunked + "zz",                          // the audit's garbage chunk size, no line end
      chunked + "zz\r\n",                      // with its line end
      chunked + "5\r\nhello\r\nzz",            // a bad second chunk
      chunked + "5\r\nhelloXX",                // chunk data not followed by CRLF
      chunked + "5\n",                         // a bare LF ends the size line
      chunked + "0\r\nBad Trailer",            // a bad trailer field
      "GARBAGE\x01",                           // a request line that is no request line
      "GET /healthz HTTP/1.1\r\nBad Header",   // a header line without a colon
      "GET /healthz HTTP/1.1\nHost: x\n",      // bare LF line ends
      "GET /healthz HTTP/1.1\r\nA: \x01",      // a control byte in a value
  };
  for (const std::string& bytes : cases) {
    SCOPED_TRACE(json(bytes).dump());
    Client c(server.port(), 10s);
    ASSERT_TRUE(c.SendRaw(bytes));
    beast::error_code ec;
    auto r = c.Read(&ec);
    ASSERT_TRUE(r) << ec.message();
    EXPECT_EQ(r->result(), http::status::bad_request);
    EXPECT_EQ(json::parse(r->body())["error"]["code"], "http.malformed");
    EXPECT_THAT(json::parse(r->body())["error"]["message"].get<std::string>(),
                HasSubstr("malformed HTTP request: "));
    EXPECT_FALSE(r->keep_alive());
    EXPECT_TRUE(c.ClosedByPeer());
  }
  // Valid requests sent byte by byte still get their answers.
  Client slow(server.port(), 10s);
  const std::string body = GuideEvalRequest();
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const std::string request =
      chunked + std::string(size) + ";ext=\"a b\"\r\n" + body + "\r\n0\r\nX-T: 1\r\n\r\n";
  for (char ch : request) ASSERT_TRUE(slow.SendRaw(std::string(1, ch)));
  auto r = slow.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), http::status::ok) << r->body();
  EXPECT_EQ(json::parse(r->body())["decision"], "allowed");
}

// ---- Shutdown: requests a busy keep-alive connection has already received are answered.

TEST(ServerConcurrentShutdownTest, PipelinedRequestsReceivedBeforeTheShutdownAreAnswered) {
  ServerOptions o;
  o.threads = 2;
  o.read_timeout = 5s;
  o.shutdown_timeout = 5s;
  InProcessServer server(o);
  Client idle(server.port());
  ASSERT_TRUE(idle.Request(http::verb::get, "/healthz"));
  Client busy(server.port());
  const std::string first = Post(GuideEvalRequest(0)), second = Post(GuideEvalRequest(1));
  // The first request is being read when the shutdown starts...
  ASSERT_TRUE(busy.SendRaw(first.substr(0, first.size() - 10)));
  std::this_thread::sleep_for(50ms);
  server.BeginShutdown();
  EXPECT_TRUE(idle.ClosedByPeer());  // the shutdown has started: idle connections close
  // ...then its end and a second request arrive together.
  ASSERT_TRUE(busy.SendRaw(first.substr(first.size() - 10) + second));
  auto r1 = busy.Read();
  ASSERT_TRUE(r1);
  EXPECT_EQ(json::parse(r1->body())["decision"], "allowed");
  beast::error_code ec;
  auto r2 = busy.Read(&ec);
  ASSERT_TRUE(r2) << "the second request got " << ec.message();
  EXPECT_EQ(json::parse(r2->body())["decision"], "implicitDeny");
  EXPECT_FALSE(r2->keep_alive());
  EXPECT_TRUE(busy.ClosedByPeer());
  server.Join();
}

// The same through the binary and SIGTERM.
TEST(ServerConcurrentShutdownTest, SigtermAnswersPipelinedRequestsAlreadyReceived) {
  const fs::path dir = fs::path(::testing::TempDir()) /
                       ("redtrustd_audit_" + std::to_string(getpid()));
  fs::create_directories(dir);
  testing::ServerProcess server(dir);
  ASSERT_TRUE(server.Start({"--world", "fixtures/worlds/redshift-guide", "--listen",
                            "127.0.0.1:0", "--no-access-log", "--threads", "2"}));
  Client idle(server.port());
  ASSERT_TRUE(idle.Request(http::verb::get, "/healthz"));
  Client busy(server.port());
  const std::string first = Post(GuideEvalRequest(0)), second = Post(GuideEvalRequest(1));
  ASSERT_TRUE(busy.SendRaw(first.substr(0, 10)));
  std::this_thread::sleep_for(100ms);
  server.Signal(SIGTERM);
  EXPECT_TRUE(idle.ClosedByPeer());
  ASSERT_TRUE(busy.SendRaw(first.substr(10) + second));
  auto r1 = busy.Read();
  ASSERT_TRUE(r1);
  EXPECT_EQ(json::parse(r1->body())["decision"], "allowed");
  beast::error_code ec;
  auto r2 = busy.Read(&ec);
  ASSERT_TRUE(r2) << "the second request got " << ec.message();
  EXPECT_EQ(json::parse(r2->body())["decision"], "implicitDeny");
  EXPECT_FALSE(r2->keep_alive());
  EXPECT_EQ(server.Wait(), 0);
  fs::remove_all(dir);
}

// ---- Fail closed: every flag value bounded, user text escaped, every log write checked.

TEST(ServerFlagsTest, OutOfRangeValuesAreRefusedAndUserTextIsEscaped) {
  const fs::path dir = fs::path(::testing::TempDir()) /
                       ("redtrustd_audit_flags_" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const auto& [flag, value, message] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           // 1e300 seconds overflowed the conversion to milliseconds (undefined behaviour).
           {"--read-timeout", "1e300", "--read-timeout: must be at most 1000000, not 1e300"},
           {"--shutdown-timeout", "2e6", "--shutdown-timeout: must be at most 1000000, not 2e6"},
           {"--max-body-bytes", "0", "--max-body-bytes: must be greater than 0, not 0"},
           {"--max-header-bytes", "0", "--max-header-bytes: must be greater than 0, not 0"},
           // Beast's header limit is 32-bit: 5 GiB wrapped around to 1 GiB.
           {"--max-header-bytes", "5368709120", "must be at most 1073741824"},
           {"--threads", "100000", "--threads: must be at most 1024, not 100000"},
           // A flag value reaches the terminal escaped.
           {"--max-connections", "\x1b[2J", "--max-connections: `\\x1b[2J` is not a number"},
           {"--listen", "\x1b]0;owned\x07:1", "`\\x1b]0;owned\\x07` is not an IP address"},
           {"--listen", "\x1b[2J", "--listen `\\x1b[2J` is not ADDRESS:PORT"},
       }) {
    SCOPED_TRACE(flag + " " + json(value).dump());
    // Port 0 where the flag is not --listen: a server that wrongly starts takes no fixed port.
    std::vector<std::string> args = {"--world", "fixtures/worlds/redshift-guide", flag, value};
    if (flag != "--listen") args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    RunResult r = RunBinary(std::string(testing::kBinDir) + "/redtrustd", args,
                            testing::kSourceDir, dir);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_THAT(r.err, HasSubstr(message)) << r;
    EXPECT_THAT(r.err, Not(HasSubstr("\x1b"))) << r;
    EXPECT_THAT(r.err, Not(HasSubstr("\x07"))) << r;
  }
  fs::remove_all(dir);
}

TEST(AccessLogEscapeTest, TerminalControlsNeverReachTheTerminalRaw) {
  EXPECT_EQ(EscapeForTerminal("plain é ✓ 😀"), "plain é ✓ 😀");
  EXPECT_EQ(EscapeForTerminal("a\x1b[31mb\nc\td\x7f"), "a\\x1b[31mb\\x0ac\\x09d\\x7f");
  // C1 controls (U+009B is CSI), invalid UTF-8, overlong forms and surrogates.
  EXPECT_EQ(EscapeForTerminal("\xc2\x9b" "1m\xc2\xa0\xff\xc0\xaf\xed\xa0\x80"),
            "\\xc2\\x9b1m\xc2\xa0\\xff\\xc0\\xaf\\xed\\xa0\\x80");
  std::string line;
  AccessEntry e;
  e.method = "GET";
  e.target = "/\xc2\x9b" "31m\x1b[0m\xc2\xa0";
  AppendAccessLine(e, &line);
  EXPECT_THAT(line, HasSubstr("\"target\":\"/\\u009b31m\\u001b[0m\xc2\xa0\""));
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
}

TEST(AccessLogEscapeTest, AFailedWriteIsCountedAndReported) {
  // /dev/full takes the open and fails every write (ENOSPC).
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto log = AccessLog::Open("/dev/full");
  ASSERT_TRUE(log.ok());
  AccessEntry e;
  e.method = "GET";
  e.target = "/healthz";
  ::testing::internal::CaptureStderr();
  (*log)->Write(e);
  (*log)->Flush();
  (*log)->Write(e);
  (*log)->Flush();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ((*log)->failed_writes(), 2u);
  // Said once per run of failures, with the error.
  EXPECT_THAT(err, HasSubstr("redtrustd: access log: write failed: No space left on device"));
  EXPECT_EQ(err.find("write failed"), err.rfind("write failed")) << err;
}

}  // namespace
}  // namespace redtrust::server
