// Database: the database side of one cluster, as the administrator's SQL scripts leave it
// (rule RS-GRANT): users (stored name, superuser), groups and their members, RBAC roles and
// the roles granted to users and to roles (nested), and the ASSUMEROLE grants, applied in script
// order (GRANT adds, REVOKE removes). PUBLIC holds ASSUMEROLE ON ALL FOR ALL until revoked, unless
// the world's publicHoldsAssumeRoleByDefault option is off.
//
// Built by ApplyScript during LoadWorld, then immutable; all accessors are const and safe to call
// concurrently. Lookups are O(log n) with no allocation.
#ifndef REDTRUST_SIM_MODEL_DATABASE_H_
#define REDTRUST_SIM_MODEL_DATABASE_H_

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/source_ref.h"
#include "sim/sql/parser.h"
#include "sim/sql/statement.h"

namespace redtrust::sim {

// What `GRANT ASSUMEROLE ON default` grants (RS-OPEN-8; option grantDefaultMeans).
enum class GrantDefaultMeans {
  kAll,          // "all": a synonym of ON ALL (the catalog shows both as default-aws-iam-role)
  kDefaultRole,  // "default-role": only statements that wrote IAM_ROLE default
};

constexpr size_t kAssumeRoleCommandCount = 4;  // COPY, UNLOAD, EXTERNAL FUNCTION, CREATE MODEL
inline size_t CommandIndex(AssumeRoleCommand c) { return static_cast<size_t>(c); }

struct DbUser {
  std::string name;  // as stored: folded unless it was double-quoted
  bool superuser = false;
  std::vector<std::string> groups;  // groups the user belongs to, in the order joined
  std::vector<std::string> roles;   // RBAC roles granted directly, in grant order
  SourceRef where;                  // CREATE USER (or the cluster's admin_user in the world file)
};

struct DbGroup {
  std::string name;
  std::vector<std::string> members;  // in the order added
  SourceRef where;
};

struct DbRole {
  std::string name;
  std::vector<std::string> roles;  // roles granted TO this role (it inherits them), grant order
  SourceRef where;
};

// One ASSUMEROLE grant: a grantee, one object, and per command the GRANT that gave it.
struct AssumeRoleGrant {
  Grantee::Kind grantee_kind = Grantee::Kind::kPublic;
  std::string grantee;  // "" for PUBLIC
  AssumeRoleObject::Kind object_kind = AssumeRoleObject::Kind::kAll;
  std::string object;  // kRole: the role or chain string exactly as granted; else ""
  // Indexed by CommandIndex(AssumeRoleCommand): where the GRANT that gave the command was
  // written, or nullopt when the grantee does not hold it (never granted, or revoked).
  std::array<std::optional<SourceRef>, kAssumeRoleCommandCount> commands;
  // PUBLIC's built-in ALL/ALL grant (publicHoldsAssumeRoleByDefault); its SourceRefs are empty.
  bool built_in = false;

  bool Holds(AssumeRoleCommand c) const { return commands[CommandIndex(c)].has_value(); }
  bool HoldsAny() const;
  // "user user2", "group loaders", "role etl", "PUBLIC".
  std::string GranteeName() const;
  // "ALL", "default", or the quoted role string: "'arn:aws:iam::1:role/A,arn:...'".
  std::string ObjectName() const;
};

class Database {
 public:
  explicit Database(GrantDefaultMeans grant_default_means = GrantDefaultMeans::kAll,
                    bool public_holds_assume_role_by_default = true);

  GrantDefaultMeans grant_default_means() const { return grant_default_means_; }

  const DbUser* FindUser(std::string_view name) const;
  const DbGroup* FindGroup(std::string_view name) const;
  const DbRole* FindRole(std::string_view name) const;
  const std::map<std::string, DbUser, std::less<>>& users() const { return users_; }
  const std::map<std::string, DbGroup, std::less<>>& groups() const { return groups_; }
  const std::map<std::string, DbRole, std::less<>>& roles() const { return roles_; }

  // The ASSUMEROLE grants a grantee holds, in the order they were first granted. `name` is
  // ignored for PUBLIC. Grants whose every command was revoked are gone.
  const std::vector<AssumeRoleGrant>& GrantsOf(Grantee::Kind kind, std::string_view name) const;
  // Every grant: PUBLIC's, then users', groups', roles' (each by grantee name).
  std::vector<const AssumeRoleGrant*> AllGrants() const;

  // ---- Building (LoadWorld). Not for use once the world is shared.

  // Creates a superuser before any script runs (the cluster's admin user). False when it exists.
  bool AddAdminUser(std::string_view name, SourceRef where);
  // Applies a parsed script in statement order. Syntax errors of the script and statements that
  // cannot apply (unknown user, duplicate group, role cycle, ...) are appended to *diags with
  // `file`; the statement is then skipped, as Redshift would reject it.
  void ApplyScript(const SqlScript& script, const std::string& file, WorldDiagnostics* diags);

 private:
  class Applier;
  // Grants of one grantee kind, keyed by grantee name ("" for PUBLIC).
  using GrantMap = std::map<std::string, std::vector<AssumeRoleGrant>, std::less<>>;
  GrantMap& GrantMapOf(Grantee::Kind kind);
  const GrantMap& GrantMapOf(Grantee::Kind kind) const;
  void RenameUser(const std::string& from, const std::string& to);
  void EraseUser(const std::string& name);

  GrantDefaultMeans grant_default_means_;
  std::map<std::string, DbUser, std::less<>> users_;
  std::map<std::string, DbGroup, std::less<>> groups_;
  std::map<std::string, DbRole, std::less<>> roles_;
  std::array<GrantMap, 4> grants_;  // indexed by Grantee::Kind
  std::string session_user_;        // SET SESSION AUTHORIZATION; "" = the administrator
};

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_MODEL_DATABASE_H_
