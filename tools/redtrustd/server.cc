#include "tools/redtrustd/server.h"

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "tools/redtrustd/access_log.h"
#include "tools/redtrustd/framing.h"
#include "tools/redtrustd/handler.h"
#include "tools/redtrustd/http_api.h"
#include "tools/redtrustd/metrics.h"

namespace redtrust::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
// The canned answer past --max-connections, written without a session.
const std::string& TooManyConnections() {
  static const std::string response = [] {
    const std::string body =
        "{\"error\":{\"code\":\"http.too_many_connections\",\"message\":\"too many open "
        "connections\"}}\n";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  }();
  return response;
}
// After a response that closes the connection, unread request bytes are drained for at most this
// long (and this much) so the client reads the response instead of a reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 4u << 20;

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsHttpError(const beast::error_code& ec) {
  return ec.category() == beast::http::make_error_code(beast::http::error::bad_method).category();
}

class Session;

}  // namespace

struct ServerCore : std::enable_shared_from_this<ServerCore> {
  ServerCore(ServerOptions o, HttpApi* a, Metrics* m, AccessLog* l)
      : options(std::move(o)), api(a), metrics(m), log(l) {
    if (options.threads <= 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
    for (int i = 0; i < options.threads; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
      guards.emplace_back(net::make_work_guard(*contexts.back()));
    }
    acceptor.emplace(*contexts[0]);
    drain_timer.emplace(*contexts[0]);
    accept_retry.emplace(*contexts[0]);
  }

  void Accept();
  void OnAccept(const beast::error_code& ec, tcp::socket socket);
  void BeginShutdown();
  void PollDrain();
  void Finish();
  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s);

  ServerOptions options;
  HttpApi* api;
  Metrics* metrics;
  AccessLog* log;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> live{0};
  uint16_t port = 0;  // bound port, set by Listen
  Clock::time_point drain_deadline;
  size_t next_context = 0;
  // Declared before the contexts: sessions destroyed with a context still unregister here.
  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  // Declared after the contexts they run on, so destroyed before them.
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> drain_timer;
  std::optional<net::steady_timer> accept_retry;
};

namespace {

// One connection: read a request, answer it, write the response, loop while keep-alive holds.
// Every handler runs on the connection's io_context, which one thread runs.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerCore> server, std::string remote)
      : stream_(std::move(socket)), server_(std::move(server)), remote_(std::move(remote)) {}

  ~Session() {
    server_->Unregister(this);
    server_->metrics->ConnectionClosed();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

  // Graceful shutdown: an idle connection closes now (unless the next request's bytes are
  // already waiting in its socket); one reading or answering a request finishes it, and the
  // requests it has already received, and closes after the last one's response.
  void OnShutdown() {
    stopping_ = true;
    if (lingering_ || (idle_ && !MoreRequestBytes())) stream_.cancel();
  }

 private:
  const ServerOptions& options() const { return server_->options; }

  bool Stopping() const { return stopping_ || server_->stopping.load(); }

  // Whether bytes of a next request have been received: read into buffer_ (pipelined) or
  // waiting in the socket. While shutting down these requests are still answered.
  bool MoreRequestBytes() {
    if (buffer_.size() > 0) return true;
    beast::error_code ec;
    const size_t n = stream_.socket().available(ec);
    return !ec && n > 0;
  }

  void WaitForRequest() {
    if (Stopping() && !MoreRequestBytes()) return Close();
    if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is already here
    // Idle: wait for the first byte of the next request under the idle timeout.
    idle_ = true;
    stream_.expires_after(options().idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(8192),
        [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnFirstBytes(ec, n); });
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    idle_ = false;
    if (ec) return Close();  // closed by the client, idle timeout, or shutdown
    buffer_.commit(n);
    ReadRequest();
  }

  // Reads one request under the read timeout. Beast's parser takes the bytes; whenever it asks
  // for more, the bytes it left are checked for framing that can no longer become valid
  // (framing.h), so a malformed request line, header or chunk size is answered at once instead
  // of after the read timeout.
  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    header_seen_ = false;
    header_consumed_ = 0;
    stream_.expires_after(options().read_timeout);
    Parse();
  }

