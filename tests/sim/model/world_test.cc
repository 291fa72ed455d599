#include "sim/model/world.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "engine/eval/evaluator.h"
#include "engine/policy/reader.h"
#include "sim/model/managed_policies.h"
#include "sim/model/privileges.h"

namespace redtrust::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kSource = REDTRUST_SOURCE_DIR;
const std::string kGuide = kSource + "/fixtures/worlds/redshift-guide";
constexpr const char* kPlain = "arn:aws:iam::123456789012:role/RedshiftCopyUnload";
constexpr const char* kExternalId = "arn:aws:iam::123456789012:role/RedshiftCopyUnloadExternalId";
constexpr const char* kRegional = "arn:aws:iam::123456789012:role/RedshiftCopyUnloadRegional";

std::string Dump(const WorldDiagnostics& ds) {
  std::string out;
  for (const WorldDiagnostic& d : ds) out += "  " + d.ToString() + "\n";
  return out;
}

// A finding as the tests compare it: file (relative to the world's directory), line, column,
// code.
using Finding = std::tuple<std::string, uint32_t, uint32_t, std::string>;

std::vector<Finding> Findings(const WorldDiagnostics& ds, const std::string& dir) {
  std::vector<Finding> out;
  for (const WorldDiagnostic& d : ds) {
    std::string file = d.file;
    if (file.rfind(dir + "/", 0) == 0) file = file.substr(dir.size() + 1);
    out.emplace_back(file, d.diagnostic.pos.line, d.diagnostic.pos.column, d.diagnostic.code);
  }
  return out;
}

// Loads a world from in-memory files; the world file is "w/world.json".
LoadResult LoadFiles(const std::map<std::string, std::string>& files) {
  LoadOptions options;
  options.read_file = [files](const std::string& path) -> StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound("No such file or directory");
    return it->second;
  };
  return LoadWorld("w/world.json", options);
}

const char* kTrust = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole"}]})";

// A minimal valid world around `roles` and `clusters` JSON arrays.
std::string WorldWith(const std::string& extra) {
  return R"({"accounts": ["123456789012", "210987654321"],
  "roles": [{"arn": "arn:aws:iam::123456789012:role/R", "trust_policy": "trust.json"}])" +
         extra + "}";
}

// ---------------------------------------------------------------------------------------------
// The guide world.

TEST(GuideWorld, LoadsWithoutFindings) {
  LoadResult r = LoadWorld(kGuide);
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  const World& w = *r.world;
  EXPECT_EQ(w.source(), kGuide + "/world.json");
  ASSERT_EQ(w.accounts().size(), 1u);
  EXPECT_EQ(w.accounts()[0].id, "123456789012");
  EXPECT_EQ(w.accounts()[0].name, "guide");
  EXPECT_EQ(w.roles().size(), 3u);
  EXPECT_NE(w.FindAccount("123456789012"), nullptr);
  EXPECT_EQ(w.FindAccount("999999999999"), nullptr);
}

TEST(GuideWorld, RolesHaveCompiledPolicies) {
  LoadResult r = LoadWorld(kGuide);
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  for (const char* arn : {kPlain, kExternalId, kRegional}) {
    const Role* role = r.world->FindRole(arn);
    ASSERT_NE(role, nullptr) << arn;
    EXPECT_EQ(role->account, "123456789012");
    EXPECT_EQ(role->partition, "aws");
    EXPECT_EQ(role->path, "/");
    EXPECT_EQ(role->max_session_duration, 3600);
    ASSERT_NE(role->trust_policy.compiled, nullptr);
    EXPECT_EQ(role->trust_policy.compiled->kind(), PolicyKind::kTrust);
    ASSERT_EQ(role->permission_policies.size(), 1u);
    EXPECT_EQ(role->permission_policies[0].source, "aws-managed:AmazonS3ReadOnlyAccess");
    EXPECT_EQ(role->permission_policies[0].written, "aws-managed:AmazonS3ReadOnlyAccess");
    ASSERT_EQ(role->identity_policies.size(), 1u);
    EXPECT_EQ(role->identity_policies[0], role->permission_policies[0].compiled.get());
  }
  const Role* ext = r.world->FindRole(kExternalId);
  EXPECT_EQ(ext->name, "RedshiftCopyUnloadExternalId");
  EXPECT_EQ(ext->trust_policy.source, kGuide + "/trust-externalid.json");
  EXPECT_EQ(ext->trust_policy.compiled->id(), kGuide + "/trust-externalid.json");
  EXPECT_EQ(ext->trust_policy.where.ToString(), kGuide + "/world.json:16:23");
  // The managed policy is compiled once and shared by the three roles.
  EXPECT_EQ(r.world->FindRole(kPlain)->identity_policies[0], ext->identity_policies[0]);
  EXPECT_EQ(r.world->FindRole("arn:aws:iam::123456789012:role/Nope"), nullptr);
  EXPECT_THAT(r.world->FindRolesByName("RedshiftCopyUnload"),
              ElementsAre(r.world->FindRole(kPlain)));
}

