// Metrics: redtrustd's counters, exposed by GET /metrics in the Prometheus text format (0.0.4).
//
//   redtrustd_requests_total{route,status}            counter  answered requests
//   redtrustd_decisions_total{route,outcome}          counter  allowed | denied | error
//   redtrustd_request_duration_seconds{route}         histogram, request read -> response written
//   redtrustd_connections_active                      gauge
//   redtrustd_connections_total                       counter  accepted connections
//   redtrustd_connections_rejected_total              counter  refused at --max-connections
//   redtrustd_world_generation                        gauge    1 at startup, +1 per reload
//   redtrustd_world_reloads_total{result}             counter  ok | failed
//   redtrustd_world_loaded_timestamp_seconds          gauge
//   redtrustd_aws_issued_credentials                  gauge    (added by http_api.cc)
//
// Thread-safety: every method may be called concurrently. Recording a request for a built-in
// route is a few relaxed atomic increments; routes named by the AWS handlers take a mutex once
// to find their slot.
#ifndef REDTRUST_TOOLS_REDTRUSTD_METRICS_H_
#define REDTRUST_TOOLS_REDTRUSTD_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "tools/redtrustd/handler.h"

namespace redtrust::server {

class WorldStore;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request: its route (Outcome::route), HTTP status, decisions and latency.
  void Record(const Outcome& outcome, unsigned status, uint64_t latency_us);

  void ConnectionOpened() { ++connections_total_; ++connections_active_; }
  void ConnectionClosed() { --connections_active_; }
  void ConnectionRejected() { ++connections_rejected_; }
  int64_t connections_active() const { return connections_active_.load(); }

  // The exposition text; `worlds` (may be null) adds the world gauges and reload counters.
  std::string Render(const WorldStore* worlds) const;

 private:
  struct RouteStats;
  RouteStats& Route(std::string_view route);

  std::array<std::unique_ptr<RouteStats>, 7> builtin_;  // the routes of http_api.h, "unknown"
  mutable std::mutex mu_;  // guards other_
  std::map<std::string, std::unique_ptr<RouteStats>, std::less<>> other_;
  std::atomic<uint64_t> connections_total_{0};
  std::atomic<int64_t> connections_active_{0};
  std::atomic<uint64_t> connections_rejected_{0};
};

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_METRICS_H_
