#include "tools/redtrustd/access_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "engine/io/json_writer.h"

namespace redtrust::server {

namespace {

constexpr size_t kFlushBytes = 256 << 10;
// When the log's file cannot keep up (a full pipe nobody reads), lines beyond this are dropped
// and counted rather than held: memory stays bounded.
constexpr size_t kMaxPendingBytes = 16 << 20;
constexpr auto kFlushInterval = std::chrono::milliseconds(100);

void AppendTime(int64_t micros, std::string* out) {
  // "YYYY-MM-DDTHH:MM:SS" changes once a second: format it once per second per thread.
  thread_local int64_t cached_second = -1;
  thread_local char prefix[64];
  const int64_t second = micros / 1000000;
  if (second != cached_second) {
    time_t secs = static_cast<time_t>(second);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = second;
  }
  char frac[8] = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
  for (int i = 6, f = static_cast<int>(micros % 1000000); i >= 1; --i, f /= 10) {
    frac[i] = static_cast<char>('0' + f % 10);
  }
  out->push_back('"');
  out->append(prefix);
  out->append(frac, sizeof frac);
  out->push_back('"');
}

}  // namespace

void AppendAccessLine(const AccessEntry& e, std::string* out) {
  out->append("{\"time\":");
  AppendTime(e.time_micros, out);
  out->append(",\"remote\":");
  AppendJsonString(out, e.remote);
  out->append(",\"method\":");
  AppendJsonString(out, e.method);
  out->append(",\"target\":");
  AppendJsonString(out, e.target);
  out->append(",\"route\":");
  AppendJsonString(out, e.route);
  out->append(",\"status\":");
  out->append(std::to_string(e.status));
  out->append(",\"decision\":");
  if (e.decision.empty()) out->append("null"); else AppendJsonString(out, e.decision);
  out->append(",\"latency_us\":");
  out->append(std::to_string(e.latency_us));
  out->append(",\"request_bytes\":");
  out->append(std::to_string(e.request_bytes));
  out->append(",\"bytes\":");
  out->append(std::to_string(e.bytes));
  out->append("}\n");
}

StatusOr<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path, bool enabled) {
  if (path == "-") return std::unique_ptr<AccessLog>(new AccessLog(stderr, false, enabled));
  FILE* f = std::fopen(path.c_str(), "ae");
  if (!f) return Status::NotFound(path + ": cannot open: " + std::strerror(errno));
  return std::unique_ptr<AccessLog>(new AccessLog(f, true, enabled));
}

AccessLog::AccessLog(FILE* f, bool owned, bool enabled)
    : file_(f), owned_(owned), enabled_(enabled) {
  flusher_ = std::thread([this] { FlusherLoop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  flusher_.join();
  Flush();
  if (owned_) std::fclose(file_);
}

void AccessLog::Write(const AccessEntry& e) {
  if (!enabled_) return;
  thread_local std::string line;
  line.clear();
  AppendAccessLine(e, &line);
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_.size() + line.size() > kMaxPendingBytes) {
      ++dropped_;
      return;
    }
    pending_.append(line);
    wake = pending_.size() >= kFlushBytes;
  }
  if (wake) cv_.notify_one();
}

void AccessLog::Note(std::string_view text) {
  std::string line = "redtrustd: ";
  line.append(text);
  line.push_back('\n');
  if (file_ != stderr) {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.append(line);
  }
  Flush();  // with the request lines before it, in order
}

void AccessLog::Flush() {
  // Hold write_mu_ across take-and-write so chunks reach the file in the order they were taken.
  std::lock_guard<std::mutex> wlock(write_mu_);
  std::string chunk;
  {
    std::lock_guard<std::mutex> lock(mu_);
    chunk.swap(pending_);
    if (dropped_ && enabled_) {
      chunk.append("redtrustd: access log behind: " + std::to_string(dropped_) +
                   " line(s) dropped\n");
      dropped_ = 0;
    }
  }
  WriteOut(chunk);
}

void AccessLog::WriteOut(const std::string& s) {
  if (s.empty()) return;
  std::fwrite(s.data(), 1, s.size(), file_);
  std::fflush(file_);
}

void AccessLog::FlusherLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, kFlushInterval, [this] { return stop_ || pending_.size() >= kFlushBytes; });
    if (pending_.empty()) continue;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace redtrust::server
