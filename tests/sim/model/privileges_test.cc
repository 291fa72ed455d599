#include "sim/model/privileges.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/model/database.h"
#include "sim/sql/parser.h"

namespace redtrust::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kA = "arn:aws:iam::123456789012:role/A";
constexpr const char* kB = "arn:aws:iam::123456789012:role/B";
constexpr const char* kChainAB =
    "arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B";

constexpr AssumeRoleCommand kCopy = AssumeRoleCommand::kCopy;
constexpr AssumeRoleCommand kUnload = AssumeRoleCommand::kUnload;
constexpr AssumeRoleCommand kFunction = AssumeRoleCommand::kExternalFunction;
constexpr AssumeRoleCommand kModel = AssumeRoleCommand::kCreateModel;

std::string Dump(const WorldDiagnostics& ds) {
  std::string out;
  for (const WorldDiagnostic& d : ds) out += "  " + d.ToString() + "\n";
  return out;
}

// A database after running `sql` (file name "setup.sql"); expects no findings unless told.
struct Db {
  Database db;
  WorldDiagnostics diags;
};

Db Apply(const std::string& sql, GrantDefaultMeans means = GrantDefaultMeans::kAll,
         bool public_default = true, bool expect_clean = true) {
  Db d{Database(means, public_default), {}};
  d.db.AddAdminUser("awsuser", SourceRef{"world.json", {}});
  d.db.ApplyScript(ParseSqlScript(sql), "setup.sql", &d.diags);
  if (expect_clean) {
    EXPECT_THAT(d.diags, IsEmpty()) << Dump(d.diags);
  }
  return d;
}

bool Holds(const Database& db, const char* user, const char* role, AssumeRoleCommand cmd,
           bool used_default = false) {
  return CheckAssumeRolePrivilege(db, user, role, cmd, used_default).holds;
}

const char* kUsers = R"(
CREATE USER alice PASSWORD DISABLE;
CREATE USER bob PASSWORD DISABLE;
CREATE GROUP loaders WITH USER alice;
)";

// ---- the default: PUBLIC holds ASSUMEROLE ON ALL FOR ALL

TEST(AssumeRolePrivilege, PublicHoldsEverythingByDefault) {
  Db d = Apply(kUsers);
  for (AssumeRoleCommand c : {kCopy, kUnload, kFunction, kModel}) {
    AssumeRoleCheck r = CheckAssumeRolePrivilege(d.db, "bob", kChainAB, c, false);
    EXPECT_TRUE(r.holds);
    EXPECT_EQ(r.via, AssumeRoleCheck::Via::kGrant);
    ASSERT_NE(r.grant, nullptr);
    EXPECT_TRUE(r.grant->built_in);
    EXPECT_THAT(r.through, ElementsAre("PUBLIC"));
    EXPECT_EQ(r.grant_where.ToString(), "");
    EXPECT_EQ(r.Describe(),
              "PUBLIC's default grant (ON ALL FOR ALL; publicHoldsAssumeRoleByDefault)");
  }
}

TEST(AssumeRolePrivilege, PublicDefaultSwitchedOff) {
  Db d = Apply(kUsers, GrantDefaultMeans::kAll, /*public_default=*/false);
  AssumeRoleCheck r = CheckAssumeRolePrivilege(d.db, "bob", kA, kCopy, false);
  EXPECT_FALSE(r.holds);
  EXPECT_EQ(r.via, AssumeRoleCheck::Via::kNotGranted);
}

// ---- the verbatim error

TEST(AssumeRolePrivilege, ErrorTextIsRedshifts) {
  Db d = Apply(std::string(kUsers) + "REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;");
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "bob", kA, kCopy, false).error,
            "ERROR:  User bob does not have ASSUMEROLE permission on IAM role "
            "\"arn:aws:iam::123456789012:role/A\" for COPY");
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "bob", kChainAB, kUnload, false).error,
            "ERROR:  User bob does not have ASSUMEROLE permission on IAM role "
            "\"arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B\" for UNLOAD");
  EXPECT_EQ(AssumeRoleDeniedMessage("awsuser", "arn:aws:iam::123456789012:role/RoleA", kFunction),
            "ERROR:  User awsuser does not have ASSUMEROLE permission on IAM role "
            "\"arn:aws:iam::123456789012:role/RoleA\" for EXTERNAL FUNCTION");
  EXPECT_EQ(
      AssumeRoleDeniedMessage("u", "r", kModel),
      "ERROR:  User u does not have ASSUMEROLE permission on IAM role \"r\" for CREATE MODEL");
}

