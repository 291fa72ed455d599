// `redtrust test SUITE... [--junit FILE] [--record]`: runs regression suites of authorization
// questions against their expectations (docs/testing.md, issue 4 §1).
//
// Every suite is read and checked completely (fields, world, trust policy, SQL) before any case
// runs, so a suite that cannot be read exits 2 without a single case reported as passed. The
// world is loaded and the trust policy compiled once per suite; eval requests go through one
// EvalSession, which caches compiled policies by their text.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/json.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/explain.h"
#include "engine/io/eval_json.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/sts/assume_role.h"
#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"
#include "tools/common/can.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

using tools::RedshiftAssumeRoleRequest;
using tools::ResolveWorldRole;

namespace {

namespace fs = std::filesystem;

struct TestArgs {
  std::vector<std::string> suites;
  std::string junit;
  bool record = false;
};

// A suite that cannot be read: the message is already "FILE:LINE:COLUMN: ...".
struct SuiteError {
  std::string message;
};

enum class Kind { kEval, kCanTrust, kCanWorld, kSql };

struct Expect {
  bool present = false;
  std::string decision;  // "allowed" | "denied"
  std::optional<std::string> gate, sid, message;
  uint64_t begin = 0, end = 0;  // byte span of the expect object in the suite text
};

struct Case {
  std::string name;
  Kind kind = Kind::kEval;
  uint64_t case_end = 0;  // one past the case object's closing brace
  // eval: the request text (one line) and its start line
  std::string eval_line;
  uint64_t eval_line_number = 1;
  // can / sql
  std::string user, cluster, region, account, role;
  sim::AssumeRoleCommand command = sim::AssumeRoleCommand::kCopy;
  const sim::Cluster* world_cluster = nullptr;
  std::shared_ptr<const sim::SqlScript> script;
  const sim::ParsedStatement* statement = nullptr;
  const sim::SqlError* rejected = nullptr;  // or the COPY / UNLOAD Redshift refuses (DENY at P1)
  Expect expect;
};

struct Suite {
  std::string path;
  std::string name;
  std::string text;
  std::shared_ptr<const sim::World> world;
  std::shared_ptr<const CompiledPolicy> trust;
  std::string trust_line;  // the trust policy text as one line, for eval requests
  std::vector<Case> cases;
};

struct Actual {
  bool error = false;  // the question could not be evaluated
  std::string decision;  // "allowed" | "denied"
  std::string detail;    // eval / can-trust: "allowed" | "explicitDeny" | "implicitDeny"
  std::optional<std::string> gate;  // sql / can-world, when denied
  std::vector<std::string> sids;    // eval / can-trust: the deciding statements' Sids
  std::string message;
  std::vector<std::string> explanation;
};

std::string At(const Suite& s, const SourcePos& p) {
  return s.path + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

[[noreturn]] void Fail(const Suite& s, const SourcePos& p, const std::string& message) {
  throw SuiteError{At(s, p) + ": " + message};
}

std::string Join(const std::vector<std::string_view>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  return out;
}

// Rejects any member of `obj` not in `allowed` (a typo is an error with its position).
void CheckFields(const Suite& s, const JsonValue& obj, std::string_view what,
                 const std::vector<std::string_view>& allowed) {
  for (const JsonMember& m : obj.members) {
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || m.key == a;
    if (!ok) {
      Fail(s, m.key_pos,
           "unknown field `" + m.key + "` in " + std::string(what) + "; expected " + Join(allowed));
    }
  }
}

const JsonValue& Object(const Suite& s, const JsonValue& v, const std::string& what) {
  if (!v.is_object()) Fail(s, v.pos, what + " must be an object, not " + JsonKindWithArticle(v.kind));
  return v;
}

std::optional<std::string> OptString(const Suite& s, const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.Find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(s, v->pos, "`" + std::string(key) + "` must be a string, not " + JsonKindWithArticle(v->kind));
  }
  return v->text;
}

std::string ReqString(const Suite& s, const JsonValue& obj, std::string_view key,
                      const std::string& what) {
  auto v = OptString(s, obj, key);
  if (!v || v->empty()) Fail(s, obj.pos, what + " needs a non-empty `" + std::string(key) + "`");
  return *v;
}

std::string Resolve(const std::string& suite_path, const std::string& rel) {
  fs::path p(rel);
  if (p.is_absolute()) return rel;
  return (fs::path(suite_path).parent_path() / p).lexically_normal().string();
}

// The text as one line: JSON strings never hold a raw newline, so replacing line breaks with
// spaces keeps the meaning.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

Expect ReadExpect(const Suite& s, const JsonValue& v, Kind kind) {
  Object(s, v, "`expect`");
  CheckFields(s, v, "expect", {"decision", "gate", "sid", "message"});
  Expect e;
  e.present = true;
  e.begin = v.pos.offset;
  e.end = v.end_offset;
  auto d = OptString(s, v, "decision");
  if (!d) Fail(s, v.pos, "`expect` needs `decision`: \"allowed\" or \"denied\"");
  if (*d != "allowed" && *d != "denied") {
    Fail(s, v.Find("decision")->pos, "`decision` is \"allowed\" or \"denied\", not \"" + *d + "\"");
  }
  e.decision = *d;
  e.gate = OptString(s, v, "gate");
  e.sid = OptString(s, v, "sid");
  e.message = OptString(s, v, "message");
  const bool gated = kind == Kind::kSql || kind == Kind::kCanWorld;
  if (e.gate && !gated) {
    Fail(s, v.Find("gate")->pos, "`gate` applies to sql cases and can cases with a world");
  }
  if (e.sid && gated) {
    Fail(s, v.Find("sid")->pos, "`sid` applies to eval cases and can cases with a trust policy");
  }
  return e;
}

void LoadTrustPolicy(Suite& s, const JsonValue& at, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) Fail(s, at.pos, "trust policy: " + text.status().message());
  ParsedPolicy parsed = ParsePolicy(*text, PolicyKind::kTrust);
  if (!parsed.ok()) {
    std::string msg = "trust policy `" + path + "` is not valid:";
    for (const Diagnostic& d : parsed.diagnostics) {
      if (d.severity == Severity::kError) msg += "\n  " + FormatDiagnostic(path, d);
    }
    Fail(s, at.pos, msg);
  }
  auto compiled = CompiledPolicy::Compile(parsed.doc, PolicyKind::kTrust, path);
  if (!compiled.ok()) Fail(s, at.pos, path + ": " + compiled.status().message());
  s.trust = *compiled;
  s.trust_line = OneLine(*text);
}

