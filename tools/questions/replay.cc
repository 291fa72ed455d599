#include "tools/questions/replay.h"

#include <algorithm>
#include <variant>
#include <vector>

#include "engine/condition/values.h"
#include "tools/questions/json_writer.h"
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
                                 : sim::ReplayStatement(world, *c, user, *statement, now_micros, options);
  return ReplayRecord{std::move(id), std::move(user), std::move(cluster), std::move(result)};
}

// Who runs the statements of a script, as PostgreSQL (whose rules Redshift's SET SESSION
// AUTHORIZATION page follows) tracks it. The `-- redtrust: user=` directive logs in: the
// session user. SET SESSION AUTHORIZATION u switches the current user; DEFAULT and RESET SESSION
// AUTHORIZATION switch back to the session user. SET LOCAL lasts until the end of the
// transaction and, outside BEGIN ... COMMIT, has no effect. A SET inside a transaction that is
// rolled back is undone.
class ScriptSession {
 public:
  const std::string& user() const { return user_; }

  void Login(const std::string& name) { session_user_ = user_ = kept_ = at_begin_ = name; }

  void Set(const sim::SetSessionAuthorization& s) {
    const std::string& to = s.is_default ? session_user_ : s.user;
    if (s.local) {
      if (in_transaction_) user_ = to;
      return;
    }
    user_ = kept_ = to;
  }

  // BEGIN / START TRANSACTION, COMMIT / END, ROLLBACK / ABORT (not ROLLBACK TO SAVEPOINT).
  void Transaction(const sim::ParsedStatement& s) {
    const auto* other = std::get_if<sim::OtherStatement>(&s.statement);
    if (!other) return;
    const std::string& k = other->keyword;
    if (k == "BEGIN" || k == "START") {
      in_transaction_ = true;
      at_begin_ = kept_;
    } else if (k == "COMMIT" || k == "END") {
      in_transaction_ = false;
      user_ = kept_;
    } else if ((k == "ROLLBACK" && !RollsBackToSavepoint(s.text)) || k == "ABORT") {
      in_transaction_ = false;
      user_ = kept_ = at_begin_;
    }
  }

 private:
  static bool RollsBackToSavepoint(std::string_view text) {
    std::string lower;
    for (char c : text) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    return lower.find(" to ") != std::string::npos || lower.find("\tto ") != std::string::npos ||
           lower.find("\nto ") != std::string::npos;
  }

  std::string session_user_;  // the directive's user
  std::string user_;          // who runs the next statement
  std::string kept_;          // the user once the transaction ends (SET, not SET LOCAL)
  std::string at_begin_;      // kept_ at BEGIN, restored by ROLLBACK
  bool in_transaction_ = false;
};

}  // namespace

