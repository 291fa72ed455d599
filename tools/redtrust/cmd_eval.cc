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
