#include "tools/redtrustd/metrics.h"

#include <cstdio>
#include <vector>

#include "tools/redtrustd/world_store.h"

namespace redtrust::server {

namespace {

// Upper bounds of the latency buckets, in microseconds (the last bucket is +Inf).
constexpr std::array<uint64_t, 16> kBucketsUs = {100,    250,    500,     1000,    2500,   5000,
                                                 10000,  25000,  50000,   100000,  250000, 500000,
                                                 1000000, 2500000, 5000000, 10000000};
constexpr std::array<std::string_view, 7> kBuiltinRoutes = {
    "/v1/eval", "/v1/can", "/v1/replay", "/v1/lint", "/healthz", "/metrics", "unknown"};
constexpr unsigned kMaxStatus = 600;

std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", s);
  return buf;
}

}  // namespace

struct Metrics::RouteStats {
  std::array<std::atomic<uint64_t>, kMaxStatus> status{};
  std::array<std::atomic<uint64_t>, kBucketsUs.size() + 1> buckets{};
  std::atomic<uint64_t> sum_us{0};
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> allowed{0}, denied{0}, error{0};
};

Metrics::Metrics() {
  for (auto& r : builtin_) r = std::make_unique<RouteStats>();
}
Metrics::~Metrics() = default;

Metrics::RouteStats& Metrics::Route(std::string_view route) {
  for (size_t i = 0; i < kBuiltinRoutes.size(); ++i) {
    if (route == kBuiltinRoutes[i]) return *builtin_[i];
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = other_.find(route);
  if (it == other_.end()) {
    it = other_.emplace(std::string(route), std::make_unique<RouteStats>()).first;
  }
  return *it->second;  // stable: entries are never removed
}

void Metrics::Record(const Outcome& outcome, unsigned status, uint64_t latency_us) {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  RouteStats& r = Route(outcome.route.empty() ? "unknown" : outcome.route);
  r.status[status < kMaxStatus ? status : 0].fetch_add(1, kRelaxed);
  size_t b = 0;
  while (b < kBucketsUs.size() && latency_us > kBucketsUs[b]) ++b;
  r.buckets[b].fetch_add(1, kRelaxed);
  r.sum_us.fetch_add(latency_us, kRelaxed);
  r.count.fetch_add(1, kRelaxed);
  if (outcome.decisions_allowed) r.allowed.fetch_add(outcome.decisions_allowed, kRelaxed);
  if (outcome.decisions_denied) r.denied.fetch_add(outcome.decisions_denied, kRelaxed);
  if (outcome.decisions_error) r.error.fetch_add(outcome.decisions_error, kRelaxed);
}

std::string Metrics::Render(const WorldStore* worlds) const {
  std::vector<std::pair<std::string, const RouteStats*>> routes;
  for (size_t i = 0; i < kBuiltinRoutes.size(); ++i) {
    routes.emplace_back(std::string(kBuiltinRoutes[i]), builtin_[i].get());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, stats] : other_) routes.emplace_back(name, stats.get());
  }
  std::string out;
  out += "# HELP redtrustd_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE redtrustd_requests_total counter\n";
  for (const auto& [name, r] : routes) {
    for (unsigned s = 0; s < kMaxStatus; ++s) {
      uint64_t n = r->status[s].load();
      if (!n) continue;
      out += "redtrustd_requests_total{route=\"" + Label(name) + "\",status=\"" +
             std::to_string(s) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP redtrustd_decisions_total Authorization answers, by route and outcome.\n";
  out += "# TYPE redtrustd_decisions_total counter\n";
  for (const auto& [name, r] : routes) {
    for (auto [outcome, counter] : {std::pair{"allowed", &r->allowed},
                                    {"denied", &r->denied}, {"error", &r->error}}) {
      uint64_t n = counter->load();
      if (!n) continue;
      out += "redtrustd_decisions_total{route=\"" + Label(name) + "\",outcome=\"" + outcome +
             "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP redtrustd_request_duration_seconds Time from a request read to its response "
         "written.\n";
  out += "# TYPE redtrustd_request_duration_seconds histogram\n";
  for (const auto& [name, r] : routes) {
    uint64_t count = r->count.load();
    if (!count) continue;
    const std::string label = "route=\"" + Label(name) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketsUs.size(); ++b) {
      cumulative += r->buckets[b].load();
      std::string le = b < kBucketsUs.size() ? Seconds(kBucketsUs[b] / 1e6) : "+Inf";
      out += "redtrustd_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "redtrustd_request_duration_seconds_sum{" + label + "} " +
           Seconds(r->sum_us.load() / 1e6) + "\n";
    out += "redtrustd_request_duration_seconds_count{" + label + "} " + std::to_string(count) +
           "\n";
  }
  out += "# HELP redtrustd_connections_active Open client connections.\n";
  out += "# TYPE redtrustd_connections_active gauge\n";
  out += "redtrustd_connections_active " + std::to_string(connections_active_.load()) + "\n";
  out += "# HELP redtrustd_connections_total Accepted client connections.\n";
  out += "# TYPE redtrustd_connections_total counter\n";
  out += "redtrustd_connections_total " + std::to_string(connections_total_.load()) + "\n";
  out += "# HELP redtrustd_connections_rejected_total Connections refused with 503 at "
         "--max-connections.\n";
  out += "# TYPE redtrustd_connections_rejected_total counter\n";
  out += "redtrustd_connections_rejected_total " + std::to_string(connections_rejected_.load()) +
         "\n";
  if (worlds) {
    out += "# HELP redtrustd_world_generation The served world: 1 at startup, +1 per reload.\n";
    out += "# TYPE redtrustd_world_generation gauge\n";
    out += "redtrustd_world_generation " + std::to_string(worlds->generation()) + "\n";
    out += "# HELP redtrustd_world_reloads_total World reloads (SIGHUP), by result.\n";
    out += "# TYPE redtrustd_world_reloads_total counter\n";
    out += "redtrustd_world_reloads_total{result=\"ok\"} " + std::to_string(worlds->reloads_ok()) +
           "\n";
    out += "redtrustd_world_reloads_total{result=\"failed\"} " +
           std::to_string(worlds->reloads_failed()) + "\n";
    out += "# HELP redtrustd_world_loaded_timestamp_seconds When the served world was loaded.\n";
    out += "# TYPE redtrustd_world_loaded_timestamp_seconds gauge\n";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", worlds->loaded_at_micros() / 1e6);
    out += std::string("redtrustd_world_loaded_timestamp_seconds ") + buf + "\n";
  }
  return out;
}

}  // namespace redtrust::server
