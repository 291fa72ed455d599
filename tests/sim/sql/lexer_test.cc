#include "sim/sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redtrust::sim {
namespace {

std::vector<TokenKind> Kinds(const std::vector<Token>& toks) {
  std::vector<TokenKind> out;
  for (const Token& t : toks) out.push_back(t.kind);
  return out;
}

std::vector<std::string> Texts(const std::vector<Token>& toks) {
  std::vector<std::string> out;
  for (const Token& t : toks) out.push_back(t.text);
  return out;
}

TEST(SqlLexer, WordsFoldQuotedIdentifiersKeepCase) {
  const auto toks = Lex(R"(CoPy "Alice" "say ""hi""" iam_ROLE)");
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_EQ(Kinds(toks),
            (std::vector<TokenKind>{TokenKind::kWord, TokenKind::kQuotedIdent,
                                    TokenKind::kQuotedIdent, TokenKind::kWord, TokenKind::kEnd}));
  EXPECT_EQ(Texts(toks), (std::vector<std::string>{"copy", "Alice", "say \"hi\"", "iam_role", ""}));
  EXPECT_TRUE(toks[0].IsWord("copy"));
  EXPECT_FALSE(toks[1].IsWord("alice"));
}

TEST(SqlLexer, NonAsciiWordsAreNotFolded) {
  const auto toks = Lex("Émile_2$");
  ASSERT_EQ(toks.size(), 2u);
  EXPECT_EQ(toks[0].kind, TokenKind::kWord);
  EXPECT_EQ(toks[0].text, "Émile_2$");  // only ASCII letters fold, as in PostgreSQL
}

TEST(SqlLexer, PositionsAreLineColumnOffset) {
  const auto toks = Lex("copy t\n  from 's3://b'\r\n;");
  ASSERT_EQ(toks.size(), 6u);
  EXPECT_EQ(toks[0].pos.line, 1u);
  EXPECT_EQ(toks[0].pos.column, 1u);
  EXPECT_EQ(toks[1].pos.column, 6u);
  EXPECT_EQ(toks[2].pos.line, 2u);
  EXPECT_EQ(toks[2].pos.column, 3u);
  EXPECT_EQ(toks[2].pos.offset, 9u);
  EXPECT_EQ(toks[2].end, 13u);
  EXPECT_EQ(toks[3].pos.column, 8u);
  EXPECT_EQ(toks[4].pos.line, 3u);
  EXPECT_EQ(toks[4].pos.column, 1u);
  EXPECT_TRUE(toks[4].IsPunct(';'));
  EXPECT_EQ(toks[5].kind, TokenKind::kEnd);
  EXPECT_EQ(toks[5].pos.line, 3u);
  EXPECT_EQ(toks[5].pos.column, 2u);
}

TEST(SqlLexer, StringEscapes) {
  // '' and \' are quotes, \\ is one backslash, any other backslash pair is kept as written.
  const auto toks = Lex(R"('venuestate=''NV''' 'x=\'OH\' ' 'a\\b' '\t' '\N' 'end\\')");
  ASSERT_EQ(toks.size(), 7u);
  EXPECT_EQ(toks[0].text, "venuestate='NV'");
  EXPECT_EQ(toks[1].text, "x='OH' ");
  EXPECT_EQ(toks[2].text, "a\\b");
  EXPECT_EQ(toks[3].text, "\\t");
  EXPECT_EQ(toks[4].text, "\\N");
  EXPECT_EQ(toks[5].text, "end\\");
  for (int i = 0; i < 6; ++i) EXPECT_EQ(toks[i].kind, TokenKind::kString);
}

TEST(SqlLexer, LiteralMaySpanLines) {
  const auto toks = Lex("'a\nb' x");
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[0].text, "a\nb");
  EXPECT_EQ(toks[1].pos.line, 2u);
  EXPECT_EQ(toks[1].pos.column, 4u);
}

TEST(SqlLexer, DollarQuotedStrings) {
  const auto toks = Lex("$$it's; $1$$ $fn$ a $$ b $fn$ $1");
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_EQ(toks[0].kind, TokenKind::kString);
  EXPECT_EQ(toks[0].text, "it's; $1");
  EXPECT_EQ(toks[1].text, " a $$ b ");
  EXPECT_TRUE(toks[2].IsPunct('$'));  // $1 is not a dollar quote
  EXPECT_EQ(toks[3].kind, TokenKind::kNumber);
}

TEST(SqlLexer, Numbers) {
  const auto toks = Lex("50 1.5 .5 1e3 2E-2 7mb");
  EXPECT_EQ(Texts(toks),
            (std::vector<std::string>{"50", "1.5", ".5", "1e3", "2E-2", "7", "mb", ""}));
  EXPECT_EQ(toks[5].kind, TokenKind::kNumber);
  EXPECT_EQ(toks[6].kind, TokenKind::kWord);
}

TEST(SqlLexer, CommentsAreSkippedAndNest) {
  const auto toks = Lex("a -- line ; comment\n/* block /* nested ; */ still */ b -- end");
  EXPECT_EQ(Texts(toks), (std::vector<std::string>{"a", "b", ""}));
  EXPECT_EQ(toks[1].pos.line, 2u);
}

TEST(SqlLexer, SemicolonInsideLiteralOrCommentIsNotPunct) {
  const auto toks = Lex("'a;b' \"c;d\" /* ; */ ;");
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_TRUE(toks[2].IsPunct(';'));
}

TEST(SqlLexer, PunctuationIsOneByte) {
  const auto toks = Lex("(a.b, c)=*:");
  EXPECT_EQ(Texts(toks),
            (std::vector<std::string>{"(", "a", ".", "b", ",", "c", ")", "=", "*", ":", ""}));
}

TEST(SqlLexer, UnterminatedStringRunsToEnd) {
  const auto toks = Lex("copy t from 's3://b\n iam_role default;");
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_EQ(toks[3].kind, TokenKind::kError);
  EXPECT_EQ(toks[3].text, "unterminated quoted string at or near \"'s3://b\\n iam_role default;\"");
  EXPECT_EQ(toks[3].pos.column, 13u);
  EXPECT_EQ(toks[4].kind, TokenKind::kEnd);
}

TEST(SqlLexer, UnterminatedCommentIdentifierAndDollar) {
  auto toks = Lex("a /* open /* nested */ x");
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[1].kind, TokenKind::kError);
  EXPECT_EQ(toks[1].text, "unterminated /* comment at or near \"/* open /* nested */ x\"");
  EXPECT_EQ(toks[1].pos.column, 3u);

  toks = Lex("\"Alice");
  EXPECT_EQ(toks[0].kind, TokenKind::kError);
  EXPECT_EQ(toks[0].text, "unterminated quoted identifier at or near \"\"Alice\"");

  toks = Lex("$$ body");
  EXPECT_EQ(toks[0].kind, TokenKind::kError);
  EXPECT_EQ(toks[0].text, "unterminated dollar-quoted string at or near \"$$ body\"");
}

TEST(SqlLexer, LongSnippetIsCut) {
  const std::string text = "'" + std::string(200, 'x');
  const auto toks = Lex(text);
  ASSERT_EQ(toks[0].kind, TokenKind::kError);
  EXPECT_LT(toks[0].text.size(), 100u);
  EXPECT_NE(toks[0].text.find("...\""), std::string::npos);
}

TEST(SqlLexer, ZeroLengthIdentifier) {
  const auto toks = Lex("create user \"\"");
  EXPECT_EQ(toks[2].kind, TokenKind::kError);
  EXPECT_EQ(toks[2].text, "zero-length delimited identifier at or near \"\"\"\"");
}

TEST(SqlLexer, InvalidUtf8IsAnErrorToken) {
  auto toks =
      Lex("ab\xff"
          "cd");
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_EQ(toks[0].text, "ab");
  EXPECT_EQ(toks[1].kind, TokenKind::kError);
  EXPECT_EQ(toks[1].text, "invalid byte sequence for encoding \"UTF8\": 0xff");
  EXPECT_EQ(toks[1].pos.column, 3u);
  EXPECT_EQ(toks[2].text, "cd");

  toks = Lex("'a\xc3(b' x");  // cut 2-byte sequence inside a literal
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[0].kind, TokenKind::kError);
  EXPECT_EQ(toks[0].text, "invalid byte sequence for encoding \"UTF8\": 0xc3");
  EXPECT_EQ(toks[0].pos.column, 3u);
  EXPECT_EQ(toks[1].text, "x");

  toks = Lex("-- \xed\xa0\x80 surrogate\nx");
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[0].kind, TokenKind::kError);
  EXPECT_EQ(toks[1].text, "x");

  toks = Lex("\xc0\xaf");  // overlong '/'
  EXPECT_EQ(toks[0].kind, TokenKind::kError);
}

TEST(SqlLexer, ControlBytesArePunct) {
  const auto toks = Lex("\x01@");
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_TRUE(toks[0].IsPunct('\x01'));
  EXPECT_TRUE(toks[1].IsPunct('@'));
}

TEST(SqlLexer, EmptyInput) {
  const auto toks = Lex("");
  ASSERT_EQ(toks.size(), 1u);
  EXPECT_EQ(toks[0].kind, TokenKind::kEnd);
  EXPECT_EQ(toks[0].pos.line, 1u);
  EXPECT_EQ(toks[0].pos.column, 1u);
}

TEST(SqlLexer, ReservedWords) {
  EXPECT_TRUE(IsReservedWord("user"));
  EXPECT_TRUE(IsReservedWord("group"));
  EXPECT_TRUE(IsReservedWord("default"));
  EXPECT_TRUE(IsReservedWord("with"));
  EXPECT_FALSE(IsReservedWord("alice"));
  EXPECT_FALSE(IsReservedWord("public"));
  EXPECT_FALSE(IsReservedWord("USER"));  // callers pass lower case
}

TEST(SqlLexer, SnippetForMessage) {
  EXPECT_EQ(SnippetForMessage("a\nb\xff"), "a\\nb\\xff");
  EXPECT_EQ(SnippetForMessage(std::string(50, 'y'), 10), std::string(10, 'y') + "...");
}

}  // namespace
}  // namespace redtrust::sim