void LoadWorldFor(Suite& s, const JsonValue& at, const std::string& path) {
  sim::LoadResult loaded = sim::LoadWorld(path);
  if (!loaded.ok()) {
    std::string msg = "world `" + path + "` could not be loaded:";
    for (const sim::WorldDiagnostic& d : loaded.diagnostics) msg += "\n  " + d.ToString();
    Fail(s, at.pos, msg);
  }
  s.world = loaded.world;
}

Case ReadCase(const Suite& s, const JsonValue& v, std::set<std::string>& names, bool record) {
  Object(s, v, "a case");
  CheckFields(s, v, "case", {"name", "eval", "can", "sql", "expect"});
  Case c;
  c.case_end = v.end_offset;
  c.name = ReqString(s, v, "name", "a case");
  if (!names.insert(c.name).second) Fail(s, v.Find("name")->pos, "duplicate case name `" + c.name + "`");
  int questions = 0;
  for (const char* k : {"eval", "can", "sql"}) questions += v.Find(k) != nullptr;
  if (questions != 1) {
    Fail(s, v.pos, "case `" + c.name + "` needs exactly one question: `eval`, `can` or `sql`");
  }
  if (const JsonValue* q = v.Find("eval")) {
    Object(s, *q, "`eval`");
    CheckFields(s, *q, "eval request",
                {"id", "principal", "action", "resource", "resource_policy", "identity_policies",
                 "resource_account", "context", "now"});
    c.kind = Kind::kEval;
    std::string text(std::string_view(s.text).substr(q->pos.offset, q->end_offset - q->pos.offset));
    text = OneLine(text);
    if (!q->Find("resource_policy") && !s.trust_line.empty()) {
      // Insert the suite's trust policy after the last member, before the closing brace.
      size_t close = text.rfind('}');
      text.insert(close, std::string(q->members.empty() ? "" : ", ") + "\"resource_policy\": " +
                             s.trust_line);
    }
    c.eval_line = std::move(text);
    c.eval_line_number = q->pos.line;
  } else if (const JsonValue* q = v.Find("can")) {
    Object(s, *q, "`can`");
    CheckFields(s, *q, "can", {"user", "cluster", "region", "account", "role", "for"});
    c.user = ReqString(s, *q, "user", "`can`");
    c.cluster = ReqString(s, *q, "cluster", "`can`");
    if (q->Find("role") || q->Find("for")) {
      c.kind = Kind::kCanWorld;
      if (!s.world) Fail(s, q->pos, "a `can` question with `role` needs the suite's `world`");
      if (q->Find("region") || q->Find("account")) {
        Fail(s, q->pos, "a `can` question with a world takes user, cluster, role, for (the world "
                        "knows the region and account)");
      }
      c.role = ReqString(s, *q, "role", "`can`");
      std::string f = OptString(s, *q, "for").value_or("copy");
      if (f == "copy") c.command = sim::AssumeRoleCommand::kCopy;
      else if (f == "unload") c.command = sim::AssumeRoleCommand::kUnload;
      else Fail(s, q->Find("for")->pos, "`for` is \"copy\" or \"unload\", not \"" + f + "\"");
      c.world_cluster = s.world->FindCluster(c.cluster);
      if (!c.world_cluster) Fail(s, q->Find("cluster")->pos, "no cluster `" + c.cluster + "` in the world");
      auto role = ResolveWorldRole(*s.world, *c.world_cluster, c.role);
      if (!role.ok()) Fail(s, q->Find("role")->pos, role.status().message());
      c.role = *role;
    } else {
      c.kind = Kind::kCanTrust;
      if (!s.trust) {
        Fail(s, q->pos, "a `can` question without `role` needs the suite's `trust_policy` "
                        "(or give `role` and `for` with a `world`)");
      }
      c.region = ReqString(s, *q, "region", "`can`");
      c.account = ReqString(s, *q, "account", "`can`");
      if (const char* why = RegionProblem(ClassifyRegion(c.region), false)) {
        Fail(s, q->Find("region")->pos, "`" + SanitizeForMessage(c.region) + "` " + why);
      }
      if (!IsAccountId(c.account)) {
        Fail(s, q->Find("account")->pos, "`" + c.account + "` is not a 12-digit AWS account id");
      }
    }
  } else {
    const JsonValue* sq = v.Find("sql");
    Object(s, *sq, "`sql`");
    CheckFields(s, *sq, "sql", {"user", "cluster", "sql"});
    c.kind = Kind::kSql;
    if (!s.world) Fail(s, sq->pos, "a `sql` question needs the suite's `world`");
    c.user = ReqString(s, *sq, "user", "`sql`");
    c.cluster = ReqString(s, *sq, "cluster", "`sql`");
    std::string sql = ReqString(s, *sq, "sql", "`sql`");
    c.world_cluster = s.world->FindCluster(c.cluster);
    if (!c.world_cluster) Fail(s, sq->Find("cluster")->pos, "no cluster `" + c.cluster + "` in the world");
    c.script = std::make_shared<const sim::SqlScript>(sim::ParseSqlScript(sql));
    const SourcePos sql_pos = sq->Find("sql")->pos;
    // As `replay` reads a record: SQL that does not read is the suite's error; a COPY / UNLOAD
    // that Redshift refuses is an answer (DENY at P1).
    size_t commands = 0;
    for (const sim::SqlError& e : c.script->errors) {
      if (!sim::IsRejectedCopyOrUnload(e)) Fail(s, sql_pos, "in the SQL at " + sim::FormatSqlError(e));
      c.rejected = &e;
      ++commands;
    }
    for (const sim::ParsedStatement& st : c.script->statements) {
      if (std::holds_alternative<sim::CopyStatement>(st.statement) ||
          std::holds_alternative<sim::UnloadStatement>(st.statement)) {
        c.statement = &st;
        ++commands;
      }
    }
    if (commands > 1) Fail(s, sql_pos, "a case holds one COPY or UNLOAD statement, this one has several");
    if (commands == 0) Fail(s, sql_pos, "no COPY or UNLOAD statement");
  }
  if (const JsonValue* e = v.Find("expect")) {
    c.expect = ReadExpect(s, *e, c.kind);
  } else if (!record) {
    Fail(s, v.pos, "case `" + c.name + "` has no `expect` (run with --record to write one)");
  }
  return c;
}

