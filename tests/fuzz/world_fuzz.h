// Fuzz target (d): a world (world.json plus the policy files and SQL scripts it names) ->
// LoadWorld with an in-memory read_file -> CanAssume / ReplayStatement on what loaded.
//
// Input: files, each introduced by a line `=== NAME` (the world file is `world.json`; text
// before the first header is world.json too). They are served as w/NAME (normalized, so
// `=== ../other/p.json` is other/p.json) and the world is loaded from w/world.json.
//
// Invariants (abort on violation):
//  - loading is deterministic (same diagnostics twice) and returns a world exactly when no
//    diagnostic is an error;
//  - fail closed: every policy file a loaded world uses validates on its own for its kind (size
//    quota aside), and every role, user, bucket and key policy is compiled;
//  - replay: for a few (cluster, user, role) triples, CanAssume and a COPY / UNLOAD replay are
//    deterministic, agree with the trace on and off, never allow what was not evaluated, and
//    name a message and a failing gate for every denial.
#ifndef REDTRUST_TESTS_FUZZ_WORLD_FUZZ_H_
#define REDTRUST_TESTS_FUZZ_WORLD_FUZZ_H_

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy/reader.h"
#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"
#include "tests/fuzz/fuzz_support.h"

namespace redtrust::fuzz {

// A fixed time for every replay (2026-01-01T00:00:00Z): tests never read the clock.
constexpr int64_t kReplayNow = 1767225600LL * 1000000;

inline std::map<std::string, std::string> ParseWorldFiles(std::string_view data) {
  std::map<std::string, std::string> files;
  std::string name = "world.json";
  std::string text;
  bool in_preamble = true;  // text before the first header: world.json unless it is empty
  auto flush = [&] {
    // Served under the path the loader asks for: names relative to w/, normalized lexically
    // ("../x/p.json" is asked for as "x/p.json").
    const std::string path = std::filesystem::path("w/" + name).lexically_normal().string();
    if (!(in_preamble && text.empty()) && !files.count(path)) files[path] = text;
    in_preamble = false;
    text.clear();
  };
  for (std::string_view line : Split(data, '\n')) {
    if (line.substr(0, 4) == "=== ") {
      flush();
      name = std::string(line.substr(4));
      continue;
    }
    text.append(line);
    text.push_back('\n');
  }
  flush();
  return files;
}

inline sim::LoadResult LoadFuzzWorld(const std::map<std::string, std::string>& files) {
  sim::LoadOptions options;
  options.read_file = [&files](const std::string& path) -> StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound("No such file or directory");
    return it->second;
  };
  return sim::LoadWorld("w/world.json", options);
}

inline std::string WorldDiagnosticsText(const sim::WorldDiagnostics& ds) {
  std::string out;
  for (const sim::WorldDiagnostic& d : ds) out += d.ToString() + "\n";
  return out;
}

inline void CheckWorldPolicy(const std::map<std::string, std::string>& files,
                             const sim::PolicyRef& ref, PolicyKind kind) {
  REDTRUST_FUZZ_CHECK(ref.compiled != nullptr, "a loaded world holds an uncompiled policy");
  auto it = files.find(ref.source);
  if (it == files.end()) return;  // inline, managed or the world file itself
  if (ref.source == "w/world.json") return;
  ValidateOptions no_quota;
  no_quota.max_policy_chars = 0;
  ParsedPolicy p = ParsePolicy(it->second, kind, no_quota);
  REDTRUST_FUZZ_CHECK(p.ok(), "the world loaded " + ref.source + " as a " + PolicyKindName(kind) +
                                  " policy, but it does not validate: " +
                                  (p.diagnostics.empty() ? "" : p.diagnostics[0].message));
}

inline std::string ReplayKey(const sim::ReplayResult& r) {
  return std::string(r.evaluated ? "E" : "-") + (r.allowed ? "A " : "D ") + r.command + " " +
         (r.evaluated && !r.allowed ? sim::GateName(r.failing_gate) : "") + " " + r.message;
}

inline void CheckReplayResult(const sim::ReplayResult& r) {
  REDTRUST_FUZZ_CHECK(!r.allowed || r.evaluated, "allowed without being evaluated");
  REDTRUST_FUZZ_CHECK(r.allowed || !r.message.empty(), "a denial without a message");
}

