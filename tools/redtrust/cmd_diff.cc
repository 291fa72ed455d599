// `redtrust diff OLD NEW`: every class of requests whose decision changes between two trust
// policies or two worlds, with a witness for each (engine/diff/trust_diff.h,
// sim/diff/world_diff.h, docs/diff.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/base/diagnostic.h"
#include "engine/condition/values.h"
#include "engine/diff/trust_diff.h"
#include "engine/eval/explain.h"
#include "engine/policy/arn.h"
#include "sim/diff/world_diff.h"
#include "tools/questions/can.h"
#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

namespace redtrust::cli {

std::shared_ptr<const sim::World> LoadWorldForCli(const std::string& path);  // cmd_replay.cc

namespace {

struct DiffArgs {
  std::string old_path, new_path;
  std::string role_arn = "arn:aws:iam::123456789012:role/diffed-role";
  std::optional<std::string> now;
  std::string fail_on;
  bool json = false;
  bool verbose = false;
  size_t max_policy_chars = 2048;
};

using nlohmann::json;

// A world is a directory, or a JSON file whose top-level object has no "Statement".
bool LooksLikeWorld(const std::string& path, const std::string& text) {
  if (std::filesystem::is_directory(path)) return true;
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && !j.contains("Statement");
}

std::string DbUserNote(std::string_view external_id) {
  // arn:P:redshift:R:A:dbuser:CLUSTER/USER -> who Redshift was acting for.
  auto s = SplitArn(external_id);
  if (!s || s->service != "redshift" || s->resource.substr(0, 7) != "dbuser:") return "";
  std::string_view rest = s->resource.substr(7);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "";
  return " (Redshift user " + std::string(rest.substr(slash + 1)) + " on cluster " +
         std::string(rest.substr(0, slash)) + " in " + std::string(s->region) + ", account " +
         std::string(s->account) + ")";
}

// User text (policy values, witness values) made safe for a terminal: control characters
// escaped, nothing cut.
std::string Safe(std::string_view text) { return SanitizeForMessage(text, std::string::npos); }

std::string CallerText(const diff::Witness& w) {
  const Caller& c = w.request.caller;
  std::string s;
  switch (c.kind) {
    case Caller::Kind::kService: s = c.raw; break;
    case Caller::Kind::kFederated: s = "federated " + c.raw; break;
    case Caller::Kind::kAssumedRole:
      s = c.arn;
      if (c.role_arn.find(":role/" + c.role_name) == std::string::npos) s += " (role " + c.role_arn + ")";
      break;
    default: s = c.arn; break;
  }
  if (c.is_iam()) {
    s += w.identity_allows ? ", whose identity policies allow it"
                           : ", whose identity policies do not allow it";
  }
  return s;
}

// The clock as `eval` reads it back: ISO 8601 when that is exact, else epoch seconds.
std::string NowText(int64_t micros) {
  std::string iso = FormatIsoUtc(micros);
  if (const int64_t frac = ((micros % 1000000) + 1000000) % 1000000; frac && !iso.empty() &&
                                                                      iso.back() == 'Z') {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    iso.insert(iso.size() - 1, buf);
  }
  auto back = ParseDate(iso);
  if (back && *back == micros) return iso;
  const bool neg = micros < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-(micros + 1)) + 1 : static_cast<uint64_t>(micros);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", neg ? "-" : "",
                static_cast<unsigned long long>(a / 1000000),
                static_cast<unsigned long long>(a % 1000000));
  return buf;
}

// The witness as an `eval` request line (docs/cli.md); add "resource_policy" (OLD or NEW) to
// replay it.
json WitnessJson(const diff::Witness& w) {
  const Request& r = w.request;
  json j;
  const Caller& c = r.caller;
  const char* type = c.kind == Caller::Kind::kService     ? "Service"
                     : c.kind == Caller::Kind::kFederated ? "Federated"
                                                          : "AWS";
  j["principal"] = {{type, w.principal_text}};
  if (w.identity_allows) {
    j["identity_policies"] = json::array({json::parse(diff::kCallerIdentityPolicy)});
  }
  j["action"] = r.action;
  j["resource"] = r.resource;
  json ctx = json::object();
  for (const ContextEntry& e : r.context.entries()) {
    if (e.multivalued) {
      ctx[e.key] = e.values;
    } else {
      ctx[e.key] = e.values.front();
    }
  }
  j["context"] = ctx;
  j["now"] = NowText(r.now_micros);
  return j;
}

