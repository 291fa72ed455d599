// Server: redtrustd's HTTP/1.1 listener and connections on Boost.Asio + Boost.Beast, in the shape
// of Beast's advanced server (a listener that accepts, a session per connection that reads a
// request, calls the pure handler, writes the response, and loops while keep-alive holds).
//
// Threads: one io_context per thread (`threads`, default the hardware's cores); the listener
// accepts on the first and hands connections round-robin, so a connection's handlers always run
// on one thread and need no strand.
//
// Limits, each answered without reading further: a header over `max_header_bytes` gets 431, a
// body over `max_body_bytes` 413 (from Content-Length, before the body is read), malformed HTTP
// 400 as soon as the bytes received can no longer become a request (framing.h: a bad chunk size
// does not wait for its line end); each then closes the connection. `read_timeout` bounds reading one request once its first
// byte arrived (a slowloris client is cut off), `idle_timeout` a keep-alive connection waiting
// for its next request, `write_timeout` writing a response. Past `max_connections` open
// connections a new one gets a canned 503 and is closed.
//
// Shutdown (Shutdown(), from SIGTERM/SIGINT): the listener closes, idle connections close,
// requests being read or answered are finished and answered, and so are the requests that
// follow them on the connection and were already received (buffered, or waiting in the
// socket); the last response on a connection carries `Connection: close`. Run() returns when no
// connection is left or after `shutdown_timeout`.
//
// Thread-safety: Listen, then Run on one thread; Shutdown from any thread (or a signal handler
// running on main_context()).
#ifndef REDTRUST_TOOLS_REDTRUSTD_SERVER_H_
#define REDTRUST_TOOLS_REDTRUSTD_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "engine/base/status.h"

namespace redtrust::server {

class AccessLog;
class HttpApi;
class Metrics;
struct ServerCore;  // server.cc

struct ServerOptions {
  // Address and port to listen on. Port 0 picks a free port (see port()). Default 127.0.0.1:8080.
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  // Threads serving connections. Default 0: std::thread::hardware_concurrency().
  int threads = 0;

  // ---- Limits. Each default suits policies and request batches; tests shorten the timeouts.
  // Largest request body. Default 1 MiB.
  size_t max_body_bytes = 1u << 20;
  // Largest request line plus header fields. Default 16 KiB.
  size_t max_header_bytes = 16u << 10;
  // Reading one request, from its first byte to its last. Default 10 s.
  std::chrono::milliseconds read_timeout{10000};
  // Writing one response. Default 10 s.
  std::chrono::milliseconds write_timeout{10000};
  // A keep-alive connection waiting for its next request. Default 60 s.
  std::chrono::milliseconds idle_timeout{60000};
  // Open connections; more are refused with 503. Default 10,000.
  size_t max_connections = 10000;
  // Graceful shutdown waits at most this long for connections to finish. Default 10 s.
  std::chrono::milliseconds shutdown_timeout{10000};
};

class Server {
 public:
  // None of the pointers is owned; `api` and `metrics` are required, `log` may be null.
  Server(ServerOptions options, HttpApi* api, Metrics* metrics, AccessLog* log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Fails (InvalidArgument) on a bad address, (FailedPrecondition) when the
  // port cannot be bound.
  Status Listen();
  // The bound port (the one picked for port 0). REQUIRES: Listen() succeeded.
  uint16_t port() const;

  // Serves until a shutdown completes. REQUIRES: Listen() succeeded. Call once.
  void Run();
  // Starts a graceful shutdown (idempotent; a second call while draining stops at once).
  void Shutdown();

  // The first thread's context: signal sets and timers of main run here.
  boost::asio::io_context& main_context();

 private:
  // Shared with every connection, so it outlives the handlers still queued at destruction.
  std::shared_ptr<ServerCore> core_;
};

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_SERVER_H_
