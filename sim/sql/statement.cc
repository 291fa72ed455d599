// Helpers on statements and the canonical printer (PrintStatement).
#include "sim/sql/statement.h"

#include <type_traits>

#include "sim/sql/lexer.h"

namespace redtrust::sim {
namespace {

// 'text' with ' doubled, so that the lexer's unescaping gives `text` back. A backslash is
// doubled only where the lexer would otherwise read an escape (before ' or \, or at the end),
// so DELIMITER '\t' and NULL AS '\N' print as they are usually written.
std::string Literal(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool last = i + 1 == text.size();
    const char next = last ? '\0' : text[i + 1];
    if (c == '\'') {
      out += "''";
    } else if (c == '\\' && (last || next == '\'' || next == '\\')) {
      out += "\\\\";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

// A name as the lexer would read it back: bare when it is a plain lower-case word that is not
// reserved (and not one of the words that structure grantee lists), else "double-quoted".
std::string Ident(std::string_view name) {
  bool plain = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) {
      plain = false;
    }
  }
  if (plain && (IsReservedWord(name) || name == "public" || name == "role")) plain = false;
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"')
      out += "\"\"";
    else
      out.push_back(c);
  }
  out += "\"";
  return out;
}

// Role names: sys:dba stays bare (the parser joins word:word), others as Ident.
std::string RoleIdent(std::string_view name) {
  const size_t colon = name.find(':');
  if (colon != std::string_view::npos && name.find(':', colon + 1) == std::string_view::npos) {
    const std::string a = Ident(name.substr(0, colon));
    const std::string b = Ident(name.substr(colon + 1));
    if (a == name.substr(0, colon) && b == name.substr(colon + 1) && !b.empty() &&
        !(b[0] >= '0' && b[0] <= '9')) {
      return std::string(name);
    }
  }
  return Ident(name);
}

template <typename T, typename F>
std::string Join(const std::vector<T>& items, F f, std::string_view sep = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += f(items[i]);
  }
  return out;
}

std::string PrintAuth(const Authorization& auth) {
  if (const auto* r = std::get_if<IamRole>(&auth)) {
    return r->is_default ? "IAM_ROLE DEFAULT" : "IAM_ROLE " + Literal(r->raw);
  }
  if (const auto* k = std::get_if<AccessKeys>(&auth)) {
    std::string out = "ACCESS_KEY_ID " + Literal(k->access_key_id) + " SECRET_ACCESS_KEY " +
                      Literal(k->secret_access_key);
    if (k->session_token) out += " SESSION_TOKEN " + Literal(*k->session_token);
    return out;
  }
  return "CREDENTIALS " + Literal(std::get<Credentials>(auth).raw);
}

std::string PrintOption(const Option& o) {
  std::string out = o.name;
  if (o.name == "FORMAT" || o.name == "NULL") out += " AS";
  for (const OptionArg& a : o.args) {
    out += ' ';
    switch (a.kind) {
      case OptionArg::Kind::kKeyword:
      case OptionArg::Kind::kNumber:
        out += a.text;
        break;
      case OptionArg::Kind::kString:
        out += Literal(a.text);
        break;
      case OptionArg::Kind::kIdentifier:
        out += Ident(a.text);
        break;
      case OptionArg::Kind::kList:
        out += "(" + Join(a.items, Ident) + ")";
        break;
    }
  }
  return out;
}

std::string PrintTail(const std::optional<Authorization>& auth, const std::vector<Option>& opts) {
  std::string out;
  if (auth) out += " " + PrintAuth(*auth);
  for (const Option& o : opts) out += " " + PrintOption(o);
  return out;
}

std::string PrintGrantee(const Grantee& g) {
  switch (g.kind) {
    case Grantee::Kind::kUser:
      return Ident(g.name);
    case Grantee::Kind::kGroup:
      return "GROUP " + Ident(g.name);
    case Grantee::Kind::kRole:
      return "ROLE " + RoleIdent(g.name);
    case Grantee::Kind::kPublic:
      return "PUBLIC";
  }
  return "";
}