json SideJson(const diff::SideDecision& s) {
  json st = json::array();
  for (const StatementRef& ref : s.statements) {
    json e = {{"policy", ref.policy}, {"index", ref.index}, {"sid", ref.sid}, {"path", ref.path}};
    if (ref.pos.known()) {
      e["line"] = ref.pos.line;
      e["column"] = ref.pos.column;
    }
    st.push_back(e);
  }
  return {{"decision", EffectName(s.effect)}, {"statements", st}, {"reason", s.reason}};
}

std::string SideText(const diff::SideDecision& s) {
  std::string t = EffectName(s.effect);
  if (!s.statements.empty()) {
    t += s.effect == Effect::kAllowed ? " by " : " by a Deny in ";
    for (size_t i = 0; i < s.statements.size(); ++i) {
      t += (i ? ", " : "") + FormatStatementRef(s.statements[i]);
    }
  }
  return t + ": " + s.reason;
}

json TrustDiffJson(const diff::TrustDiff& d) {
  json out = {{"role_arn", d.role_arn()},
              {"exact", d.exact()},
              {"undecided", d.undecided()},
              {"combinations_examined", d.combinations_examined()}};
  json added = json::array(), removed = json::array();
  for (const diff::DiffClass& c : d.classes()) {
    json e = {{"class", c.constraints},
              {"witness", WitnessJson(c.witness)},
              {"old", SideJson(c.old_side)},
              {"new", SideJson(c.new_side)},
              {"combinations", c.combinations}};
    (c.new_access ? added : removed).push_back(e);
  }
  out["new_access"] = added;
  out["removed_access"] = removed;
  return out;
}

void PrintClass(std::ostream& os, const diff::DiffClass& c, size_t n) {
  os << "  [" << (c.new_access ? "+" : "-") << n << "] requests where\n";
  for (const std::string& line : c.constraints) os << "        " << Safe(line) << "\n";
  const Request& r = c.witness.request;
  os << "      witness: " << Safe(CallerText(c.witness)) << "\n";
  os << "        calls " << r.action << " on " << r.resource << "\n";
  for (const ContextEntry& e : r.context.entries()) {
    os << "        " << Safe(e.key) << " = ";
    if (e.multivalued) {
      os << "[";
      for (size_t i = 0; i < e.values.size(); ++i) os << (i ? ", " : "") << Safe(e.values[i]);
      os << "]\n";
    } else {
      os << Safe(e.values.front());
      if (EqualsIgnoreCaseAscii(e.key, "sts:ExternalId")) os << Safe(DbUserNote(e.values.front()));
      os << "\n";
    }
  }
  os << "      OLD: " << SideText(c.old_side) << "\n";
  os << "      NEW: " << SideText(c.new_side) << "\n";
}

void PrintTrustDiff(std::ostream& os, const diff::TrustDiff& d, bool verbose) {
  size_t added = 0, removed = 0;
  for (const diff::DiffClass& c : d.classes()) (c.new_access ? added : removed)++;
  os << "role " << d.role_arn() << ": " << d.combinations_examined()
     << " request classes examined, " << (d.exact() ? "exact" : "NOT EXACT") << "\n";
  if (verbose) {
    for (const std::string& line : d.DescribeDimensions()) os << "  dimension " << line << "\n";
  }
  os << "NEW ACCESS (" << added << ")\n";
  size_t n = 0;
  for (const diff::DiffClass& c : d.classes()) {
    if (c.new_access) PrintClass(os, c, ++n);
  }
  os << "REMOVED ACCESS (" << removed << ")\n";
  n = 0;
  for (const diff::DiffClass& c : d.classes()) {
    if (!c.new_access) PrintClass(os, c, ++n);
  }
  if (!d.exact()) {
    os << "NOT DECIDED EXACTLY (" << d.undecided().size() << ")\n";
    for (const std::string& u : d.undecided()) os << "  - " << Safe(u) << "\n";
  }
}

// Writes the JSON answer. The engine only puts UTF-8 text in a diff (witnesses are eval lines),
// so a failure here is an internal error: reported, and the run fails closed (exit 1).
bool PrintJson(const json& j) {
  std::string text;
  try {
    text = j.dump();
  } catch (const json::exception& e) {
    PrintError(std::string("internal error: cannot write the diff as JSON: ") + e.what());
    return false;
  }
  std::cout << text << "\n";
  return true;
}

struct Verdict {
  size_t added = 0, removed = 0;
  bool exact = true;
};