TEST(GuideWorld, TrustPoliciesDecideAsTheGuideSays) {
  LoadResult r = LoadWorld(kGuide);
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const Cluster* c = r.world->FindCluster("my-cluster");
  ASSERT_NE(c, nullptr);
  auto assume = [&](const char* role_arn, const char* user, const char* service) {
    const Role* role = r.world->FindRole(role_arn);
    Request req;
    req.caller = *ParseServiceCaller(service);
    req.action = "sts:AssumeRole";
    req.resource = role->arn;
    req.resource_account = role->account;
    req.resource_partition = role->partition;
    req.context.Set("sts:ExternalId", {c->DbUserArn(user, r.world->options())}, false);
    return Authorize(req, role->trust_policy.compiled.get(), {}).effect;
  };
  EXPECT_EQ(assume(kPlain, "user3", "redshift.us-west-2.amazonaws.com"), Effect::kAllowed);
  EXPECT_EQ(assume(kExternalId, "user2", "redshift.us-west-2.amazonaws.com"), Effect::kAllowed);
  EXPECT_EQ(assume(kExternalId, "user3", "redshift.us-west-2.amazonaws.com"),
            Effect::kImplicitDeny);
  EXPECT_EQ(assume(kRegional, "user3", "redshift.us-west-2.amazonaws.com"), Effect::kAllowed);
  EXPECT_EQ(assume(kRegional, "user3", "redshift.eu-west-1.amazonaws.com"), Effect::kImplicitDeny);
}

TEST(GuideWorld, ClusterSide) {
  LoadResult r = LoadWorld(kGuide);
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const Cluster* c = r.world->FindCluster("my-cluster");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(r.world->FindCluster("My-Cluster"), nullptr);
  EXPECT_EQ(c->account, "123456789012");
  EXPECT_EQ(c->region, "us-west-2");
  EXPECT_EQ(c->partition, "aws");
  EXPECT_EQ(c->kind, ClusterKind::kProvisioned);
  ASSERT_EQ(c->iam_roles.size(), 3u);
  for (const AssociatedRole& a : c->iam_roles) {
    EXPECT_EQ(a.status, AssociationStatus::kInSync);
    EXPECT_EQ(a.role, r.world->FindRole(a.arn));
  }
  EXPECT_EQ(c->default_iam_role, kPlain);
  EXPECT_NE(c->FindAssociatedRole(kRegional), nullptr);
  EXPECT_EQ(c->FindAssociatedRole("arn:aws:iam::123456789012:role/Other"), nullptr);
  EXPECT_EQ(c->DbUserArn("user1", r.world->options()),
            "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1");
}

TEST(GuideWorld, DatabaseSide) {
  LoadResult r = LoadWorld(kGuide);
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const Database& db = r.world->FindCluster("my-cluster")->database;
  ASSERT_NE(db.FindUser("awsuser"), nullptr);
  EXPECT_TRUE(db.FindUser("awsuser")->superuser);
  EXPECT_EQ(db.FindUser("awsuser")->where.ToString(), kGuide + "/world.json:57:21");
  for (const char* u : {"user1", "user2", "user3"}) {
    ASSERT_NE(db.FindUser(u), nullptr) << u;
    EXPECT_FALSE(db.FindUser(u)->superuser);
  }
  EXPECT_EQ(db.FindUser("user1")->where.ToString(), kGuide + "/setup.sql:4:1");
  EXPECT_THAT(db.FindGroup("loaders")->members, ElementsAre("user1", "user2"));
  EXPECT_THAT(db.FindUser("user2")->groups, ElementsAre("loaders"));
  EXPECT_THAT(db.FindUser("user3")->roles, ElementsAre("etl"));
  EXPECT_THAT(db.FindRole("etl")->roles, ElementsAre("etl_reader"));
  // PUBLIC's default grant was revoked.
  EXPECT_TRUE(db.GrantsOf(Grantee::Kind::kPublic, "").empty());

  AssumeRoleCheck c =
      CheckAssumeRolePrivilege(db, "user1", kPlain, AssumeRoleCommand::kCopy, false);
  EXPECT_TRUE(c.holds);
  EXPECT_EQ(c.grant_where.ToString(), kGuide + "/setup.sql:19:1");
  EXPECT_THAT(c.through, ElementsAre("group loaders"));
  c = CheckAssumeRolePrivilege(db, "user3", kExternalId, AssumeRoleCommand::kCopy, false);
  EXPECT_TRUE(c.holds);
  EXPECT_THAT(c.through, ElementsAre("role etl", "role etl_reader"));
  EXPECT_EQ(c.grant_where.ToString(), kGuide + "/setup.sql:28:1");
  c = CheckAssumeRolePrivilege(db, "user3", kPlain, AssumeRoleCommand::kCopy, true);
  EXPECT_FALSE(c.holds);
  EXPECT_EQ(c.error,
            "ERROR:  User user3 does not have ASSUMEROLE permission on IAM role "
            "\"arn:aws:iam::123456789012:role/RedshiftCopyUnload\" for COPY");
  EXPECT_TRUE(
      CheckAssumeRolePrivilege(db, "awsuser", kPlain, AssumeRoleCommand::kUnload, false).holds);
}

