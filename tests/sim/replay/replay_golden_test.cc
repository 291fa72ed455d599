// Golden replay scenarios: every fixtures/worlds/<name>/expected.jsonl against the logs next to
// it (log.jsonl: JSON Lines {"id","user","cluster","sql"}; log.sql: a script whose
// `-- redtrust: user=NAME cluster=ID` comments and SET SESSION AUTHORIZATION say who runs what).
//
// One test per expected record (suite ReplayGolden/Scenario), named <world>__<id>, so a failure
// names the scenario. Each world is loaded once with sim::LoadWorld and each log is replayed the
// way `redtrust replay` does it (tools/redtrust/cmd_replay.cc): the same parse, the same
// record ids, the same not-evaluated reasons, the same sim::ReplayStatement. A failure prints the
// record, the expectation and the full gate trace.
//
// Expectation format (docs/replay.md, "Golden scenarios"):
//   {"id", "decision": "ALLOW"|"DENY"|"ERROR", "failing_gate": "P6 sts-hop-1"|null,
//    "message": exact Redshift message (DENY), "" (ALLOW), or a substring (ERROR), "why": text}
//
// ReplayGolden/Coverage checks per world that every log record has exactly one expectation and
// every expectation a record; ReplayGoldenInventory checks the scenario set as a whole (count,
// every gate, every decision kind).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"

namespace redtrust::sim {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A fixed time for every replay (2026-01-01T00:00:00Z): tests never read the clock.
constexpr int64_t kReplayNow = 1767225600LL * 1000000;

const fs::path kWorldsDir = fs::path(REDTRUST_SOURCE_DIR) / "fixtures" / "worlds";

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Replaying a log the way the CLI does.

struct Outcome {
  std::string id;
  std::string user;
  std::string cluster;
  std::string source;  // "log.jsonl:3" or "log.sql:12"
  std::string sql;     // the record's SQL text (or the bad statement's text)
  ReplayResult result;
};

Outcome NotEvaluated(Outcome o, std::string why) {
  o.result = ReplayResult{};
  o.result.evaluated = false;
  o.result.message = std::move(why);
  return o;
}

// cmd_replay.cc Decide(): unknown cluster, parse errors, exactly one COPY/UNLOAD, then replay.
Outcome Decide(const World& world, Outcome o, const std::string& where) {
  const Cluster* c = world.FindCluster(o.cluster);
  if (!c) {
    std::string why = where + ": unknown cluster `" + o.cluster + "`";  // before o is moved
    return NotEvaluated(std::move(o), std::move(why));
  }
  SqlScript script = ParseSqlScript(o.sql);
  // Unreadable SQL: not evaluated; a COPY / UNLOAD Redshift refuses: DENY at P1.
  const SqlError* rejected = nullptr;
  size_t commands = 0;
  for (const SqlError& e : script.errors) {
    if (!IsRejectedCopyOrUnload(e)) {
      std::string why = where + ": in sql at " + FormatSqlError(e);
      return NotEvaluated(std::move(o), why);
    }
    rejected = &e;
    ++commands;
  }
  const ParsedStatement* statement = nullptr;
  for (const ParsedStatement& s : script.statements) {
    if (std::holds_alternative<CopyStatement>(s.statement) ||
        std::holds_alternative<UnloadStatement>(s.statement)) {
      statement = &s;
      ++commands;
    }
  }
  if (commands > 1) {
    return NotEvaluated(std::move(o),
                        where + ": a record holds one COPY or UNLOAD statement, this one has several");
  }
  if (commands == 0) return NotEvaluated(std::move(o), where + ": no COPY or UNLOAD statement");
  o.result = rejected ? ReplayRejected(world, *c, o.user, *rejected)
                      : ReplayStatement(world, *c, o.user, *statement, kReplayNow);
  return o;
}

void ReplayJsonLines(const World& world, const std::string& name, const std::string& text,
                     std::vector<Outcome>* out) {
  std::vector<std::string> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = name + ":" + std::to_string(i + 1);
    Outcome o;
    o.id = "line " + std::to_string(i + 1);
    o.source = where;
    const std::string& line = lines[i];
    if (line.find_first_not_of(" \t") == std::string::npos) {
      out->push_back(NotEvaluated(o, where + ": empty line: expected one record"));
      continue;
    }
    json v = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (v.is_discarded() || !v.is_object()) {
      out->push_back(NotEvaluated(o, where + ": not a JSON object {\"id\", \"user\", \"cluster\", \"sql\"}"));
      continue;
    }
    std::string problem;
    for (const auto& [key, value] : v.items()) {
      if (key != "id" && key != "user" && key != "cluster" && key != "sql") {
        problem = ": unknown field `" + key + "`; expected id, user, cluster, sql";
      } else if (!value.is_string()) {
        problem = ": `" + key + "` must be a string";
      }
    }
    if (v.contains("id") && v["id"].is_string() && !v["id"].get<std::string>().empty()) {
      o.id = v["id"];
    }
    for (const char* f : {"id", "user", "cluster", "sql"}) {
      if (problem.empty() && v.contains(f) && v[f].get<std::string>().empty()) {
        problem = std::string(": `") + f + "` is empty";
      }
    }
    for (const char* f : {"user", "cluster", "sql"}) {
      if (problem.empty() && !v.contains(f)) problem = std::string(": missing field `") + f + "`";
    }
    if (!problem.empty()) {
      out->push_back(NotEvaluated(o, where + problem));
      continue;
    }
    o.user = v["user"];
    o.cluster = v["cluster"];
    o.sql = v["sql"];
    out->push_back(Decide(world, std::move(o), where));
  }
}

