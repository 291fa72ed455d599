#include "tools/common/replay.h"

#include <algorithm>
#include <variant>
#include <vector>

#include "engine/condition/values.h"
#include "engine/io/json_writer.h"

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
  w.Key("detail");
  if (r.detail.empty()) w.Null(); else w.String(r.detail);
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

// Decides one statement text for (user, cluster) at `now_micros`; every outcome is a record.
ReplayRecord Decide(const sim::World& world, SqlCache& cache, const sim::ReplayOptions& options,
                    int64_t now_micros, std::string id, std::string user, std::string cluster,
                    std::string_view sql, const std::string& where) {
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
  sim::ReplayResult result = sim::ReplayStatement(world, *c, user, *statement, now_micros, options);
  return ReplayRecord{std::move(id), std::move(user), std::move(cluster), std::move(result)};
}

}  // namespace

ReplayRecord ReplayJsonRecord(const sim::World& world, SqlCache& cache,
                              const sim::ReplayOptions& options, int64_t now_micros,
                              const JsonValue& v, const RecordSource& source,
                              const std::string& fallback_id) {
  const std::string where = LineOf(source, v.pos);
  std::string fields[4];
  const char* names[4] = {"id", "user", "cluster", "sql"};
  std::string problem;
  if (!v.is_object()) {
    problem = where + ": a record is a JSON object {\"id\", \"user\", \"cluster\", \"sql\"}";
  }
  for (const JsonMember& m : v.members) {
    if (m.key == "time") {
      // The record's own time: ISO 8601 (string) or epoch seconds (number or string).
      std::optional<int64_t> t;
      if (m.value.is_string() || m.value.kind == JsonValue::Kind::kNumber) {
        t = ParseDate(m.value.text);
      }
      if (!t) {
        problem = At(source, m.value.pos) +
                  ": `time` must be an ISO 8601 date (2026-01-01T00:00:00Z) or epoch seconds";
        break;
      }
      now_micros = *t;
      continue;
    }
    int k = -1;
    for (int i = 0; i < 4; ++i) {
      if (m.key == names[i]) k = i;
    }
    if (k < 0) {
      problem = At(source, m.key_pos) + ": unknown field `" + m.key +
                "`; expected id, user, cluster, sql, time";
      break;
    }
    if (!m.value.is_string()) {
      problem = At(source, m.value.pos) + ": `" + m.key + "` must be a string";
      break;
    }
    fields[k] = m.value.text;
  }
  if (problem.empty()) {
    for (int i = 1; i < 4; ++i) {
      if (fields[i].empty()) problem = where + ": missing field `" + std::string(names[i]) + "`";
    }
  }
  std::string id = fields[0].empty() ? fallback_id : fields[0];
  if (!problem.empty()) return ErrorRecord(id, fields[1], fields[2], problem);
  return Decide(world, cache, options, now_micros, id, fields[1], fields[2], fields[3], where);
}

ReplayRecord ReplayJsonLine(const sim::World& world, SqlCache& cache,
                            const sim::ReplayOptions& options, int64_t now_micros,
                            std::string_view line, const std::string& source,
                            uint64_t line_number) {
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
  return ReplayJsonRecord(world, cache, options, now_micros, v, where, fallback_id);
}

void ReplayScript(const sim::World& world, const std::string& path, const std::string& text,
                  const sim::ReplayOptions& options, int64_t now_micros,
                  const std::function<void(ReplayRecord&&)>& sink) {
  struct Directive {
    uint64_t offset;
    std::string user, cluster;
    std::optional<int64_t> time;
    std::string error;  // "PATH:LINE:COLUMN: ..." when a key or value is not understood
  };
  std::vector<Directive> directives;
  size_t pos = 0;
  uint64_t line = 1;
  size_t counted = 0;  // text[0, counted) has been scanned for newlines
  while ((pos = text.find("-- redtrust:", pos)) != std::string::npos) {
    line += std::count(text.begin() + counted, text.begin() + pos, '\n');
    counted = pos;
    const size_t line_start = text.rfind('\n', pos) == std::string::npos ? 0 : text.rfind('\n', pos) + 1;
    size_t end = text.find('\n', pos);
    std::string_view body(text.data() + pos + 12, (end == std::string::npos ? text.size() : end) - pos - 12);
    if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
    Directive d{pos, "", "", std::nullopt, ""};
    size_t i = 0;
    while (i < body.size()) {
      while (i < body.size() && body[i] == ' ') ++i;
      if (i >= body.size()) break;
      size_t j = body.find(' ', i);
      std::string_view kv = body.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
      const std::string at = path + ":" + std::to_string(line) + ":" +
                             std::to_string(pos + 12 + i - line_start + 1) + ": ";
      if (kv.rfind("user=", 0) == 0) {
        d.user = std::string(kv.substr(5));
      } else if (kv.rfind("cluster=", 0) == 0) {
        d.cluster = std::string(kv.substr(8));
      } else if (kv.rfind("time=", 0) == 0) {
        d.time = ParseDate(kv.substr(5));
        if (!d.time && d.error.empty()) {
          d.error = at + "`time` must be an ISO 8601 date (2026-01-01T00:00:00Z) or epoch seconds";
        }
      } else if (d.error.empty()) {
        d.error = at + "unknown `-- redtrust:` setting `" + std::string(kv) +
                  "`; expected user=NAME, cluster=ID, time=DATE";
      }
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
  int64_t time = now_micros;
  std::string directive_error;  // a directive that was not understood: its statements are errors
  size_t next_directive = 0;
  for (const Item& it : items) {
    while (next_directive < directives.size() && directives[next_directive].offset < it.offset) {
      const Directive& d = directives[next_directive++];
      directive_error = d.error;
      if (!d.error.empty()) continue;
      if (!d.user.empty()) user = d.user;
      if (!d.cluster.empty()) cluster = d.cluster;
      if (d.time) time = *d.time;
    }
    if (it.error) {
      SourcePos p = it.error->pos;
      sink(ErrorRecord(path + ":" + std::to_string(p.line), user, cluster,
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
    if (!directive_error.empty()) {
      sink(ErrorRecord(id, user, cluster, directive_error));
      continue;
    }
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
    sink(ReplayRecord{id, user, cluster, sim::ReplayStatement(world, *c, user, s, time, options)});
  }
}

}  // namespace redtrust::tools