  void Parse() {
    while (true) {
      if (parser_->is_header_done() && !header_seen_) {
        header_seen_ = true;
        if (!parser_->is_done() &&
            beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
          // curl and others wait for this before sending a larger body.
          net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) return self->Close();
                             self->Parse();
                           });
          return;
        }
      }
      if (parser_->is_done()) return OnRequest();
      if (buffer_.size() == 0) return ReadMore();
      beast::error_code ec;
      const size_t used = parser_->put(buffer_.data(), ec);
      if (!parser_->is_header_done()) header_consumed_ += used;
      buffer_.consume(used);
      if (ec == http::error::need_more || (!ec && used == 0 && !parser_->is_done())) {
        if (std::optional<std::string> bad = CheckBuffered()) {
          return Reject(http::status::bad_request, "http.malformed",
                        "malformed HTTP request: " + *bad);
        }
        return ReadMore();
      }
      if (ec) return OnReadError(ec);
    }
  }

  // The bytes the parser left, when it waits for a line end: can they still become framing?
  std::optional<std::string> CheckBuffered() {
    if (buffer_.size() == 0) return std::nullopt;
    const std::string_view pending(static_cast<const char*>(buffer_.data().data()),
                                   buffer_.size());
    if (!parser_->is_header_done()) {
      // Beast takes the request line as soon as its CRLF is here: what is left are fields.
      return CheckFramingPrefix(pending, header_consumed_ > 0 ? FramingPhase::kFields
                                                              : FramingPhase::kHeader);
    }
    if (parser_->chunked()) return CheckFramingPrefix(pending, FramingPhase::kChunkHeader);
    return std::nullopt;
  }

  void ReadMore() {
    const size_t room = buffer_.max_size() - buffer_.size();
    if (room == 0) return OnReadError(http::error::buffer_overflow);
    stream_.async_read_some(
        buffer_.prepare(std::min<size_t>(room, 65536)),
        [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(beast::error_code ec, size_t n) {
    buffer_.commit(n);
    if (ec == net::error::eof) {
      // The client closed mid-request (or between requests: nothing to answer).
      return OnReadError(parser_->got_some() ? beast::error_code(http::error::partial_message)
                                             : beast::error_code(http::error::end_of_stream));
    }
    if (ec) return OnReadError(ec);
    Parse();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == net::error::operation_aborted) {
      return Close();
    }
    if (ec == beast::error::timeout) {
      // The stream closed the socket; nothing can be answered. Logged, as slow clients are
      // worth seeing.
      Outcome o;
      o.route = "unknown";
      LogOnly(o, 408, ec.message());
      return Close();
    }
    if (!IsHttpError(ec)) return Close();  // reset, broken pipe...
    if (ec == http::error::body_limit) {
      return Reject(http::status::payload_too_large, "http.body_too_large",
                    "request body exceeds the limit of " +
                        std::to_string(options().max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return Reject(http::status::request_header_fields_too_large, "http.header_too_large",
                    "request header exceeds the limit of " +
                        std::to_string(options().max_header_bytes) + " bytes");
    }
    Reject(http::status::bad_request, "http.malformed", "malformed HTTP request: " + ec.message());
  }

  // Answers a request that cannot be read and closes: the rest of this connection's bytes
  // cannot be trusted.
  void Reject(http::status status, std::string_view code, const std::string& message) {
    Outcome o;
    o.route = "unknown";
    HttpResponse r = ErrorResponse(status, /*version=*/11, code, message);
    if (parser_ && parser_->is_header_done()) {
      method_ = std::string(parser_->get().method_string());
      target_ = std::string(parser_->get().target());
    }
    started_ = Clock::now();
    Send(std::move(r), std::move(o), /*keep_alive=*/false);
  }

  void OnRequest() {
    started_ = Clock::now();
    request_ = parser_->release();
    parser_.reset();
    method_ = std::string(request_.method_string());
    target_ = std::string(request_.target());
    request_bytes_ = request_.body().size();
    Outcome outcome;
    HttpResponse response = server_->api->Handle(request_, &outcome);
    // While shutting down, a request that follows on this connection and has already been
    // received is still answered: this response keeps the connection open for it.
    const bool keep_alive = request_.keep_alive() && (!Stopping() || MoreRequestBytes());
    Send(std::move(response), std::move(outcome), keep_alive);
  }

  void Send(HttpResponse&& response, Outcome&& outcome, bool keep_alive) {
    response_ = std::move(response);
    outcome_ = std::move(outcome);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    // The status line and fields go out from one reused buffer, the body from its own, in one
    // gathered write. (Profiled: Beast's generic serializer cost about a tenth of a request's
    // CPU for these small responses.)
    head_.clear();
    head_ += "HTTP/1.1 ";
    head_ += std::to_string(response_.result_int());
    head_.push_back(' ');
    head_ += response_.reason().empty() ? http::obsolete_reason(response_.result())
                                        : response_.reason();
    head_ += "\r\n";
    for (const auto& field : response_) {
      head_ += field.name_string();
      head_ += ": ";
      head_ += field.value();
      head_ += "\r\n";
    }
    head_ += "\r\n";
    stream_.expires_after(options().write_timeout);
    std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(response_.body())};
    net::async_write(stream_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    const unsigned status = response_.result_int();
    const uint64_t latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
    server_->metrics->Record(outcome_, status, latency);
    if (server_->log) {
      AccessEntry e;
      e.time_micros = WallMicros();
      e.remote = remote_;
      e.method = method_;
      e.target = target_;
      e.route = outcome_.route;
      e.status = status;
      e.decision = outcome_.decision;
      e.latency_us = latency;
      e.request_bytes = request_bytes_;
      e.bytes = response_.body().size();
      server_->log->Write(e);
    }
    const bool keep_alive = response_.keep_alive();
    response_ = {};
    request_ = {};
    method_.clear();
    target_.clear();
    request_bytes_ = 0;
    if (ec) return Close();
    if (!keep_alive) return Linger();
    WaitForRequest();
  }

  void LogOnly(const Outcome& o, unsigned status, const std::string&) {
    server_->metrics->Record(o, status, 0);
    if (!server_->log) return;
    AccessEntry e;
    e.time_micros = WallMicros();
    e.remote = remote_;
    e.method = parser_ && parser_->is_header_done() ? parser_->get().method_string() : "";
    e.target = parser_ && parser_->is_header_done() ? parser_->get().target() : "";
    e.route = o.route;
    e.status = status;
    server_->log->Write(e);
  }

  // Half-closes, then reads and discards what the client still sends until it closes (or for
  // a bounded time and size), so the response is not lost to a reset.
  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    lingering_ = true;  // a shutdown closes it at once
    linger_left_ = kLingerBytes;
    // While shutting down, a client that keeps the connection open does not hold the exit long.
    stream_.expires_after(Stopping() ? kLingerTime / 10 : kLingerTime);
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec || n >= self->linger_left_) return self->Close();
                              self->linger_left_ -= n;
                              self->DrainSome();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<ServerCore> server_;
  const std::string remote_;
  beast::flat_buffer buffer_{options().max_header_bytes + options().max_body_bytes + 8192};
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  HttpResponse response_;
  std::string head_;  // the response's status line and fields, serialized
  Outcome outcome_;
  std::string method_, target_;
  uint64_t request_bytes_ = 0;
  Clock::time_point started_;
  bool idle_ = false;       // waiting for the first byte of a request
  size_t header_consumed_ = 0;  // bytes of this request's header the parser took so far
  bool lingering_ = false;  // draining after a response that closes the connection
  bool header_seen_ = false;
  bool stopping_ = false;
  size_t linger_left_ = 0;
  std::array<char, 4096> scratch_;
};

}  // namespace

void ServerCore::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  sessions.emplace(s.get(), s);
  live.fetch_add(1);
  metrics->ConnectionOpened();
}

