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

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.h"
#include "sim/sql/statement.h"

namespace redtrust::sim {

struct SqlError {
  std::string message;  // e.g. `syntax error at or near "FORM"`; no "ERROR:" prefix
  SourcePos pos;        // where the offending token or clause starts (1-based line:column)
  std::string hint;     // optional: what was expected ("expected FROM"); "" when none
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

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_SQL_PARSER_H_