ReplayRecord ReplayJsonRecord(const sim::World& world, SqlCache& cache,
                              const sim::ReplayOptions& options, int64_t now_micros,
                              const JsonValue& v, const RecordSource& source,
                              const std::string& fallback_id) {
  const std::string where = LineOf(source, v.pos);
  std::string fields[4];
  bool present[4] = {false, false, false, false};
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
                  const sim::ReplayOptions& options, int64_t now_micros,
                  const std::function<void(ReplayRecord&&)>& sink,
                  const std::function<void(const std::string&)>& warn) {
  struct Directive {
    uint64_t offset;
    std::string user, cluster;
    uint64_t line = 0;
    std::optional<int64_t> time;  // time=DATE: the time of the statements that follow
    std::string problem;  // a key that is not user= / cluster= / time=, an empty value, a bad date
  };
  std::vector<Directive> directives;
  size_t pos = 0;
  size_t counted = 0;  // newlines before `counted` are in `line`
  uint64_t line = 1;
  constexpr std::string_view kMarker = "-- redtrust:";
  for (; (pos = text.find(kMarker, pos)) != std::string::npos; pos += kMarker.size()) {
    // Only a comment that starts with `redtrust:`, not these words quoted in a longer comment.
    const size_t newline = pos == 0 ? std::string::npos : text.rfind('\n', pos - 1);
    const size_t line_start = newline == std::string::npos ? 0 : newline + 1;
    if (std::string_view(text).substr(line_start, pos - line_start).find("--") !=
        std::string_view::npos) {
      continue;
    }
    const size_t end = text.find('\n', pos);
    std::string_view body(text.data() + pos + kMarker.size(),
                          (end == std::string::npos ? text.size() : end) - pos - kMarker.size());
    line += std::count(text.begin() + counted, text.begin() + pos, '\n');
    counted = pos;
    Directive d{pos, "", "", line, std::nullopt, ""};
    size_t i = 0;
    bool any = false;
    while (i < body.size() && d.problem.empty()) {
      constexpr std::string_view kBlank = " \t\r";
      i = body.find_first_not_of(kBlank, i);
      if (i == std::string_view::npos) break;
      size_t j = body.find_first_of(kBlank, i);
      std::string_view kv = body.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
      any = true;
      // A directive says who runs what follows: a typo must not leave the previous user on.
      if (kv.rfind("user=", 0) == 0 && kv.size() > 5) {
        d.user = std::string(kv.substr(5));
      } else if (kv.rfind("cluster=", 0) == 0 && kv.size() > 8) {
        d.cluster = std::string(kv.substr(8));
      } else if (kv.rfind("time=", 0) == 0 && kv.size() > 5) {
        d.time = ParseDate(kv.substr(5));
        if (!d.time) {
          d.problem = "`" + SanitizeForMessage(kv, 40) +
                      "`: the time must be an ISO 8601 date (2026-01-01T00:00:00Z) or epoch seconds";
        }
      } else if (kv == "user=" || kv == "cluster=" || kv == "time=") {
        d.problem = "`" + std::string(kv) + "` is empty";
      } else {
        d.problem = "`" + SanitizeForMessage(kv, 40) +
                    "` is not user=NAME, cluster=ID or time=DATE";
      }
      if (j == std::string_view::npos) break;
      i = j;
    }
    if (!any && d.problem.empty()) {
      d.problem = "it names none of user=NAME, cluster=ID, time=DATE";
    }
    directives.push_back(d);
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
  ScriptSession session;  // who runs the next statement (SET / RESET SESSION AUTHORIZATION)
  std::string user, cluster;
  int64_t time = now_micros;
  size_t next_directive = 0;
  bool warned = false;
  for (const Item& it : items) {
    while (next_directive < directives.size() && directives[next_directive].offset < it.offset) {
      const Directive& d = directives[next_directive++];
      if (!d.problem.empty()) {
        // Fail closed: until a good directive, statements have no session user or cluster.
        const std::string id = path + ":" + std::to_string(d.line);
        sink(ErrorRecord(id, "", "", id + ": bad `-- redtrust:` directive: " + d.problem));
        session.Login("");
        cluster.clear();
        continue;
      }
      if (!d.user.empty()) session.Login(d.user);
      if (!d.cluster.empty()) cluster = d.cluster;
      if (d.time) time = *d.time;
    }
    user = session.user();
    if (it.error && !sim::IsRejectedCopyOrUnload(*it.error)) {
      SourcePos p = it.error->pos;
      sink(ErrorRecord(path + ":" + std::to_string(p.line), user, cluster,
                       path + ":" + sim::FormatSqlError(*it.error)));
      continue;
    }
    if (it.statement) {
      const sim::ParsedStatement& s = *it.statement;
      if (auto* sa = std::get_if<sim::SetSessionAuthorization>(&s.statement)) {
        session.Set(*sa);
        continue;
      }
      session.Transaction(s);
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
                      it.statement ? sim::ReplayStatement(world, *c, user, *it.statement, time, options)
                                   : sim::ReplayRejected(world, *c, user, *it.error, options)});
  }
  for (; next_directive < directives.size(); ++next_directive) {  // after the last statement
    const Directive& d = directives[next_directive];
    if (d.problem.empty()) continue;
    const std::string id = path + ":" + std::to_string(d.line);
    sink(ErrorRecord(id, "", "", id + ": bad `-- redtrust:` directive: " + d.problem));
  }
}

}  // namespace redtrust::tools