void ServerCore::Unregister(Session* s) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  sessions.erase(s);
  live.fetch_sub(1);
}

void ServerCore::Accept() {
  net::io_context& ctx = *contexts[next_context];
  next_context = (next_context + 1) % contexts.size();
  acceptor->async_accept(ctx, [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
    self->OnAccept(ec, std::move(s));
  });
}

void ServerCore::OnAccept(const beast::error_code& ec, tcp::socket socket) {
  if (stopping.load() || ec == net::error::operation_aborted) return;
  if (ec) {
    // Out of file descriptors or similar: try again shortly instead of spinning.
    if (log) log->Note("accept: " + ec.message());
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e && !self->stopping.load()) self->Accept();
    });
    return;
  }
  beast::error_code ignored;
  if (live.load() >= options.max_connections) {
    metrics->ConnectionRejected();
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(TooManyConnections()), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    return Accept();
  }
  socket.set_option(tcp::no_delay(true), ignored);
  auto endpoint = socket.remote_endpoint(ignored);
  std::string remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  auto session = std::make_shared<Session>(std::move(socket), shared_from_this(), std::move(remote));
  Register(session);
  session->Start();
  Accept();
}

void ServerCore::BeginShutdown() {
  if (stopping.exchange(true)) return Finish();  // a second request: stop now
  beast::error_code ignored;
  acceptor->close(ignored);
  accept_retry->cancel();
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (auto& s : open) {
    // A session's state belongs to its own thread.
    net::post(s->executor(), [s] { s->OnShutdown(); });
  }
  drain_deadline = Clock::now() + options.shutdown_timeout;
  PollDrain();
}

