// Properties of the Redshift pipeline (sim/replay) over seeded random worlds built in memory and
// loaded through LoadWorld's injected read_file: taking something away never grants access.
//
//  - revoking an ASSUMEROLE grant,
//  - disassociating a role from the cluster,
//  - removing a statement from a role's trust policy
// never turns a DENY into an ALLOW, for any user, role or chain, command, and COPY / UNLOAD
// replay. And a world whose policy fails validation never loads (so it can allow nothing).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sim/model/world.h"
#include "sim/replay/replay.h"
#include "sim/sql/parser.h"
#include "tests/engine/property/policy_gen.h"

namespace redtrust::property {
namespace {

// A fixed time for every replay (2026-01-01T00:00:00Z): tests never read the clock.
constexpr int64_t kReplayNow = 1767225600LL * 1000000;

constexpr int kWorlds = 120;  // x 3 changes x ~60 questions each
constexpr const char* kAccount = "123456789012";

std::string RoleArn(int i) { return "arn:aws:iam::123456789012:role/R" + std::to_string(i); }

// Trust policy statements a role may have (each valid alone).
const std::vector<std::string>& TrustStatements() {
  static const std::vector<std::string> v = {
      R"({"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"})",
      R"({"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":["arn:aws:redshift:us-west-2:123456789012:dbuser:c1/u1","arn:aws:redshift:us-west-2:123456789012:dbuser:c1/u2"]}}})",
      R"({"Effect":"Allow","Principal":{"Service":"redshift.us-east-1.amazonaws.com"},"Action":"sts:AssumeRole"})",
      R"({"Effect":"Allow","Principal":{"Service":"redshift.us-west-2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":"*/u3"}}})",
      R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/R0"},"Action":"sts:AssumeRole"})",
      R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"})",
      R"({"Effect":"Deny","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":"*/u2"}}})",
      R"({"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}})",
  };
  return v;
}

