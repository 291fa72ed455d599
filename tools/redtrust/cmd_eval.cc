// `redtrust eval [FILE|-]`: one JSON request per line in, one JSON decision per line out.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tools/questions/eval_json.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

namespace {

struct EvalArgs {
  std::string input = "-";
  std::optional<std::string> now;
  size_t max_line_bytes = 1u << 20;
  size_t max_policy_chars = 2048;
  bool allow_unknown_region = false;
};

int RunEval(const EvalArgs& a) {
  auto now = ResolveNow(a.now);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  auto opened = OpenInput(a.input);
  if (!opened.ok()) {
    PrintError(opened.status().message());
    return kExitBadInput;
  }
  FILE* f = *opened;
  EvalSessionOptions o;
  o.now_micros = *now;
  o.max_line_bytes = a.max_line_bytes;
  o.validate.max_policy_chars = a.max_policy_chars;
  o.allow_unknown_regions = a.allow_unknown_region;
  EvalSession session(o);
  LineReader reader(f, a.max_line_bytes);
  std::string line, out;
  bool too_long;
  size_t length;
  uint64_t line_number = 0, errors = 0;
  BufferStdout();
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
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) break;  // FinishStdout says
  }
  const int err = errno;
  bool read_failed = std::ferror(f);
  if (f != stdin) std::fclose(f);
  std::fflush(stdout);
  if (read_failed) {
    PrintError(Shown(a.input) + ": read error: " + std::strerror(err));
    return kExitBadInput;
  }
  if (reader.stopped()) {
    PrintError(Shown(a.input) + ":" + std::to_string(line_number + 1) + ": " +
               reader.StoppedMessage());
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
  AddNumberOption(c, "--max-line-bytes", &args->max_line_bytes,
                  "Longest line evaluated (default 1 MiB, at most 256 MiB); a longer line gets "
                  "an error line",
                  1, kMaxUnterminatedLineBytes);
  AddNumberOption(c, "--max-policy-chars", &args->max_policy_chars,
                  "Policy size quota in characters without white space (default 2048; 0 = off)");
  c->add_flag("--allow-unknown-region", args->allow_unknown_region,
              "Accept a well-formed region (in a service principal or the resource ARN) that is "
              "not in redtrust's table of AWS regions");
  c->callback([args, exit_code] { *exit_code = RunEval(*args); });
}

}  // namespace redtrust::cli
