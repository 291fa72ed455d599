// Applying the administrator's SQL to a Database (rule RS-GRANT). Each statement is checked
// whole before it changes anything, as Redshift runs each statement atomically: a GRANT naming
// one unknown grantee grants nothing.
#include "sim/model/database.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "engine/policy/arn.h"

namespace redtrust::sim {
namespace {

const char* GranteeKindWord(Grantee::Kind k) {
  switch (k) {
    case Grantee::Kind::kUser:
      return "user";
    case Grantee::Kind::kGroup:
      return "group";
    case Grantee::Kind::kRole:
      return "role";
    case Grantee::Kind::kPublic:
      return "PUBLIC";
  }
  return "user";
}

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <typename T>
void Erase(std::vector<T>& v, const T& x) {
  v.erase(std::remove(v.begin(), v.end(), x), v.end());
}

// True when `text` looks like an IAM role ARN: arn:P:iam::ACCOUNT:role/NAME.
bool LooksLikeRoleArn(std::string_view text) {
  std::optional<ArnParts> parts = SplitArn(text);
  return parts && parts->service == "iam" && parts->region.empty() && IsAccountId(parts->account) &&
         parts->resource.substr(0, 5) == "role/" && parts->resource.size() > 5;
}

}  // namespace

bool AssumeRoleGrant::HoldsAny() const {
  return std::any_of(commands.begin(), commands.end(),
                     [](const std::optional<SourceRef>& c) { return c.has_value(); });
}

std::string AssumeRoleGrant::GranteeName() const {
  if (grantee_kind == Grantee::Kind::kPublic) return "PUBLIC";
  return std::string(GranteeKindWord(grantee_kind)) + " " + grantee;
}

std::string AssumeRoleGrant::ObjectName() const {
  switch (object_kind) {
    case AssumeRoleObject::Kind::kAll:
      return "ALL";
    case AssumeRoleObject::Kind::kDefault:
      return "default";
    case AssumeRoleObject::Kind::kRole:
      return "'" + object + "'";
  }
  return "ALL";
}

Database::Database(GrantDefaultMeans grant_default_means, bool public_holds_assume_role_by_default)
    : grant_default_means_(grant_default_means) {
  if (public_holds_assume_role_by_default) {
    // Rule RS-GRANT: "PUBLIC effectively holds ASSUMEROLE on ALL for ALL" until a superuser runs
    // `revoke assumerole on all from public for all` (DG-GRANT, DG-REVOKE, MG-AUTH).
    AssumeRoleGrant g;
    g.grantee_kind = Grantee::Kind::kPublic;
    g.object_kind = AssumeRoleObject::Kind::kAll;
    for (auto& c : g.commands) c = SourceRef{};
    g.built_in = true;
    grants_[static_cast<size_t>(Grantee::Kind::kPublic)][""].push_back(std::move(g));
  }
}

const DbUser* Database::FindUser(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

const DbGroup* Database::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const DbRole* Database::FindRole(std::string_view name) const {
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : &it->second;
}

Database::GrantMap& Database::GrantMapOf(Grantee::Kind kind) {
  return grants_[static_cast<size_t>(kind)];
}

const Database::GrantMap& Database::GrantMapOf(Grantee::Kind kind) const {
  return grants_[static_cast<size_t>(kind)];
}

const std::vector<AssumeRoleGrant>& Database::GrantsOf(Grantee::Kind kind,
                                                       std::string_view name) const {
  static const std::vector<AssumeRoleGrant> kNone;
  const GrantMap& map = GrantMapOf(kind);
  auto it = map.find(kind == Grantee::Kind::kPublic ? std::string_view() : name);
  return it == map.end() ? kNone : it->second;
}

std::vector<const AssumeRoleGrant*> Database::AllGrants() const {
  std::vector<const AssumeRoleGrant*> out;
  for (Grantee::Kind k : {Grantee::Kind::kPublic, Grantee::Kind::kUser, Grantee::Kind::kGroup,
                          Grantee::Kind::kRole}) {
    for (const auto& [name, grants] : GrantMapOf(k)) {
      for (const AssumeRoleGrant& g : grants) out.push_back(&g);
    }
  }
  return out;
}

bool Database::AddAdminUser(std::string_view name, SourceRef where) {
  if (FindUser(name)) return false;
  DbUser u;
  u.name = std::string(name);
  u.superuser = true;
  u.where = std::move(where);
  users_.emplace(u.name, std::move(u));
  return true;
}

void Database::RenameUser(const std::string& from, const std::string& to) {
  auto node = users_.extract(from);
  node.key() = to;
  node.mapped().name = to;
  users_.insert(std::move(node));
  for (auto& [name, group] : groups_) {
    std::replace(group.members.begin(), group.members.end(), from, to);
  }
  // Grants follow the user (Redshift keys privileges by user id, not name).
  GrantMap& user_grants = GrantMapOf(Grantee::Kind::kUser);
  auto it = user_grants.find(from);
  if (it != user_grants.end()) {
    std::vector<AssumeRoleGrant> grants = std::move(it->second);
    user_grants.erase(it);
    for (AssumeRoleGrant& g : grants) g.grantee = to;
    user_grants[to] = std::move(grants);
  }
  if (session_user_ == from) session_user_ = to;
}

void Database::EraseUser(const std::string& name) {
  for (auto& [group_name, group] : groups_) Erase(group.members, name);
  GrantMapOf(Grantee::Kind::kUser).erase(name);
  users_.erase(name);
  if (session_user_ == name) session_user_.clear();
}

// ---------------------------------------------------------------------------------------------

class Database::Applier {
 public:
  Applier(Database* db, const std::string& file, WorldDiagnostics* diags)
      : db_(db), file_(file), diags_(diags) {}

  void Apply(const ParsedStatement& ps) {
    statement_pos_ = ps.pos;
    std::visit([this](const auto& s) { On(s); }, ps.statement);
  }

  void Error(std::string code, std::string message, const SourcePos& pos, std::string help = "") {
    Add(Severity::kError, std::move(code), std::move(message), pos, std::move(help));
  }
  void Warning(std::string code, std::string message, const SourcePos& pos, std::string help = "") {
    Add(Severity::kWarning, std::move(code), std::move(message), pos, std::move(help));
  }

 private:
  void Add(Severity severity, std::string code, std::string message, const SourcePos& pos,
           std::string help) {
    WorldDiagnostic d;
    d.file = file_;
    d.diagnostic.severity = severity;
    d.diagnostic.code = std::move(code);
    d.diagnostic.message = std::move(message);
    d.diagnostic.pos = pos.known() ? pos : statement_pos_;
    d.diagnostic.help = std::move(help);
    diags_->push_back(std::move(d));
  }

  SourceRef Here(const SourcePos& pos) const {
    return SourceRef{file_, pos.known() ? pos : statement_pos_};
  }

  // Postgres / Redshift wording: user "x" does not exist.
  bool NeedUser(std::string_view name, const SourcePos& pos) {
    if (db_->FindUser(name)) return true;
    Error("db.unknown_user", "user \"" + std::string(name) + "\" does not exist", pos);
    return false;
  }
  bool NeedGroup(std::string_view name, const SourcePos& pos) {
    if (db_->FindGroup(name)) return true;
    Error("db.unknown_group", "group \"" + std::string(name) + "\" does not exist", pos);
    return false;
  }
  bool NeedRole(std::string_view name, const SourcePos& pos) {
    if (db_->FindRole(name)) return true;
    Error("db.unknown_role", "role \"" + std::string(name) + "\" does not exist", pos);
    return false;
  }
  bool NeedGrantee(const Grantee& g) {
    switch (g.kind) {
      case Grantee::Kind::kUser:
        return NeedUser(g.name, g.pos);
      case Grantee::Kind::kGroup:
        return NeedGroup(g.name, g.pos);
      case Grantee::Kind::kRole:
        return NeedRole(g.name, g.pos);
      case Grantee::Kind::kPublic:
        return true;
    }
    return true;
  }

  // True when role `from` already inherits role `target` (directly or through nested roles).
  bool Inherits(const std::string& from, const std::string& target) const {
    std::vector<std::string> stack = {from};
    std::vector<std::string> seen;
    while (!stack.empty()) {
      std::string r = std::move(stack.back());
      stack.pop_back();
      if (r == target) return true;
      if (Contains(seen, r)) continue;
      seen.push_back(r);
      if (const DbRole* role = db_->FindRole(r)) {
        for (const std::string& inner : role->roles) stack.push_back(inner);
      }
    }
    return false;
  }

  // ---- statements

  void On(const CopyStatement& s) { IgnoredDataStatement("COPY", s.pos); }
  void On(const UnloadStatement& s) { IgnoredDataStatement("UNLOAD", s.pos); }
  void IgnoredDataStatement(const char* what, const SourcePos& pos) {
    Warning("db.ignored_statement",
            std::string(what) +
                " in a database script is not run: scripts define users, groups, "
                "roles and grants",
            pos, "put COPY and UNLOAD statements in the replay log");
  }
  void On(const OtherStatement& s) {
    // CREATE TABLE, GRANT SELECT, ...: accepted and not interpreted (gate P3,
    // table privileges, is out of this model). A GRANT / REVOKE of such a privilege looks as if
    // it mattered, so the first one of a world is reported (once: not one warning per grant).
    if (s.keyword != "GRANT" && s.keyword != "REVOKE") return;
    for (const WorldDiagnostic& d : *diags_) {
      if (d.diagnostic.code == "db.privilege_not_modelled") return;
    }
    Warning("db.privilege_not_modelled",
            s.keyword + " of a table or schema privilege is accepted but not modelled: redtrust "
                        "does not check gate P3 (INSERT for COPY, SELECT for UNLOAD) and decides "
                        "as if it were held; later such statements are not reported",
            s.pos, "only GRANT / REVOKE ASSUMEROLE and GRANT / REVOKE ROLE change a replay");
  }

  void On(const CreateUser& s) {
    bool ok = true;
    if (db_->FindUser(s.name)) {
      Error("db.duplicate_user", "user \"" + s.name + "\" already exists", s.name_pos,
            "first created at " + db_->FindUser(s.name)->where.ToString());
      ok = false;
    }
    for (const std::string& g : s.groups) ok = NeedGroup(g, s.pos) && ok;
    if (!ok) return;
    DbUser u;
    u.name = s.name;
    u.superuser = s.superuser();
    u.where = Here(s.pos);
    for (const std::string& g : s.groups) {
      DbGroup& group = db_->groups_.find(g)->second;
      if (!Contains(group.members, s.name)) group.members.push_back(s.name);
      if (!Contains(u.groups, g)) u.groups.push_back(g);
    }
    db_->users_.emplace(s.name, std::move(u));
  }

  void On(const AlterUser& s) {
    if (!NeedUser(s.name, s.name_pos)) return;
    if (s.rename_to && *s.rename_to != s.name && db_->FindUser(*s.rename_to)) {
      Error("db.duplicate_user", "user \"" + *s.rename_to + "\" already exists", s.pos);
      return;
    }
    if (s.createuser) db_->users_.find(s.name)->second.superuser = *s.createuser;
    if (s.rename_to && *s.rename_to != s.name) {
      // Group membership lists in DbUser::groups are unaffected; groups' member lists follow.
      db_->RenameUser(s.name, *s.rename_to);
    }
  }

  void On(const DropUser& s) {
    bool ok = true;
    for (const std::string& n : s.names) {
      if (!db_->FindUser(n) && !s.if_exists) ok = NeedUser(n, s.pos) && ok;
    }
    if (!ok) return;
    for (const std::string& n : s.names) {
      if (db_->FindUser(n)) db_->EraseUser(n);
    }
  }

  void On(const CreateGroup& s) {
    bool ok = true;
    if (db_->FindGroup(s.name)) {
      Error("db.duplicate_group", "group \"" + s.name + "\" already exists", s.pos,
            "first created at " + db_->FindGroup(s.name)->where.ToString());
      ok = false;
    }
    for (const std::string& u : s.users) ok = NeedUser(u, s.pos) && ok;
    if (!ok) return;
    DbGroup g;
    g.name = s.name;
    g.where = Here(s.pos);
    for (const std::string& u : s.users) {
      if (!Contains(g.members, u)) g.members.push_back(u);
      DbUser& user = db_->users_.find(u)->second;
      if (!Contains(user.groups, s.name)) user.groups.push_back(s.name);
    }
    db_->groups_.emplace(s.name, std::move(g));
  }

  void On(const AlterGroup& s) {
    bool ok = NeedGroup(s.name, s.pos);
    for (const std::string& u : s.users) ok = NeedUser(u, s.pos) && ok;
    if (!ok) return;
    DbGroup& group = db_->groups_.find(s.name)->second;
    for (const std::string& u : s.users) {
      DbUser& user = db_->users_.find(u)->second;
      if (s.drop) {
        Erase(group.members, u);
        Erase(user.groups, s.name);
      } else {
        if (!Contains(group.members, u)) group.members.push_back(u);
        if (!Contains(user.groups, s.name)) user.groups.push_back(s.name);
      }
    }
  }

  void On(const CreateRole& s) {
    if (db_->FindRole(s.name)) {
      Error("db.duplicate_role", "role \"" + s.name + "\" already exists", s.pos,
            "first created at " + db_->FindRole(s.name)->where.ToString());
      return;
    }
    DbRole r;
    r.name = s.name;
    r.where = Here(s.pos);
    db_->roles_.emplace(s.name, std::move(r));
  }

  void On(const GrantRole& s) {
    bool ok = true;
    for (const std::string& r : s.roles) ok = NeedRole(r, s.pos) && ok;
    for (const Grantee& g : s.grantees) ok = NeedGrantee(g) && ok;
    if (!ok) return;
    for (const Grantee& g : s.grantees) {
      if (g.kind != Grantee::Kind::kRole) continue;
      for (const std::string& r : s.roles) {
        if (Inherits(r, g.name)) {
          Error("db.role_cycle",
                "granting role \"" + r + "\" to role \"" + g.name + "\" would create a cycle",
                g.pos);
          ok = false;
        }
      }
    }
    if (!ok) return;
    for (const Grantee& g : s.grantees) {
      std::vector<std::string>* list = nullptr;
      if (g.kind == Grantee::Kind::kUser) list = &db_->users_.find(g.name)->second.roles;
      if (g.kind == Grantee::Kind::kRole) list = &db_->roles_.find(g.name)->second.roles;
      if (!list) continue;  // the parser only produces users and roles here
      for (const std::string& r : s.roles) {
        if (!Contains(*list, r)) list->push_back(r);
      }
    }
  }

  void On(const RevokeRole& s) {
    bool ok = true;
    for (const std::string& r : s.roles) ok = NeedRole(r, s.pos) && ok;
    for (const Grantee& g : s.grantees) ok = NeedGrantee(g) && ok;
    if (!ok || s.admin_option_only) return;
    for (const Grantee& g : s.grantees) {
      std::vector<std::string>* list = nullptr;
      if (g.kind == Grantee::Kind::kUser) list = &db_->users_.find(g.name)->second.roles;
      if (g.kind == Grantee::Kind::kRole) list = &db_->roles_.find(g.name)->second.roles;
      if (!list) continue;
      for (const std::string& r : s.roles) Erase(*list, r);
    }
  }

  // Whether two grant objects are the same catalog entry. Under grantDefaultMeans=all, ON
  // default and ON ALL are one entry (both appear as default-aws-iam-role in SVV_IAM_PRIVILEGES).
  bool SameObject(AssumeRoleObject::Kind ak, std::string_view a, AssumeRoleObject::Kind bk,
                  std::string_view b) const {
    auto norm = [this](AssumeRoleObject::Kind k) {
      return (k == AssumeRoleObject::Kind::kDefault &&
              db_->grant_default_means_ == GrantDefaultMeans::kAll)
                 ? AssumeRoleObject::Kind::kAll
                 : k;
    };
    if (norm(ak) != norm(bk)) return false;
    return ak != AssumeRoleObject::Kind::kRole || a == b;
  }

  void On(const GrantAssumeRole& s) {
    bool ok = true;
    if (!db_->session_user_.empty()) {
      const DbUser* u = db_->FindUser(db_->session_user_);
      if (u && !u->superuser) {
        // Rule RS-GRANT: only superusers can GRANT or REVOKE ASSUMEROLE (DG-GRANT).
        Error("db.not_superuser",
              "permission denied: only a superuser can " +
                  std::string(s.revoke ? "REVOKE" : "GRANT") + " ASSUMEROLE",
              s.pos,
              "the session user is `" + db_->session_user_ + "` (SET SESSION AUTHORIZATION)");
        ok = false;
      }
    }
    for (const Grantee& g : s.grantees) ok = NeedGrantee(g) && ok;
    if (!ok) return;
    if (!s.revoke) {
      for (const AssumeRoleObject& o : s.objects) CheckObject(o);
    }
    for (const Grantee& g : s.grantees) {
      for (const AssumeRoleObject& o : s.objects) {
        if (s.revoke) {
          Revoke(g, o, s);
        } else {
          Grant(g, o, s);
        }
      }
    }
  }

  void CheckObject(const AssumeRoleObject& o) {
    if (o.kind != AssumeRoleObject::Kind::kRole) return;
    std::string_view rest = o.role;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view part = rest.substr(0, comma);
      if (!LooksLikeRoleArn(part)) {
        Warning("db.grant_object",
                "`" + std::string(part) + "` in the granted object is not an IAM role ARN", o.pos,
                "a grant matches only statements that name the identical string; write "
                "'arn:aws:iam::<account>:role/<name>' (a chain: ARNs joined by ',' with no "
                "spaces)");
        return;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  void Grant(const Grantee& g, const AssumeRoleObject& o, const GrantAssumeRole& s) {
    std::vector<AssumeRoleGrant>& list = db_->GrantMapOf(g.kind)[g.name];
    AssumeRoleGrant* entry = nullptr;
    for (AssumeRoleGrant& e : list) {
      if (SameObject(e.object_kind, e.object, o.kind, o.role)) {
        entry = &e;
        break;
      }
    }
    if (!entry) {
      AssumeRoleGrant e;
      e.grantee_kind = g.kind;
      e.grantee = g.kind == Grantee::Kind::kPublic ? "" : g.name;
      e.object_kind = o.kind;
      e.object = o.role;
      list.push_back(std::move(e));
      entry = &list.back();
    }
    for (AssumeRoleCommand c : s.commands) {
      // A repeated GRANT changes nothing: the first one that gave the command stays its source.
      auto& slot = entry->commands[CommandIndex(c)];
      if (!slot) slot = Here(s.pos);
    }
  }

  void Revoke(const Grantee& g, const AssumeRoleObject& o, const GrantAssumeRole& s) {
    Database::GrantMap& map = db_->GrantMapOf(g.kind);
    auto it = map.find(g.kind == Grantee::Kind::kPublic ? std::string() : g.name);
    bool removed = false;
    if (it != map.end()) {
      std::vector<AssumeRoleGrant>& list = it->second;
      for (AssumeRoleGrant& e : list) {
        if (!SameObject(e.object_kind, e.object, o.kind, o.role)) continue;
        for (AssumeRoleCommand c : s.commands) {
          auto& slot = e.commands[CommandIndex(c)];
          if (slot) removed = true;
          slot.reset();
        }
      }
      list.erase(std::remove_if(list.begin(), list.end(),
                                [](const AssumeRoleGrant& e) { return !e.HoldsAny(); }),
                 list.end());
      if (list.empty()) map.erase(it);
    }
    if (!removed && o.kind == AssumeRoleObject::Kind::kRole) {
      // Privileges are per catalog object: revoking one role does not carve it out of an ALL
      // grant. Say so, because this is the classic mistake (rule RS-GRANT).
      for (const AssumeRoleGrant& e : db_->GrantsOf(g.kind, g.name)) {
        if (e.object_kind == AssumeRoleObject::Kind::kRole) continue;
        for (AssumeRoleCommand c : s.commands) {
          if (!e.Holds(c)) continue;
          Warning("db.revoke_no_effect",
                  "REVOKE of '" + o.role + "' from " + e.GranteeName() +
                      " has no effect: its grant ON " + e.ObjectName() + " still covers it",
                  o.pos,
                  e.built_in ? "PUBLIC holds ASSUMEROLE ON ALL by default; run `REVOKE "
                               "ASSUMEROLE ON ALL FROM PUBLIC FOR ALL` first"
                             : "that grant was made at " + e.commands[CommandIndex(c)]->ToString());
          return;
        }
      }
    }
  }

  void On(const SetSessionAuthorization& s) {
    if (s.is_default) {
      db_->session_user_.clear();
      return;
    }
    if (!NeedUser(s.user, s.pos)) return;
    db_->session_user_ = s.user;
  }

  Database* db_;
  const std::string& file_;
  WorldDiagnostics* diags_;
  SourcePos statement_pos_;
};

void Database::ApplyScript(const SqlScript& script, const std::string& file,
                           WorldDiagnostics* diags) {
  Applier applier(this, file, diags);
  for (const SqlError& e : script.errors) {
    applier.Error("sql.syntax", e.message, e.pos, e.hint);
  }
  for (const ParsedStatement& ps : script.statements) applier.Apply(ps);
  // A script ends its session: the next script starts as the administrator again.
  session_user_.clear();
}

}  // namespace redtrust::sim