std::unique_ptr<Suite> ReadSuite(const std::string& path, bool record) {
  auto suite = std::make_unique<Suite>();
  Suite& s = *suite;
  s.path = path;
  auto text = ReadFile(path);
  if (!text.ok()) throw SuiteError{path + ": " + text.status().message()};
  s.text = std::move(*text);
  JsonValue root;
  if (auto err = ParseJson(s.text, JsonOptions{}, &root)) Fail(s, err->pos, err->message);
  Object(s, root, "a suite");
  CheckFields(s, root, "suite", {"name", "world", "trust_policy", "cases"});
  s.name = OptString(s, root, "name").value_or(fs::path(path).stem().string());
  if (auto w = OptString(s, root, "world")) LoadWorldFor(s, *root.Find("world"), Resolve(path, *w));
  if (auto t = OptString(s, root, "trust_policy")) {
    LoadTrustPolicy(s, *root.Find("trust_policy"), Resolve(path, *t));
  }
  const JsonValue* cases = root.Find("cases");
  if (!cases || !cases->is_array()) Fail(s, cases ? cases->pos : root.pos, "a suite needs `cases`: an array");
  std::set<std::string> names;
  s.cases.reserve(cases->items.size());
  for (const JsonValue& c : cases->items) s.cases.push_back(ReadCase(s, c, names, record));
  return suite;
}