TEST(AssumeRolePrivilege, UnknownUser) {
  Db d = Apply(kUsers);
  AssumeRoleCheck r = CheckAssumeRolePrivilege(d.db, "carol", kA, kCopy, false);
  EXPECT_FALSE(r.holds);
  EXPECT_EQ(r.via, AssumeRoleCheck::Via::kUnknownUser);
  EXPECT_EQ(r.error, "ERROR:  user \"carol\" does not exist");
  // Names are stored names: "Alice" is not alice.
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "Alice", kA, kCopy, false).via,
            AssumeRoleCheck::Via::kUnknownUser);
}

// ---- revoked from PUBLIC, then granted to a group

TEST(AssumeRolePrivilege, RevokedFromPublicThenGrantedToGroup) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' TO GROUP loaders FOR COPY;
)");
  AssumeRoleCheck r = CheckAssumeRolePrivilege(d.db, "alice", kA, kCopy, false);
  EXPECT_TRUE(r.holds);
  EXPECT_EQ(r.grant_where.ToString(), "setup.sql:6:1");
  EXPECT_THAT(r.through, ElementsAre("group loaders"));
  EXPECT_EQ(r.grant->GranteeName(), "group loaders");
  EXPECT_EQ(r.Describe(),
            "grant ON 'arn:aws:iam::123456789012:role/A' to group loaders (a group of the user) "
            "at setup.sql:6:1");
  EXPECT_FALSE(Holds(d.db, "alice", kA, kUnload));
  EXPECT_FALSE(Holds(d.db, "alice", kB, kCopy));
  EXPECT_FALSE(Holds(d.db, "bob", kA, kCopy));
}

TEST(AssumeRolePrivilege, RevokeFromPublicForOneCommandOnly) {
  Db d = Apply(std::string(kUsers) + "REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR COPY;");
  EXPECT_FALSE(Holds(d.db, "bob", kA, kCopy));
  EXPECT_TRUE(Holds(d.db, "bob", kA, kUnload));
  EXPECT_TRUE(Holds(d.db, "bob", kA, kModel));
}

TEST(AssumeRolePrivilege, LeavingTheGroupLosesTheGrant) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON ALL TO GROUP loaders FOR ALL;
ALTER GROUP loaders DROP USER alice;
ALTER GROUP loaders ADD USER bob;
)");
  EXPECT_FALSE(Holds(d.db, "alice", kA, kCopy));
  EXPECT_TRUE(Holds(d.db, "bob", kA, kCopy));
  EXPECT_THAT(d.db.FindGroup("loaders")->members, ElementsAre("bob"));
}

// ---- RBAC roles, nested

TEST(AssumeRolePrivilege, NestedRbacRole) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
CREATE ROLE outer_role;
CREATE ROLE inner_role;
GRANT ROLE inner_role TO ROLE outer_role;
GRANT ROLE outer_role TO bob;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' TO ROLE inner_role FOR UNLOAD;
)");
  AssumeRoleCheck r = CheckAssumeRolePrivilege(d.db, "bob", kA, kUnload, false);
  EXPECT_TRUE(r.holds);
  EXPECT_THAT(r.through, ElementsAre("role outer_role", "role inner_role"));
  EXPECT_EQ(r.grant_where.ToString(), "setup.sql:10:1");
  EXPECT_EQ(r.Describe(),
            "grant ON 'arn:aws:iam::123456789012:role/A' to role inner_role (via role outer_role "
            "-> role inner_role) at setup.sql:10:1");
  EXPECT_FALSE(Holds(d.db, "bob", kA, kCopy));
  EXPECT_FALSE(Holds(d.db, "alice", kA, kUnload));
}

TEST(AssumeRolePrivilege, RevokeRoleRemovesInheritedPrivilege) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
CREATE ROLE r1;
CREATE ROLE r2;
GRANT ROLE r2 TO ROLE r1;
GRANT ROLE r1 TO bob;
GRANT ASSUMEROLE ON ALL TO ROLE r2 FOR ALL;
REVOKE ROLE r2 FROM ROLE r1;
)");
  EXPECT_FALSE(Holds(d.db, "bob", kA, kCopy));
}