TEST(GuideWorld, Buckets) {
  LoadResult r = LoadWorld(kGuide);
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const Bucket* b = r.world->FindBucket("redshift-guide-data");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->arn, "arn:aws:s3:::redshift-guide-data");
  EXPECT_EQ(b->region, "us-west-2");
  EXPECT_EQ(b->account, "123456789012");
  EXPECT_FALSE(b->policy.has_value());
  EXPECT_TRUE(b->objects_listed);
  EXPECT_EQ(b->default_encryption.type, SseType::kSseS3);
  auto [first, last] = b->ObjectsWithPrefix("tickit/");
  ASSERT_EQ(last - first, 3);
  EXPECT_EQ(first->key, "tickit/allusers_pipe.txt");  // sorted
  EXPECT_EQ(first->encryption.type, SseType::kSseS3);
  auto [f2, l2] = b->ObjectsWithPrefix("tickit/v");
  EXPECT_EQ(l2 - f2, 1);
  auto [f3, l3] = b->ObjectsWithPrefix("nothing/");
  EXPECT_EQ(l3 - f3, 0);
  EXPECT_NE(b->FindObject("manifests/tickit.manifest"), nullptr);
  EXPECT_EQ(b->FindObject("manifests/"), nullptr);
  EXPECT_EQ(r.world->FindBucket("redshift-guide-east")->region, "us-east-1");
  EXPECT_EQ(r.world->FindBucket("nope"), nullptr);
}

TEST(GuideWorld, SingleFileFormLoadsTheSame) {
  LoadResult r = LoadWorld(kGuide + "/world.json");
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  EXPECT_EQ(r.world->source(), kGuide + "/world.json");
  EXPECT_EQ(r.world->roles().size(), 3u);
}

TEST(GuideWorld, DefaultOptions) {
  LoadResult r = LoadWorld(kGuide);
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const WorldOptions& o = r.world->options();
  EXPECT_TRUE(o.external_id_on_later_hops);
  EXPECT_EQ(o.serverless_dbuser_format, WorldOptions::ServerlessDbuserFormat::kAccountWorkgroupId);
  EXPECT_EQ(o.grant_default_means, GrantDefaultMeans::kAll);
  EXPECT_EQ(o.max_chain, 10);
  EXPECT_TRUE(o.only_in_sync_roles_usable);
  EXPECT_FALSE(o.source_arn_in_context);
  EXPECT_FALSE(o.client_side_encryption_allowed);
  EXPECT_THAT(o.serverless_service_principals, ElementsAre("redshift.amazonaws.com"));
  EXPECT_TRUE(o.public_holds_assume_role_by_default);
}

// ---------------------------------------------------------------------------------------------
// The invalid fixture worlds: every finding, with its file and line:column.

TEST(InvalidWorlds, FieldsAndNames) {
  const std::string dir = kSource + "/fixtures/worlds/invalid/fields";
  LoadResult r = LoadWorld(dir);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Findings(r.diagnostics, dir),
              ElementsAre(Finding{"world.json", 2, 32, "world.invalid_account"},
                          Finding{"world.json", 2, 48, "world.duplicate_id"},
                          Finding{"world.json", 3, 27, "world.invalid_value"},
                          Finding{"world.json", 3, 54, "world.invalid_value"},
                          Finding{"world.json", 3, 68, "world.unknown_field"},
                          Finding{"world.json", 5, 5, "world.missing_field"},
                          Finding{"world.json", 7, 7, "world.unknown_field"},
                          Finding{"world.json", 11, 14, "world.invalid_bucket_name"},
                          Finding{"world.json", 11, 64, "world.invalid_region"},
                          Finding{"world.json", 14, 12, "world.invalid_cluster_id"},
                          Finding{"world.json", 16, 3, "world.unknown_field"}))
      << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[4].diagnostic.help, "did you mean `externalIdOnLaterHops`?");
  EXPECT_EQ(r.diagnostics[6].diagnostic.help, "did you mean `trust_policy`?");
  EXPECT_EQ(r.diagnostics[6].diagnostic.path, "/roles/0/trust_polcy");
  EXPECT_EQ(r.diagnostics[9].diagnostic.help, "write `my-cluster`");
  EXPECT_EQ(r.diagnostics[0].ToString(),
            dir +
                "/world.json:2:32: error: world.invalid_account: `12345` is not an AWS account "
                "id: it must be 12 digits");
}

TEST(InvalidWorlds, ClusterSide) {
  const std::string dir = kSource + "/fixtures/worlds/invalid/cluster-side";
  LoadResult r = LoadWorld(dir);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Findings(r.diagnostics, dir),
              ElementsAre(Finding{"world.json", 6, 13, "world.duplicate_id"},
                          Finding{"world.json", 9, 23, "world.missing_file"},
                          Finding{"world.json", 10, 31, "world.unknown_managed_policy"},
                          Finding{"world.json", 21, 9, "world.role_other_account"},
                          Finding{"world.json", 22, 9, "world.unknown_role"},
                          Finding{"world.json", 24, 27, "world.default_role_not_associated"},
                          Finding{"world.json", 26, 5, "world.missing_field"},
                          Finding{"world.json", 32, 23, "world.invalid_value"}))
      << Dump(r.diagnostics);
  EXPECT_THAT(r.diagnostics[1].diagnostic.message, HasSubstr("missing-trust.json"));
  EXPECT_EQ(r.diagnostics[2].diagnostic.help, "did you mean `AmazonS3ReadOnlyAccess`?");
  EXPECT_EQ(r.diagnostics[3].diagnostic.message,
            "role `arn:aws:iam::222222222222:role/Partner` belongs to account 222222222222 but "
            "cluster `etl` to 111111111111");
  EXPECT_EQ(r.diagnostics[6].diagnostic.message, "a serverless cluster has no `namespace`");
}

