// `redtrust replay --world DIR_OR_FILE LOG`: decide every COPY/UNLOAD of a log against a world.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>

#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "tools/questions/replay.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

namespace {

struct ReplayArgs {
  std::string world;
  std::string log;
  std::optional<std::string> now;
  bool json = false;
  bool trace = false;
};

// Loads a world, printing its diagnostics; null on errors.
std::shared_ptr<const sim::World> Load(const std::string& path) {
  sim::LoadResult loaded = sim::LoadWorld(path);
  for (const sim::WorldDiagnostic& d : loaded.diagnostics) {
    PrintError(d.ToString());
  }
  if (!loaded.ok()) PrintError(Shown(path) + ": the world could not be loaded");
  return loaded.world;
}

class Printer {
 public:
  Printer(bool json, bool trace) : json_(json), trace_(trace) {}

  void Record(const tools::ReplayRecord& r) {
    ++total_;
    if (!r.result.evaluated) ++errors_;
    else if (r.result.allowed) ++allowed_;
    else ++denied_;
    if (json_) {
      std::string line = tools::ReplayJson(r);
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), stdout);
      return;
    }
    if (!header_) {
      std::printf("%-24s %-12s %-14s %-8s %-6s %-16s %s\n", "ID", "USER", "CLUSTER", "COMMAND",
                  "RESULT", "GATE", "MESSAGE");
      header_ = true;
    }
    std::string gate = r.result.evaluated && !r.result.allowed ? sim::GateName(r.result.failing_gate)
                                                               : "-";
    // A message with a DETAIL box: its first line in the row, the rest under it, indented so
    // that only record rows start at the left margin.
    const std::string& message = r.result.message;
    const size_t nl = message.find('\n');
    const std::string first = message.empty() ? "-" : message.substr(0, nl);
    // Ids, names and messages quote the log: escaped for the terminal (docs/limits.md).
    std::printf("%-24s %-12s %-14s %-8s %-6s %-16s %s\n", Shown(r.id).c_str(),
                Shown(r.user).c_str(), Shown(r.cluster).c_str(),
                r.result.command.empty() ? "-" : r.result.command.c_str(),
                tools::ReplayDecisionName(r.result), gate.c_str(), TerminalText(first).c_str());
    for (size_t at = nl; at != std::string::npos;) {
      const size_t next = message.find('\n', at + 1);
      std::string line = "  " + TerminalText(message.substr(at + 1, next == std::string::npos
                                                                        ? std::string::npos
                                                                        : next - at - 1)) + "\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
      at = next;
    }
    if (trace_) std::fputs(TerminalText(tools::ReplayTraceText(r.result)).c_str(), stdout);
  }

  int Finish() {
    if (!json_) {
      std::printf("%llu records: %llu allowed, %llu denied, %llu could not be evaluated\n",
                  (unsigned long long)total_, (unsigned long long)allowed_,
                  (unsigned long long)denied_, (unsigned long long)errors_);
    }
    std::fflush(stdout);
    return errors_ ? kExitBadInput : 0;
  }

 private:
  bool json_, trace_, header_ = false;
  uint64_t total_ = 0, allowed_ = 0, denied_ = 0, errors_ = 0;
};

// A reader's warning (once per run: tools::UnmodelledPrivilegeWarning), as world diagnostics are.
void WarnOnStderr(const std::string& warning) { std::cerr << "redtrust: " << warning << "\n"; }

