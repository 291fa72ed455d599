#include "sim/diff/world_diff.h"

#include <set>

#include "sim/replay/replay.h"

namespace redtrust::sim {

bool WorldDiff::exact() const {
  for (const RoleTrustChange& r : roles) {
    if (!r.diff.exact()) return false;
  }
  return true;
}

namespace {

struct Answer {
  bool allowed = false;
  std::string text;
};

Answer Ask(const World& w, const char* side, const std::string& cluster_id,
           const std::string& user, const std::string& role, AssumeRoleCommand command,
           int64_t now_micros) {
  const Cluster* cluster = w.FindCluster(cluster_id);
  if (!cluster) return {false, "no cluster `" + cluster_id + "` in " + side};
  if (!cluster->database.FindUser(user)) {
    return {false, "no database user `" + user + "` on " + cluster_id + " in " + side};
  }
  if (!w.FindRole(role)) return {false, "no role " + role + " in " + side};
  ReplayResult r = CanAssume(w, *cluster, user, role, command, now_micros);
  if (!r.evaluated) return {false, "not evaluated: " + r.message};
  if (r.allowed) return {true, "allowed"};
  return {false, std::string(GateName(r.failing_gate)) + ": " + r.message};
}

}  // namespace

StatusOr<WorldDiff> DiffWorlds(const World& old_world, const World& new_world,
                               const diff::DiffOptions& options) {
  WorldDiff out;
  std::set<std::string> clusters, roles;
  for (const World* w : {&old_world, &new_world}) {
    for (const Cluster& c : w->clusters()) clusters.insert(c.id);
    for (const Role& r : w->roles()) roles.insert(r.arn);
  }
  std::vector<RedshiftAccessChange> added, removed;
  for (const std::string& cid : clusters) {
    std::set<std::string> users;
    const Cluster* oc = old_world.FindCluster(cid);
    const Cluster* nc = new_world.FindCluster(cid);
    for (const Cluster* c : {oc, nc}) {
      if (!c) continue;
      for (const auto& [name, u] : c->database.users()) users.insert(name);
    }
    for (const std::string& user : users) {
      for (const std::string& role : roles) {
        for (AssumeRoleCommand cmd : {AssumeRoleCommand::kCopy, AssumeRoleCommand::kUnload}) {
          ++out.questions_examined;
          Answer a = Ask(old_world, "OLD", cid, user, role, cmd, options.now_micros);
          Answer b = Ask(new_world, "NEW", cid, user, role, cmd, options.now_micros);
          if (a.allowed == b.allowed) continue;
          RedshiftAccessChange ch;
          ch.cluster = cid;
          ch.user = user;
          ch.role = role;
          ch.command = cmd == AssumeRoleCommand::kCopy ? "COPY" : "UNLOAD";
          ch.new_access = b.allowed;
          ch.old_answer = std::move(a.text);
          ch.new_answer = std::move(b.text);
          const Cluster* c = nc ? nc : oc;
          ch.dbuser_arn = c->DbUserArn(user, (nc ? new_world : old_world).options());
          (ch.new_access ? added : removed).push_back(std::move(ch));
        }
      }
    }
  }
  out.redshift = std::move(added);
  out.redshift.insert(out.redshift.end(), std::make_move_iterator(removed.begin()),
                      std::make_move_iterator(removed.end()));

  for (const std::string& arn : roles) {
    const Role* o = old_world.FindRole(arn);
    const Role* n = new_world.FindRole(arn);
    diff::DiffOptions ro = options;
    ro.role_arn = arn;
    auto d = diff::DiffTrustPolicies(o ? o->trust_policy.compiled.get() : nullptr,
                                     n ? n->trust_policy.compiled.get() : nullptr, ro);
    if (!d.ok()) return d.status();
    if (d->classes().empty() && d->exact()) continue;
    out.roles.push_back({arn, !o ? "added" : !n ? "removed" : "changed", std::move(*d)});
  }
  return out;
}

}  // namespace redtrust::sim
