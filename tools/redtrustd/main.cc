// redtrustd: the simulator as a service. Serves a loaded world over HTTP/1.1: the JSON API of
// docs/http-api.md and the AWS-compatible endpoints of docs/aws-api.md.
//
//   redtrustd --world W [--listen 127.0.0.1:8080] [--threads N] [limits] [--access-log FILE]
//
// Prints `redtrustd: listening on ADDRESS:PORT` on standard output once it accepts connections
// (port 0 picks a free port). SIGHUP reloads the world (a world that fails to load is rejected
// and the old one keeps serving); SIGTERM or SIGINT shuts down gracefully. Exit status 0 after a
// shutdown, 2 when it cannot start (bad flags, a world that does not load, a port in use).
#include <signal.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/condition/values.h"
#include "sim/model/world.h"
#include "tools/redtrustd/access_log.h"
#include "tools/redtrustd/aws/aws_api.h"
#include "tools/redtrustd/http_api.h"
#include "tools/redtrustd/metrics.h"
#include "tools/redtrustd/server.h"
#include "tools/redtrustd/world_store.h"

namespace redtrust::server {
namespace {

constexpr int kExitBadInput = 2;

struct Flags {
  std::string world;
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  size_t max_body_bytes = 1u << 20;
  size_t max_header_bytes = 16u << 10;
  double read_timeout = 10;
  double write_timeout = 10;
  double idle_timeout = 60;
  double shutdown_timeout = 10;
  size_t max_connections = 10000;
  size_t max_issued_credentials = 20000;
  std::string access_log = "-";
  bool no_access_log = false;
  std::optional<std::string> now;
  size_t max_policy_chars = 2048;
};

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// REQUIRES: 0 <= seconds <= kMaxSeconds (the flag validators). A positive fraction of a
// millisecond is one millisecond, never 0 (a timeout that expires at once).
std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(seconds * 1000)));
}

// "HOST:PORT" or "[IPV6]:PORT".
bool SplitListen(const std::string& s, std::string* host, uint16_t* port) {
  size_t colon;
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    *host = s.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = s.rfind(':');
    if (colon == std::string::npos) return false;
    *host = s.substr(0, colon);
  }
  const std::string p = s.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  unsigned long n = std::stoul(p);
  if (n > 65535) return false;
  *port = static_cast<uint16_t>(n);
  return !host->empty();
}

// A thousand connections need a thousand descriptors: raise the soft limit to the hard one.
void RaiseFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// Reloads the world on request (SIGHUP) on its own thread, so loading never holds a server
// thread; requests that arrive during a reload are coalesced into one more reload.
class Reloader {
 public:
  Reloader(WorldStore* store, AccessLog* log) : store_(store), log_(log) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Reloader() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void Request() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_ = true;
    }
    cv_.notify_one();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || pending_; });
      if (stop_) return;
      pending_ = false;
      lock.unlock();
      log_->Note("SIGHUP: reloading the world from " + store_->path());
      sim::WorldDiagnostics diagnostics;
      Status s = store_->Reload(WallMicros(), &diagnostics);
      for (const sim::WorldDiagnostic& d : diagnostics) log_->Note(d.ToString());
      if (s.ok()) {
        log_->Note("reloaded the world: generation " + std::to_string(store_->generation()));
      } else {
        log_->Note("reload rejected: " + s.message());
      }
      lock.lock();
    }
  }

  WorldStore* store_;
  AccessLog* log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;
  bool stop_ = false;
  std::thread thread_;
};