template <typename U>
std::string PrintUserOptions(const U& u) {
  std::string out;
  if (u.password) out += " PASSWORD " + Literal(*u.password);
  if (u.password_disabled) out += " PASSWORD DISABLE";
  if (u.createdb) out += *u.createdb ? " CREATEDB" : " NOCREATEDB";
  if (u.createuser) out += *u.createuser ? " CREATEUSER" : " NOCREATEUSER";
  if (u.syslog_access) out += " SYSLOG ACCESS " + *u.syslog_access;
  if (u.valid_until) out += " VALID UNTIL " + Literal(*u.valid_until);
  if (u.connection_limit) out += " CONNECTION LIMIT " + *u.connection_limit;
  if (u.session_timeout) out += " SESSION TIMEOUT " + std::to_string(*u.session_timeout);
  if (u.external_id) out += " EXTERNALID " + Literal(*u.external_id);
  return out;
}

std::string Print(const CopyStatement& s) {
  std::string out = "COPY " + Join(s.table.parts, Ident, ".");
  if (!s.columns.empty()) out += " (" + Join(s.columns, Ident) + ")";
  out += " FROM " + Literal(s.from);
  return out + PrintTail(s.authorization, s.options);
}

std::string Print(const UnloadStatement& s) {
  return "UNLOAD (" + Literal(s.query) + ") TO " + Literal(s.to) +
         PrintTail(s.authorization, s.options);
}

std::string Print(const CreateUser& u) {
  std::string out = "CREATE USER " + Ident(u.name) + PrintUserOptions(u);
  if (!u.groups.empty()) out += " IN GROUP " + Join(u.groups, Ident);
  return out;
}

std::string Print(const AlterUser& u) {
  std::string out = "ALTER USER " + Ident(u.name);
  if (u.rename_to) return out + " RENAME TO " + Ident(*u.rename_to);
  out += PrintUserOptions(u);
  if (u.reset_session_timeout) out += " RESET SESSION TIMEOUT";
  return out;
}

std::string Print(const DropUser& d) {
  return std::string("DROP USER ") + (d.if_exists ? "IF EXISTS " : "") + Join(d.names, Ident);
}

std::string Print(const CreateGroup& g) {
  std::string out = "CREATE GROUP " + Ident(g.name);
  if (!g.users.empty()) out += " WITH USER " + Join(g.users, Ident);
  return out;
}

std::string Print(const AlterGroup& g) {
  return "ALTER GROUP " + Ident(g.name) + (g.drop ? " DROP USER " : " ADD USER ") +
         Join(g.users, Ident);
}

std::string Print(const CreateRole& r) {
  std::string out = "CREATE ROLE " + RoleIdent(r.name);
  if (r.external_id) out += " EXTERNALID " + Literal(*r.external_id);
  return out;
}

std::string RoleList(const std::vector<std::string>& roles) {
  return Join(roles, [](const std::string& r) { return "ROLE " + RoleIdent(r); });
}

std::string Print(const GrantRole& g) {
  std::string out = "GRANT " + RoleList(g.roles) + " TO " + Join(g.grantees, PrintGrantee);
  if (g.with_admin_option) out += " WITH ADMIN OPTION";
  return out;
}

std::string Print(const RevokeRole& r) {
  return std::string("REVOKE ") + (r.admin_option_only ? "ADMIN OPTION FOR " : "") +
         RoleList(r.roles) + " FROM " + Join(r.grantees, PrintGrantee);
}

std::string Print(const GrantAssumeRole& g) {
  std::string out = g.revoke ? "REVOKE ASSUMEROLE ON " : "GRANT ASSUMEROLE ON ";
  out += Join(g.objects, [](const AssumeRoleObject& o) -> std::string {
    switch (o.kind) {
      case AssumeRoleObject::Kind::kAll:
        return "ALL";
      case AssumeRoleObject::Kind::kDefault:
        return "DEFAULT";
      case AssumeRoleObject::Kind::kRole:
        return Literal(o.role);
    }
    return "";
  });
  out += g.revoke ? " FROM " : " TO ";
  out += Join(g.grantees, PrintGrantee);
  out += " FOR ";
  if (g.commands.size() == 4) {
    out += "ALL";
  } else {
    std::vector<AssumeRoleCommand> cmds(g.commands.begin(), g.commands.end());
    out += Join(cmds, AssumeRoleCommandName);
  }
  return out;
}