TEST(AssumeRolePrivilege, RoleCycleIsRejected) {
  Db d = Apply(R"(CREATE ROLE a;
CREATE ROLE b;
CREATE ROLE c;
GRANT ROLE a TO ROLE b;
GRANT ROLE b TO ROLE c;
GRANT ROLE c TO ROLE a;
GRANT ROLE a TO ROLE a;
)",
               GrantDefaultMeans::kAll, true, /*expect_clean=*/false);
  ASSERT_EQ(d.diags.size(), 2u) << Dump(d.diags);
  EXPECT_EQ(d.diags[0].ToString(),
            "setup.sql:6:17: error: db.role_cycle: granting role \"c\" to role \"a\" would create "
            "a cycle");
  EXPECT_EQ(d.diags[1].diagnostic.code, "db.role_cycle");
  EXPECT_THAT(d.db.FindRole("a")->roles, IsEmpty());
}

// ---- chains vs single roles (exact string match)

TEST(AssumeRolePrivilege, ChainGrantMatchesOnlyTheIdenticalChain) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B'
  TO bob FOR COPY;
)");
  AssumeRoleCheck r = CheckAssumeRolePrivilege(d.db, "bob", kChainAB, kCopy, false);
  EXPECT_TRUE(r.holds);
  EXPECT_THAT(r.through, IsEmpty());
  EXPECT_EQ(r.grant->object, kChainAB);
  // A member alone, the reverse chain, or the chain spelled with a space: not covered.
  EXPECT_FALSE(Holds(d.db, "bob", kA, kCopy));
  EXPECT_FALSE(Holds(d.db, "bob", kB, kCopy));
  EXPECT_FALSE(Holds(d.db, "bob",
                     "arn:aws:iam::123456789012:role/B,arn:aws:iam::123456789012:role/A", kCopy));
  EXPECT_FALSE(Holds(d.db, "bob",
                     "arn:aws:iam::123456789012:role/A, arn:aws:iam::123456789012:role/B", kCopy));
}

TEST(AssumeRolePrivilege, SingleRoleGrantDoesNotCoverAChain) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A', 'arn:aws:iam::123456789012:role/B'
  TO bob FOR COPY;
)");
  EXPECT_TRUE(Holds(d.db, "bob", kA, kCopy));
  EXPECT_TRUE(Holds(d.db, "bob", kB, kCopy));
  EXPECT_FALSE(Holds(d.db, "bob", kChainAB, kCopy));
  // Exact comparison: case counts.
  EXPECT_FALSE(Holds(d.db, "bob", "arn:aws:iam::123456789012:role/a", kCopy));
  EXPECT_EQ(d.db.GrantsOf(Grantee::Kind::kUser, "bob").size(), 2u);
}

TEST(AssumeRolePrivilege, AllCoversChains) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON ALL TO bob FOR COPY;
)");
  EXPECT_TRUE(Holds(d.db, "bob", kChainAB, kCopy));
  EXPECT_TRUE(Holds(d.db, "bob", kA, kCopy));
  EXPECT_FALSE(Holds(d.db, "bob", kA, kUnload));
}

// ---- superuser

TEST(AssumeRolePrivilege, SuperuserAlwaysHolds) {
  Db d = Apply(std::string(kUsers) + R"(CREATE USER root_two CREATEUSER PASSWORD DISABLE;
REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
)");
  for (const char* u : {"awsuser", "root_two"}) {
    AssumeRoleCheck r = CheckAssumeRolePrivilege(d.db, u, kChainAB, kModel, false);
    EXPECT_TRUE(r.holds) << u;
    EXPECT_EQ(r.via, AssumeRoleCheck::Via::kSuperuser);
    EXPECT_EQ(r.grant, nullptr);
  }
  EXPECT_FALSE(Holds(d.db, "alice", kA, kCopy));
}

TEST(AssumeRolePrivilege, AlterUserChangesSuperuser) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
ALTER USER alice CREATEUSER;
ALTER USER awsuser NOCREATEUSER;
)");
  EXPECT_TRUE(Holds(d.db, "alice", kA, kCopy));
  EXPECT_FALSE(Holds(d.db, "awsuser", kA, kCopy));
}

// ---- FOR ALL vs FOR COPY