inline void CheckWorldInput(std::string_view data) {
  const std::map<std::string, std::string> files = ParseWorldFiles(data);
  const sim::LoadResult result = LoadFuzzWorld(files);
  const sim::LoadResult again = LoadFuzzWorld(files);
  REDTRUST_FUZZ_CHECK(WorldDiagnosticsText(result.diagnostics) ==
                          WorldDiagnosticsText(again.diagnostics),
                      "LoadWorld is not deterministic");
  REDTRUST_FUZZ_CHECK(result.ok() == !sim::HasErrors(result.diagnostics),
                      WorldDiagnosticsText(result.diagnostics));
  if (!result.ok()) return;
  const sim::World& world = *result.world;

  for (const sim::Role& role : world.roles()) {
    CheckWorldPolicy(files, role.trust_policy, PolicyKind::kTrust);
    for (const sim::PolicyRef& p : role.permission_policies) {
      CheckWorldPolicy(files, p, PolicyKind::kIdentity);
    }
  }
  for (const sim::IamUser& user : world.users()) {
    for (const sim::PolicyRef& p : user.policies) CheckWorldPolicy(files, p, PolicyKind::kIdentity);
  }
  for (const sim::Bucket& b : world.buckets()) {
    if (b.policy) CheckWorldPolicy(files, *b.policy, PolicyKind::kResource);
  }
  for (const sim::KmsKey& k : world.kms_keys()) {
    if (!k.default_policy) CheckWorldPolicy(files, k.policy, PolicyKind::kResource);
  }

  // Replays, bounded: at most 3 clusters x 3 users x 4 roles.
  const std::string bucket = world.buckets().empty() ? "bucket" : world.buckets()[0].name;
  size_t clusters = 0;
  for (const sim::Cluster& cluster : world.clusters()) {
    if (++clusters > 3) break;
    std::vector<std::string> roles;
    for (const sim::AssociatedRole& a : cluster.iam_roles) roles.push_back(a.arn);
    if (roles.size() >= 2) roles.push_back(roles[0] + "," + roles[1]);
    if (roles.size() > 4) roles.resize(4);
    roles.push_back("arn:aws:iam::123456789012:role/NotAssociated");
    size_t users = 0;
    for (const auto& [name, user] : cluster.database.users()) {
      if (++users > 3) break;
      for (const std::string& role : roles) {
        for (sim::AssumeRoleCommand cmd : {sim::AssumeRoleCommand::kCopy,
                                           sim::AssumeRoleCommand::kUnload}) {
          const sim::ReplayResult a = sim::CanAssume(world, cluster, name, role, cmd, kReplayNow);
          const sim::ReplayResult b = sim::CanAssume(world, cluster, name, role, cmd, kReplayNow);
          REDTRUST_FUZZ_CHECK(ReplayKey(a) == ReplayKey(b), "CanAssume is not deterministic");
          CheckReplayResult(a);
        }
        std::string quoted;
        for (char ch : role) {
          quoted += ch;
          if (ch == '\'') quoted += '\'';
        }
        const std::string sql =
            "COPY t FROM 's3://" + bucket + "/data/' IAM_ROLE '" + quoted + "';\n" +
            "UNLOAD ('select 1') TO 's3://" + bucket + "/out/' IAM_ROLE '" + quoted + "';\n" +
            "COPY t FROM 's3://" + bucket + "/data/' IAM_ROLE default";
        const sim::SqlScript script = sim::ParseSqlScript(sql);
        for (const sim::ParsedStatement& st : script.statements) {
          sim::ReplayOptions quiet;
          quiet.trace = false;
          const sim::ReplayResult traced = sim::ReplayStatement(world, cluster, name, st, kReplayNow);
          const sim::ReplayResult plain = sim::ReplayStatement(world, cluster, name, st, kReplayNow, quiet);
          REDTRUST_FUZZ_CHECK(ReplayKey(traced) == ReplayKey(plain),
                              "the trace changed the replay: " + ReplayKey(traced) + " vs " +
                                  ReplayKey(plain));
          CheckReplayResult(traced);
        }
      }
    }
  }
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_WORLD_FUZZ_H_