// cmd_replay.cc ReplayScript(): `-- redtrust: user=NAME cluster=ID` directives take effect for
// the statements after them; SET SESSION AUTHORIZATION sets the user; each COPY / UNLOAD (and
// each statement with a parse error) is a record named NAME:LINE.
void ReplaySqlScript(const World& world, const std::string& name, const std::string& text,
                     std::vector<Outcome>* out) {
  struct Directive {
    size_t offset;
    std::string user, cluster;
  };
  std::vector<Directive> directives;
  const std::string marker = "-- redtrust:";
  for (size_t pos = 0; (pos = text.find(marker, pos)) != std::string::npos;) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::istringstream body(text.substr(pos + marker.size(), end - pos - marker.size()));
    Directive d{pos, "", ""};
    for (std::string kv; body >> kv;) {
      if (kv.rfind("user=", 0) == 0) d.user = kv.substr(5);
      if (kv.rfind("cluster=", 0) == 0) d.cluster = kv.substr(8);
    }
    directives.push_back(d);
    pos = end;
  }
  SqlScript script = ParseSqlScript(text);
  struct Item {
    size_t offset;
    const ParsedStatement* statement;
    const SqlError* error;
  };
  std::vector<Item> items;
  for (const ParsedStatement& s : script.statements) items.push_back({s.pos.offset, &s, nullptr});
  for (const SqlError& e : script.errors) {
    items.push_back({e.statement_pos.known() ? e.statement_pos.offset : e.pos.offset, nullptr, &e});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.offset < b.offset; });
  std::string session_user, user, cluster;  // RESET SESSION AUTHORIZATION: back to session_user
  size_t next = 0;
  for (const Item& it : items) {
    while (next < directives.size() && directives[next].offset < it.offset) {
      if (!directives[next].user.empty()) session_user = user = directives[next].user;
      if (!directives[next].cluster.empty()) cluster = directives[next].cluster;
      ++next;
    }
    Outcome o;
    o.user = user;
    o.cluster = cluster;
    if (it.error && !IsRejectedCopyOrUnload(*it.error)) {
      o.id = name + ":" + std::to_string(it.error->pos.line);
      o.source = o.id;
      o.sql = it.error->statement_text;
      out->push_back(NotEvaluated(o, name + ":" + FormatSqlError(*it.error)));
      continue;
    }
    if (it.statement) {
      const ParsedStatement& s = *it.statement;
      if (const auto* sa = std::get_if<SetSessionAuthorization>(&s.statement)) {
        user = sa->is_default ? session_user : sa->user;
        continue;
      }
      if (!std::holds_alternative<CopyStatement>(s.statement) &&
          !std::holds_alternative<UnloadStatement>(s.statement)) {
        continue;
      }
    }
    o.id = name + ":" + std::to_string(it.statement ? it.statement->pos.line
                                                    : it.error->statement_pos.line);
    o.source = o.id;
    o.sql = it.statement ? it.statement->text : it.error->statement_text;
    if (user.empty() || cluster.empty()) {
      out->push_back(NotEvaluated(o, o.id + ": no session user or cluster"));
      continue;
    }
    const Cluster* c = world.FindCluster(cluster);
    if (!c) {
      out->push_back(NotEvaluated(o, o.id + ": unknown cluster `" + cluster + "`"));
      continue;
    }
    o.result = it.statement ? ReplayStatement(world, *c, user, *it.statement, kReplayNow)
                            : ReplayRejected(world, *c, user, *it.error);
    out->push_back(std::move(o));
  }
}

// One world directory: the loaded world, every log record's outcome, every expectation.
struct WorldRun {
  std::string name;
  std::string load_errors;  // non-empty when the world did not load
  std::shared_ptr<const World> world;
  std::vector<Outcome> outcomes;
  std::vector<json> expectations;
  std::vector<std::string> expectation_errors;
};