TEST(AssumeRolePrivilege, ForAllVersusForCopy) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' TO alice FOR ALL;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' TO bob FOR COPY;
)");
  for (AssumeRoleCommand c : {kCopy, kUnload, kFunction, kModel}) {
    EXPECT_TRUE(Holds(d.db, "alice", kA, c)) << AssumeRoleCommandName(c);
  }
  EXPECT_TRUE(Holds(d.db, "bob", kA, kCopy));
  for (AssumeRoleCommand c : {kUnload, kFunction, kModel}) {
    EXPECT_FALSE(Holds(d.db, "bob", kA, c)) << AssumeRoleCommandName(c);
  }
}

TEST(AssumeRolePrivilege, RevokeOneCommandKeepsTheOthersAndTheirSource) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' TO alice FOR COPY;
GRANT ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' TO alice FOR ALL;
REVOKE ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' FROM alice FOR UNLOAD;
)");
  EXPECT_FALSE(Holds(d.db, "alice", kA, kUnload));
  // COPY was first granted on line 6; the repeated grant does not move its source.
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "alice", kA, kCopy, false).grant_where.ToString(),
            "setup.sql:6:1");
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "alice", kA, kModel, false).grant_where.ToString(),
            "setup.sql:7:1");
  ASSERT_EQ(d.db.GrantsOf(Grantee::Kind::kUser, "alice").size(), 1u);
  d.db.ApplyScript(ParseSqlScript("REVOKE ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' FROM "
                                  "alice FOR ALL;"),
                   "more.sql", &d.diags);
  EXPECT_TRUE(d.db.GrantsOf(Grantee::Kind::kUser, "alice").empty());
}

// ---- ON default (switch grantDefaultMeans)

const char* kDefaultGrant = R"(
CREATE USER bob PASSWORD DISABLE;
REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON default TO bob FOR COPY;
)";

TEST(AssumeRolePrivilege, DefaultMeansAll) {
  Db d = Apply(kDefaultGrant, GrantDefaultMeans::kAll);
  EXPECT_TRUE(Holds(d.db, "bob", kA, kCopy, /*used_default=*/false));
  EXPECT_TRUE(Holds(d.db, "bob", kChainAB, kCopy, false));
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "bob", kA, kCopy, false).grant->ObjectName(), "default");
}

TEST(AssumeRolePrivilege, DefaultMeansTheDefaultRole) {
  Db d = Apply(kDefaultGrant, GrantDefaultMeans::kDefaultRole);
  EXPECT_FALSE(Holds(d.db, "bob", kA, kCopy, /*used_default=*/false));
  EXPECT_TRUE(Holds(d.db, "bob", kA, kCopy, /*used_default=*/true));
  EXPECT_FALSE(Holds(d.db, "bob", kA, kUnload, true));
}

TEST(AssumeRolePrivilege, RevokeOnAllAndDefaultAreOneObjectUnderTheAllReading) {
  const std::string sql =
      std::string(kDefaultGrant) + "REVOKE ASSUMEROLE ON ALL FROM bob FOR COPY;";
  Db all = Apply(sql, GrantDefaultMeans::kAll);
  EXPECT_FALSE(Holds(all.db, "bob", kA, kCopy, true));
  Db role = Apply(sql, GrantDefaultMeans::kDefaultRole);
  EXPECT_TRUE(Holds(role.db, "bob", kA, kCopy, true));
}

// ---- script semantics

TEST(DatabaseScript, RevokingOneRoleFromAnAllGrantWarns) {
  Db d = Apply(std::string(kUsers) +
                   "REVOKE ASSUMEROLE ON 'arn:aws:iam::123456789012:role/A' FROM PUBLIC FOR COPY;",
               GrantDefaultMeans::kAll, true, false);
  ASSERT_EQ(d.diags.size(), 1u) << Dump(d.diags);
  EXPECT_EQ(d.diags[0].diagnostic.severity, Severity::kWarning);
  EXPECT_EQ(d.diags[0].diagnostic.code, "db.revoke_no_effect");
  EXPECT_EQ(d.diags[0].diagnostic.pos.line, 5u);
  EXPECT_TRUE(Holds(d.db, "bob", kA, kCopy));
}

TEST(DatabaseScript, GrantToUnknownGranteeGrantsNothing) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON ALL TO alice, carol FOR COPY;
)",
               GrantDefaultMeans::kAll, true, false);
  ASSERT_EQ(d.diags.size(), 1u) << Dump(d.diags);
  EXPECT_EQ(d.diags[0].ToString(),
            "setup.sql:6:35: error: db.unknown_user: user \"carol\" does not exist");
  // The statement is atomic: alice got nothing either.
  EXPECT_FALSE(Holds(d.db, "alice", kA, kCopy));
}