TEST(InvalidWorlds, PoliciesAndSql) {
  const std::string dir = kSource + "/fixtures/worlds/invalid/policies-and-sql";
  LoadResult r = LoadWorld(dir);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Findings(r.diagnostics, dir),
              ElementsAre(Finding{"world.json", 9, 22, "statement.invalid_effect"},
                          Finding{"world.json", 21, 33, "world.missing_file"},
                          Finding{"s3-read.json", 8, 20, "statement.prohibited_principal"},
                          Finding{"setup.sql", 3, 13, "db.duplicate_user"},
                          Finding{"setup.sql", 4, 28, "db.unknown_user"},
                          Finding{"setup.sql", 5, 1, "sql.syntax"},
                          Finding{"setup.sql", 9, 17, "db.role_cycle"}))
      << Dump(r.diagnostics);
  // Inline policies keep the world file's positions and the element's JSON pointer.
  EXPECT_EQ(r.diagnostics[0].diagnostic.path, "/roles/0/trust_policy/Statement/0/Effect");
  EXPECT_EQ(r.diagnostics[3].diagnostic.message, "user \"alice\" already exists");
  EXPECT_EQ(r.diagnostics[4].diagnostic.message, "user \"bob\" does not exist");
}

// ---------------------------------------------------------------------------------------------
// In-memory worlds for the remaining rules.

TEST(Loader, MissingWorldFile) {
  LoadResult r = LoadFiles({});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].ToString(),
            "w/world.json: error: world.missing_file: cannot read the world file: No such file or "
            "directory");
}

TEST(Loader, JsonSyntaxError) {
  LoadResult r = LoadFiles({{"w/world.json", "{\n  \"accounts\": [,]\n}"}});
  ASSERT_EQ(r.diagnostics.size(), 1u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].diagnostic.code, "json.syntax");
  EXPECT_EQ(r.diagnostics[0].diagnostic.pos.line, 2u);
  EXPECT_EQ(r.diagnostics[0].diagnostic.pos.column, 16u);
}

TEST(Loader, DuplicateKeyInWorldFile) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": [], "accounts": []})"}});
  ASSERT_EQ(r.diagnostics.size(), 1u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].diagnostic.code, "json.duplicate_key");
  EXPECT_EQ(r.diagnostics[0].diagnostic.pos.column, 18u);
}

TEST(Loader, EmptyWorldIsValid) {
  LoadResult r = LoadFiles({{"w/world.json", "{}"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  EXPECT_TRUE(r.world->roles().empty());
}

TEST(Loader, AllOptions) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"options": {
    "externalIdOnLaterHops": false, "serverlessDbuserFormat": "workgroup-name",
    "grantDefaultMeans": "default-role", "maxChain": 3, "onlyInSyncRolesUsable": false,
    "sourceArnInContext": true, "clientSideEncryptionAllowed": true,
    "serverlessServicePrincipals": ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"],
    "publicHoldsAssumeRoleByDefault": false}})"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const WorldOptions& o = r.world->options();
  EXPECT_FALSE(o.external_id_on_later_hops);
  EXPECT_EQ(o.serverless_dbuser_format, WorldOptions::ServerlessDbuserFormat::kWorkgroupName);
  EXPECT_EQ(o.grant_default_means, GrantDefaultMeans::kDefaultRole);
  EXPECT_EQ(o.max_chain, 3);
  EXPECT_FALSE(o.only_in_sync_roles_usable);
  EXPECT_TRUE(o.source_arn_in_context);
  EXPECT_TRUE(o.client_side_encryption_allowed);
  EXPECT_THAT(o.serverless_service_principals,
              ElementsAre("redshift.amazonaws.com", "redshift-serverless.amazonaws.com"));
  EXPECT_FALSE(o.public_holds_assume_role_by_default);
}

TEST(Loader, OptionTypeErrors) {
  LoadResult r = LoadFiles({{"w/world.json",
                             R"({"options": {"externalIdOnLaterHops": "yes", "maxChain": 0,
  "serverlessServicePrincipals": [], "serverlessDbuserFormat": "workgroup"}})"}});
  EXPECT_FALSE(r.ok());
  std::vector<std::string> messages;
  for (const WorldDiagnostic& d : r.diagnostics) messages.push_back(d.diagnostic.message);
  EXPECT_THAT(messages,
              ElementsAre("`externalIdOnLaterHops` must be a boolean, not a string",
                          "`maxChain` must be a whole number from 1 to 50, not `0`",
                          "`serverlessServicePrincipals` must name at least one principal",
                          "`serverlessDbuserFormat` must be one of `account-workgroupid`, "
                          "`workgroup-name`, not `workgroup`"));
}

