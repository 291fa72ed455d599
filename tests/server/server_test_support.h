// Helpers for the redtrustd tests: a blocking HTTP/1.1 client over one TCP connection (Beast,
// with a receive timeout so a hung server fails a test instead of hanging it), an in-process
// server on port 0, and the redtrustd binary started as a child process on port 0.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/model/world.h"
#include "tools/redtrustd/access_log.h"
#include "tools/redtrustd/http_api.h"
#include "tools/redtrustd/metrics.h"
#include "tools/redtrustd/server.h"
#include "tools/redtrustd/world_store.h"

extern char** environ;

namespace redtrust::server::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
namespace fs = std::filesystem;

inline const char kSourceDir[] = REDTRUST_SOURCE_DIR;
inline const char kBinDir[] = REDTRUST_BIN_DIR;
inline const std::string kGuideWorld = std::string(REDTRUST_SOURCE_DIR) + "/fixtures/worlds/redshift-guide";

inline std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteText(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// The first line of the guide's eval requests: the ExternalId trust policy, user1 -> allowed.
inline std::string GuideEvalRequest(int line = 0) {
  std::ifstream in(std::string(kSourceDir) + "/fixtures/redshift-guide/requests.jsonl");
  std::string s;
  for (int i = 0; i <= line; ++i) std::getline(in, s);
  return s;
}

// A thousand connections need a thousand descriptors on each side.
inline void RaiseFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// One blocking client connection. Reads time out after `timeout` (a failure, not a hang).
class Client {
 public:
  explicit Client(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : Client(nullptr, port, timeout) {}
  // Many clients may share one io_context (a thousand would otherwise cost a thousand epolls).
  Client(net::io_context* shared, uint16_t port,
         std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : own_(shared ? nullptr : std::make_unique<net::io_context>()),
        socket_(shared ? *shared : *own_) {
    beast::error_code ec;
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    connected_ = !ec;
    SetTimeout(timeout);
  }
  bool connected() const { return connected_; }

  void SetTimeout(std::chrono::milliseconds t) {
    timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  // Sends raw bytes; false when the connection is gone.
  bool SendRaw(std::string_view bytes) {
    beast::error_code ec;
    net::write(socket_, net::buffer(bytes.data(), bytes.size()), ec);
    return !ec;
  }

  bool Send(http::verb method, const std::string& target, const std::string& body = "",
            const std::string& content_type = "application/json", bool keep_alive = true) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty() || method == http::verb::post) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.keep_alive(keep_alive);
    req.prepare_payload();
    beast::error_code ec;
    http::write(socket_, req, ec);
    return !ec;
  }

  // The next response, or nullopt (with *error set) when the connection closed or timed out.
  std::optional<http::response<http::string_body>> Read(beast::error_code* error = nullptr) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    beast::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    if (error) *error = ec;
    if (ec) return std::nullopt;
    return parser.release();
  }

  std::optional<http::response<http::string_body>> Request(
      http::verb method, const std::string& target, const std::string& body = "",
      const std::string& content_type = "application/json") {
    if (!Send(method, target, body, content_type)) return std::nullopt;
    return Read();
  }

  // True when the server closes the connection (EOF or reset) within the read timeout.
  bool ClosedByPeer() {
    char c;
    beast::error_code ec;
    size_t n = socket_.read_some(net::buffer(&c, 1), ec);
    return n == 0 && (ec == net::error::eof || ec == net::error::connection_reset);
  }

  tcp::socket& socket() { return socket_; }

 private:
  std::unique_ptr<net::io_context> own_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

// redtrustd in this process on 127.0.0.1:0, served by its own thread.
class InProcessServer {
 public:
  explicit InProcessServer(ServerOptions so = {}, ApiOptions ao = {},
                           const std::string& world = kGuideWorld) {
    sim::LoadResult loaded = sim::LoadWorld(world);
    EXPECT_TRUE(loaded.ok()) << world;
    worlds_ = std::make_unique<WorldStore>(world, loaded.world, 0);
    ao.max_body_bytes = so.max_body_bytes;
    if (!ao.now_micros) ao.now_micros = 1767225600000000;  // 2026-01-01T00:00:00Z
    api_ = std::make_unique<HttpApi>(ao, worlds_.get(), &metrics_, nullptr);
    so.address = "127.0.0.1";
    so.port = 0;
    auto log = AccessLog::Open(log_path_.string());
    log_ = std::move(*log);
    server_ = std::make_unique<Server>(so, api_.get(), &metrics_, log_.get());
    Status s = server_->Listen();
    EXPECT_TRUE(s.ok()) << s.message();
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~InProcessServer() { Stop(); fs::remove(log_path_); }

  void Stop() {
    if (!thread_.joinable()) return;
    server_->Shutdown();
    thread_.join();
  }
  // A graceful shutdown without waiting for it; Join() waits.
  void BeginShutdown() { server_->Shutdown(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  Metrics& metrics() { return metrics_; }
  WorldStore& worlds() { return *worlds_; }
  std::string AccessLogText() {
    log_->Flush();
    return ReadText(log_path_);
  }

 private:
  fs::path log_path_ = fs::path(::testing::TempDir()) /
                       ("redtrustd_access_" + std::to_string(getpid()) + "_" +
                        std::to_string(reinterpret_cast<uintptr_t>(this)) + ".log");
  Metrics metrics_;
  std::unique_ptr<WorldStore> worlds_;
  std::unique_ptr<HttpApi> api_;
  std::unique_ptr<AccessLog> log_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// The redtrustd binary as a child process: stdout and stderr go to files in `dir`; Start waits
// for its "listening on" line and reads the port.
class ServerProcess {
 public:
  explicit ServerProcess(fs::path dir) : dir_(std::move(dir)) {}
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Returns false (and fails the test) when the server did not come up within 10 s.
  bool Start(const std::vector<std::string>& args) {
    const std::string program = std::string(kBinDir) + "/redtrustd";
    std::vector<std::string> argv_s = {program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    out_ = (dir_ / "redtrustd.out").string();
    err_ = (dir_ / "redtrustd.err").string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&fa, kSourceDir);
    int rc = posix_spawn(&pid_, program.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      ADD_FAILURE() << "cannot start " << program;
      pid_ = -1;
      return false;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string out = ReadText(out_);
      size_t at = out.find("redtrustd: listening on 127.0.0.1:");
      if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
        port_ = static_cast<uint16_t>(std::stoi(out.substr(at + 34)));
        return true;
      }
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ADD_FAILURE() << "redtrustd exited at startup:\n" << ReadText(err_);
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "redtrustd did not print its port:\n" << ReadText(err_);
    return false;
  }

  void Signal(int signo) { kill(pid_, signo); }

  // Waits for the process to exit; its exit code, or -1 on a signal or after `timeout`.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
  }

  uint16_t port() const { return port_; }
  std::string Stderr() const { return ReadText(err_); }

 private:
  fs::path dir_;
  std::string out_, err_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace redtrust::server::testing
