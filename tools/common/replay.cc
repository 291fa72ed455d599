#include "tools/common/replay.h"

#include <algorithm>
#include <variant>
#include <vector>

#include "engine/io/json_writer.h"
#include "sim/sql/lexer.h"

namespace redtrust::tools {

const char* ReplayDecisionName(const sim::ReplayResult& r) {
  if (!r.evaluated) return "ERROR";
  return r.allowed ? "ALLOW" : "DENY";
}

std::string ReplayJson(const ReplayRecord& rec) {
  const sim::ReplayResult& r = rec.result;
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(rec.id).Key("user").String(rec.user).Key("cluster").String(rec.cluster);
  w.Key("command").String(r.command).Key("decision").String(ReplayDecisionName(r));
  w.Key("failing_gate");
  if (r.evaluated && !r.allowed) w.String(sim::GateName(r.failing_gate)); else w.Null();
  w.Key("message").String(r.message);
  w.Key("trace").BeginArray();
  for (const sim::GateStep& s : r.trace) {
    w.BeginObject().Key("gate").String(sim::GateName(s.gate)).Key("passed").Bool(s.passed);
    w.Key("summary").String(s.summary).Key("details").BeginArray();
    for (const std::string& d : s.details) w.String(d);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

std::string ReplayTraceText(const sim::ReplayResult& r) {
  std::string out;
  for (const sim::GateStep& s : r.trace) {
    out += "  " + std::string(sim::GateName(s.gate)) + (s.passed ? ": ok: " : ": FAILED: ") +
           s.summary + "\n";
    for (const std::string& d : s.details) out += "      " + d + "\n";
  }
  return out;
}

ReplayRecord ErrorRecord(std::string id, std::string user, std::string cluster, std::string why) {
  ReplayRecord r{std::move(id), std::move(user), std::move(cluster), {}};
  r.result.evaluated = false;
  r.result.message = std::move(why);
  return r;
}

const sim::SqlScript& SqlCache::Get(std::string_view sql) {
  key_.assign(sql);
  auto it = map_.find(key_);
  if (it != map_.end()) return *it->second;
  if (map_.size() >= kEntries) map_.clear();
  auto script = std::make_shared<const sim::SqlScript>(sim::ParseSqlScript(sql));
  return *map_.emplace(key_, std::move(script)).first->second;
}

namespace {

std::string LineOf(const RecordSource& w, const SourcePos& p) {
  return w.source + ":" + std::to_string(w.base_line + (p.line ? p.line : 1) - 1);
}
std::string At(const RecordSource& w, const SourcePos& p) {
  return LineOf(w, p) + ":" + std::to_string(p.column);
}

// Decides one statement text for (user, cluster); every outcome is a record.
ReplayRecord Decide(const sim::World& world, SqlCache& cache, const sim::ReplayOptions& options,
                    std::string id, std::string user, std::string cluster, std::string_view sql,
                    const std::string& where) {
  const sim::Cluster* c = world.FindCluster(cluster);
  if (!c) return ErrorRecord(id, user, cluster, where + ": unknown cluster `" + cluster + "`");
  const sim::SqlScript& script = cache.Get(sql);
  // SQL redtrust cannot read makes the record unanswerable; a COPY / UNLOAD that Redshift itself
  // refuses (an option rule) is an answer, DENY at P1 (sim::ReplayRejected).
  const sim::SqlError* rejected = nullptr;
  size_t commands = 0;
  for (const sim::SqlError& e : script.errors) {
    if (!sim::IsRejectedCopyOrUnload(e)) {
      return ErrorRecord(id, user, cluster, where + ": in sql at " + sim::FormatSqlError(e));
    }
    rejected = &e;
    ++commands;
  }
  const sim::ParsedStatement* statement = nullptr;
  for (const sim::ParsedStatement& s : script.statements) {
    if (std::holds_alternative<sim::CopyStatement>(s.statement) ||
        std::holds_alternative<sim::UnloadStatement>(s.statement)) {
      statement = &s;
      ++commands;
    }
    cache.NoteUnmodelledPrivilege(s, where);
  }
  if (commands > 1) {
    return ErrorRecord(id, user, cluster,
                       where + ": a record holds one COPY or UNLOAD statement, this one has several");
  }
  if (commands == 0) return ErrorRecord(id, user, cluster, where + ": no COPY or UNLOAD statement");
  sim::ReplayResult result = rejected
                                 ? sim::ReplayRejected(world, *c, user, *rejected, options)
                                 : sim::ReplayStatement(world, *c, user, *statement, options);
  return ReplayRecord{std::move(id), std::move(user), std::move(cluster), std::move(result)};
}

}  // namespace

ReplayRecord ReplayJsonRecord(const sim::World& world, SqlCache& cache,
                              const sim::ReplayOptions& options, const JsonValue& v,
                              const RecordSource& source, const std::string& fallback_id) {
  const std::string where = LineOf(source, v.pos);
  std::string fields[4];
  bool present[4] = {false, false, false, false};
  const char* names[4] = {"id", "user", "cluster", "sql"};
  std::string problem;
  if (!v.is_object()) {
    problem = where + ": a record is a JSON object {\"id\", \"user\", \"cluster\", \"sql\"}";
  }
  for (const JsonMember& m : v.members) {
    int k = -1;
    for (int i = 0; i < 4; ++i) {
      if (m.key == names[i]) k = i;
    }
    if (k < 0) {
      problem = At(source, m.key_pos) + ": unknown field `" + m.key +
                "`; expected id, user, cluster, sql";
      break;
    }
    if (!m.value.is_string()) {
      problem = At(source, m.value.pos) + ": `" + m.key + "` must be a string";
      break;
    }
    fields[k] = m.value.text;
    present[k] = true;
    // A field given as "" is empty, not missing: say which (the id too: omit it for `line N`).
    if (m.value.text.empty()) {
      problem = At(source, m.value.pos) + ": `" + m.key + "` is empty" +
                (k == 0 ? "; omit `id` to name the record `" + fallback_id + "`" : "");
      break;
    }
  }
  for (int i = 1; i < 4 && problem.empty(); ++i) {
    if (!present[i]) problem = where + ": missing field `" + std::string(names[i]) + "`";
  }
  std::string id = fields[0].empty() ? fallback_id : fields[0];
  if (!problem.empty()) return ErrorRecord(id, fields[1], fields[2], problem);
  return Decide(world, cache, options, id, fields[1], fields[2], fields[3], where);
}

ReplayRecord ReplayJsonLine(const sim::World& world, SqlCache& cache,
                            const sim::ReplayOptions& options, std::string_view line,
                            const std::string& source, uint64_t line_number) {
  const RecordSource where{source, line_number};
  const std::string fallback_id = "line " + std::to_string(line_number);
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
    return ErrorRecord(fallback_id, "", "",
                       LineOf(where, {}) + ": empty line: expected one record");
  }
  JsonValue v;
  if (auto err = ParseJson(line, JsonOptions{}, &v)) {
    return ErrorRecord(fallback_id, "", "", At(where, err->pos) + ": " + err->message);
  }
  return ReplayJsonRecord(world, cache, options, v, where, fallback_id);
}

std::optional<std::string> UnmodelledPrivilegeWarning(const sim::ParsedStatement& s,
                                                      const std::string& location) {
  const auto* other = std::get_if<sim::OtherStatement>(&s.statement);
  if (!other || (other->keyword != "GRANT" && other->keyword != "REVOKE")) return std::nullopt;
  return location + ": warning: `" +
         sim::SnippetForMessage(s.text, 60) +
         "` is accepted but not modelled: redtrust does not check table and schema privileges "
         "(gate P3: INSERT for COPY, SELECT for UNLOAD) and decides as if they were held; only "
         "GRANT / REVOKE ASSUMEROLE and ROLE count (docs/replay.md). Later GRANT / REVOKE "
         "statements are not reported";
}

void SqlCache::NoteUnmodelledPrivilege(const sim::ParsedStatement& s, const std::string& where) {
  if (warned_ || !warn_) return;
  if (std::optional<std::string> w = UnmodelledPrivilegeWarning(s, where)) {
    warn_(*w);
    warned_ = true;
  }
}

void ReplayScript(const sim::World& world, const std::string& path, const std::string& text,
                  const sim::ReplayOptions& options,
                  const std::function<void(ReplayRecord&&)>& sink,
                  const std::function<void(const std::string&)>& warn) {
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
  // `session_user` is who the directives say logged in; `user` who runs the next statement:
  // SET SESSION AUTHORIZATION changes it, RESET (or SET ... DEFAULT) returns it to the session
  // user, as in PostgreSQL.
  std::string session_user, user, cluster;
  size_t next_directive = 0;
  bool warned = false;
  for (const Item& it : items) {
    while (next_directive < directives.size() && directives[next_directive].offset < it.offset) {
      const Directive& d = directives[next_directive++];
      if (!d.user.empty()) session_user = user = d.user;
      if (!d.cluster.empty()) cluster = d.cluster;
    }
    if (it.error && !sim::IsRejectedCopyOrUnload(*it.error)) {
      SourcePos p = it.error->pos;
      sink(ErrorRecord(path + ":" + std::to_string(p.line), user, cluster,
                       path + ":" + sim::FormatSqlError(*it.error)));
      continue;
    }
    if (it.statement) {
      const sim::ParsedStatement& s = *it.statement;
      if (auto* sa = std::get_if<sim::SetSessionAuthorization>(&s.statement)) {
        user = sa->is_default ? session_user : sa->user;
        continue;
      }
      if (!std::holds_alternative<sim::CopyStatement>(s.statement) &&
          !std::holds_alternative<sim::UnloadStatement>(s.statement)) {
        if (!warned && warn) {
          if (std::optional<std::string> w =
                  UnmodelledPrivilegeWarning(s, path + ":" + std::to_string(s.pos.line))) {
            warn(*w);
            warned = true;
          }
        }
        continue;  // other statements (CREATE TABLE, SELECT ...) are not records
      }
    }
    // A COPY / UNLOAD: one that reads, or one Redshift refuses (DENY at P1).
    const uint64_t line = it.statement ? it.statement->pos.line
                                       : (it.error->statement_pos.known()
                                              ? it.error->statement_pos.line
                                              : it.error->pos.line);
    std::string id = path + ":" + std::to_string(line);
    if (user.empty() || cluster.empty()) {
      sink(ErrorRecord(id, user, cluster,
                       id + ": no session user or cluster: add `-- redtrust: user=NAME "
                            "cluster=ID` before the statement"));
      continue;
    }
    const sim::Cluster* c = world.FindCluster(cluster);
    if (!c) {
      sink(ErrorRecord(id, user, cluster, id + ": unknown cluster `" + cluster + "`"));
      continue;
    }
    sink(ReplayRecord{id, user, cluster,
                      it.statement ? sim::ReplayStatement(world, *c, user, *it.statement, options)
                                   : sim::ReplayRejected(world, *c, user, *it.error, options)});
  }
}

}  // namespace redtrust::tools