TEST(Loader, PublicDefaultOptionShapesDatabases) {
  LoadResult r = LoadFiles({{"w/world.json", WorldWith(R"(, "options": {
    "publicHoldsAssumeRoleByDefault": false},
  "clusters": [{"id": "c", "account": "123456789012", "region": "us-east-1",
    "kind": "provisioned", "database": ["s.sql"]}])")},
                            {"w/trust.json", kTrust},
                            {"w/s.sql", "CREATE USER u;"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  AssumeRoleCheck c =
      CheckAssumeRolePrivilege(r.world->FindCluster("c")->database, "u",
                               "arn:aws:iam::123456789012:role/R", AssumeRoleCommand::kCopy, false);
  EXPECT_FALSE(c.holds);
}

TEST(Loader, InlinePoliciesAndSharedFiles) {
  LoadResult r = LoadFiles(
      {{"w/world.json", R"({"accounts": ["123456789012"], "roles": [
  {"arn": "arn:aws:iam::123456789012:role/path/to/A", "trust_policy": "t.json",
   "permission_policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
     "Action": "s3:GetObject", "Resource": "*"}}, "p.json"], "max_session_duration": 43200},
  {"arn": "arn:aws:iam::123456789012:role/B", "trust_policy": "./t.json",
   "permission_policies": ["sub/../p.json", "arn:aws:iam::aws:policy/AmazonS3FullAccess"]}]})"},
       {"w/t.json", kTrust},
       {"w/p.json",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const Role* a = r.world->FindRole("arn:aws:iam::123456789012:role/path/to/A");
  const Role* b = r.world->FindRole("arn:aws:iam::123456789012:role/B");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->path, "/path/to/");
  EXPECT_EQ(a->name, "A");
  EXPECT_EQ(a->max_session_duration, 43200);
  ASSERT_EQ(a->permission_policies.size(), 2u);
  EXPECT_EQ(a->permission_policies[0].written, "inline");
  EXPECT_EQ(a->permission_policies[0].source, "w/world.json");
  EXPECT_EQ(a->permission_policies[0].where.ToString(), "w/world.json:3:28");
  // One file, one compiled policy, whatever the spelling of its path.
  EXPECT_EQ(a->trust_policy.compiled, b->trust_policy.compiled);
  EXPECT_EQ(a->permission_policies[1].compiled, b->permission_policies[0].compiled);
  EXPECT_EQ(b->permission_policies[0].source, "w/p.json");
  EXPECT_EQ(b->permission_policies[1].source, "aws-managed:AmazonS3FullAccess");
}

TEST(Loader, PolicyErrorsAreReportedOncePerFile) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "roles": [
  {"arn": "arn:aws:iam::123456789012:role/A", "trust_policy": "bad.json"},
  {"arn": "arn:aws:iam::123456789012:role/B", "trust_policy": "bad.json"},
  {"arn": "arn:aws:iam::123456789012:role/C", "trust_policy": "gone.json"},
  {"arn": "arn:aws:iam::123456789012:role/D", "trust_policy": "gone.json"}]})"},
                            {"w/bad.json", "{\"Statement\": []}"}});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Findings(r.diagnostics, "w"),
              ElementsAre(Finding{"world.json", 4, 63, "world.missing_file"},
                          Finding{"bad.json", 1, 15, "policy.empty_statement"}))
      << Dump(r.diagnostics);
}

TEST(Loader, BrokenRoleIsNotReportedAgainByItsCluster) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "roles": [
  {"arn": "arn:aws:iam::123456789012:role/R", "trust_policy": "gone.json"}],
  "clusters": [{"id": "c", "account": "123456789012", "region": "us-east-1",
    "kind": "provisioned", "iam_roles": ["arn:aws:iam::123456789012:role/R"],
    "default_iam_role": "arn:aws:iam::123456789012:role/R"}]})"}});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].diagnostic.code, "world.missing_file");
}

TEST(Loader, PolicyKindRules) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "roles": [
  {"arn": "arn:aws:iam::123456789012:role/A", "trust_policy": "aws-managed:AWSLambdaRole"},
  {"arn": "arn:aws:iam::123456789012:role/B", "trust_policy": 7},
  {"arn": "arn:aws:iam::123456789012:role/C", "trust_policy": {"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}]})"}});
  EXPECT_FALSE(r.ok());
  std::vector<std::string> codes;
  for (const WorldDiagnostic& d : r.diagnostics) codes.push_back(d.diagnostic.code);
  EXPECT_THAT(codes, ElementsAre("world.managed_not_allowed", "world.type",
                                 "statement.missing_principal", "statement.prohibited_resource"))
      << Dump(r.diagnostics);
}

TEST(Loader, InvalidArnsAndUnknownAccounts) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "roles": [
  {"arn": "arn:aws:iam::123456789012:user/A", "trust_policy": "t.json"},
  {"arn": "arn:aws:iam::1234:role/B", "trust_policy": "t.json"},
  {"arn": "arn:aws:iam::999999999999:role/C", "trust_policy": "t.json"},
  {"arn": "arn:aws:iam::123456789012:role/bad name", "trust_policy": "t.json"}]})"},
                            {"w/t.json", kTrust}});
  EXPECT_FALSE(r.ok());
  std::vector<std::string> messages;
  for (const WorldDiagnostic& d : r.diagnostics) messages.push_back(d.diagnostic.message);
  EXPECT_THAT(messages,
              ElementsAre("`arn:aws:iam::123456789012:user/A` is not an IAM role ARN: the resource "
                          "must start with `role/`",
                          "`arn:aws:iam::1234:role/B` is not an IAM role ARN: the account must be "
                          "12 digits",
                          "account `999999999999` of role `arn:aws:iam::999999999999:role/C` is "
                          "not declared in `accounts`",
                          "`arn:aws:iam::123456789012:role/bad name` is not an IAM role ARN: the "
                          "name may contain only letters, digits and + = , . @ _ -"))
      << Dump(r.diagnostics);
}