int Serve(const Flags& f) {
  RaiseFileLimit();
  signal(SIGPIPE, SIG_IGN);
  auto log = AccessLog::Open(f.access_log, !f.no_access_log);
  if (!log.ok()) {
    std::cerr << "redtrustd: --access-log " << EscapeForTerminal(log.status().message()) << "\n";
    return kExitBadInput;
  }
  AccessLog& notes = **log;
  ServerOptions so;
  if (!SplitListen(f.listen, &so.address, &so.port)) {
    notes.Note("--listen `" + f.listen + "` is not ADDRESS:PORT (e.g. 127.0.0.1:8080)");
    return kExitBadInput;
  }
  std::optional<int64_t> now;
  if (f.now) {
    now = ParseDate(*f.now);
    if (!now) {
      notes.Note("--now `" + *f.now + "` is not a date: use ISO 8601 (2026-01-01T00:00:00Z) or "
                 "epoch seconds");
      return kExitBadInput;
    }
  }
  sim::LoadResult loaded = sim::LoadWorld(f.world);
  for (const sim::WorldDiagnostic& d : loaded.diagnostics) notes.Note(d.ToString());
  if (!loaded.ok()) {
    notes.Note(f.world + ": the world could not be loaded");
    return kExitBadInput;
  }
  WorldStore worlds(f.world, std::move(loaded.world), WallMicros());
  Metrics metrics;
  AwsApiOptions aws_options;
  aws_options.now_micros = [now] { return now ? *now : WallMicros(); };
  aws_options.max_issued_credentials = f.max_issued_credentials;
  AwsApi aws(std::move(aws_options));
  ApiOptions api_options;
  api_options.now_micros = now;
  api_options.max_policy_chars = f.max_policy_chars;
  api_options.max_body_bytes = f.max_body_bytes;
  HttpApi api(api_options, &worlds, &metrics, &aws);

  so.threads = f.threads;
  so.max_body_bytes = f.max_body_bytes;
  so.max_header_bytes = f.max_header_bytes;
  so.read_timeout = Millis(f.read_timeout);
  so.write_timeout = Millis(f.write_timeout);
  so.idle_timeout = Millis(f.idle_timeout);
  so.shutdown_timeout = Millis(f.shutdown_timeout);
  so.max_connections = f.max_connections;
  Server server(so, &api, &metrics, &notes);
  if (Status s = server.Listen(); !s.ok()) {
    notes.Note(s.message());
    return kExitBadInput;
  }
  Reloader reloader(&worlds, &notes);
  boost::asio::signal_set signals(server.main_context(), SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          reloader.Request();
        } else {
          notes.Note(std::string(signo == SIGINT ? "SIGINT" : "SIGTERM") +
                     ": shutting down (finishing requests in flight)");
          server.Shutdown();
        }
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  const std::string address =
      so.address.find(':') != std::string::npos ? "[" + so.address + "]" : so.address;
  notes.Note("serving " + f.world + " with " +
             std::to_string(f.threads > 0 ? f.threads
                                          : std::max(1u, std::thread::hardware_concurrency())) +
             " thread(s)");
  // Scripts and tests learn the port from this line: a server that cannot say it stops.
  if (std::printf("redtrustd: listening on %s:%u\n", address.c_str(), unsigned{server.port()}) < 0 ||
      std::fflush(stdout) != 0) {
    notes.Note(std::string("cannot write the listening line to standard output: ") +
               std::strerror(errno));
    return kExitBadInput;
  }
  server.Run();
  notes.Note("stopped");
  return 0;
}

// CLI11's PositiveNumber / NonNegativeNumber name the range up to DBL_MAX in full on error;
// these say what is wrong in words. `ceiling` bounds the value from above (inclusive): every
// value the flag's type and use can hold, so none overflows a conversion later.
CLI::Validator NumberAbove(double floor, bool inclusive, const std::string& words,
                           double ceiling) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || v != v) return "`" + text + "` is not a number";
        if (!(inclusive ? v >= floor : v > floor)) return "must be " + words + ", not " + text;
        if (v > ceiling) {
          char max[32];
          std::snprintf(max, sizeof max, "%.0f", ceiling);
          return std::string("must be at most ") + max + ", not " + text;
        }
        return "";
      },
      "");
}
// Seconds: a timeout of more than about 11 days is a typo, and keeps Millis() exact.
constexpr double kMaxSeconds = 1e6;
const CLI::Validator kPositiveSeconds = NumberAbove(0, false, "greater than 0", kMaxSeconds);
const CLI::Validator kNonNegativeSeconds = NumberAbove(0, true, "0 or more", kMaxSeconds);
// Counts held in size_t; Beast's header limit is 32-bit, so 1 GiB bounds both byte limits.
const CLI::Validator kPositiveCount = NumberAbove(0, false, "greater than 0", 1e12);
const CLI::Validator kPositiveBytes = NumberAbove(0, false, "greater than 0", 1 << 30);
// Each thread is an event loop; more than this is a typo.
const CLI::Validator kThreads = NumberAbove(0, true, "0 or more", 1024);

}  // namespace
}  // namespace redtrust::server