// ---- Running.

Actual RunEval(const Case& c, EvalSession& session) {
  Actual a;
  bool is_error = false;
  std::string out = session.EvaluateLine(c.eval_line, c.eval_line_number, &is_error);
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  if (is_error || j.is_discarded()) {
    a.error = true;
    a.message = "the eval request is not valid:";
    if (!j.is_discarded()) {
      for (const auto& e : j["errors"]) {
        a.explanation.push_back("line " + std::to_string(e.value("line", 0)) + ":" +
                                std::to_string(e.value("column", 0)) + ": " +
                                e.value("code", "") + ": " + e.value("message", ""));
      }
    }
    return a;
  }
  a.detail = j.value("decision", "");
  a.decision = a.detail == "allowed" ? "allowed" : "denied";
  a.explanation.push_back("decision: " + a.detail);
  for (const auto& m : j["matched_statements"]) {
    std::string sid = m["sid"].is_string() ? m["sid"].get<std::string>() : "";
    if (!sid.empty()) a.sids.push_back(sid);
    a.explanation.push_back("matched: " + m.value("policy", "") + " statement " +
                            std::to_string(m.value("index", 0)) +
                            (sid.empty() ? "" : " (Sid " + sid + ")"));
  }
  for (const auto& k : j["missing_context_keys"]) {
    a.explanation.push_back("missing context key: " + k.get<std::string>());
  }
  a.message = a.decision == "denied" ? a.explanation.front() : "";
  return a;
}