const WorldRun& RunWorld(const std::string& name) {
  static std::map<std::string, std::unique_ptr<WorldRun>> cache;
  auto& slot = cache[name];
  if (slot) return *slot;
  slot = std::make_unique<WorldRun>();
  WorldRun& run = *slot;
  run.name = name;
  const fs::path dir = kWorldsDir / name;
  LoadResult loaded = LoadWorld(dir.string());
  for (const WorldDiagnostic& d : loaded.diagnostics) {
    if (!loaded.ok()) run.load_errors += d.ToString() + "\n";
  }
  run.world = loaded.world;
  if (!run.world) {
    if (run.load_errors.empty()) run.load_errors = "LoadWorld failed without a diagnostic";
  } else {
    if (fs::exists(dir / "log.jsonl")) {
      ReplayJsonLines(*run.world, "log.jsonl", ReadText(dir / "log.jsonl"), &run.outcomes);
    }
    if (fs::exists(dir / "log.sql")) {
      ReplaySqlScript(*run.world, "log.sql", ReadText(dir / "log.sql"), &run.outcomes);
    }
  }
  std::vector<std::string> lines = SplitLines(ReadText(dir / "expected.jsonl"));
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    json e = json::parse(lines[i], nullptr, false);
    if (e.is_discarded() || !e.is_object() || !e.contains("id") || !e["id"].is_string()) {
      run.expectation_errors.push_back("expected.jsonl:" + std::to_string(i + 1) +
                                       ": not an object with a string `id`");
      continue;
    }
    run.expectations.push_back(std::move(e));
  }
  return run;
}

std::vector<std::string> WorldsWithExpectations() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kWorldsDir, ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "expected.jsonl")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// ---------------------------------------------------------------------------------------------
// Printing.

std::string TraceText(const ReplayResult& r) {
  std::string out;
  for (const GateStep& s : r.trace) {
    out += "  " + std::string(GateName(s.gate)) + (s.passed ? ": ok: " : ": FAILED: ") + s.summary + "\n";
    for (const std::string& d : s.details) out += "      " + d + "\n";
  }
  return out.empty() ? "  (no gate ran)\n" : out;
}

const char* DecisionName(const ReplayResult& r) {
  if (!r.evaluated) return "ERROR";
  return r.allowed ? "ALLOW" : "DENY";
}

std::string Describe(const Outcome& o, const json& expected) {
  std::ostringstream s;
  s << "\n--- record " << o.id << " (" << o.source << ")\n"
    << "  user: " << o.user << "\n  cluster: " << o.cluster << "\n  sql: " << o.sql << "\n"
    << "--- expected\n  " << expected.dump() << "\n"
    << "--- actual\n  decision: " << DecisionName(o.result) << "\n  failing_gate: "
    << (o.result.evaluated && !o.result.allowed ? GateName(o.result.failing_gate) : "null")
    << "\n  message: " << o.result.message << "\n"
    << "--- trace\n" << TraceText(o.result);
  return s.str();
}

// ---------------------------------------------------------------------------------------------
// Parameters.

struct GoldenCase {
  std::string world;
  std::string id;
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.world << " " << c.id; }

