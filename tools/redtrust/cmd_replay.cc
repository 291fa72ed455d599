// `redtrust replay --world DIR_OR_FILE LOG`: decide every COPY/UNLOAD of a log against a world.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <unordered_map>

#include "engine/base/json.h"
#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"
#include "tools/redtrust/replay_output.h"

namespace redtrust::cli {

namespace {

struct ReplayArgs {
  std::string world;
  std::string log;
  bool json = false;
  bool trace = false;
};

// Loads a world, printing its diagnostics; null on errors.
std::shared_ptr<const sim::World> Load(const std::string& path) {
  sim::LoadResult loaded = sim::LoadWorld(path);
  for (const sim::WorldDiagnostic& d : loaded.diagnostics) {
    std::cerr << "redtrust: " << d.ToString() << "\n";
  }
  if (!loaded.ok()) PrintError(path + ": the world could not be loaded");
  return loaded.world;
}

class Printer {
 public:
  Printer(bool json, bool trace) : json_(json), trace_(trace) {}

  void Record(const ReplayRecord& r) {
    ++total_;
    if (!r.result.evaluated) ++errors_;
    else if (r.result.allowed) ++allowed_;
    else ++denied_;
    if (json_) {
      std::string line = ReplayJson(r);
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
    std::printf("%-24s %-12s %-14s %-8s %-6s %-16s %s\n", r.id.c_str(), r.user.c_str(),
                r.cluster.c_str(), r.result.command.empty() ? "-" : r.result.command.c_str(),
                ReplayDecisionName(r.result), gate.c_str(),
                r.result.message.empty() ? "-" : r.result.message.c_str());
    if (trace_) std::fputs(ReplayTraceText(r.result).c_str(), stdout);
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

ReplayRecord ErrorRecord(std::string id, std::string user, std::string cluster, std::string why) {
  ReplayRecord r{std::move(id), std::move(user), std::move(cluster), {}};
  r.result.evaluated = false;
  r.result.message = std::move(why);
  return r;
}

// Parsed SQL by its exact text: logs repeat the same statements for many users, and a statement
// is parsed once. Bounded: cleared when full.
class SqlCache {
 public:
  const sim::SqlScript& Get(std::string_view sql) {
    key_.assign(sql);
    auto it = map_.find(key_);
    if (it != map_.end()) return *it->second;
    if (map_.size() >= kEntries) map_.clear();
    auto script = std::make_shared<const sim::SqlScript>(sim::ParseSqlScript(sql));
    return *map_.emplace(key_, std::move(script)).first->second;
  }

 private:
  static constexpr size_t kEntries = 4096;
  std::string key_;
  std::unordered_map<std::string, std::shared_ptr<const sim::SqlScript>> map_;
};

// Decides one statement text for (user, cluster); every outcome is a record.
ReplayRecord Decide(const sim::World& world, SqlCache& cache, const sim::ReplayOptions& options,
                    std::string id, std::string user, std::string cluster, std::string_view sql,
                    const std::string& where) {
  const sim::Cluster* c = world.FindCluster(cluster);
  if (!c) return ErrorRecord(id, user, cluster, where + ": unknown cluster `" + cluster + "`");
  const sim::SqlScript& script = cache.Get(sql);
  if (!script.errors.empty()) {
    const sim::SqlError& e = script.errors.front();
    return ErrorRecord(id, user, cluster, where + ": in sql at " + sim::FormatSqlError(e));
  }
  const sim::ParsedStatement* statement = nullptr;
  for (const sim::ParsedStatement& s : script.statements) {
    if (std::holds_alternative<sim::CopyStatement>(s.statement) ||
        std::holds_alternative<sim::UnloadStatement>(s.statement)) {
      if (statement) {
        return ErrorRecord(id, user, cluster,
                           where + ": a record holds one COPY or UNLOAD statement, this one has several");
      }
      statement = &s;
    }
  }
  if (!statement) return ErrorRecord(id, user, cluster, where + ": no COPY or UNLOAD statement");
  sim::ReplayResult result = sim::ReplayStatement(world, *c, user, *statement, options);
  return ReplayRecord{std::move(id), std::move(user), std::move(cluster), std::move(result)};
}

// JSON Lines: {"id", "user", "cluster", "sql"} per line, streamed (memory stays flat).
void ReplayJsonLines(const sim::World& world, const std::string& path, FILE* f,
                     const sim::ReplayOptions& options, Printer& out) {
  SqlCache cache;
  constexpr size_t kMaxLine = 1u << 20;
  LineReader reader(f, kMaxLine);
  std::string line;
  bool too_long;
  size_t length;
  uint64_t line_number = 0;
  while (reader.Next(&line, &too_long, &length)) {
    ++line_number;
    std::string where = path + ":" + std::to_string(line_number);
    std::string fallback_id = "line " + std::to_string(line_number);
    if (too_long) {
      out.Record(ErrorRecord(fallback_id, "", "",
                             where + ": line of " + std::to_string(length) +
                                 " bytes exceeds the limit of " + std::to_string(kMaxLine)));
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      out.Record(ErrorRecord(fallback_id, "", "", where + ": empty line: expected one record"));
      continue;
    }
    JsonValue v;
    if (auto err = ParseJson(line, JsonOptions{}, &v)) {
      out.Record(ErrorRecord(fallback_id, "", "",
                             where + ":" + std::to_string(err->pos.column) + ": " + err->message));
      continue;
    }
    std::string fields[4];
    const char* names[4] = {"id", "user", "cluster", "sql"};
    std::string problem;
    if (!v.is_object()) problem = ": a record is a JSON object {\"id\", \"user\", \"cluster\", \"sql\"}";
    for (const JsonMember& m : v.members) {
      int k = -1;
      for (int i = 0; i < 4; ++i) {
        if (m.key == names[i]) k = i;
      }
      if (k < 0) {
        problem = ":" + std::to_string(m.key_pos.column) + ": unknown field `" + m.key +
                  "`; expected id, user, cluster, sql";
        break;
      }
      if (!m.value.is_string()) {
        problem = ":" + std::to_string(m.value.pos.column) + ": `" + m.key + "` must be a string";
        break;
      }
      fields[k] = m.value.text;
    }
    if (problem.empty()) {
      for (int i = 1; i < 4; ++i) {
        if (fields[i].empty()) problem = ": missing field `" + std::string(names[i]) + "`";
      }
    }
    std::string id = fields[0].empty() ? fallback_id : fields[0];
    if (!problem.empty()) {
      out.Record(ErrorRecord(id, fields[1], fields[2], where + problem));
      continue;
    }
    out.Record(Decide(world, cache, options, id, fields[1], fields[2], fields[3], where));
  }
}

// SQL script: `-- redtrust: user=NAME cluster=ID` comments (or SET SESSION AUTHORIZATION)
// set who runs the statements that follow; each COPY/UNLOAD is a record "FILE:LINE".
void ReplayScript(const sim::World& world, const std::string& path, const std::string& text,
                  const sim::ReplayOptions& options, Printer& out) {
  struct Directive {
    uint64_t offset;
    std::string user, cluster;
  };
  std::vector<Directive> directives;
  size_t pos = 0;
  while ((pos = text.find("-- redtrust:", pos)) != std::string::npos) {
    size_t end = text.find('\n', pos);
    std::string_view body(text.data() + pos + 12, (end == std::string::npos ? text.size() : end) - pos - 12);
    Directive d{pos, "", ""};
    size_t i = 0;
    while (i < body.size()) {
      while (i < body.size() && body[i] == ' ') ++i;
      size_t j = body.find(' ', i);
      std::string_view kv = body.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
      if (kv.rfind("user=", 0) == 0) d.user = std::string(kv.substr(5));
      if (kv.rfind("cluster=", 0) == 0) d.cluster = std::string(kv.substr(8));
      if (j == std::string_view::npos) break;
      i = j + 1;
    }
    directives.push_back(d);
    pos = end == std::string::npos ? text.size() : end;
  }
  sim::SqlScript script = sim::ParseSqlScript(text);
  // Merge statements and errors by position so records come out in script order.
  struct Item {
    uint64_t offset;
    const sim::ParsedStatement* statement;
    const sim::SqlError* error;
  };
  std::vector<Item> items;
  for (const auto& s : script.statements) items.push_back({s.pos.offset, &s, nullptr});
  for (const auto& e : script.errors) {
    items.push_back({e.statement_pos.known() ? e.statement_pos.offset : e.pos.offset, nullptr, &e});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.offset < b.offset; });
  std::string user, cluster;
  size_t next_directive = 0;
  for (const Item& it : items) {
    while (next_directive < directives.size() && directives[next_directive].offset < it.offset) {
      const Directive& d = directives[next_directive++];
      if (!d.user.empty()) user = d.user;
      if (!d.cluster.empty()) cluster = d.cluster;
    }
    if (it.error) {
      SourcePos p = it.error->pos;
      out.Record(ErrorRecord(path + ":" + std::to_string(p.line), user, cluster,
                             path + ":" + sim::FormatSqlError(*it.error)));
      continue;
    }
    const sim::ParsedStatement& s = *it.statement;
    if (auto* sa = std::get_if<sim::SetSessionAuthorization>(&s.statement)) {
      user = sa->is_default ? "" : sa->user;
      continue;
    }
    if (!std::holds_alternative<sim::CopyStatement>(s.statement) &&
        !std::holds_alternative<sim::UnloadStatement>(s.statement)) {
      continue;  // other statements (CREATE TABLE, SELECT ...) are not records
    }
    std::string id = path + ":" + std::to_string(s.pos.line);
    if (user.empty() || cluster.empty()) {
      out.Record(ErrorRecord(id, user, cluster,
                             id + ": no session user or cluster: add `-- redtrust: user=NAME "
                                  "cluster=ID` before the statement"));
      continue;
    }
    const sim::Cluster* c = world.FindCluster(cluster);
    if (!c) {
      out.Record(ErrorRecord(id, user, cluster, id + ": unknown cluster `" + cluster + "`"));
      continue;
    }
    out.Record(ReplayRecord{id, user, cluster, sim::ReplayStatement(world, *c, user, s, options)});
  }
}

int RunReplay(const ReplayArgs& a) {
  auto world = Load(a.world);
  if (!world) return kExitBadInput;
  Printer out(a.json, a.trace);
  sim::ReplayOptions options;
  options.trace = a.json || a.trace;  // the table shows only the failing gate and message
  std::vector<char> obuf(1 << 16);
  std::setvbuf(stdout, obuf.data(), _IOFBF, obuf.size());
  const bool sql = a.log.size() > 4 && a.log.compare(a.log.size() - 4, 4, ".sql") == 0;
  if (sql) {
    auto text = ReadFile(a.log, 256u << 20);  // a script is parsed whole
    if (!text.ok()) {
      PrintError(text.status().message());
      return kExitBadInput;
    }
    ReplayScript(*world, a.log, *text, options, out);
  } else {
    FILE* f = a.log == "-" ? stdin : std::fopen(a.log.c_str(), "rb");
    if (!f) {
      PrintError(a.log + ": cannot open: " + std::strerror(errno));
      return kExitBadInput;
    }
    ReplayJsonLines(*world, a.log, f, options, out);
    bool failed = std::ferror(f);
    if (f != stdin) std::fclose(f);
    if (failed) {
      PrintError(a.log + ": read error");
      return kExitBadInput;
    }
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
      "and what Redshift would print. LOG is JSON Lines {\"id\",\"user\",\"cluster\",\"sql\"} or a\n"
      ".sql script whose `-- redtrust: user=NAME cluster=ID` comments (or SET SESSION\n"
      "AUTHORIZATION) say who runs what follows. Exit 0 when every record was evaluated, 2 when\n"
      "any could not be.");
  c->add_option("--world", args->world, "World directory (with world.json) or world file")
      ->required();
  c->add_option("log", args->log, "Records: .jsonl (JSON Lines) or .sql (script)")->required();
  c->add_flag("--json", args->json, "One JSON line per record instead of the table");
  c->add_flag("--trace", args->trace, "Print every gate under each table row");
  c->callback([args, exit_code] { *exit_code = RunReplay(*args); });
}

}  // namespace redtrust::cli