Actual RunCanTrust(const Suite& s, const Case& c, int64_t now) {
  Actual a;
  const std::string partition = PartitionOfRegion(c.region).value_or("aws");
  const std::string role_arn = "arn:" + partition + ":iam::" + c.account + ":role/RedshiftRole";
  auto req = RedshiftAssumeRoleRequest(c.region, c.account, c.cluster, c.user, role_arn, now);
  if (!req.ok()) {
    a.error = true;
    a.message = req.status().message();
    return a;
  }
  const std::string external_id = RedshiftDbUserArn(c.region, c.account, c.cluster, c.user);
  AssumeRoleParams params;
  params.role_arn = role_arn;
  params.external_id = external_id;
  auto violations = CheckAssumeRoleParams(params);
  if (!violations.empty()) {
    a.decision = "denied";
    a.detail = "rejected";
    a.message = "STS would reject the call: ValidationError: " + ValidationErrorMessage(violations);
    a.explanation.push_back(a.message);
    return a;
  }
  EvalOptions eo;
  eo.trace = true;
  Decision d = Authorize(*req, s.trust.get(), {}, eo);
  a.detail = EffectName(d.effect);
  a.decision = d.effect == Effect::kAllowed ? "allowed" : "denied";
  for (const StatementRef& r : d.matched) {
    if (!r.sid.empty()) a.sids.push_back(r.sid);
  }
  a.explanation = ExplainDecision(d);
  if (a.decision == "denied") {
    a.message = "ERROR:  User " + external_id + " is not authorized to assume IAM Role " + role_arn;
  }
  return a;
}

Actual FromReplay(const sim::ReplayResult& r) {
  Actual a;
  if (!r.evaluated) {
    a.error = true;
    a.message = r.message;
    return a;
  }
  a.decision = r.allowed ? "allowed" : "denied";
  a.detail = a.decision;
  if (!r.allowed) {
    a.gate = sim::GateName(r.failing_gate);
    a.message = r.message;
  }
  for (const sim::GateStep& g : r.trace) {
    a.explanation.push_back(std::string(sim::GateName(g.gate)) + ": " + (g.passed ? "ok" : "FAILED") +
                            ": " + g.summary);
    for (const std::string& d : g.details) a.explanation.push_back("  " + d);
  }
  if (!r.allowed && !r.message.empty()) a.explanation.push_back("redshift would print: " + r.message);
  return a;
}

Actual RunCase(const Suite& s, const Case& c, EvalSession& session, int64_t now) {
  switch (c.kind) {
    case Kind::kEval:
      return RunEval(c, session);
    case Kind::kCanTrust:
      return RunCanTrust(s, c, now);
    case Kind::kCanWorld:
      return FromReplay(sim::CanAssume(*s.world, *c.world_cluster, c.user, c.role, c.command, now));
    case Kind::kSql:
      if (c.rejected) {
        return FromReplay(sim::ReplayRejected(*s.world, *c.world_cluster, c.user, *c.rejected));
      }
      return FromReplay(sim::ReplayStatement(*s.world, *c.world_cluster, c.user, *c.statement, now));
  }
  return {};
}

bool GateMatches(const std::string& expected, const std::string& actual) {
  // "P6 sts-hop-1", or just "P6"
  return expected == actual || actual.rfind(expected + " ", 0) == 0;
}

// The failure text: -expected / +actual per mismatching field, then the explanation. Empty when
// the case passes.
std::string Compare(const Expect& e, const Actual& a) {
  std::string diff;
  auto mismatch = [&](const std::string& field, const std::string& want, const std::string& got) {
    diff += "  - " + field + ": " + want + "\n  + " + field + ": " + got + "\n";
  };
  if (a.error) {
    diff += "  error: " + a.message + "\n";
  } else {
    if (e.decision != a.decision) {
      mismatch("decision", e.decision,
               a.decision + (a.detail != a.decision && !a.detail.empty() ? " (" + a.detail + ")" : ""));
    }
    if (e.gate && !(a.gate && GateMatches(*e.gate, *a.gate))) {
      mismatch("gate", *e.gate, a.gate.value_or("(none: allowed)"));
    }
    if (e.sid) {
      bool found = false;
      std::string got;
      for (const std::string& sid : a.sids) {
        found = found || sid == *e.sid;
        got += (got.empty() ? "" : ", ") + sid;
      }
      if (!found) mismatch("sid", *e.sid, got.empty() ? "(no deciding statement with a Sid)" : got);
    }
    if (e.message && a.message.find(*e.message) == std::string::npos) {
      mismatch("message (substring)", *e.message, a.message.empty() ? "(none)" : a.message);
    }
  }
  if (diff.empty()) return diff;
  if (!a.explanation.empty()) {
    diff += "  explanation:\n";
    for (const std::string& l : a.explanation) diff += "    " + l + "\n";
  }
  return diff;
}