int main(int argc, char** argv) {
  using redtrust::server::Flags;
  Flags f;
  CLI::App app{
      "redtrustd: the redtrust simulator as an HTTP service over a loaded world.\n"
      "JSON API (docs/http-api.md): POST /v1/eval, /v1/can, /v1/replay, /v1/lint;\n"
      "GET /healthz, /metrics. AWS Query API (docs/aws-api.md): STS AssumeRole, IAM\n"
      "SimulateCustomPolicy / SimulatePrincipalPolicy.\n"
      "SIGHUP reloads the world; SIGTERM / SIGINT shut down gracefully.",
      "redtrustd"};
  app.set_version_flag("--version", "redtrustd 0.1.0");
  app.add_option("--world", f.world, "World directory (with world.json) or world file")
      ->required();
  app.add_option("--listen", f.listen,
                 "ADDRESS:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free port, "
                 "printed on standard output)");
  app.add_option("--threads", f.threads,
                 "Server threads, at most 1024 (default 0: the number of cores)")
      ->check(redtrust::server::kThreads);
  app.add_option("--max-body-bytes", f.max_body_bytes, "Largest request body (default 1048576, "
                 "at most 1073741824); larger gets 413")
      ->check(redtrust::server::kPositiveBytes);
  app.add_option("--max-header-bytes", f.max_header_bytes,
                 "Largest request line and header (default 16384, at most 1073741824); larger "
                 "gets 431")
      ->check(redtrust::server::kPositiveBytes);
  app.add_option("--read-timeout", f.read_timeout,
                 "Seconds to read one request once it started (default 10)")
      ->check(redtrust::server::kPositiveSeconds);
  app.add_option("--write-timeout", f.write_timeout, "Seconds to write one response (default 10)")
      ->check(redtrust::server::kPositiveSeconds);
  app.add_option("--idle-timeout", f.idle_timeout,
                 "Seconds a keep-alive connection may wait for its next request (default 60)")
      ->check(redtrust::server::kPositiveSeconds);
  app.add_option("--max-connections", f.max_connections,
                 "Open connections; more get 503 (default 10000)")
      ->check(redtrust::server::kPositiveCount);
  app.add_option("--max-issued-credentials", f.max_issued_credentials,
                 "Temporary credentials from AssumeRole kept at once (default 20000); past it "
                 "expired ones, then the oldest, are forgotten")
      ->check(redtrust::server::kPositiveCount);
  app.add_option("--shutdown-timeout", f.shutdown_timeout,
                 "Seconds a graceful shutdown waits for connections to finish (default 10)")
      ->check(redtrust::server::kNonNegativeSeconds);
  app.add_option("--access-log", f.access_log,
                 "Access log file, one JSON line per request (default - = standard error)");
  app.add_flag("--no-access-log", f.no_access_log, "Do not log requests (notes still go out)");
  app.add_option("--now", f.now,
                 "Fixed clock for requests without \"now\" (ISO 8601 or epoch seconds; default: "
                 "the wall clock per request)");
  app.add_option("--max-policy-chars", f.max_policy_chars,
                 "Policy size quota in characters without white space (default 2048)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own message, with the flag values it quotes made safe for a terminal.
    std::cerr << redtrust::server::EscapeForTerminal(e.what())
              << "\nRun with --help for more information.\n";
    return 2;
  }
  return redtrust::server::Serve(f);
}