// JSON Lines: {"id", "user", "cluster", "sql"} per line, streamed (memory stays flat).
// False when the reader stopped at a line without a newline (LineReader::stopped()).
bool ReplayJsonLines(const sim::World& world, const std::string& path, FILE* f,
                     const sim::ReplayOptions& options, int64_t now_micros, Printer& out) {
  tools::SqlCache cache;
  cache.set_warn(WarnOnStderr);
  constexpr size_t kMaxLine = 1u << 20;
  LineReader reader(f, kMaxLine);
  std::string line;
  bool too_long;
  size_t length;
  uint64_t line_number = 0;
  while (reader.Next(&line, &too_long, &length)) {
    ++line_number;
    if (too_long) {
      out.Record(tools::ErrorRecord("line " + std::to_string(line_number), "", "",
                                    path + ":" + std::to_string(line_number) + ": line of " +
                                        std::to_string(length) + " bytes exceeds the limit of " +
                                        std::to_string(kMaxLine)));
      continue;
    }
    out.Record(tools::ReplayJsonLine(world, cache, options, now_micros, line, path, line_number));
  }
  if (reader.stopped()) {
    PrintError(Shown(path) + ":" + std::to_string(line_number + 1) + ": " +
               reader.StoppedMessage());
    return false;
  }
  return true;
}

int RunReplay(const ReplayArgs& a) {
  // The run's clock, read once: every record without its own `time` runs at it.
  auto now = ResolveNow(a.now);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  auto world = Load(a.world);
  if (!world) return kExitBadInput;
  Printer out(a.json, a.trace);
  sim::ReplayOptions options;
  options.trace = a.json || a.trace;  // the table shows only the failing gate and message
  BufferStdout();
  const bool sql = a.log.size() > 4 && a.log.compare(a.log.size() - 4, 4, ".sql") == 0;
  if (sql) {
    auto text = ReadFile(a.log, 256u << 20);  // a script is parsed whole
    if (!text.ok()) {
      PrintError(text.status().message());
      return kExitBadInput;
    }
    tools::ReplayScript(*world, a.log, *text, options, *now,
                        [&out](tools::ReplayRecord&& r) { out.Record(r); }, WarnOnStderr);
  } else {
    auto opened = OpenInput(a.log);
    if (!opened.ok()) {
      PrintError(opened.status().message());
      return kExitBadInput;
    }
    FILE* f = *opened;
    const bool complete = ReplayJsonLines(*world, a.log, f, options, *now, out);
    bool failed = std::ferror(f);
    if (f != stdin) std::fclose(f);
    if (failed) {
      PrintError(Shown(a.log) + ": read error");
      return kExitBadInput;
    }
    if (!complete) return kExitBadInput;
  }
  int rc = out.Finish();
  std::fflush(stdout);
  return rc;
}

}  // namespace

std::shared_ptr<const sim::World> LoadWorldForCli(const std::string& path) { return Load(path); }

void AddReplayCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* c = app.add_subcommand(
      "replay",
      "Decide every COPY/UNLOAD of a log against a world (docs/world.md): which gate stops it\n"
      "and what Redshift would print. LOG is JSON Lines {\"id\",\"user\",\"cluster\",\"sql\"}\n"
      "(optional \"time\") or a .sql script whose `-- redtrust: user=NAME cluster=ID time=DATE`\n"
      "comments (or SET SESSION AUTHORIZATION) say who runs what follows, and when.");
  // Replaces the program's footer, whose "1 denied" does not apply: replay never exits 1.
  c->footer(
      "Exit status: 0 every record was evaluated (ALLOW or DENY: a denial is an answer, not a\n"
      "failure), 2 any could not be (ERROR), a flag is bad, or the world or log cannot be read.\n"
      "Never 1. Gates, messages and the log formats: docs/replay.md.");
  c->add_option("--world", args->world, "World directory (with world.json) or world file")
      ->required();
  c->add_option("log", args->log, "Records: .jsonl (JSON Lines) or .sql (script)")->required();
  c->add_option("--now", args->now,
                "Time of the statements for aws:CurrentTime / date conditions, for records without "
                "their own time (ISO 8601 or epoch seconds; default: now)");
  c->add_flag("--json", args->json, "One JSON line per record instead of the table");
  c->add_flag("--trace", args->trace, "Print every gate under each table row");
  c->callback([args, exit_code] { *exit_code = RunReplay(*args); });
}

}  // namespace redtrust::cli
