// `redtrust test SUITE... [--junit FILE] [--record]`: runs regression suites of authorization
// questions against their expectations (docs/testing.md, issue 4 §1).
//
// Every suite is read and checked completely (fields, world, trust policy, SQL) before any case
// runs, so a suite that cannot be read runs none of its cases: it is one error in the report
// and the exit status is 2. The world is loaded and the trust policy compiled once per suite;
// eval requests go through one EvalSession, which caches compiled policies by their text.
// Everything printed is escaped for a terminal; every write (stdout, the JUnit file, a recorded
// suite) is checked (issue 12).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
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
#include "tools/questions/eval_json.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/sts/assume_role.h"
#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"
#include "tools/questions/can.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

using tools::RedshiftAssumeRoleRequest;
using tools::ResolveWorldRole;

namespace {

namespace fs = std::filesystem;

struct TestArgs {
  std::vector<std::string> suites;
  std::optional<std::string> junit;
  bool record = false;
};

// A suite that cannot be read: the message is already "FILE:LINE:COLUMN: ...", `details` are
// further lines (a trust policy's or a world's diagnostics). Neither holds a line break.
struct SuiteError {
  std::string message;
  std::vector<std::string> details;
};

// ---- Text for a terminal (issue 12).
//
// Everything `redtrust test` prints comes from user files (suite and case names, expected values,
// paths, policy text quoted in explanations), so every line goes through TerminalText: control
// characters (C0, DEL and C1, which terminals read as escape sequences) become \n, \u001b, ...;
// a byte that is not UTF-8 becomes \xNN; text longer than `max_bytes` is cut at a character
// boundary and ends with "...". It never yields a line break, so one call is one line.
// TODO(issue 12): use the common terminal-escaping helper of tools/redtrust/common.h once the
// `cli` branch that adds it is merged.
constexpr size_t kMaxEchoBytes = 200;   // one echoed field: a name, an expected or actual value
constexpr size_t kMaxLineBytes = 1000;  // one explanation or diagnostic line
constexpr size_t kMaxPathBytes = 4096;  // a file path (PATH_MAX): escaped, never cut in practice

// The length of the UTF-8 sequence at text[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF are not UTF-8).
size_t Utf8Length(std::string_view text, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const auto cont = [&](size_t k) { return i + k < text.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

std::string TerminalText(std::string_view text, size_t max_bytes = kMaxEchoBytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 8);
  char buf[8];
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {  // the common case: printable ASCII
      if (out.size() + 1 > max_bytes) return out + "...";
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::string piece;
    const size_t n = Utf8Length(text, i);
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      piece = buf;
    } else if (c == '\n') {
      piece = "\\n";
    } else if (c == '\r') {
      piece = "\\r";
    } else if (c == '\t') {
      piece = "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      piece = buf;
    } else if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {  // C1: U+0080..U+009F
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
      piece = buf;
    } else {
      piece.assign(text.substr(i, n));
    }
    if (out.size() + piece.size() > max_bytes) {
      out += "...";
      return out;
    }
    out += piece;
    i += std::max<size_t>(n, 1);
  }
  return out;
}

// Appends `line` (escaped and cut at `max_bytes`) and a line break.
void AddLine(std::string& out, std::string_view line, size_t max_bytes = kMaxLineBytes) {
  out += TerminalText(line, max_bytes);
  out += '\n';
}

// PrintError for a message built from user text: one escaped line per call.
void PrintSafeError(std::string_view message) { PrintError(TerminalText(message, kMaxLineBytes)); }

// Writes all of `text` to `f` and flushes it; false (errno set) when any byte could not be
// written.
bool WriteAllTo(FILE* f, std::string_view text) {
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), f) != text.size()) return false;
  return std::fflush(f) == 0 && !std::ferror(f);
}

// Creates or truncates `path` and writes `text` to it, checking the open, every write, the flush
// and the close. On failure returns the reason (strerror), else "".
std::string WriteFileChecked(const std::string& path, std::string_view text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return std::strerror(errno);
  bool ok = WriteAllTo(f, text);
  int err = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  return ok ? "" : std::strerror(err ? err : EIO);
}

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
  return TerminalText(s.path, kMaxPathBytes) + ":" + std::to_string(p.line) + ":" +
         std::to_string(p.column);
}

[[noreturn]] void Fail(const Suite& s, const SourcePos& p, const std::string& message,
                       std::vector<std::string> details = {}) {
  throw SuiteError{At(s, p) + ": " + message, std::move(details)};
}

// A user-given value quoted in a message: escaped and cut.
std::string Q(std::string_view text) { return "`" + TerminalText(text) + "`"; }

