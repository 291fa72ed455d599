// ParseSqlScript: Redshift SQL text -> statements (statement.h) and errors with line:column.
//
// Accepts a script of several statements separated by ';' (a missing final ';' is fine). Keywords
// are case-insensitive; `--` and `/* */` comments (nested, as in PostgreSQL) are skipped;
// string literals take '' and backslash escapes (rule RS-STR); "quoted identifiers" keep their
// case, unquoted ones fold to lower case. COPY / UNLOAD / the admin statements are parsed and
// checked (rules RS-AUTH, RS-OPTS, role chains); every other statement becomes OtherStatement.
//
// Never throws, never stops at the first error: a statement with an error is dropped, an
// SqlError is recorded, and parsing resumes after the next ';' that is outside literals and
// comments. At most one error per statement. Errors come out in source order.
// Messages follow Redshift's wording where it is known (docs/sql.md lists each and its source).
//
// Thread-safe (no shared state). Cost: linear in the text.
#ifndef REDTRUST_SIM_SQL_PARSER_H_
#define REDTRUST_SIM_SQL_PARSER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.h"
#include "sim/sql/statement.h"

namespace redtrust::sim {

// Two kinds of failure, which a replay must tell apart (docs/sql.md, "Error kinds"):
//   kSyntax    redtrust cannot read the statement: a lexical or syntax error, a word that is no
//              option of the command. Not an answer about Redshift: a replay reports the record
//              as not evaluated.
//   kRejected  the statement reads completely, but Redshift itself refuses it: an option rule
//              (IAM_ROLE with CREDENTIALS, KMS_KEY_ID without ENCRYPTED, a space in a role chain,
//              an option given twice, ...). `message` is what Redshift prints after "ERROR:  "
//              (verbatim where AWS documents it, else our closest wording; docs/sql.md says
//              which). A replay counts it as a DENY at gate P1.
// A statement with both reports the syntax error: Redshift parses a statement whole before it
// checks its options.
enum class SqlErrorKind { kSyntax, kRejected };

struct SqlError {
  std::string message;  // e.g. `syntax error at or near "FORM"`; no "ERROR:" prefix
  SourcePos pos;        // where the offending token or clause starts (1-based line:column)
  std::string hint;     // optional: what was expected ("expected FROM"); "" when none
  SqlErrorKind kind = SqlErrorKind::kSyntax;
  // kRejected: the statement's kind as StatementKindName names it ("COPY", "UNLOAD",
  // "CREATE USER", ...); "" for kSyntax.
  std::string command;
  // The statement the error belongs to, so a script-driven replay can still report it as one
  // record: its first token and its text as in ParsedStatement (for an error at end of input
  // or in a statement that never started, the text may be empty).
  SourcePos statement_pos;
  std::string statement_text;
};

struct ParsedStatement {
  SqlStatement statement;
  SourcePos pos;     // first token of the statement (leading comments excluded)
  std::string text;  // the statement's source text, from its first token to the end of its
                     // last token (comments inside kept, the ';' excluded)
};

struct SqlScript {
  std::vector<ParsedStatement> statements;  // the statements that parsed, in source order
  std::vector<SqlError> errors;             // one per bad statement (or lexical problem)
  bool ok() const { return errors.empty(); }
};

SqlScript ParseSqlScript(std::string_view text);

// "line:column: message" (no file name), for CLI output and test failure messages.
std::string FormatSqlError(const SqlError& e);

// The rules of a role chain as IAM_ROLE (or aws_iam_role= in CREDENTIALS) writes it (RS-AUTH,
// MG-AUTH, DG-CES): one string, comma-separated role ARNs
// (arn:<aws|aws-cn|aws-us-gov>:iam::<digits>:role/[path/]name), no spaces. No length limit: that
// is the world's maxChain, checked by the replay at gate P1. nullopt when `raw` obeys them, and
// then *chain (if not null) receives the ARNs in hop order; else the first problem, its message
// naming the clause as `label` ("IAM_ROLE"), `offset` the byte of `raw` it points at. Shared by
// the parser and `redtrust can --role`, so both word a bad chain alike.
struct RoleChainProblem {
  std::string message;
  std::string hint;
  size_t offset = 0;
};
std::optional<RoleChainProblem> CheckRoleChain(std::string_view raw, std::string_view label,
                                               std::vector<std::string>* chain);

// True when `e` is Redshift's own refusal of a COPY or UNLOAD (kRejected, command COPY/UNLOAD):
// a replay answers it as DENY at gate P1 instead of "not evaluated".
bool IsRejectedCopyOrUnload(const SqlError& e);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_SQL_PARSER_H_
