// The statements of the Redshift SQL subset that redtrust understands: COPY and UNLOAD with their
// authorization clause, and the administrator's user / group / role / ASSUMEROLE statements that
// make up the database side of a world. Produced by ParseSqlScript (parser.h), printed back by
// PrintStatement. Grammar and rules: RS-AUTH..RS-GRANT (docs/semantics.md); docs/sql.md.
//
// Plain value types. Names are stored as Redshift stores them: an unquoted identifier folded to
// lower case, a double-quoted one exactly as written. String values are stored after unescaping
// ('' -> ', \' -> ', \\ -> \). Every position is an SqlPos, which compares equal to any other
// SqlPos, so the defaulted operator== of every statement ignores positions (two statements that
// differ only in layout, case of keywords or noise words compare equal).
#ifndef REDTRUST_SIM_SQL_STATEMENT_H_
#define REDTRUST_SIM_SQL_STATEMENT_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/base/diagnostic.h"

namespace redtrust::sim {

// A SourcePos that takes no part in equality (Cedar's `Loc`, STYLE guideline 4). It is a
// SourcePos, so `.line`, `.column`, `.offset`, `.known()` work and it converts to
// `const SourcePos&` implicitly.
struct SqlPos : SourcePos {
  SqlPos() = default;
  SqlPos(const SourcePos& p) : SourcePos(p) {}  // NOLINT: implicit by design
  friend bool operator==(const SqlPos&, const SqlPos&) { return true; }
};

// `schema.table` or `table`; each part folded / kept as for any identifier.
struct QualifiedName {
  std::vector<std::string> parts;
  SqlPos pos;
  std::string ToString() const;  // parts joined with '.', no quoting
  friend bool operator==(const QualifiedName&, const QualifiedName&) = default;
};

// ---------------------------------------------------------------------------------------------
// Authorization clause of COPY / UNLOAD (rule RS-AUTH). Exactly one form per statement.

// IAM_ROLE default | IAM_ROLE 'arn[,arn...]', or the aws_iam_role= part of a CREDENTIALS string.
struct IamRole {
  bool is_default = false;         // IAM_ROLE default (any case)
  std::string raw;                 // the literal as written, after unescaping; "" when is_default
  std::vector<std::string> chain;  // raw split on ','; empty when is_default. Order = hop order
  SqlPos pos;                      // the IAM_ROLE keyword (or the CREDENTIALS literal)
  SqlPos value_pos;                // DEFAULT or the literal
  friend bool operator==(const IamRole&, const IamRole&) = default;
};

// ACCESS_KEY_ID 'id' SECRET_ACCESS_KEY 'secret' [SESSION_TOKEN | TOKEN 'token'], or the key
// pair of a CREDENTIALS string.
struct AccessKeys {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
  SqlPos pos;  // ACCESS_KEY_ID keyword (or the CREDENTIALS literal)
  friend bool operator==(const AccessKeys&, const AccessKeys&) = default;
};

// [WITH] CREDENTIALS [AS] '<credentials-args>'. `raw` is parsed by the mini-grammar of RS-AUTH:
// exactly one of iam_role / keys is set when the statement parsed without error.
struct Credentials {
  std::string raw;                  // after unescaping
  std::optional<IamRole> iam_role;  // aws_iam_role=<arn[,arn...]>
  std::optional<AccessKeys> keys;   // aws_access_key_id=..;aws_secret_access_key=..[;token=..]
  std::optional<std::string> master_symmetric_key;  // master_symmetric_key=<k>
  SqlPos pos;                                       // the CREDENTIALS keyword
  SqlPos value_pos;                                 // the literal
  friend bool operator==(const Credentials&, const Credentials&) = default;
};

using Authorization = std::variant<IamRole, AccessKeys, Credentials>;

// The role or chain an authorization names, whichever form was used (IAM_ROLE or CREDENTIALS
// 'aws_iam_role=...'); nullptr for key-based authorization.
const IamRole* RoleOf(const Authorization& auth);
// True for ACCESS_KEY_ID/SECRET_ACCESS_KEY and for CREDENTIALS with a key pair.
bool IsKeyBased(const Authorization& auth);

// ---------------------------------------------------------------------------------------------
// Options after FROM / TO, kept in source order. The parser validates names and arguments
// against its table (docs/sql.md) and normalises spelling so that equal meaning compares equal:
//   FORMAT AS CSV, FORMAT CSV, CSV          -> {"FORMAT", [CSV]}
//   JSON 'auto' / FORMAT AS JSON 'auto'     -> {"FORMAT", [JSON, 'auto']}
//   CSV QUOTE AS '%'                        -> {"FORMAT", [CSV]}, {"QUOTE", ['%']}
//   REGION AS 'us-east-1'                   -> {"REGION", ['us-east-1']}
//   PARTITION BY (a, b) INCLUDE             -> {"PARTITION BY", [(a,b), INCLUDE]}
//   MANIFEST VERBOSE / ENCRYPTED AUTO       -> {"MANIFEST", [VERBOSE]} / {"ENCRYPTED", [AUTO]}
//   PARALLEL FALSE                          -> {"PARALLEL", [FALSE]}   (ON/TRUE/OFF/FALSE kept)
//   MAXFILESIZE AS 100 MB                   -> {"MAXFILESIZE", [100, MB]}
//   NULL AS '\N'                            -> {"NULL", ['\N']}
//   JOB CREATE j AUTO ON                    -> {"JOB CREATE", [j, AUTO, ON]}
// The noise word AS is never stored.
struct OptionArg {
  enum class Kind { kKeyword, kString, kNumber, kList, kIdentifier };
  Kind kind = Kind::kKeyword;
  std::string text;                // kKeyword: upper case; kString: unescaped; kNumber: as written;
                                   // kIdentifier: a name as stored (JOB CREATE job_name)
  std::vector<std::string> items;  // kList: identifiers (folded / quoted kept)
  SqlPos pos;
  friend bool operator==(const OptionArg&, const OptionArg&) = default;
};

struct Option {
  std::string name;  // canonical upper-case keyword(s): "MANIFEST", "REGION", "PARTITION BY"...
  std::vector<OptionArg> args;
  SqlPos pos;  // first keyword of the option (for bare CSV / JSON, that word)
  friend bool operator==(const Option&, const Option&) = default;
};

// First option named `name` (canonical spelling), or nullptr.
const Option* FindOption(const std::vector<Option>& options, std::string_view name);

// Data format named by FORMAT / CSV / JSON / AVRO / PARQUET / ORC / FIXEDWIDTH / SHAPEFILE.
enum class DataFormat { kText, kCsv, kJson, kAvro, kParquet, kOrc, kFixedWidth, kShapefile };
const char* DataFormatName(DataFormat f);  // "TEXT", "CSV", "JSON", ...

// What FROM names, by prefix (rule RS-COPY). kSshManifest = an s3:// object read with SSH.
enum class CopySource { kS3, kDynamoDb, kEmr, kSshManifest };
const char* CopySourceName(CopySource s);  // "s3", "dynamodb", "emr", "ssh-manifest"

// COPY table [(col, ...)] FROM 'source' <authorization> [option ...]   (rule RS-COPY)
struct CopyStatement {
  QualifiedName table;
  std::vector<std::string> columns;
  std::string from;  // the literal, unescaped
  SqlPos from_pos;   // the literal
  CopySource source = CopySource::kS3;
  std::optional<Authorization> authorization;  // set whenever the statement parsed without error
  std::vector<Option> options;                 // every option but the authorization, in order

