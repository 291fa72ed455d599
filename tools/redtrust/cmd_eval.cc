// `redtrust eval [FILE|-]`: one JSON request per line in, one JSON decision per line out.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/io/eval_json.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

namespace {

// Reads lines with bounded memory: a line longer than `max` is consumed to its end but only
// its length is kept, so a 100 MB line costs no more than `max` bytes of memory.
class LineReader {
 public:
  LineReader(FILE* f, size_t max) : f_(f), max_(max) { buf_.resize(1 << 16); }

  // False at end of input. *too_long is set when the line exceeded `max` (then *line is empty
  // and *length holds its real length).
  bool Next(std::string* line, bool* too_long, size_t* length) {
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

 private:
  FILE* f_;
  size_t max_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
};

struct EvalArgs {
  std::string input = "-";
  std::optional<std::string> now;
  size_t max_line_bytes = 1u << 20;
  size_t max_policy_chars = 2048;
};

int RunEval(const EvalArgs& a) {
  auto now = ResolveNow(a.now);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  FILE* f = a.input == "-" ? stdin : std::fopen(a.input.c_str(), "rb");
  if (!f) {
    PrintError(a.input + ": cannot open: " + std::strerror(errno));
    return kExitBadInput;
  }
  EvalSessionOptions o;
  o.now_micros = *now;
  o.max_line_bytes = a.max_line_bytes;
  o.validate.max_policy_chars = a.max_policy_chars;
  EvalSession session(o);
  LineReader reader(f, a.max_line_bytes);
  std::string line, out;
  bool too_long;
  size_t length;
  uint64_t line_number = 0, errors = 0;
  std::vector<char> obuf(1 << 16);
  std::setvbuf(stdout, obuf.data(), _IOFBF, obuf.size());
  while (reader.Next(&line, &too_long, &length)) {
    ++line_number;
    bool is_error = false;
    if (too_long) {
      out = session.OversizeLine(line_number, length);
      is_error = true;
    } else {
      out = session.EvaluateLine(line, line_number, &is_error);
    }
    errors += is_error;
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  bool read_failed = std::ferror(f);
  if (f != stdin) std::fclose(f);
  std::fflush(stdout);
  if (read_failed) {
    PrintError(a.input + ": read error");
    return kExitBadInput;
  }
  if (errors) {
    std::fprintf(stderr, "redtrust: %llu of %llu request(s) could not be evaluated\n",
                 (unsigned long long)errors, (unsigned long long)line_number);
    return kExitBadInput;
  }
  return 0;
}

}  // namespace

void AddEvalCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* c = app.add_subcommand(
      "eval",
      "Batch decisions: one JSON request per line in (FILE or - for stdin), one JSON decision\n"
      "per line out, in order; streams with flat memory. A bad line gets \"decision\":\"error\"\n"
      "and the run goes on. Exit 0 when every line got a decision, 2 otherwise.\n"
      "Request: {\"id\", \"principal\": {\"Service\"|\"AWS\"|\"Federated\": ...}, \"action\",\n"
      "\"resource\", \"resource_policy\", \"identity_policies\", \"resource_account\", \"context\", \"now\"}");
  c->add_option("input", args->input, "JSON Lines file (default: - = standard input)");
  c->add_option("--now", args->now,
                "Clock for lines without \"now\" (ISO 8601 or epoch seconds; default: now)");
  c->add_option("--max-line-bytes", args->max_line_bytes, "Longest accepted line (default 1 MiB)");
  c->add_option("--max-policy-chars", args->max_policy_chars,
                "Policy size quota in characters without white space (default 2048)");
  c->callback([args, exit_code] { *exit_code = RunEval(*args); });
}

}  // namespace redtrust::cli