TEST(Loader, ServerlessCluster) {
  LoadResult r = LoadFiles(
      {{"w/world.json", WorldWith(R"(, "clusters": [{"id": "analytics", "account": "123456789012",
  "region": "eu-west-1", "kind": "serverless", "namespace": "main",
  "workgroup": "analytics-wg", "workgroup_id": "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
  "iam_roles": [{"arn": "arn:aws:iam::123456789012:role/R", "status": "adding"}],
  "default_iam_role": "arn:aws:iam::123456789012:role/R"}])")},
       {"w/trust.json", kTrust}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const Cluster* c = r.world->FindCluster("analytics");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, ClusterKind::kServerless);
  EXPECT_EQ(c->namespace_name, "main");
  EXPECT_EQ(c->workgroup, "analytics-wg");
  ASSERT_EQ(c->iam_roles.size(), 1u);
  EXPECT_EQ(c->iam_roles[0].status, AssociationStatus::kAdding);
  WorldOptions o;
  EXPECT_EQ(c->DbUserArn("alice", o),
            "arn:aws:redshift:eu-west-1:123456789012:dbuser:serverless-123456789012-1b2c3d4e-5f60-"
            "4a7b-8c9d-0e1f2a3b4c5d/alice");
  o.serverless_dbuser_format = WorldOptions::ServerlessDbuserFormat::kWorkgroupName;
  EXPECT_EQ(c->DbUserArn("alice", o),
            "arn:aws:redshift:eu-west-1:123456789012:dbuser:analytics-wg/alice");
}

TEST(Loader, ServerlessFieldsOnProvisionedCluster) {
  LoadResult r = LoadFiles({{"w/world.json", WorldWith(R"(, "clusters": [{"id": "c",
  "account": "123456789012", "region": "us-east-1", "kind": "provisioned", "workgroup": "wg"}])")},
                            {"w/trust.json", kTrust}});
  ASSERT_EQ(r.diagnostics.size(), 1u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].diagnostic.code, "world.serverless_only");
}

TEST(Loader, AssociationQuotaAndTrustWarning) {
  std::string roles = R"({"accounts": ["123456789012"], "roles": [)";
  std::string assoc;
  for (int i = 0; i < 51; ++i) {
    roles += std::string(i ? "," : "") + R"({"arn": "arn:aws:iam::123456789012:role/R)" +
             std::to_string(i) + R"(", "trust_policy": "trust.json"})";
    assoc +=
        std::string(i ? "," : "") + "\"arn:aws:iam::123456789012:role/R" + std::to_string(i) + "\"";
  }
  roles += R"(, {"arn": "arn:aws:iam::123456789012:role/Ec2", "trust_policy": "ec2.json"}])";
  LoadResult r =
      LoadFiles({{"w/world.json", roles + R"(, "clusters": [
  {"id": "big", "account": "123456789012", "region": "us-east-1", "kind": "provisioned",
   "iam_roles": [)" + assoc + R"(]},
  {"id": "small", "account": "123456789012", "region": "us-east-1", "kind": "provisioned",
   "iam_roles": ["arn:aws:iam::123456789012:role/Ec2"]}]})"},
                 {"w/trust.json", kTrust},
                 {"w/ec2.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})"}});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].diagnostic.code, "world.too_many_roles");
  EXPECT_EQ(r.diagnostics[0].diagnostic.message,
            "cluster `big` has 51 associated roles; the quota is 50");
  EXPECT_EQ(r.diagnostics[1].diagnostic.severity, Severity::kWarning);
  EXPECT_EQ(r.diagnostics[1].diagnostic.code, "world.role_not_redshift_trusted");
  EXPECT_EQ(r.diagnostics[1].diagnostic.message,
            "The IAM role arn:aws:iam::123456789012:role/Ec2 is not valid. The IAM role must "
            "delegate access to an Amazon Redshift account.");
}

TEST(Loader, WarningsDoNotFailTheLoad) {
  LoadResult r = LoadFiles({{"w/world.json", WorldWith(R"(, "clusters": [{"id": "c",
  "account": "123456789012", "region": "us-east-1", "kind": "provisioned",
  "iam_roles": ["arn:aws:iam::123456789012:role/R"], "database": ["s.sql"]}])")},
                            {"w/trust.json", R"({"Version": "2012-10-17", "Statement": [{
  "Effect": "Allow", "Principal": {"Service": "redshift.eu-west-1.amazonaws.com"},
  "Action": "sts:AssumeRole"}]})"},
                            {"w/s.sql", "COPY t FROM 's3://b/k' IAM_ROLE default;"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  std::vector<std::string> codes;
  for (const WorldDiagnostic& d : r.diagnostics) codes.push_back(d.diagnostic.code);
  EXPECT_THAT(codes, ElementsAre("world.role_not_redshift_trusted", "db.ignored_statement"));
}