const std::vector<std::string>& PermissionPolicies() {
  static const std::vector<std::string> v = {
      "\"aws-managed:AmazonS3ReadOnlyAccess\"",
      "\"aws-managed:AmazonS3FullAccess\"",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/*"}]})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::rt-data","arn:aws:s3:::rt-data/*"]}]})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]})",
  };
  return v;
}

struct WorldSpec {
  std::vector<std::vector<size_t>> trust;        // per role: indexes into TrustStatements
  std::vector<std::vector<size_t>> permissions;  // per role: indexes into PermissionPolicies
  std::vector<int> associated;                   // role numbers associated with c1, in order
  int default_role = -1;                         // -1: none
  std::vector<std::string> grants;               // GRANT / REVOKE statements, in order
  bool revoke_public = true;
};

WorldSpec RandomWorld(Rng& rng) {
  WorldSpec w;
  const int roles = 3 + static_cast<int>(rng.Below(3));
  for (int r = 0; r < roles; ++r) {
    std::vector<size_t> t;
    const size_t n = 1 + rng.Below(3);
    for (size_t i = 0; i < n; ++i) t.push_back(rng.Below(TrustStatements().size()));
    w.trust.push_back(t);
    std::vector<size_t> p;
    for (size_t i = 0; i < rng.Below(3); ++i) p.push_back(rng.Below(PermissionPolicies().size()));
    w.permissions.push_back(p);
    if (rng.Chance(70)) w.associated.push_back(r);
  }
  if (!w.associated.empty() && rng.Chance(50)) w.default_role = rng.Pick(w.associated);
  w.revoke_public = rng.Chance(80);
  static const std::vector<std::string> grantees = {"u1", "u2", "u3", "GROUP g", "ROLE rr",
                                                    "PUBLIC"};
  static const std::vector<std::string> cmds = {"COPY", "UNLOAD", "ALL", "COPY, UNLOAD"};
  const size_t n = 1 + rng.Below(6);
  for (size_t i = 0; i < n; ++i) {
    std::string object;
    switch (rng.Below(4)) {
      case 0: object = "ALL"; break;
      case 1: object = "default"; break;
      case 2: object = "'" + RoleArn(static_cast<int>(rng.Below(static_cast<size_t>(roles)))) + "'"; break;
      default:
        object = "'" + RoleArn(0) + "," + RoleArn(1 + static_cast<int>(rng.Below(static_cast<size_t>(roles - 1)))) + "'";
    }
    w.grants.push_back("GRANT ASSUMEROLE ON " + object + " TO " + rng.Pick(grantees) + " FOR " +
                       rng.Pick(cmds));
  }
  return w;
}

std::map<std::string, std::string> WorldFiles(const WorldSpec& w) {
  std::map<std::string, std::string> files;
  std::string roles;
  for (size_t r = 0; r < w.trust.size(); ++r) {
    std::string trust = R"({"Version":"2012-10-17","Statement":[)";
    for (size_t i = 0; i < w.trust[r].size(); ++i) {
      if (i) trust += ",";
      trust += TrustStatements()[w.trust[r][i]];
    }
    trust += "]}";
    files["w/trust" + std::to_string(r) + ".json"] = trust;
    if (r) roles += ",";
    roles += R"({"arn":")" + RoleArn(static_cast<int>(r)) + R"(","trust_policy":"trust)" +
             std::to_string(r) + R"(.json","permission_policies":[)";
    for (size_t i = 0; i < w.permissions[r].size(); ++i) {
      if (i) roles += ",";
      roles += PermissionPolicies()[w.permissions[r][i]];
    }
    roles += "]}";
  }
  std::string associated;
  for (size_t i = 0; i < w.associated.size(); ++i) {
    if (i) associated += ",";
    associated += "\"" + RoleArn(w.associated[i]) + "\"";
  }
  std::string sql =
      "CREATE USER u1 PASSWORD DISABLE; CREATE USER u2 PASSWORD DISABLE;\n"
      "CREATE USER u3 PASSWORD DISABLE; CREATE GROUP g WITH USER u1, u2;\n"
      "CREATE ROLE rr; GRANT ROLE rr TO u3;\n";
  if (w.revoke_public) sql += "REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;\n";
  for (const std::string& g : w.grants) sql += g + ";\n";
  files["w/setup.sql"] = sql;
  files["w/world.json"] =
      std::string(R"({"accounts":[")") + kAccount + R"("],"roles":[)" + roles +
      R"(],"buckets":[{"name":"rt-data","account":"123456789012","region":"us-west-2","objects":["data/a.csv","out/"]}],)"
      R"("clusters":[{"id":"c1","account":"123456789012","region":"us-west-2","kind":"provisioned","iam_roles":[)" +
      associated + "]" +
      (w.default_role >= 0 ? R"(,"default_iam_role":")" + RoleArn(w.default_role) + "\"" : "") +
      R"(,"admin_user":"admin","database":["setup.sql"]}]})";
  return files;
}

std::shared_ptr<const sim::World> Load(const std::map<std::string, std::string>& files) {
  sim::LoadOptions o;
  o.read_file = [&files](const std::string& path) -> StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound("no such file");
    return it->second;
  };
  sim::LoadResult r = sim::LoadWorld("w/world.json", o);
  if (!r.ok()) {
    std::string why;
    for (const auto& d : r.diagnostics) why += d.ToString() + "\n";
    ADD_FAILURE() << "generated world does not load:\n" << why << files.at("w/world.json");
  }
  return r.world;
}

// Every question the properties look at, answered: "allowed" per (user, role, command, form).
std::map<std::string, bool> Answers(const sim::World& world, size_t roles) {
  std::map<std::string, bool> out;
  const sim::Cluster* c = world.FindCluster("c1");
  std::vector<std::string> targets;
  for (size_t r = 0; r < roles; ++r) targets.push_back(RoleArn(static_cast<int>(r)));
  targets.push_back(RoleArn(0) + "," + RoleArn(1));
  targets.push_back(RoleArn(0) + "," + RoleArn(2));
  for (const char* user : {"u1", "u2", "u3", "admin"}) {
    for (const std::string& t : targets) {
      for (auto cmd : {sim::AssumeRoleCommand::kCopy, sim::AssumeRoleCommand::kUnload}) {
        sim::ReplayResult r = sim::CanAssume(world, *c, user, t, cmd, kReplayNow);
        out[std::string("can ") + user + " " + t + " " + sim::AssumeRoleCommandName(cmd)] =
            r.evaluated && r.allowed;
      }
    }
    std::vector<std::string> sql;
    for (const std::string& t : targets) {
      sql.push_back("COPY t FROM 's3://rt-data/data/' IAM_ROLE '" + t + "'");
      sql.push_back("UNLOAD ('select 1') TO 's3://rt-data/new/' IAM_ROLE '" + t + "'");
    }
    sql.push_back("COPY t FROM 's3://rt-data/data/' IAM_ROLE default");
    sql.push_back("UNLOAD ('select 1') TO 's3://rt-data/new/' IAM_ROLE default");
    for (const std::string& s : sql) {
      sim::SqlScript script = sim::ParseSqlScript(s);
      if (script.statements.size() != 1) {
        ADD_FAILURE() << s;
        continue;
      }
      sim::ReplayOptions o;
      o.trace = false;
      sim::ReplayResult r = sim::ReplayStatement(world, *c, user, script.statements[0], kReplayNow, o);
      out[std::string("replay ") + user + " " + s] = r.evaluated && r.allowed;
    }
  }
  return out;
}

// After must allow nothing that before denied. Returns the number of allows before.
int ExpectNoNewAllow(const std::map<std::string, bool>& before,
                     const std::map<std::string, bool>& after, const std::string& change,
                     int world) {
  int allows = 0;
  for (const auto& [q, allowed] : after) {
    const bool was = before.at(q);
    allows += was;
    EXPECT_TRUE(!allowed || was) << "world " << world << ": " << change
                                 << " turned a DENY into an ALLOW: " << q;
  }
  return allows;
}

TEST(ReplayProperty, TakingAwayNeverGrants) {
  Rng rng(31337);
  int allows = 0, changes = 0;
  for (int i = 0; i < kWorlds; ++i) {
    const WorldSpec w = RandomWorld(rng);
    auto world = Load(WorldFiles(w));
    ASSERT_TRUE(world);
    const auto before = Answers(*world, w.trust.size());

    // Revoke: one grant (all its commands) or ASSUMEROLE ON ALL FROM PUBLIC.
    {
      WorldSpec v = w;
      if (!v.grants.empty() && rng.Chance(80)) {
        std::string g = rng.Pick(v.grants);  // "GRANT ASSUMEROLE ON o TO x FOR c"
        g.replace(0, 5, "REVOKE");
        const size_t to = g.find(" TO ");
        g.replace(to, 4, " FROM ");
        v.grants.push_back(g);
      } else {
        v.grants.push_back("REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL");
      }
      auto changed = Load(WorldFiles(v));
      ASSERT_TRUE(changed);
      allows += ExpectNoNewAllow(before, Answers(*changed, v.trust.size()), "revoking " + v.grants.back(), i);
      ++changes;
    }
    // Disassociate a role (and drop it as the default role if it was).
    if (!w.associated.empty()) {
      WorldSpec v = w;
      const size_t at = rng.Below(v.associated.size());
      const int role = v.associated[at];
      v.associated.erase(v.associated.begin() + static_cast<long>(at));
      if (v.default_role == role) v.default_role = -1;
      auto changed = Load(WorldFiles(v));
      ASSERT_TRUE(changed);
      allows += ExpectNoNewAllow(before, Answers(*changed, v.trust.size()),
                                 "disassociating " + RoleArn(role), i);
      ++changes;
    }
    // Remove one statement of a trust policy that has more than one.
    std::vector<size_t> candidates;
    for (size_t r = 0; r < w.trust.size(); ++r) {
      if (w.trust[r].size() > 1) candidates.push_back(r);
    }
    if (!candidates.empty()) {
      WorldSpec v = w;
      const size_t r = rng.Pick(candidates);
      const size_t s = rng.Below(v.trust[r].size());
      v.trust[r].erase(v.trust[r].begin() + static_cast<long>(s));
      auto changed = Load(WorldFiles(v));
      ASSERT_TRUE(changed);
      allows += ExpectNoNewAllow(before, Answers(*changed, v.trust.size()),
                                 "removing trust statement " + std::to_string(s) + " of " +
                                     RoleArn(static_cast<int>(r)),
                                 i);
      ++changes;
    }
  }
  EXPECT_GT(changes, kWorlds * 2);
  EXPECT_GT(allows, changes) << "too few allows for the property to mean much";
}

TEST(ReplayProperty, AWorldWithAnInvalidPolicyNeverLoads) {
  Rng rng(5);
  for (int i = 0; i < 40; ++i) {
    const WorldSpec w = RandomWorld(rng);
    auto files = WorldFiles(w);
    const std::string victim = "w/trust" + std::to_string(rng.Below(w.trust.size())) + ".json";
    std::string& text = files[victim];
    switch (rng.Below(4)) {
      case 0: text.replace(text.find("\"Allow\"") != std::string::npos ? text.find("\"Allow\"") : text.find("\"Deny\""), 6, "\"alow\""); break;
      case 1: text.insert(text.find("\"Action\""), "\"Resource\":\"*\","); break;
      case 2: text.replace(text.find("sts:AssumeRole"), 14, "sts AssumeRole"); break;
      default: text.resize(text.size() / 2); break;
    }
    sim::LoadOptions o;
    o.read_file = [&files](const std::string& path) -> StatusOr<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return Status::NotFound("no such file");
      return it->second;
    };
    sim::LoadResult r = sim::LoadWorld("w/world.json", o);
    EXPECT_FALSE(r.ok()) << "a world with a broken " << victim << " loaded:\n" << text;
  }
}

}  // namespace
}  // namespace redtrust::property