// Reads a suite or a trust policy. A directory is said as such (ReadFile would open it and then
// fail with a bare "read error").
StatusOr<std::string> ReadRegularFile(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return Status::InvalidArgument(TerminalText(path, kMaxPathBytes) + ": is a directory");
  }
  auto text = ReadFile(path);
  if (!text.ok()) {
    return Status(text.status().code(), TerminalText(text.status().message(), kMaxLineBytes));
  }
  return text;
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
      Fail(
          s, m.key_pos,
          "unknown field " + Q(m.key) + " in " + std::string(what) + "; expected " + Join(allowed));
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
    Fail(s, v.Find("decision")->pos, "`decision` is \"allowed\" or \"denied\", not " + Q(*d));
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
  auto text = ReadRegularFile(path);
  if (!text.ok()) Fail(s, at.pos, "trust policy: " + text.status().message());
  ParsedPolicy parsed = ParsePolicy(*text, PolicyKind::kTrust);
  if (!parsed.ok()) {
    std::vector<std::string> details;
    for (const Diagnostic& d : parsed.diagnostics) {
      if (d.severity == Severity::kError) details.push_back(FormatDiagnostic(path, d));
    }
    Fail(s, at.pos, "trust policy " + Q(path) + " is not valid:", std::move(details));
  }
  auto compiled = CompiledPolicy::Compile(parsed.doc, PolicyKind::kTrust, path);
  if (!compiled.ok()) Fail(s, at.pos, path + ": " + compiled.status().message());
  s.trust = *compiled;
  s.trust_line = OneLine(*text);
}

void LoadWorldFor(Suite& s, const JsonValue& at, const std::string& path) {
  sim::LoadResult loaded = sim::LoadWorld(path);
  if (!loaded.ok()) {
    std::vector<std::string> details;
    for (const sim::WorldDiagnostic& d : loaded.diagnostics) details.push_back(d.ToString());
    Fail(s, at.pos, "world " + Q(path) + " could not be loaded:", std::move(details));
  }
  s.world = loaded.world;
}

Case ReadCase(const Suite& s, const JsonValue& v, std::set<std::string>& names, bool record) {
  Object(s, v, "a case");
  CheckFields(s, v, "case", {"name", "eval", "can", "sql", "expect"});
  Case c;
  c.case_end = v.end_offset;
  c.name = ReqString(s, v, "name", "a case");
  if (!names.insert(c.name).second) {
    Fail(s, v.Find("name")->pos, "duplicate case name " + Q(c.name));
  }
  int questions = 0;
  for (const char* k : {"eval", "can", "sql"}) questions += v.Find(k) != nullptr;
  if (questions != 1) {
    Fail(s, v.pos, "case " + Q(c.name) + " needs exactly one question: `eval`, `can` or `sql`");
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
      else Fail(s, q->Find("for")->pos, "`for` is \"copy\" or \"unload\", not " + Q(f));
      c.world_cluster = s.world->FindCluster(c.cluster);
      if (!c.world_cluster) {
        Fail(s, q->Find("cluster")->pos, "no cluster " + Q(c.cluster) + " in the world");
      }
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
        Fail(s, q->Find("region")->pos, Q(c.region) + " " + why);
      }
      if (!IsAccountId(c.account)) {
        Fail(s, q->Find("account")->pos, Q(c.account) + " is not a 12-digit AWS account id");
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
    if (!c.world_cluster) {
      Fail(s, sq->Find("cluster")->pos, "no cluster " + Q(c.cluster) + " in the world");
    }
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
    Fail(s, v.pos, "case " + Q(c.name) + " has no `expect` (run with --record to write one)");
  }
  return c;
}

