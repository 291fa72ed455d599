#include "tools/redtrust/common.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "engine/condition/values.h"
#include "tools/questions/lint.h"

namespace redtrust::cli {

namespace {

// "PATH: cannot open: REASON", or "PATH: is a directory".
Status OpenError(const std::string& path, int err) {
  if (err == EISDIR) return Status::InvalidArgument(Shown(path) + ": is a directory");
  return Status::NotFound(Shown(path) + ": cannot open: " + std::strerror(err));
}

}  // namespace

StatusOr<FILE*> OpenInput(const std::string& path) {
  if (path == "-") return stdin;
  if (path.empty()) return Status::InvalidArgument("the file name is empty");
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return OpenError(path, errno);
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    return OpenError(path, EISDIR);
  }
  return f;
}

StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes) {
  auto opened = OpenInput(path);
  if (!opened.ok()) return opened.status();
  FILE* f = *opened;
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
  const int err = errno;
  bool failed = std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (failed) {
    if (err == EISDIR) return OpenError(path, err);
    return Status::InvalidArgument(Shown(path) + ": read error: " + std::strerror(err));
  }
  if (too_big) {
    return Status::ResourceExhausted(Shown(path) + ": file is larger than the limit of " +
                                     std::to_string(max_bytes) + " bytes");
  }
  return out;
}

LineReader::LineReader(FILE* f, size_t max, uint64_t max_unterminated)
    : f_(f), max_(max), max_unterminated_(std::max<uint64_t>(max_unterminated, max)) {
  buf_.resize(1 << 16);
}

bool LineReader::Next(std::string* line, bool* too_long, size_t* length) {
  line->clear();
  *too_long = false;
  *length = 0;
  if (stopped_) return false;
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
    if (*length > max_unterminated_) {
      // No line boundary in sight (/dev/zero, a binary file): the input is not lines.
      stopped_ = true;
      line->clear();
      return false;
    }
  }
}

std::string LineReader::StoppedMessage() const {
  return "no newline within " + std::to_string(max_unterminated_) +
         " bytes: reading stopped (the input is not lines of text; docs/limits.md)";
}

// ---- Writing

void BufferStdout() {
  // Static: stdout keeps using the buffer until exit, after any command has returned.
  static char buffer[1 << 16];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
}

int FinishStdout(int exit_code) {
  std::cout.flush();
  bool failed = !std::cout.good();
  errno = 0;
  if (std::fflush(stdout) != 0) failed = true;
  int err = errno;
  if (std::ferror(stdout)) failed = true;
  if (!failed) return exit_code;
  if (err == 0) {
    // The failure happened in an earlier write whose reason is gone: write nothing again to
    // learn it (a full device fails every write).
    std::fputc('\n', stdout);
    if (std::fflush(stdout) != 0) err = errno;
  }
  std::cerr << "redtrust: error writing to standard output"
            << (err ? std::string(": ") + std::strerror(err) : std::string()) << "\n";
  return kExitBadInput;
}

Status WriteFileChecked(const std::string& path, std::string_view data) {
  if (path.empty()) return Status::InvalidArgument("the output file name is empty");
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::InvalidArgument(Shown(path) + ": cannot write: " + std::strerror(errno));
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  int err = ok ? 0 : errno;
  if (std::fflush(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    return Status::InvalidArgument(Shown(path) + ": cannot write: " +
                                   (err ? std::strerror(err) : "write error"));
  }
  return Status::Ok();
}

// ---- Options

std::optional<uint64_t> ParseWholeNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;  // overflow
    v = v * 10 + d;
  }
  return v;
}

CLI::Option* AddNumberOption(CLI::App* app, const std::string& name, size_t* value,
                             const std::string& description, uint64_t min, uint64_t max) {
  max = std::min<uint64_t>(max, SIZE_MAX);
  CLI::Validator strict(
      [min, max](std::string& text) -> std::string {
        if (text.empty()) return "the value is empty: give a whole number";
        bool digits = text.find_first_not_of("0123456789") == std::string::npos;
        auto v = ParseWholeNumber(text);
        if (!digits) {
          return "`" + Shown(text) + "` is not a whole number (digits only, no sign)";
        }
        if (!v || *v > max || *v < min) {
          return "`" + Shown(text) + "` is out of range: give " + std::to_string(min) + " to " +
                 std::to_string(max);
        }
        return "";
      },
      "", "strict number");
  return app->add_option(name, *value, description)->check(strict);
}

CLI::Validator OneOf(std::initializer_list<const char*> choices) {
  std::vector<std::string> list(choices.begin(), choices.end());
  return CLI::Validator(
      [list](std::string& text) -> std::string {
        if (text.empty()) return "the value is empty";
        for (const std::string& c : list) {
          if (c == text) return "";
        }
        std::string all;
        for (const std::string& c : list) all += (all.empty() ? "" : ", ") + c;
        return "`" + Shown(text) + "` is not one of: " + all;
      },
      "", "one of");
}

void RefuseEmptyValues(CLI::App& app) {
  CLI::Validator non_empty(
      [](std::string& text) -> std::string { return text.empty() ? "the value is empty" : ""; },
      "", "non-empty");
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    for (CLI::Option* opt : sub->get_options()) {
      if (opt->get_type_size_max() > 0 && opt->get_name() != "--help") opt->check(non_empty);
    }
  }
}

namespace {

std::string CommandList(const CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return names;
}

}  // namespace

std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const std::string name = argv[1];
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == name) return std::nullopt;
  }
  return "unknown command `" + Shown(name) + "`; the commands are: " + CommandList(app);
}

std::string DescribeParseError(const CLI::App& app, const CLI::ParseError& e) {
  const std::string type = e.get_name();
  std::string m = e.what();
  const size_t colon = m.find(": ");
  const std::string name = colon == std::string::npos ? "" : m.substr(0, colon);
  if (type == "ArgumentMismatch" && !name.empty()) {
    if (m.find(": At Most ") != std::string::npos) {
      return name + " was given more than once; give it once";
    }
    return name + " needs a value";
  }
  if (type == "ConversionError" && m.rfind("Could not convert: ", 0) == 0) {
    std::string rest = m.substr(19);  // "NAME = VALUE"
    size_t eq = rest.find(" = ");
    if (eq != std::string::npos) {
      return rest.substr(0, eq) + ": `" + Shown(rest.substr(eq + 3)) + "` is not a valid value";
    }
  }
  if (type == "ExtrasError") {
    std::string args = m.substr(m.find(": ") == std::string::npos ? 0 : m.find(": ") + 2);
    return "unexpected argument(s): " + Shown(args);
  }
  if (type == "RequiredError" && m == "A subcommand is required") {
    return "a command is required: " + CommandList(app);
  }
  return m;
}

// ---- Messages

std::string Shown(std::string_view user_text) { return SanitizeForMessage(user_text); }

std::string TerminalText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (true) {
    size_t nl = text.find('\n');
    out += SanitizeForMessage(text.substr(0, nl), std::string::npos);
    if (nl == std::string_view::npos) break;
    out.push_back('\n');
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::string FormatDiagnostic(std::string_view file, const Diagnostic& d) {
  return tools::FormatDiagnostic(Shown(file), d);
}

void PrintError(std::string_view message) {
  std::cerr << "redtrust: " << TerminalText(message) << "\n";
}

StatusOr<int64_t> ResolveNow(const std::optional<std::string>& now) {
  if (now) {
    auto t = ParseDate(*now);
    if (!t) {
      return Status::InvalidArgument("--now `" + Shown(*now) +
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