TEST(Loader, UsersAndAccessKeys) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "users": [
  {"arn": "arn:aws:iam::123456789012:user/loader",
   "access_keys": [{"id": "AKIAIOSFODNN7EXAMPLE", "secret": "wJalrXUtnFEMI"}],
   "policies": ["aws-managed:AmazonS3ReadOnlyAccess"]},
  {"arn": "arn:aws:iam::123456789012:user/other",
   "access_keys": [{"id": "AKIAIOSFODNN7EXAMPLE"}, {"id": "akia-lower"}]}]})"}});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Findings(r.diagnostics, "w"),
              ElementsAre(Finding{"world.json", 6, 27, "world.duplicate_id"},
                          Finding{"world.json", 6, 59, "world.invalid_value"}))
      << Dump(r.diagnostics);

  r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "users": [
  {"arn": "arn:aws:iam::123456789012:user/loader",
   "access_keys": [{"id": "AKIAIOSFODNN7EXAMPLE", "secret": "wJalrXUtnFEMI"}],
   "policies": ["aws-managed:AmazonS3ReadOnlyAccess"]}]})"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  auto [user, key] = r.world->FindAccessKey("AKIAIOSFODNN7EXAMPLE");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->name, "loader");
  EXPECT_EQ(key->secret, "wJalrXUtnFEMI");
  EXPECT_EQ(user->identity_policies.size(), 1u);
  EXPECT_EQ(r.world->FindUser("arn:aws:iam::123456789012:user/loader"), user);
  EXPECT_EQ(r.world->FindAccessKey("AKIAOTHER0000000000X").first, nullptr);
}

TEST(Loader, KmsKeysAndEncryption) {
  const std::string key =
      "arn:aws:kms:us-west-2:123456789012:key/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "kms_keys": [
  {"arn": ")" + key + R"(", "aliases": ["alias/data"]}],
  "buckets": [{"name": "enc-data", "account": "123456789012", "region": "us-west-2",
    "default_encryption": {"type": "SSE-KMS", "kms_key": "arn:aws:kms:us-west-2:123456789012:alias/data"},
    "objects": ["a", {"key": "b", "encryption": {"type": "SSE-S3"}, "tags": {"Redshift": "true"}}]}]})"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const KmsKey* k = r.world->FindKmsKey(key);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(r.world->FindKmsKey("arn:aws:kms:us-west-2:123456789012:alias/data"), k);
  EXPECT_EQ(k->region, "us-west-2");
  EXPECT_EQ(k->key_id, "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d");
  EXPECT_TRUE(k->default_policy);
  ASSERT_NE(k->policy.compiled, nullptr);
  EXPECT_EQ(k->policy.compiled->kind(), PolicyKind::kResource);
  // The default key policy lets the account's root (so its IAM policies) use the key.
  Request req;
  req.caller = *ParseAwsCaller("arn:aws:sts::123456789012:assumed-role/R/s", "aws");
  req.action = "kms:Decrypt";
  req.resource = key;
  req.resource_account = "123456789012";
  req.resource_partition = "aws";
  auto allow = ParsePolicy(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": "kms:Decrypt", "Resource": "*"}]})",
                           PolicyKind::kIdentity);
  auto identity = CompiledPolicy::Compile(allow.doc, PolicyKind::kIdentity, "id");
  EXPECT_EQ(Authorize(req, k->policy.compiled.get(), {identity->get()}).effect, Effect::kAllowed);
  EXPECT_EQ(Authorize(req, k->policy.compiled.get(), {}).effect, Effect::kImplicitDeny);

  const Bucket* b = r.world->FindBucket("enc-data");
  EXPECT_EQ(b->default_encryption.type, SseType::kSseKms);
  EXPECT_EQ(b->default_encryption.kms_key, key);  // the alias resolves to the key ARN
  EXPECT_EQ(b->FindObject("a")->encryption.type, SseType::kSseKms);
  EXPECT_EQ(b->FindObject("b")->encryption.type, SseType::kSseS3);
  EXPECT_THAT(b->FindObject("b")->tags,
              ElementsAre(std::pair<std::string, std::string>("Redshift", "true")));
}

TEST(Loader, EncryptionErrors) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "kms_keys": [
  {"arn": "arn:aws:kms:us-east-1:123456789012:key/k1"}],
  "buckets": [
  {"name": "b-one", "account": "123456789012", "region": "us-west-2",
   "default_encryption": {"type": "SSE-KMS", "kms_key": "arn:aws:kms:us-east-1:123456789012:key/k1"}},
  {"name": "b-two", "account": "123456789012", "region": "us-west-2",
   "default_encryption": {"type": "SSE-KMS", "kms_key": "arn:aws:kms:us-west-2:123456789012:key/k9"}},
  {"name": "b-three", "account": "123456789012", "region": "us-west-2",
   "default_encryption": {"type": "SSE-KMS"}},
  {"name": "b-four", "account": "123456789012", "region": "us-west-2", "objects": ["x", "x"]}]})"}});
  EXPECT_FALSE(r.ok());
  std::vector<std::string> codes;
  for (const WorldDiagnostic& d : r.diagnostics) codes.push_back(d.diagnostic.code);
  EXPECT_THAT(codes, ElementsAre("world.kms_region_mismatch", "world.unknown_kms_key",
                                 "world.missing_field", "world.duplicate_id"))
      << Dump(r.diagnostics);
}