std::unique_ptr<Suite> ReadSuite(const std::string& path, bool record) {
  auto suite = std::make_unique<Suite>();
  Suite& s = *suite;
  s.path = path;
  auto text = ReadRegularFile(path);  // the message names the file
  if (!text.ok()) throw SuiteError{text.status().message(), {}};
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

// One given expectation that does not hold.
struct Mismatch {
  std::string field;  // "decision" | "gate" | "sid" | "message (substring)"
  std::string want, got;
};

// Every given field of `e` that `a` does not satisfy; empty when the case passes. Meaningless
// for an error (a.error): there is no answer to compare.
std::vector<Mismatch> Mismatches(const Expect& e, const Actual& a) {
  std::vector<Mismatch> m;
  if (e.decision != a.decision) {
    m.push_back(
        {"decision", e.decision,
         a.decision + (a.detail != a.decision && !a.detail.empty() ? " (" + a.detail + ")" : "")});
  }
  if (e.gate && !(a.gate && GateMatches(*e.gate, *a.gate))) {
    m.push_back({"gate", *e.gate, a.gate.value_or("(none: allowed)")});
  }
  if (e.sid) {
    bool found = false;
    std::string got;
    for (const std::string& sid : a.sids) {
      found = found || sid == *e.sid;
      got += (got.empty() ? "" : ", ") + sid;
    }
    if (!found) {
      m.push_back({"sid", *e.sid, got.empty() ? "(no deciding statement with a Sid)" : got});
    }
  }
  if (e.message && a.message.find(*e.message) == std::string::npos) {
    m.push_back({"message (substring)", *e.message, a.message.empty() ? "(none)" : a.message});
  }
  return m;
}

// The report of a case that did not pass, one escaped line each: the error, or a -expected /
// +actual pair per mismatching field; then the explanation.
std::string FailureText(const std::vector<Mismatch>& mismatches, const Actual& a) {
  std::string out;
  if (a.error) AddLine(out, "  error: " + a.message);
  for (const Mismatch& m : mismatches) {
    AddLine(out, "  - " + m.field + ": " + TerminalText(m.want));
    AddLine(out, "  + " + m.field + ": " + TerminalText(m.got));
  }
  if (!a.explanation.empty()) {
    out += "  explanation:\n";
    for (const std::string& l : a.explanation) AddLine(out, "    " + l);
  }
  return out;
}

// One line naming every expectation that differs (JUnit's `message`):
// "decision: expected allowed, got denied (implicitDeny); sid: expected A, got B".
std::string FailureSummary(const std::vector<Mismatch>& mismatches, const Actual& a) {
  if (a.error) return TerminalText("error: " + a.message, kMaxLineBytes);
  std::string out;
  for (const Mismatch& m : mismatches) {
    if (!out.empty()) out += "; ";
    out += m.field + ": expected " + TerminalText(m.want) + ", got " + TerminalText(m.got);
  }
  return out;
}

std::string CaseId(const Suite& s, const Case& c) {
  return TerminalText(s.name) + "/" + TerminalText(c.name);
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

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// The expectation --record writes for a case that fails or has none: the current answer. The
// fields of the old expectation that still hold are kept as the user wrote them (a gate given
// as "P6", a shorter message substring, one Sid among several deciding statements).
Expect Recorded(const Case& c, const Actual& a) {
  const Expect& old = c.expect;
  Expect e;
  e.present = true;
  e.decision = a.decision;
  const bool gated = c.kind == Kind::kSql || c.kind == Kind::kCanWorld;
  if (gated && a.gate) e.gate = old.gate && GateMatches(*old.gate, *a.gate) ? *old.gate : *a.gate;
  if (!gated && old.sid && !a.sids.empty()) {
    bool still = false;
    for (const std::string& sid : a.sids) still = still || sid == *old.sid;
    e.sid = still ? *old.sid : a.sids.front();
  }
  if (a.decision == "denied" && !a.message.empty()) {
    const bool still =
        old.message && !old.message->empty() && a.message.find(*old.message) != std::string::npos;
    e.message = still ? *old.message : a.message;
  }
  return e;
}

// Replaces the file at `path` (a symlink is followed, so a linked suite stays a link) with
// `text`: written in full to a temporary file next to it, with its permissions, then renamed
// over it. Returns "" or the reason it failed.
std::string ReplaceFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  const fs::path target = fs::canonical(path, ec);
  if (ec) return ec.message();
  const std::string tmp = target.string() + ".redtrust-record.tmp";
  std::string err = WriteFileChecked(tmp, text);
  if (err.empty()) {
    const fs::file_status st = fs::status(target, ec);
    if (!ec) fs::permissions(tmp, st.permissions(), ec);
    if (!ec) fs::rename(tmp, target, ec);
    if (ec) err = ec.message();
  }
  if (!err.empty()) fs::remove(tmp, ec);
  return err;
}

// Runs every case; rewrites the expectation of each case that fails or has none, and nothing
// else. Returns the exit status.
int RecordSuite(Suite& s, EvalSession& session, int64_t now, std::string& out) {
  // Splice new expect objects into the text, from the last case to the first so offsets stay.
  std::string text = s.text;
  size_t changed = 0, errors = 0;
  std::vector<std::string> blocks;
  for (size_t i = s.cases.size(); i-- > 0;) {
    const Case& c = s.cases[i];
    Actual a = RunCase(s, c, session, now);
    if (a.error) {
      ++errors;
      blocks.push_back("ERROR " + CaseId(s, c) + "\n" + FailureText({}, a));
      continue;
    }
    if (c.expect.present && Mismatches(c.expect, a).empty()) continue;  // still holds: untouched
    const std::string fresh = Dump(ExpectJson(Recorded(c, a)));
    std::string line;
    if (c.expect.present) {
      text.replace(c.expect.begin, c.expect.end - c.expect.begin, fresh);
      line = "recorded " + CaseId(s, c) + ": " + Dump(ExpectJson(c.expect)) + " -> " + fresh;
    } else {
      size_t close = c.case_end - 1;  // the case's closing brace
      size_t last = text.find_last_not_of(" \t\r\n", close - 1);
      const bool empty = text[last] == '{';
      text.insert(last + 1, std::string(empty ? "" : ", ") + "\"expect\": " + fresh);
      line = "recorded " + CaseId(s, c) + ": (none) -> " + fresh;
    }
    std::string block;
    AddLine(block, line);
    blocks.push_back(std::move(block));
    ++changed;
  }
  for (size_t i = blocks.size(); i-- > 0;) out += blocks[i];
  int status = errors ? kExitBadInput : 0;
  if (changed) {
    const std::string err = ReplaceFile(s.path, text);
    if (!err.empty()) {
      PrintSafeError(s.path + ": cannot write the recorded suite: " + err);
      return kExitBadInput;
    }
  }
  AddLine(out, s.path + ": " + std::to_string(changed) + " expectation(s) changed, " +
                   std::to_string(s.cases.size() - changed - errors) + " unchanged" +
                   (errors ? ", " + std::to_string(errors) + " could not be evaluated" : ""));
  return status;
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
        // XML 1.0 forbids most control characters even as references. (Text reaching here went
        // through TerminalText, which already spelled them out.)
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += ch;
    }
  }
  return out;
}