TEST(DatabaseScript, UnknownGroupAndRole) {
  Db d = Apply(std::string(kUsers) + R"(GRANT ASSUMEROLE ON ALL TO GROUP nobody FOR COPY;
GRANT ROLE ghost TO alice;
ALTER GROUP missing ADD USER alice;
CREATE USER dave IN GROUP missing;
)",
               GrantDefaultMeans::kAll, true, false);
  std::vector<std::string> codes;
  for (const WorldDiagnostic& x : d.diags) codes.push_back(x.diagnostic.code);
  EXPECT_THAT(codes, ElementsAre("db.unknown_group", "db.unknown_role", "db.unknown_group",
                                 "db.unknown_group"))
      << Dump(d.diags);
  EXPECT_EQ(d.db.FindUser("dave"), nullptr);
}

TEST(DatabaseScript, RenameAndDropUser) {
  Db d = Apply(std::string(kUsers) + R"(REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON ALL TO alice FOR COPY;
ALTER USER alice RENAME TO alicia;
GRANT ASSUMEROLE ON ALL TO bob FOR COPY;
DROP USER bob;
)");
  EXPECT_TRUE(Holds(d.db, "alicia", kA, kCopy));
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "alice", kA, kCopy, false).via,
            AssumeRoleCheck::Via::kUnknownUser);
  EXPECT_THAT(d.db.FindGroup("loaders")->members, ElementsAre("alicia"));
  EXPECT_EQ(d.db.FindUser("bob"), nullptr);
  EXPECT_TRUE(d.db.GrantsOf(Grantee::Kind::kUser, "bob").empty());
}

TEST(DatabaseScript, OnlySuperusersGrantAssumeRole) {
  Db d = Apply(std::string(kUsers) + R"(SET SESSION AUTHORIZATION alice;
GRANT ASSUMEROLE ON ALL TO alice FOR COPY;
RESET SESSION AUTHORIZATION;
REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
)",
               GrantDefaultMeans::kAll, true, false);
  ASSERT_EQ(d.diags.size(), 1u) << Dump(d.diags);
  EXPECT_EQ(d.diags[0].diagnostic.code, "db.not_superuser");
  EXPECT_EQ(d.diags[0].diagnostic.pos.line, 6u);
  EXPECT_FALSE(Holds(d.db, "alice", kA, kCopy));
}

TEST(DatabaseScript, QuotedNamesKeepTheirCase) {
  Db d = Apply(R"(CREATE USER "Alice" PASSWORD DISABLE;
CREATE USER Bob PASSWORD DISABLE;
REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;
GRANT ASSUMEROLE ON ALL TO "Alice" FOR COPY;
)");
  EXPECT_TRUE(Holds(d.db, "Alice", kA, kCopy));
  EXPECT_EQ(CheckAssumeRolePrivilege(d.db, "alice", kA, kCopy, false).via,
            AssumeRoleCheck::Via::kUnknownUser);
  EXPECT_NE(d.db.FindUser("bob"), nullptr);
}

TEST(DatabaseScript, GrantObjectThatIsNotARoleArnWarns) {
  Db d = Apply(std::string(kUsers) + "GRANT ASSUMEROLE ON 'RedshiftCopyUnload' TO bob FOR COPY;",
               GrantDefaultMeans::kAll, true, false);
  ASSERT_EQ(d.diags.size(), 1u) << Dump(d.diags);
  EXPECT_EQ(d.diags[0].diagnostic.code, "db.grant_object");
  EXPECT_EQ(d.diags[0].diagnostic.severity, Severity::kWarning);
}

TEST(DatabaseScript, AllGrantsListsEveryGrantee) {
  Db d = Apply(std::string(kUsers) + R"(CREATE ROLE r;
GRANT ASSUMEROLE ON ALL TO bob FOR COPY;
GRANT ASSUMEROLE ON ALL TO GROUP loaders FOR COPY;
GRANT ASSUMEROLE ON ALL TO ROLE r FOR COPY;
)");
  std::vector<std::string> grantees;
  for (const AssumeRoleGrant* g : d.db.AllGrants()) grantees.push_back(g->GranteeName());
  EXPECT_THAT(grantees, ElementsAre("PUBLIC", "user bob", "group loaders", "role r"));
}

}  // namespace
}  // namespace redtrust::sim