int ExitFor(const DiffArgs& a, const Verdict& v) {
  if (a.fail_on.empty()) return kExitAllowed;
  const bool want_new = a.fail_on == "new-access" || a.fail_on == "any-change";
  const bool want_removed = a.fail_on == "removed-access" || a.fail_on == "any-change";
  if ((want_new && v.added) || (want_removed && v.removed)) return kExitDenied;
  if (!v.exact) {
    // Fail closed: an undecided fragment may hide the change the gate is about.
    std::cerr << "redtrust: diff: not decided exactly, so --fail-on " << a.fail_on
              << " cannot prove there is none\n";
    return kExitDenied;
  }
  return kExitAllowed;
}

int RunDiffPolicies(const DiffArgs& a, const std::string& old_text, const std::string& new_text,
                    int64_t now) {
  std::shared_ptr<const CompiledPolicy> policies[2];
  const std::string* texts[2] = {&old_text, &new_text};
  const std::string* names[2] = {&a.old_path, &a.new_path};
  for (int i = 0; i < 2; ++i) {
    tools::CompiledTrustPolicy t = tools::CompileTrustPolicy(*texts[i], *names[i], a.max_policy_chars);
    for (const Diagnostic& d : t.diagnostics) {
      if (d.severity != Severity::kError) std::cerr << TerminalText(FormatDiagnostic(*names[i], d)) << "\n";
    }
    if (!t.policy) {
      bool printed = false;
      for (const Diagnostic& d : t.diagnostics) {
        if (d.severity == Severity::kError) {
          PrintError(FormatDiagnostic(*names[i], d));
          printed = true;
        }
      }
      if (!printed) PrintError(t.status.message());
      return kExitBadInput;
    }
    policies[i] = t.policy;
  }
  diff::DiffOptions o;
  o.role_arn = a.role_arn;
  o.now_micros = now;
  auto d = diff::DiffTrustPolicies(policies[0].get(), policies[1].get(), o);
  if (!d.ok()) {
    PrintError("--role-arn: " + d.status().message());
    return kExitBadInput;
  }
  Verdict v;
  v.exact = d->exact();
  for (const diff::DiffClass& c : d->classes()) (c.new_access ? v.added : v.removed)++;
  if (a.json) {
    json out = TrustDiffJson(*d);
    out["old"] = a.old_path;
    out["new"] = a.new_path;
    if (!PrintJson(out)) return kExitDenied;
  } else {
    std::cout << "redtrust diff: OLD " << a.old_path << ", NEW " << a.new_path << "\n";
    PrintTrustDiff(std::cout, *d, a.verbose);
    std::cout << "summary: " << v.added << " new access, " << v.removed << " removed access"
              << (v.exact ? "" : ", not decided exactly") << "\n";
  }
  return ExitFor(a, v);
}

int RunDiffWorlds(const DiffArgs& a, int64_t now) {
  auto old_world = LoadWorldForCli(a.old_path);
  if (!old_world) return kExitBadInput;
  auto new_world = LoadWorldForCli(a.new_path);
  if (!new_world) return kExitBadInput;
  diff::DiffOptions o;
  o.now_micros = now;
  auto d = sim::DiffWorlds(*old_world, *new_world, o);
  if (!d.ok()) {
    PrintError(d.status().message());
    return kExitBadInput;
  }
  Verdict v;
  v.exact = d->exact();
  for (const sim::RedshiftAccessChange& c : d->redshift) (c.new_access ? v.added : v.removed)++;
  for (const sim::RoleTrustChange& r : d->roles) {
    for (const diff::DiffClass& c : r.diff.classes()) (c.new_access ? v.added : v.removed)++;
  }
  if (a.json) {
    json rs_new = json::array(), rs_removed = json::array();
    for (const sim::RedshiftAccessChange& c : d->redshift) {
      json e = {{"cluster", c.cluster}, {"user", c.user},   {"role", c.role},
                {"command", c.command}, {"dbuser_arn", c.dbuser_arn},
                {"old", c.old_answer},  {"new", c.new_answer}};
      (c.new_access ? rs_new : rs_removed).push_back(e);
    }
    json roles = json::array();
    for (const sim::RoleTrustChange& r : d->roles) {
      json e = TrustDiffJson(r.diff);
      e["change"] = r.change;
      roles.push_back(e);
    }
    json out = {{"old", a.old_path},
                {"new", a.new_path},
                {"exact", v.exact},
                {"redshift", {{"questions_examined", d->questions_examined},
                              {"new_access", rs_new},
                              {"removed_access", rs_removed}}},
                {"roles", roles}};
    if (!PrintJson(out)) return kExitDenied;
    return ExitFor(a, v);
  }
  std::cout << "redtrust diff: OLD world " << a.old_path << ", NEW world " << a.new_path << "\n";
  std::cout << "Redshift: " << d->questions_examined
            << " (cluster, user, role, command) questions examined\n";
  for (bool added : {true, false}) {
    size_t count = 0;
    for (const sim::RedshiftAccessChange& c : d->redshift) count += c.new_access == added;
    std::cout << (added ? "NEW ACCESS" : "REMOVED ACCESS") << " (" << count << ")\n";
    for (const sim::RedshiftAccessChange& c : d->redshift) {
      if (c.new_access != added) continue;
      std::cout << "  " << (added ? "+ " : "- ") << c.command << " as " << c.user << " on "
                << c.cluster << " with " << c.role << "\n"
                << "      OLD: " << c.old_answer << "\n"
                << "      NEW: " << c.new_answer << "\n";
    }
  }
  for (const sim::RoleTrustChange& r : d->roles) {
    std::cout << "\ntrust policy of " << r.role_arn << " (" << r.change << ")\n";
    PrintTrustDiff(std::cout, r.diff, a.verbose);
  }
  std::cout << "summary: " << v.added << " new access, " << v.removed << " removed access"
            << (v.exact ? "" : ", not decided exactly") << "\n";
  return ExitFor(a, v);
}