// ---- Recording.

nlohmann::ordered_json ExpectJson(const Expect& e) {
  nlohmann::ordered_json j;
  j["decision"] = e.decision;
  if (e.gate) j["gate"] = *e.gate;
  if (e.sid) j["sid"] = *e.sid;
  if (e.message) j["message"] = *e.message;
  return j;
}

Expect Recorded(const Case& c, const Actual& a) {
  Expect e;
  e.present = true;
  e.decision = a.decision;
  const bool gated = c.kind == Kind::kSql || c.kind == Kind::kCanWorld;
  if (gated && a.gate) e.gate = a.gate;
  if (!gated && c.expect.sid && !a.sids.empty()) {
    bool still = false;
    for (const std::string& sid : a.sids) still = still || sid == *c.expect.sid;
    e.sid = still ? *c.expect.sid : a.sids.front();
  }
  if (a.decision == "denied" && !a.message.empty()) e.message = a.message;
  return e;
}

bool WriteWhole(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".redtrust-record.tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return false;
    f << text;
    if (!f.flush()) return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  return !ec;
}

int RecordSuite(Suite& s, EvalSession& session, int64_t now, std::string& out) {
  // Splice new expect objects into the text, from the last case to the first so offsets stay.
  std::string text = s.text;
  size_t changed = 0, errors = 0;
  std::vector<std::string> lines;
  for (size_t i = s.cases.size(); i-- > 0;) {
    const Case& c = s.cases[i];
    Actual a = RunCase(s, c, session, now);
    if (a.error) {
      ++errors;
      lines.push_back("ERROR " + s.name + "/" + c.name + ": " + a.message + "\n");
      continue;
    }
    Expect e = Recorded(c, a);
    const std::string fresh = ExpectJson(e).dump();
    if (c.expect.present) {
      const std::string old = ExpectJson(c.expect).dump();
      if (old == fresh) continue;
      text.replace(c.expect.begin, c.expect.end - c.expect.begin, fresh);
      lines.push_back("recorded " + s.name + "/" + c.name + ": " + old + " -> " + fresh + "\n");
    } else {
      size_t close = c.case_end - 1;  // the case's closing brace
      size_t last = text.find_last_not_of(" \t\r\n", close - 1);
      const bool empty = text[last] == '{';
      text.insert(last + 1, std::string(empty ? "" : ", ") + "\"expect\": " + fresh);
      lines.push_back("recorded " + s.name + "/" + c.name + ": (none) -> " + fresh + "\n");
    }
    ++changed;
  }
  for (size_t i = lines.size(); i-- > 0;) out += lines[i];
  if (changed && !WriteWhole(s.path, text)) {
    out += "redtrust: " + s.path + ": cannot write the recorded suite\n";
    return kExitBadInput;
  }
  out += s.path + ": " + std::to_string(changed) + " expectation(s) changed, " +
         std::to_string(s.cases.size() - changed - errors) + " unchanged\n";
  return errors ? kExitBadInput : 0;
}

// ---- JUnit.

std::string XmlEscape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char ch : in) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even as references.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += ch;
    }
  }
  return out;
}

struct CaseOutcome {
  std::string name;
  bool passed = false;
  bool error = false;
  std::string failure;  // diff text
  std::string first_line;
  double seconds = 0;
};

struct SuiteOutcome {
  std::string name;
  std::vector<CaseOutcome> cases;
  double seconds = 0;
};

