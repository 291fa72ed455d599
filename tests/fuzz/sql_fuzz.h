// Fuzz target (c): Redshift SQL text -> ParseSqlScript (COPY, UNLOAD, GRANT/REVOKE ASSUMEROLE,
// users, groups, roles) -> PrintStatement -> ParseSqlScript.
//
// Invariants (abort on violation):
//  - the lexer and the parser are deterministic, and every position they report lies inside the
//    text (line >= 1, offset <= size), errors in source order;
//  - round trip: every statement other than OtherStatement prints to SQL that parses, without
//    error, to exactly one statement equal to the original (statement.h's guarantee), and
//    printing that statement gives the same text again;
//  - a parsed COPY / UNLOAD always carries its authorization, and a role chain is never longer
//    than the parser's ceiling of 50 roles.
#ifndef REDTRUST_TESTS_FUZZ_SQL_FUZZ_H_
#define REDTRUST_TESTS_FUZZ_SQL_FUZZ_H_

#include <string>
#include <string_view>
#include <variant>

#include "sim/sql/lexer.h"
#include "sim/sql/parser.h"
#include "sim/sql/statement.h"
#include "tests/fuzz/fuzz_support.h"

namespace redtrust::fuzz {

inline void CheckSqlPos(const SourcePos& p, std::string_view text, const char* what) {
  REDTRUST_FUZZ_CHECK(p.line >= 1 && p.column >= 1 && p.offset <= text.size(),
                      std::string(what) + " position out of range: " + std::to_string(p.line) +
                          ":" + std::to_string(p.column) + " @" + std::to_string(p.offset));
}

inline std::string ScriptSummary(const sim::SqlScript& s) {
  std::string out;
  for (const sim::ParsedStatement& st : s.statements) {
    out += sim::PrintStatement(st.statement) + "\n";
  }
  for (const sim::SqlError& e : s.errors) out += sim::FormatSqlError(e) + "\n";
  return out;
}

inline void CheckSqlInput(std::string_view text) {
  const std::vector<sim::Token> tokens = sim::Lex(text);
  REDTRUST_FUZZ_CHECK(!tokens.empty() && tokens.back().kind == sim::TokenKind::kEnd,
                      "token stream does not end with kEnd");
  for (const sim::Token& t : tokens) {
    CheckSqlPos(t.pos, text, "token");
    REDTRUST_FUZZ_CHECK(t.end <= text.size() && t.end >= t.pos.offset, "token end out of range");
  }

  const sim::SqlScript script = sim::ParseSqlScript(text);
  REDTRUST_FUZZ_CHECK(ScriptSummary(script) == ScriptSummary(sim::ParseSqlScript(text)),
                      "ParseSqlScript is not deterministic");
  uint64_t last = 0;
  for (const sim::SqlError& e : script.errors) {
    CheckSqlPos(e.pos, text, "error");
    REDTRUST_FUZZ_CHECK(e.pos.offset >= last, "errors out of source order");
    last = e.pos.offset;
    REDTRUST_FUZZ_CHECK((e.kind == sim::SqlErrorKind::kRejected) == !e.command.empty(),
                        "a rejection names its command, a syntax error none");
    (void)sim::FormatSqlError(e);
  }

  for (const sim::ParsedStatement& st : script.statements) {
    CheckSqlPos(st.pos, text, "statement");
    (void)sim::StatementKindName(st.statement);
    if (const auto* copy = std::get_if<sim::CopyStatement>(&st.statement)) {
      REDTRUST_FUZZ_CHECK(copy->authorization.has_value(), "COPY without authorization");
      if (const sim::IamRole* role = sim::RoleOf(*copy->authorization)) {
        REDTRUST_FUZZ_CHECK(role->is_default || !sim::CheckRoleChain(role->raw, "IAM_ROLE", nullptr),
                            "COPY accepted with a role chain that breaks the chain rules");
      }
    }
    if (const auto* unload = std::get_if<sim::UnloadStatement>(&st.statement)) {
      REDTRUST_FUZZ_CHECK(unload->authorization.has_value(), "UNLOAD without authorization");
      if (const sim::IamRole* role = sim::RoleOf(*unload->authorization)) {
        REDTRUST_FUZZ_CHECK(role->is_default || !sim::CheckRoleChain(role->raw, "IAM_ROLE", nullptr),
                            "UNLOAD accepted with a role chain that breaks the chain rules");
      }
    }
    if (std::holds_alternative<sim::OtherStatement>(st.statement)) continue;

    const std::string printed = sim::PrintStatement(st.statement);
    const sim::SqlScript again = sim::ParseSqlScript(printed);
    REDTRUST_FUZZ_CHECK(again.ok(), "printed statement does not parse: " + printed + "\n" +
                                        ScriptSummary(again) + "original: " + st.text);
    REDTRUST_FUZZ_CHECK(again.statements.size() == 1,
                        "printed statement parses to " + std::to_string(again.statements.size()) +
                            " statements: " + printed);
    REDTRUST_FUZZ_CHECK(again.statements[0].statement == st.statement,
                        "round trip changed the statement: " + st.text + "\n  printed: " + printed +
                            "\n  reprinted: " + sim::PrintStatement(again.statements[0].statement));
    REDTRUST_FUZZ_CHECK(sim::PrintStatement(again.statements[0].statement) == printed,
                        "printing is not stable: " + printed);
  }
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_SQL_FUZZ_H_