int RunDiff(const DiffArgs& a) {
  auto now = ResolveNow(a.now);
  if (!now.ok()) {
    PrintError(now.status().message());
    return kExitBadInput;
  }
  std::string texts[2];
  bool world[2];
  const std::string* paths[2] = {&a.old_path, &a.new_path};
  for (int i = 0; i < 2; ++i) {
    if (std::filesystem::is_directory(*paths[i])) {
      world[i] = true;
      continue;
    }
    auto t = ReadFile(*paths[i]);
    if (!t.ok()) {
      PrintError(t.status().message());
      return kExitBadInput;
    }
    texts[i] = std::move(*t);
    world[i] = LooksLikeWorld(*paths[i], texts[i]);
  }
  if (world[0] != world[1]) {
    PrintError("OLD and NEW must both be trust policies or both be worlds (" + a.old_path +
               " is " + (world[0] ? "a world" : "a policy") + ", " + a.new_path + " is " +
               (world[1] ? "a world" : "a policy") + ")");
    return kExitBadInput;
  }
  return world[0] ? RunDiffWorlds(a, *now) : RunDiffPolicies(a, texts[0], texts[1], *now);
}

}  // namespace

void AddDiffCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* c = app.add_subcommand(
      "diff",
      "Which requests does NEW decide differently from OLD? OLD and NEW are two role trust\n"
      "policies (JSON files) or two worlds (directories or world files). Lists every class of\n"
      "requests whose decision changes, grouped as new access and removed access, each with a\n"
      "concrete witness request (an `eval` line) and the deciding statements on each side. Exact\n"
      "(automata, not sampling) within a work budget of about a second; anything it cannot\n"
      "decide exactly is listed as such, and --fail-on then fails closed. docs/diff.md.\n"
      "  redtrust diff old-trust.json new-trust.json --fail-on new-access\n"
      "Exit 0, or 1 when --fail-on finds such a change (or cannot rule one out), 2 bad input.");
  c->add_option("old", args->old_path, "The policy or world before the change")->required();
  c->add_option("new", args->new_path, "The policy or world after the change")->required();
  c->add_option("--role-arn", args->role_arn,
                "Policies: the role whose trust policy this is; its account decides same- vs "
                "cross-account callers (default arn:aws:iam::123456789012:role/diffed-role)");
  c->add_option("--fail-on", args->fail_on,
                "Exit 1 when this kind of change exists: new-access (NEW allows a request OLD "
                "denied), removed-access, any-change")
      ->check(OneOf({"new-access", "removed-access", "any-change"}));
  c->add_option("--now", args->now,
                "The clock for aws:CurrentTime when no condition reads it (ISO 8601 or epoch "
                "seconds; default: now)");
  c->add_flag("--json", args->json, "One JSON object on standard output (docs/diff.md)");
  c->add_flag("--verbose", args->verbose, "Also list the dimensions and their atom counts");
  AddNumberOption(c, "--max-policy-chars", &args->max_policy_chars,
                  "Trust policy size quota in characters without white space (default 2048; 0 = off)");
  c->callback([args, exit_code] { *exit_code = RunDiff(*args); });
}

}  // namespace redtrust::cli
