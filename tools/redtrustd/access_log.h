// AccessLog: redtrustd's structured access log, one JSON object per line per request:
//
//   {"time":"2026-01-01T00:00:00.000123Z","remote":"127.0.0.1:50312","method":"POST",
//    "target":"/v1/eval","route":"/v1/eval","status":200,"decision":"allowed",
//    "latency_us":84,"request_bytes":412,"bytes":187}
//
// `bytes` counts the response body. Lines are appended to an in-memory buffer and written by a
// background thread every 100 ms (or when 256 KiB are pending), so a request never waits on the
// log's file; Flush() and the destructor write what is pending. Server notes (startup, reloads,
// shutdown) are plain "redtrustd: ..." lines on standard error, in order with the request lines
// when the log is standard error too. When
// the file cannot keep up, lines beyond 16 MiB pending are dropped and a note counts them.
//
// Every write is checked: when writing the log fails (a full disk, a closed pipe), a note on
// standard error says so once, with the error, and another when writing works again, with the
// bytes lost meanwhile (failed_writes() counts the failures). Text from outside (request
// targets, flag values, paths, world diagnostics) never reaches a terminal raw: the JSON lines
// escape control characters, C1 controls included (\u009b), and notes pass through
// EscapeForTerminal.
//
// Thread-safety: Write and Note may be called from any thread.
#ifndef REDTRUST_TOOLS_REDTRUSTD_ACCESS_LOG_H_
#define REDTRUST_TOOLS_REDTRUSTD_ACCESS_LOG_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "engine/base/status.h"

namespace redtrust::server {

struct AccessEntry {
  int64_t time_micros = 0;  // wall clock when the response was written
  std::string_view remote;  // "ADDRESS:PORT"
  std::string_view method;
  std::string_view target;
  std::string_view route;
  unsigned status = 0;
  std::string_view decision;  // "" is written as null
  uint64_t latency_us = 0;
  uint64_t request_bytes = 0;
  uint64_t bytes = 0;
};

// Appends the entry's JSON line (with its newline) to *out. Strings are JSON-escaped, and C1
// control characters (U+0080-U+009F, which terminals may obey) are written as \u0080-\u009f.
void AppendAccessLine(const AccessEntry& e, std::string* out);

// `text` safe to print on a terminal: bytes below 0x20 and 0x7F, C1 control characters
// (U+0080-U+009F) and bytes that are not UTF-8 are written as \xNN; everything else as is.
std::string EscapeForTerminal(std::string_view text);

class AccessLog {
 public:
  // path "-" = standard error (not closed). `enabled` false drops request lines but keeps notes.
  static StatusOr<std::unique_ptr<AccessLog>> Open(const std::string& path, bool enabled = true);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Write(const AccessEntry& e);
  // "redtrustd: " + EscapeForTerminal(text) + "\n" on standard error, written at once (after
  // the pending request lines when the log is standard error).
  void Note(std::string_view text);
  void Flush();
  // Writes of the log that failed so far.
  uint64_t failed_writes() const;

 private:
  AccessLog(FILE* f, bool owned, bool enabled);
  void FlusherLoop();
  // Writes `s` to file_ and checks it; REQUIRES write_mu_ held.
  void WriteOut(const std::string& s);

  FILE* file_;
  bool owned_;
  bool enabled_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;
  uint64_t dropped_ = 0;
  bool stop_ = false;
  std::mutex write_mu_;  // serializes writes to file_, in order
  // Guarded by write_mu_: the current run of failed writes and the bytes they lost.
  bool failing_ = false;
  uint64_t lost_bytes_ = 0;
  std::atomic<uint64_t> failed_writes_{0};
  std::thread flusher_;
};

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_ACCESS_LOG_H_