void ServerCore::PollDrain() {
  if (live.load() == 0 || Clock::now() >= drain_deadline) return Finish();
  drain_timer->expires_after(std::chrono::milliseconds(10));
  drain_timer->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->PollDrain();
  });
}

void ServerCore::Finish() {
  for (auto& g : guards) g.reset();
  for (auto& c : contexts) c->stop();
}

Server::Server(ServerOptions options, HttpApi* api, Metrics* metrics, AccessLog* log)
    : core_(std::make_shared<ServerCore>(std::move(options), api, metrics, log)) {}

Server::~Server() {
  // Pending handlers hold the core; destroying the contexts releases them. The work guards go
  // first: they point into the contexts.
  core_->guards.clear();
  for (auto& c : core_->contexts) c->stop();
  core_->acceptor.reset();
  core_->drain_timer.reset();
  core_->accept_retry.reset();
  for (auto& c : core_->contexts) c.reset();
}

Status Server::Listen() {
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(core_->options.address, ec);
  if (ec) return Status::InvalidArgument("`" + core_->options.address + "` is not an IP address");
  tcp::endpoint endpoint(address, core_->options.port);
  tcp::acceptor& a = *core_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::FailedPrecondition("cannot listen on " + core_->options.address + ":" +
                                      std::to_string(core_->options.port) + ": " + ec.message());
  }
  // Kept here: asking the acceptor later would race with the accept loop.
  core_->port = a.local_endpoint(ec).port();
  return Status::Ok();
}

uint16_t Server::port() const { return core_->port; }

void Server::Run() {
  net::post(*core_->contexts[0], [core = core_] { core->Accept(); });
  std::vector<std::thread> threads;
  for (size_t i = 1; i < core_->contexts.size(); ++i) {
    threads.emplace_back([ctx = core_->contexts[i].get()] { ctx->run(); });
  }
  core_->contexts[0]->run();
  for (auto& t : threads) t.join();
}

void Server::Shutdown() {
  net::post(*core_->contexts[0], [core = core_] { core->BeginShutdown(); });
}

net::io_context& Server::main_context() { return *core_->contexts[0]; }

}  // namespace redtrust::server