std::string JUnitXml(const std::vector<SuiteOutcome>& suites) {
  size_t tests = 0, failures = 0, errors = 0;
  double seconds = 0;
  for (const auto& s : suites) {
    for (const auto& c : s.cases) {
      ++tests;
      if (c.error) ++errors;
      else if (!c.passed) ++failures;
    }
    seconds += s.seconds;
  }
  auto num = [](double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", d);
    return std::string(buf);
  };
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"redtrust\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" time=\"" +
       num(seconds) + "\">\n";
  for (const auto& s : suites) {
    size_t f = 0, e = 0;
    for (const auto& c : s.cases) {
      if (c.error) ++e;
      else if (!c.passed) ++f;
    }
    x += "  <testsuite name=\"" + XmlEscape(s.name) + "\" tests=\"" + std::to_string(s.cases.size()) +
         "\" failures=\"" + std::to_string(f) + "\" errors=\"" + std::to_string(e) + "\" time=\"" +
         num(s.seconds) + "\">\n";
    for (const auto& c : s.cases) {
      x += "    <testcase classname=\"" + XmlEscape(s.name) + "\" name=\"" + XmlEscape(c.name) +
           "\" time=\"" + num(c.seconds) + "\"";
      if (c.passed) {
        x += "/>\n";
        continue;
      }
      const char* tag = c.error ? "error" : "failure";
      x += ">\n      <" + std::string(tag) + " message=\"" + XmlEscape(c.first_line) + "\">" +
           XmlEscape(c.failure) + "</" + tag + ">\n    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

int RunTest(const TestArgs& args) {
  auto now = ResolveNow(std::nullopt);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  // Read and check every suite before running anything.
  std::vector<std::unique_ptr<Suite>> suites;
  bool bad = false;
  for (const std::string& path : args.suites) {
    try {
      suites.push_back(ReadSuite(path, args.record));
    } catch (const SuiteError& e) {
      PrintError(e.message);
      bad = true;
    }
  }
  if (bad) {
    PrintError("no case was run: fix the suite(s) above");
    return kExitBadInput;
  }
  EvalSessionOptions eo;
  eo.now_micros = *now;
  EvalSession session(eo);
  std::string out;
  if (args.record) {
    int status = 0;
    for (auto& s : suites) status = std::max(status, RecordSuite(*s, session, *now, out));
    std::fwrite(out.data(), 1, out.size(), stdout);
    return status;
  }
  using Clock = std::chrono::steady_clock;
  std::vector<SuiteOutcome> outcomes;
  size_t passed = 0, failed = 0, errors = 0;
  for (const auto& s : suites) {
    SuiteOutcome so;
    so.name = s->name;
    const auto suite_start = Clock::now();
    for (const Case& c : s->cases) {
      const auto start = Clock::now();
      Actual a = RunCase(*s, c, session, *now);
      CaseOutcome co;
      co.name = c.name;
      co.failure = Compare(c.expect, a);
      co.passed = co.failure.empty();
      co.error = a.error;
      co.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      const std::string id = s->name + "/" + c.name;
      if (co.passed) {
        ++passed;
        out += "PASS " + id + "\n";
      } else {
        ++failed;
        if (a.error) ++errors;
        out += "FAIL " + id + "\n" + co.failure;
        co.first_line = a.error ? "error: " + a.message
                                : "expected " + c.expect.decision + ", got " + a.decision;
      }
      so.cases.push_back(std::move(co));
    }
    so.seconds = std::chrono::duration<double>(Clock::now() - suite_start).count();
    outcomes.push_back(std::move(so));
  }
  out += std::to_string(passed) + " passed, " + std::to_string(failed) + " failed\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (!args.junit.empty()) {
    if (!WriteWhole(args.junit, JUnitXml(outcomes))) {
      PrintError(args.junit + ": cannot write the JUnit report");
      return kExitBadInput;
    }
  }
  if (errors) return kExitBadInput;
  return failed ? kExitDenied : 0;
}

}  // namespace

void AddTestCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* c = app.add_subcommand(
      "test",
      "Run regression suites of authorization questions (docs/testing.md):\n"
      "  redtrust test SUITE.json... [--junit FILE] [--record]\n"
      "One line per case (PASS/FAIL suite/case), a diff on failure, last line `N passed, M failed`.\n"
      "Exit 0 all pass, 1 any fails, 2 a suite cannot be read (nothing is run then).");
  c->add_option("suite", args->suites, "Suite files (JSON)")->required();
  c->add_option("--junit", args->junit, "Also write a JUnit XML report to FILE");
  c->add_flag("--record", args->record,
              "Rewrite each suite's expectations from the current decisions (a baseline to "
              "commit); prints what changed");
  c->callback([args, exit_code] { *exit_code = RunTest(*args); });
}

}  // namespace redtrust::cli