  // Derived from `options` by the parser (the printer ignores them), for the replay planner.
  DataFormat format = DataFormat::kText;
  std::string format_arg;  // JSON/AVRO argument: 'auto', 'auto ignorecase', 'noshred', s3 path...
  bool manifest = false;
  std::optional<std::string> region;
  bool encrypted = false;
  std::optional<std::string> master_symmetric_key;  // the option (CREDENTIALS' is in Credentials)
  std::optional<int64_t> readratio;
  bool ssh = false;

  SqlPos pos;  // the COPY keyword
  friend bool operator==(const CopyStatement&, const CopyStatement&) = default;
};

// UNLOAD ('select ...') TO 's3://...' <authorization> [option ...]   (rule RS-UNLOAD)
struct UnloadStatement {
  std::string query;  // the literal, unescaped: what Redshift runs
  SqlPos query_pos;
  std::string to;  // s3://bucket/prefix
  SqlPos to_pos;
  std::optional<Authorization> authorization;
  std::vector<Option> options;

  // Derived from `options` by the parser (the printer ignores them).
  DataFormat format = DataFormat::kText;  // kText, kCsv, kJson or kParquet
  std::vector<std::string> partition_by;
  bool partition_include = false;
  bool manifest = false;
  bool manifest_verbose = false;
  bool encrypted = false;
  bool encrypted_auto = false;
  std::optional<std::string> kms_key_id;
  std::optional<std::string> master_symmetric_key;
  bool allow_overwrite = false;
  bool clean_path = false;
  bool parallel = true;  // PARALLEL OFF / FALSE -> false
  std::optional<std::string> region;
  std::optional<std::string> extension;

