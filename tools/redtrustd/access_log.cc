#include "tools/redtrustd/access_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "tools/questions/json_writer.h"

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

// Length of the UTF-8 sequence starting at s[i] (2-4; the byte at i is 0x80 or more), or 0
// when it is not one (a stray continuation, an overlong form, a surrogate, past U+10FFFF, cut).
size_t Utf8SequenceAt(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  }
  return n;
}

void AppendHexByte(unsigned char c, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

}  // namespace

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      AppendHexByte(c, &out);
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (size_t n = Utf8SequenceAt(text, i); n == 0) {
      AppendHexByte(c, &out);
      ++i;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      AppendHexByte(c, &out);  // a C1 control, U+0080-U+009F
      AppendHexByte(static_cast<unsigned char>(text[i + 1]), &out);
      i += 2;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

void AppendAccessLine(const AccessEntry& e, std::string* out) {
  const size_t start = out->size();
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
  // The JSON writer leaves valid UTF-8 as it is, C1 controls included; a terminal showing the
  // log (standard error by default) may obey them, so they are escaped too. The line is valid
  // UTF-8, so 0xC2 is always a lead byte here.
  if (out->find('\xC2', start) == std::string::npos) return;
  std::string line = out->substr(start);
  out->resize(start);
  for (size_t i = 0; i < line.size(); ++i) {
    const unsigned char next = i + 1 < line.size() ? static_cast<unsigned char>(line[i + 1]) : 0;
    if (static_cast<unsigned char>(line[i]) == 0xC2 && next >= 0x80 && next <= 0x9F) {
      static const char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[next >> 4]);
      out->push_back(kHex[next & 15]);
      ++i;
    } else {
      out->push_back(line[i]);
    }
  }
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
  if (owned_ && std::fclose(file_) != 0) {
    const std::string note = std::string("redtrustd: access log: closing it failed: ") +
                             std::strerror(errno) + "\n";
    if (std::fwrite(note.data(), 1, note.size(), stderr) != note.size()) std::clearerr(stderr);
  }
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
  line.append(EscapeForTerminal(text));
  line.push_back('\n');
  if (file_ != stderr) {
    // Standard error is the last resort: a failure to write there can only be counted.
    std::lock_guard<std::mutex> wlock(write_mu_);
    if (std::fwrite(line.data(), 1, line.size(), stderr) != line.size() ||
        std::fflush(stderr) != 0) {
      std::clearerr(stderr);
      failed_writes_.fetch_add(1);
    }
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

uint64_t AccessLog::failed_writes() const { return failed_writes_.load(); }

void AccessLog::WriteOut(const std::string& s) {
  if (s.empty()) return;
  errno = 0;
  const size_t written = std::fwrite(s.data(), 1, s.size(), file_);
  const bool ok = written == s.size() && std::fflush(file_) == 0;
  std::string note;
  if (ok) {
    if (!failing_) return;
    failing_ = false;
    note = "redtrustd: access log: writing again; " + std::to_string(lost_bytes_) +
           " byte(s) lost while it failed\n";
    lost_bytes_ = 0;
  } else {
    const int error = errno;
    std::clearerr(file_);
    failed_writes_.fetch_add(1);
    lost_bytes_ += s.size() - written;
    if (failing_) return;  // said once per run of failures
    failing_ = true;
    note = std::string("redtrustd: access log: write failed: ") +
           (error ? std::strerror(error) : "unknown error") + "; lines are lost until it works\n";
  }
  // Where the log is standard error itself, a failure cannot be reported anywhere.
  if (file_ == stderr) return;
  if (std::fwrite(note.data(), 1, note.size(), stderr) != note.size() ||
      std::fflush(stderr) != 0) {
    std::clearerr(stderr);
    failed_writes_.fetch_add(1);
  }
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