std::vector<GoldenCase> AllCases() {
  std::vector<GoldenCase> cases;
  for (const std::string& w : WorldsWithExpectations()) {
    std::vector<std::string> lines = SplitLines(ReadText(kWorldsDir / w / "expected.jsonl"));
    for (const std::string& line : lines) {
      json e = json::parse(line, nullptr, false);
      if (e.is_object() && e.contains("id") && e["id"].is_string()) cases.push_back({w, e["id"]});
    }
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.world + "__" + info.param.id;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class ReplayGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ReplayGolden, Scenario) {
  const GoldenCase& c = GetParam();
  const WorldRun& run = RunWorld(c.world);
  ASSERT_TRUE(run.world) << c.world << " did not load:\n" << run.load_errors;
  const json* expected = nullptr;
  for (const json& e : run.expectations) {
    if (e["id"] == c.id) expected = &e;
  }
  ASSERT_NE(expected, nullptr);
  const Outcome* outcome = nullptr;
  for (const Outcome& o : run.outcomes) {
    if (o.id == c.id) outcome = &o;
  }
  ASSERT_NE(outcome, nullptr) << "no record `" << c.id << "` in the logs of " << c.world;

  const std::string want_decision = expected->value("decision", "");
  ASSERT_TRUE(want_decision == "ALLOW" || want_decision == "DENY" || want_decision == "ERROR")
      << "bad decision in expectation " << expected->dump();
  const std::string want_message = expected->value("message", "");
  const json want_gate = expected->value("failing_gate", json());
  const std::string why = Describe(*outcome, *expected);
  const ReplayResult& r = outcome->result;

  EXPECT_EQ(DecisionName(r), want_decision) << why;
  if (want_decision == "DENY") {
    ASSERT_TRUE(want_gate.is_string()) << "a DENY expectation names its gate: " << expected->dump();
    if (r.evaluated && !r.allowed) {
      EXPECT_EQ(GateName(r.failing_gate), want_gate.get<std::string>()) << why;
    }
    EXPECT_EQ(r.message, want_message) << why;
  } else if (want_decision == "ALLOW") {
    EXPECT_TRUE(want_gate.is_null()) << "an ALLOW expectation has failing_gate null";
    EXPECT_EQ(r.message, "") << why;
    // An ALLOW passed every gate it ran; the last step passed.
    if (r.allowed) {
      for (const GateStep& s : r.trace) EXPECT_TRUE(s.passed) << why;
    }
  } else {  // ERROR: not evaluated, the message holds the expected substring
    EXPECT_TRUE(want_gate.is_null()) << "an ERROR expectation has failing_gate null";
    EXPECT_FALSE(r.allowed) << "never ALLOW on an error" << why;
    EXPECT_NE(r.message.find(want_message), std::string::npos)
        << "message does not contain `" << want_message << "`" << why;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ReplayGolden, ::testing::ValuesIn(AllCases()), CaseName);

// Every record of every log has exactly one expectation and every expectation a record.
class ReplayGoldenCoverage : public ::testing::TestWithParam<std::string> {};

TEST_P(ReplayGoldenCoverage, EveryRecordHasOneExpectation) {
  const WorldRun& run = RunWorld(GetParam());
  ASSERT_TRUE(run.world) << run.load_errors;
  for (const std::string& e : run.expectation_errors) ADD_FAILURE() << e;
  std::map<std::string, int> expected_ids, record_ids;
  for (const json& e : run.expectations) ++expected_ids[e["id"].get<std::string>()];
  for (const Outcome& o : run.outcomes) ++record_ids[o.id];
  EXPECT_FALSE(run.outcomes.empty()) << "no log.jsonl / log.sql records";
  for (const auto& [id, n] : expected_ids) {
    EXPECT_EQ(n, 1) << "expectation `" << id << "` appears " << n << " times";
    EXPECT_EQ(record_ids.count(id), 1u) << "expectation `" << id << "` has no log record";
  }
  for (const auto& [id, n] : record_ids) {
    EXPECT_EQ(n, 1) << "record id `" << id << "` appears " << n << " times in the logs";
    EXPECT_EQ(expected_ids.count(id), 1u) << "record `" << id << "` has no expectation";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ReplayGoldenCoverage, ::testing::ValuesIn(WorldsWithExpectations()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

// The scenario set as a whole: at least 45 scenarios, every gate a scenario stops at, every
// decision kind, at least one .sql log, and the guide world's log.
TEST(ReplayGoldenInventory, EveryGateAndDecisionIsCovered) {
  std::map<std::string, int> by_gate, by_decision;
  size_t total = 0;
  bool sql_log = false;
  for (const std::string& w : WorldsWithExpectations()) {
    const WorldRun& run = RunWorld(w);
    sql_log = sql_log || fs::exists(kWorldsDir / w / "log.sql");
    for (const json& e : run.expectations) {
      ++total;
      ++by_decision[e.value("decision", "")];
      if (e.contains("failing_gate") && e["failing_gate"].is_string()) ++by_gate[e["failing_gate"]];
    }
  }
  EXPECT_GE(total, 45u);
  EXPECT_TRUE(sql_log) << "no fixtures/worlds/*/log.sql";
  EXPECT_TRUE(fs::exists(kWorldsDir / "redshift-guide" / "expected.jsonl"));
  for (const char* d : {"ALLOW", "DENY", "ERROR"}) EXPECT_GT(by_decision[d], 0) << d;
  // Every gate of replay.h.
  for (Gate g : {Gate::kOptions, Gate::kDefaultRole, Gate::kAssumeRole, Gate::kAssociation,
                 Gate::kStsHop1, Gate::kStsChain, Gate::kRegion, Gate::kPermissions, Gate::kData}) {
    EXPECT_GT(by_gate[GateName(g)], 0) << "no scenario stops at " << GateName(g);
  }
  std::ostringstream summary;
  summary << total << " golden scenarios;";
  for (const auto& [d, n] : by_decision) summary << " " << d << " " << n;
  summary << ";";
  for (const auto& [g, n] : by_gate) summary << " [" << g << "] " << n;
  RecordProperty("summary", summary.str());
  std::cout << summary.str() << "\n";
}

}  // namespace
}  // namespace redtrust::sim