// A name or message for an XML attribute: control characters and bytes that are not UTF-8
// spelled out as on the terminal (XML cannot hold them), never cut in practice.
std::string XmlAttr(std::string_view in) { return XmlEscape(TerminalText(in, kMaxPathBytes)); }

struct CaseOutcome {
  std::string name;
  bool passed = false;
  bool error = false;
  std::string failure;  // the report text (escaped lines)
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
    x += "  <testsuite name=\"" + XmlAttr(s.name) + "\" tests=\"" + std::to_string(s.cases.size()) +
         "\" failures=\"" + std::to_string(f) + "\" errors=\"" + std::to_string(e) + "\" time=\"" +
         num(s.seconds) + "\">\n";
    for (const auto& c : s.cases) {
      x += "    <testcase classname=\"" + XmlAttr(s.name) + "\" name=\"" + XmlAttr(c.name) +
           "\" time=\"" + num(c.seconds) + "\"";
      if (c.passed) {
        x += "/>\n";
        continue;
      }
      const char* tag = c.error ? "error" : "failure";
      x += ">\n      <" + std::string(tag) + " message=\"" + XmlAttr(c.first_line) + "\">" +
           XmlEscape(c.failure) + "</" + tag + ">\n    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

// ---- The command.

// A suite that could not be read, for stdout and the JUnit report.
std::string SuiteErrorText(const SuiteError& e) {
  std::string out;
  AddLine(out, "  error: " + e.message);
  for (const std::string& d : e.details) AddLine(out, "    " + d);
  return out;
}

// Writes the report to standard output; false (after saying why on stderr) when it could not.
bool WriteStdout(const std::string& out) {
  if (WriteAllTo(stdout, out)) return true;
  PrintError(std::string("standard output: write error: ") + std::strerror(errno ? errno : EIO));
  return false;
}

int RunTest(const TestArgs& args) {
  if (args.junit && args.junit->empty()) {
    PrintError("--junit: the file name is empty");
    return kExitBadInput;
  }
  auto now = ResolveNow(std::nullopt);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  // Read and check every suite before running anything. A suite that cannot be read runs none of
  // its cases and is reported as an error (stderr, the report and JUnit); the others run.
  struct Entry {
    std::string path;
    std::unique_ptr<Suite> suite;  // null when the suite cannot be read
    SuiteError error;
  };
  std::vector<Entry> entries;
  size_t unreadable = 0;
  for (const std::string& path : args.suites) {
    Entry en;
    en.path = path;
    try {
      en.suite = ReadSuite(path, args.record);
    } catch (SuiteError& e) {
      PrintSafeError(e.message);
      for (const std::string& d : e.details) {
        std::cerr << "  " << TerminalText(d, kMaxLineBytes) << "\n";
      }
      en.error = std::move(e);
      ++unreadable;
    }
    entries.push_back(std::move(en));
  }
  if (unreadable) {
    PrintError(std::to_string(unreadable) + " suite(s) cannot be read: none of their cases ran");
  }
  EvalSessionOptions eo;
  eo.now_micros = *now;
  EvalSession session(eo);
  std::string out;
  if (args.record) {
    int status = unreadable ? kExitBadInput : 0;
    for (auto& en : entries) {
      if (!en.suite) {
        AddLine(out, "ERROR " + en.path + ": the suite cannot be read, nothing was recorded");
        out += SuiteErrorText(en.error);
        continue;
      }
      status = std::max(status, RecordSuite(*en.suite, session, *now, out));
    }
    if (!WriteStdout(out)) status = kExitBadInput;
    return status;
  }
  using Clock = std::chrono::steady_clock;
  std::vector<SuiteOutcome> outcomes;
  size_t passed = 0, failed = 0, errors = 0;
  for (const auto& en : entries) {
    SuiteOutcome so;
    if (!en.suite) {
      // One error entry stands for the whole suite.
      so.name = fs::path(en.path).stem().string();
      CaseOutcome co;
      co.name = en.path;
      co.error = true;
      co.failure = SuiteErrorText(en.error);
      co.first_line = "the suite cannot be read: " + en.error.message;
      AddLine(out, "ERROR " + en.path + ": the suite cannot be read, none of its cases ran");
      out += co.failure;
      so.cases.push_back(std::move(co));
      outcomes.push_back(std::move(so));
      continue;
    }
    const Suite& s = *en.suite;
    so.name = s.name;
    const auto suite_start = Clock::now();
    for (const Case& c : s.cases) {
      const auto start = Clock::now();
      Actual a = RunCase(s, c, session, *now);
      CaseOutcome co;
      co.name = c.name;
      const std::vector<Mismatch> mismatches =
          a.error ? std::vector<Mismatch>{} : Mismatches(c.expect, a);
      co.error = a.error;
      co.passed = !a.error && mismatches.empty();
      co.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      if (co.passed) {
        ++passed;
        AddLine(out, "PASS " + CaseId(s, c));
      } else {
        ++(a.error ? errors : failed);
        co.failure = FailureText(mismatches, a);
        co.first_line = FailureSummary(mismatches, a);
        AddLine(out, (a.error ? "ERROR " : "FAIL ") + CaseId(s, c));
        out += co.failure;
      }
      so.cases.push_back(std::move(co));
    }
    so.seconds = std::chrono::duration<double>(Clock::now() - suite_start).count();
    outcomes.push_back(std::move(so));
  }
  // The closing line keeps the form CI tools parse, `N passed, M failed`: errors count as failed
  // there, and the line before it says how many of those are errors.
  if (errors || unreadable) {
    out += std::to_string(errors + unreadable) +
           " error(s) counted as failed: " + std::to_string(unreadable) +
           " suite(s) could not be read, " + std::to_string(errors) +
           " case(s) could not be evaluated\n";
  }
  out += std::to_string(passed) + " passed, " + std::to_string(failed + errors + unreadable) +
         " failed\n";
  int status = errors || unreadable ? kExitBadInput : failed ? kExitDenied : 0;
  if (!WriteStdout(out)) status = kExitBadInput;
  if (args.junit) {
    const std::string err = WriteFileChecked(*args.junit, JUnitXml(outcomes));
    if (!err.empty()) {
      PrintSafeError(*args.junit + ": cannot write the JUnit report: " + err);
      status = kExitBadInput;
    }
  }
  return status;
}

}  // namespace

void AddTestCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* c = app.add_subcommand(
      "test",
      "Run regression suites of authorization questions (docs/testing.md):\n"
      "  redtrust test SUITE.json... [--junit FILE] [--record]\n"
      "One line per case (PASS/FAIL/ERROR suite/case), a diff on failure, last line\n"
      "`N passed, M failed` (errors count as failed there; the line before says how many).\n"
      "Exit 0 all pass, 1 any fails, 2 a suite cannot be read (its cases do not run), a case\n"
      "cannot be evaluated, or the report cannot be written.");
  c->add_option("suite", args->suites, "Suite files (JSON)")->required();
  CLI::Option* junit =
      c->add_option("--junit", args->junit, "Also write a JUnit XML report to FILE");
  c->add_flag("--record", args->record,
              "Rewrite the expectation of each case that fails (or has none) from the current "
              "answer (a baseline to commit); prints what changed")
      ->excludes(junit);
  c->callback([args, exit_code] { *exit_code = RunTest(*args); });
}

}  // namespace redtrust::cli
