// Lexer for the Redshift SQL subset: text -> tokens with line:column. Internal to sim/sql (the
// parser's first stage), public so that it can be tested on its own.
//
// Follows PostgreSQL's scanner where Redshift inherits it: `--` line comments and nested
// `/* */` block comments are skipped; unquoted words fold ASCII letters to lower case;
// "quoted identifiers" keep their case ("" is an embedded quote); 'literals' take '' and the
// backslash escapes \' and \\ (RS-STR; any other backslash pair is kept as written, so
// DELIMITER '\t' and NULL AS '\N' reach COPY unchanged); E'escape strings' take '' and every
// PostgreSQL backslash escape (\n \t \b \f \r, \ooo octal, \xhh hex, \uXXXX, \UXXXXXXXX, \c = c)
// and must decode to UTF-8 without NUL; $$dollar$$ / $tag$quoted$tag$ strings are literals
// without escapes. Every other character is a one-byte punctuation token.
//
// Lexical problems do not stop the scan: they become kError tokens (message in `text`), with
// PostgreSQL's wording. Never throws. Cost: linear in the text.
#ifndef REDTRUST_SIM_SQL_LEXER_H_
#define REDTRUST_SIM_SQL_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.h"

namespace redtrust::sim {

enum class TokenKind {
  kWord,         // unquoted identifier or keyword; text folded to lower case
  kQuotedIdent,  // "Name"; text unescaped, case kept
  kString,       // 'literal', E'literal' or $$literal$$; text unescaped
  kNumber,       // 12, 1.5, .5, 1e3; text as written
  kPunct,        // one byte: ( ) , ; . = * : and anything else that is not part of a token
  kError,        // lexical error; text is the message
  kEnd,          // end of input (always the last token)
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  SourcePos pos;     // first byte
  uint64_t end = 0;  // offset one past the last byte
  // For kWord: true when `text` equals `lower_keyword` (which must be lower case).
  bool IsWord(std::string_view lower_keyword) const {
    return kind == TokenKind::kWord && text == lower_keyword;
  }
  bool IsPunct(char c) const {
    return kind == TokenKind::kPunct && text.size() == 1 && text[0] == c;
  }
};

// Makes source text safe to quote in a one-line message: invalid UTF-8 bytes become \xNN,
// control characters are escaped (SanitizeForMessage), and the text is cut to `max_bytes`
// (with "...").
std::string SnippetForMessage(std::string_view text, size_t max_bytes = 40);

// True for PostgreSQL's reserved key words (given in lower case: "select", "user", "group",
// "default", "all", "to", "for", ...). They cannot be unquoted names; the printer quotes them.
bool IsReservedWord(std::string_view lower_word);

// Tokens of `text`, comments dropped, ending with one kEnd token whose pos is the end of input.
std::vector<Token> Lex(std::string_view text);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_SQL_LEXER_H_
