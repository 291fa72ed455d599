#include "tools/redtrust/common.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "engine/condition/values.h"
#include "tools/common/lint.h"

namespace redtrust::cli {

StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return Status::NotFound(path + ": cannot open: " + std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  size_t n;
  bool too_big = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > max_bytes) {
      too_big = true;
      break;
    }
    out.append(buf, n);
  }
  bool failed = std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (failed) return Status::InvalidArgument(path + ": read error");
  if (too_big) {
    return Status::ResourceExhausted(path + ": file is larger than the limit of " +
                                     std::to_string(max_bytes) + " bytes");
  }
  return out;
}

LineReader::LineReader(FILE* f, size_t max) : f_(f), max_(max) { buf_.resize(1 << 16); }

bool LineReader::Next(std::string* line, bool* too_long, size_t* length) {
  line->clear();
  *too_long = false;
  *length = 0;
  bool any = false;
  while (true) {
    if (pos_ == end_) {
      end_ = std::fread(buf_.data(), 1, buf_.size(), f_);
      pos_ = 0;
      if (end_ == 0) return any;
    }
    any = true;
    const char* start = buf_.data() + pos_;
    const void* nl = std::memchr(start, '\n', end_ - pos_);
    size_t n = nl ? static_cast<const char*>(nl) - start : end_ - pos_;
    *length += n;
    if (!*too_long) {
      if (line->size() + n > max_) {
        *too_long = true;
        line->clear();
        line->shrink_to_fit();
      } else {
        line->append(start, n);
      }
    }
    pos_ += n;
    if (nl) {
      ++pos_;
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
  }
}

std::string FormatDiagnostic(std::string_view file, const Diagnostic& d) {
  return tools::FormatDiagnostic(file, d);
}

void PrintError(std::string_view message) { std::cerr << "redtrust: " << message << "\n"; }

StatusOr<int64_t> ResolveNow(const std::optional<std::string>& now) {
  if (now) {
    auto t = ParseDate(*now);
    if (!t) {
      return Status::InvalidArgument("--now `" + *now +
                                     "` is not a date: use ISO 8601 (2026-01-01T00:00:00Z) or "
                                     "epoch seconds");
    }
    return *t;
  }
  // The only wall-clock read: the engine takes time as an input.
  return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
}

}  // namespace redtrust::cli