TEST(Loader, BucketPolicyIsAResourcePolicy) {
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["123456789012"], "buckets": [
  {"name": "shared", "account": "123456789012", "region": "us-east-1", "policy": {
    "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
      "Action": "s3:*", "Resource": "arn:aws:s3:::shared/*"}]}}]})"}});
  ASSERT_TRUE(r.ok()) << Dump(r.diagnostics);
  const Bucket* b = r.world->FindBucket("shared");
  ASSERT_TRUE(b->policy.has_value());
  EXPECT_EQ(b->policy->compiled->kind(), PolicyKind::kResource);
  EXPECT_FALSE(b->objects_listed);
}

TEST(Loader, CollectsEveryErrorAcrossSections) {
  // Errors in every section at once: the loader reports all, not the first.
  LoadResult r = LoadFiles({{"w/world.json", R"({"accounts": ["x"],
  "roles": [{"arn": "nope", "trust_policy": "t.json"}],
  "buckets": [{"name": "ab", "account": "123456789012", "region": "us-east-1"}],
  "clusters": [{"id": "1abc", "account": "123456789012", "region": "us-east-1", "kind": "dc2"}]})"}});
  EXPECT_FALSE(r.ok());
  std::vector<std::string> codes;
  for (const WorldDiagnostic& d : r.diagnostics) codes.push_back(d.diagnostic.code);
  EXPECT_THAT(codes, ElementsAre("world.invalid_account", "world.invalid_arn", "world.missing_file",
                                 "world.invalid_bucket_name", "world.unknown_account",
                                 "world.invalid_cluster_id", "world.unknown_account",
                                 "world.invalid_value"))
      << Dump(r.diagnostics);
}

// ---------------------------------------------------------------------------------------------
// Managed policies.

TEST(ManagedPolicies, EmbeddedTextEqualsShippedFiles) {
  ASSERT_EQ(ManagedPolicies().size(), 4u);
  for (const ManagedPolicy& p : ManagedPolicies()) {
    std::ifstream f(kSource + "/sim/model/managed/" + std::string(p.name) + ".json",
                    std::ios::binary);
    ASSERT_TRUE(f) << p.name;
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_EQ(ss.str(), p.document) << p.name << ": run sim/model/managed/embed.py";
    ParsedPolicy parsed = ParsePolicy(p.document, PolicyKind::kIdentity, ValidateOptions{0});
    EXPECT_TRUE(parsed.ok()) << p.name;
  }
  EXPECT_EQ(FindManagedPolicy("AWSLambdaRole")->arn,
            "arn:aws:iam::aws:policy/service-role/AWSLambdaRole");
  EXPECT_EQ(FindManagedPolicy("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")->version, "v3");
  EXPECT_EQ(FindManagedPolicy("amazons3readonlyaccess"), nullptr);
}

Effect Allowed(std::string_view policy_name, const std::string& action,
               const std::string& resource) {
  const ManagedPolicy* p = FindManagedPolicy(policy_name);
  ParsedPolicy parsed = ParsePolicy(p->document, PolicyKind::kIdentity, ValidateOptions{0});
  auto compiled = CompiledPolicy::Compile(parsed.doc, PolicyKind::kIdentity, "m");
  Request req;
  req.caller = *ParseAwsCaller("arn:aws:sts::123456789012:assumed-role/R/s", "aws");
  req.action = action;
  req.resource = resource;
  req.resource_partition = "aws";
  return Authorize(req, nullptr, {compiled->get()}).effect;
}

TEST(ManagedPolicies, WhatTheyAllow) {
  EXPECT_EQ(Allowed("AmazonS3ReadOnlyAccess", "s3:GetObject", "arn:aws:s3:::any/key"),
            Effect::kAllowed);
  EXPECT_EQ(Allowed("AmazonS3ReadOnlyAccess", "s3:ListBucket", "arn:aws:s3:::any"),
            Effect::kAllowed);
  EXPECT_EQ(Allowed("AmazonS3ReadOnlyAccess", "s3:PutObject", "arn:aws:s3:::any/key"),
            Effect::kImplicitDeny);
  EXPECT_EQ(Allowed("AmazonS3FullAccess", "s3:DeleteObject", "arn:aws:s3:::any/key"),
            Effect::kAllowed);
  EXPECT_EQ(Allowed("AWSLambdaRole", "lambda:InvokeFunction",
                    "arn:aws:lambda:us-east-1:123456789012:function:f"),
            Effect::kAllowed);
  // AmazonRedshiftAllCommandsFullAccess: S3 only on redshift-downloads and *redshift* (RS-CLUSTER).
  EXPECT_EQ(Allowed("AmazonRedshiftAllCommandsFullAccess", "s3:PutObject",
                    "arn:aws:s3:::my-redshift-unload/k"),
            Effect::kAllowed);
  EXPECT_EQ(Allowed("AmazonRedshiftAllCommandsFullAccess", "s3:ListBucket",
                    "arn:aws:s3:::redshift-downloads"),
            Effect::kAllowed);
  EXPECT_EQ(
      Allowed("AmazonRedshiftAllCommandsFullAccess", "s3:PutObject", "arn:aws:s3:::data-lake/k"),
      Effect::kImplicitDeny);
  EXPECT_EQ(Allowed("AmazonRedshiftAllCommandsFullAccess", "lambda:InvokeFunction",
                    "arn:aws:lambda:us-east-1:123456789012:function:redshift-udf"),
            Effect::kAllowed);
}

}  // namespace
}  // namespace redtrust::sim