std::string Print(const SetSessionAuthorization& s) {
  return std::string(s.local ? "SET LOCAL" : "SET") + " SESSION AUTHORIZATION " +
         (s.is_default ? std::string("DEFAULT") : Literal(s.user));
}

std::string Print(const OtherStatement& o) { return o.keyword; }

}  // namespace

std::string QualifiedName::ToString() const {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '.';
    out += parts[i];
  }
  return out;
}

const IamRole* RoleOf(const Authorization& auth) {
  if (const auto* r = std::get_if<IamRole>(&auth)) return r;
  if (const auto* c = std::get_if<Credentials>(&auth)) {
    return c->iam_role ? &*c->iam_role : nullptr;
  }
  return nullptr;
}

bool IsKeyBased(const Authorization& auth) {
  if (std::holds_alternative<AccessKeys>(auth)) return true;
  if (const auto* c = std::get_if<Credentials>(&auth)) return c->keys.has_value();
  return false;
}

const Option* FindOption(const std::vector<Option>& options, std::string_view name) {
  for (const Option& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

const char* DataFormatName(DataFormat f) {
  switch (f) {
    case DataFormat::kText:
      return "TEXT";
    case DataFormat::kCsv:
      return "CSV";
    case DataFormat::kJson:
      return "JSON";
    case DataFormat::kAvro:
      return "AVRO";
    case DataFormat::kParquet:
      return "PARQUET";
    case DataFormat::kOrc:
      return "ORC";
    case DataFormat::kFixedWidth:
      return "FIXEDWIDTH";
    case DataFormat::kShapefile:
      return "SHAPEFILE";
  }
  return "?";
}

const char* CopySourceName(CopySource s) {
  switch (s) {
    case CopySource::kS3:
      return "s3";
    case CopySource::kDynamoDb:
      return "dynamodb";
    case CopySource::kEmr:
      return "emr";
    case CopySource::kSshManifest:
      return "ssh-manifest";
  }
  return "?";
}

const char* AssumeRoleCommandName(AssumeRoleCommand c) {
  switch (c) {
    case AssumeRoleCommand::kCopy:
      return "COPY";
    case AssumeRoleCommand::kUnload:
      return "UNLOAD";
    case AssumeRoleCommand::kExternalFunction:
      return "EXTERNAL FUNCTION";
    case AssumeRoleCommand::kCreateModel:
      return "CREATE MODEL";
  }
  return "?";
}

std::string StatementKindName(const SqlStatement& s) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, CopyStatement>) return "COPY";
        if constexpr (std::is_same_v<T, UnloadStatement>) return "UNLOAD";
        if constexpr (std::is_same_v<T, CreateUser>) return "CREATE USER";
        if constexpr (std::is_same_v<T, AlterUser>) return "ALTER USER";
        if constexpr (std::is_same_v<T, DropUser>) return "DROP USER";
        if constexpr (std::is_same_v<T, CreateGroup>) return "CREATE GROUP";
        if constexpr (std::is_same_v<T, AlterGroup>) return "ALTER GROUP";
        if constexpr (std::is_same_v<T, CreateRole>) return "CREATE ROLE";
        if constexpr (std::is_same_v<T, GrantRole>) return "GRANT ROLE";
        if constexpr (std::is_same_v<T, RevokeRole>) return "REVOKE ROLE";
        if constexpr (std::is_same_v<T, GrantAssumeRole>) {
          return v.revoke ? "REVOKE ASSUMEROLE" : "GRANT ASSUMEROLE";
        }
        if constexpr (std::is_same_v<T, SetSessionAuthorization>) {
          return "SET SESSION AUTHORIZATION";
        }
        if constexpr (std::is_same_v<T, OtherStatement>) return v.keyword;
      },
      s);
}

std::string PrintStatement(const SqlStatement& s) {
  return std::visit([](const auto& v) { return Print(v); }, s);
}

}  // namespace redtrust::sim