  SqlPos pos;
  friend bool operator==(const UnloadStatement&, const UnloadStatement&) = default;
};

// ---------------------------------------------------------------------------------------------
// Database side of a world (issue 3 §1).

// CREATE USER name [WITH] [PASSWORD 'p' | PASSWORD DISABLE] [CREATEDB | NOCREATEDB]
//   [CREATEUSER | NOCREATEUSER] [SYSLOG ACCESS RESTRICTED|UNRESTRICTED] [IN GROUP g [, ...]]
//   [VALID UNTIL 'ts'] [CONNECTION LIMIT n|UNLIMITED] [SESSION TIMEOUT n] [EXTERNALID 'id']
struct CreateUser {
  std::string name;                // as stored: folded unless quoted
  std::optional<bool> createuser;  // CREATEUSER -> true, NOCREATEUSER -> false
  std::optional<bool> createdb;
  std::optional<std::string> password;       // PASSWORD 'x'
  bool password_disabled = false;            // PASSWORD DISABLE
  std::vector<std::string> groups;           // IN GROUP a, b
  std::optional<std::string> syslog_access;  // "RESTRICTED" | "UNRESTRICTED"
  std::optional<std::string> valid_until;
  std::optional<std::string> connection_limit;  // digits or "UNLIMITED"
  std::optional<int64_t> session_timeout;
  std::optional<std::string> external_id;
  SqlPos pos;
  SqlPos name_pos;
  bool superuser() const { return createuser.value_or(false); }  // CREATEUSER makes a superuser
  friend bool operator==(const CreateUser&, const CreateUser&) = default;
};

// ALTER USER name [WITH] option ...; the options that matter here are typed, RENAME TO too.
// ALTER USER name SET / RESET parameter parses as OtherStatement.
struct AlterUser {
  std::string name;
  std::optional<bool> createuser;
  std::optional<bool> createdb;
  std::optional<std::string> password;
  bool password_disabled = false;
  std::optional<std::string> rename_to;
  std::optional<std::string> syslog_access;
  std::optional<std::string> valid_until;
  std::optional<std::string> connection_limit;
  std::optional<int64_t> session_timeout;
  bool reset_session_timeout = false;
  std::optional<std::string> external_id;
  SqlPos pos;
  SqlPos name_pos;
  friend bool operator==(const AlterUser&, const AlterUser&) = default;
};

// DROP USER [IF EXISTS] name [, ...]
struct DropUser {
  std::vector<std::string> names;
  bool if_exists = false;
  SqlPos pos;
  friend bool operator==(const DropUser&, const DropUser&) = default;
};

// CREATE GROUP name [[WITH] USER a [, ...]]
struct CreateGroup {
  std::string name;
  std::vector<std::string> users;
  SqlPos pos;
  friend bool operator==(const CreateGroup&, const CreateGroup&) = default;
};

// ALTER GROUP name { ADD | DROP } USER a [, ...]. (ALTER GROUP ... RENAME TO is OtherStatement.)
struct AlterGroup {
  std::string name;
  bool drop = false;  // DROP USER; false = ADD USER
  std::vector<std::string> users;
  SqlPos pos;
  friend bool operator==(const AlterGroup&, const AlterGroup&) = default;
};

// CREATE ROLE name [EXTERNALID 'id']   (RBAC role, not an IAM role)
struct CreateRole {
  std::string name;
  std::optional<std::string> external_id;
  SqlPos pos;
  friend bool operator==(const CreateRole&, const CreateRole&) = default;
};

// One entry of a TO / FROM list.
struct Grantee {
  enum class Kind { kUser, kGroup, kRole, kPublic };
  Kind kind = Kind::kUser;
  std::string name;  // "" for PUBLIC
  SqlPos pos;
  friend bool operator==(const Grantee&, const Grantee&) = default;
};

// GRANT ROLE r [, ROLE r2 ...] TO { user [WITH ADMIN OPTION] | ROLE r } [, ...]
struct GrantRole {
  std::vector<std::string> roles;
  std::vector<Grantee> grantees;  // kUser or kRole
  bool with_admin_option = false;
  SqlPos pos;
  friend bool operator==(const GrantRole&, const GrantRole&) = default;
};

// REVOKE [ADMIN OPTION FOR] ROLE r [, ROLE r2 ...] FROM { user | ROLE r } [, ...]
struct RevokeRole {
  std::vector<std::string> roles;
  std::vector<Grantee> grantees;
  bool admin_option_only = false;  // REVOKE ADMIN OPTION FOR ...
  SqlPos pos;
  friend bool operator==(const RevokeRole&, const RevokeRole&) = default;
};

enum class AssumeRoleCommand { kCopy, kUnload, kExternalFunction, kCreateModel };
const char* AssumeRoleCommandName(AssumeRoleCommand c);  // "COPY", ..., "EXTERNAL FUNCTION"

// One ON-list entry. A chain grant ON 'a,b' is ONE object with role "a,b" (rule RS-GRANT).
struct AssumeRoleObject {
  enum class Kind { kAll, kDefault, kRole };
  Kind kind = Kind::kRole;
  std::string role;  // kRole: the literal exactly as written, after unescaping; else ""
  SqlPos pos;
  friend bool operator==(const AssumeRoleObject&, const AssumeRoleObject&) = default;
};

// GRANT  ASSUMEROLE ON objects TO   grantees FOR commands
// REVOKE ASSUMEROLE ON objects FROM grantees FOR commands
struct GrantAssumeRole {
  bool revoke = false;
  std::vector<AssumeRoleObject> objects;
  std::vector<Grantee> grantees;
  std::set<AssumeRoleCommand> commands;  // FOR ALL expanded to all four
  SqlPos pos;
  friend bool operator==(const GrantAssumeRole&, const GrantAssumeRole&) = default;
};

// SET [LOCAL] SESSION AUTHORIZATION 'user' | user | DEFAULT, and RESET SESSION AUTHORIZATION
// (default). Lets a script switch the user that later COPY / UNLOAD statements run as.
struct SetSessionAuthorization {
  std::string user;  // "" when is_default
  bool is_default = false;
  bool local = false;  // SET LOCAL: for the current transaction only
  SqlPos pos;
  friend bool operator==(const SetSessionAuthorization&, const SetSessionAuthorization&) = default;
};

// Any other statement (SELECT, CREATE TABLE, INSERT, ...): recognised, not interpreted, no error.
struct OtherStatement {
  std::string keyword;  // first word, upper case ("SELECT"); for ALTER/CREATE/DROP the second too
  SqlPos pos;
  friend bool operator==(const OtherStatement&, const OtherStatement&) = default;
};

using SqlStatement = std::variant<CopyStatement, UnloadStatement, CreateUser, AlterUser, DropUser,
                                  CreateGroup, AlterGroup, CreateRole, GrantRole, RevokeRole,
                                  GrantAssumeRole, SetSessionAuthorization, OtherStatement>;

// "COPY", "UNLOAD", "CREATE USER", "ALTER USER", "DROP USER", "CREATE GROUP", "ALTER GROUP",
// "CREATE ROLE", "GRANT ROLE", "REVOKE ROLE", "GRANT ASSUMEROLE" / "REVOKE ASSUMEROLE",
// "SET SESSION AUTHORIZATION", or OtherStatement::keyword.
std::string StatementKindName(const SqlStatement& s);

// Canonical SQL for a statement, without a trailing ';'. Keywords upper case, AS noise words
// written where Redshift accepts them, identifiers double-quoted only when needed (they are not
// plain lower-case words or they are reserved), literals with '' for embedded quotes and \\ for
// backslashes. Guarantee: ParseSqlScript(PrintStatement(s)) yields one statement equal to `s`
// for every `s` that ParseSqlScript produced, except OtherStatement, which prints as its
// keyword only (informative; use ParsedStatement::text for the original).
std::string PrintStatement(const SqlStatement& s);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_SQL_STATEMENT_H_
