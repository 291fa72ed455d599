// Issue 12 (outside audit), the SQL parser's part: E'...' escape strings in the lexer, and the
// two kinds of parser error (SqlErrorKind): what redtrust cannot read (kSyntax) and what
// Redshift itself refuses (kRejected, every option rule the parser enforces), with a syntax
// error taking precedence over a rejection found earlier in the same statement.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/sql/lexer.h"
#include "sim/sql/parser.h"
#include "sim/sql/statement.h"

namespace redtrust::sim {
namespace {

constexpr char kRole[] = "arn:aws:iam::123456789012:role/R";

std::string R() { return std::string("'") + kRole + "'"; }

// The one error of `sql` (a single statement that must not parse).
SqlError OneError(const std::string& sql) {
  const SqlScript s = ParseSqlScript(sql);
  EXPECT_TRUE(s.statements.empty()) << "parsed unexpectedly: " << sql;
  EXPECT_EQ(s.errors.size(), 1u) << sql;
  return s.errors.empty() ? SqlError{} : s.errors.front();
}

// The value of the one string token of `text`, or the message of its error token.
std::string LexString(const std::string& text, TokenKind* kind = nullptr) {
  const std::vector<Token> t = Lex(text);
  EXPECT_EQ(t.size(), 2u) << text;
  if (kind != nullptr) *kind = t[0].kind;
  return t[0].text;
}

// ---------------------------------------------------------------------------------------------
// E'...' strings

TEST(SqlAuditEscapeString, DecodesEveryPostgresEscape) {
  TokenKind kind;
  EXPECT_EQ(LexString(R"(E'a\nb\tc\rd\be\ff')", &kind), "a\nb\tc\rd\be\ff");
  EXPECT_EQ(kind, TokenKind::kString);
  EXPECT_EQ(LexString(R"(e'it''s \'quoted\' \\ \q')"), "it's 'quoted' \\ q");
  EXPECT_EQ(LexString(R"(E'\x41\x4a\101\7')"), "AJA\x07");
  EXPECT_EQ(LexString(R"(E'\u00e9\U0001F600')"), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(LexString(R"(E'\uD83D\uDE00')"), "\xF0\x9F\x98\x80");  // a surrogate pair
  EXPECT_EQ(LexString("E'\xC3\xA9'"), "\xC3\xA9");                   // UTF-8 as written
  EXPECT_EQ(LexString("E'line1\nline2'"), "line1\nline2");
  EXPECT_EQ(LexString(R"(E'\x4')"), "\x04");  // one hex digit
}

TEST(SqlAuditEscapeString, ReportsBadEscapesWithPostgresWording) {
  TokenKind kind;
  EXPECT_EQ(LexString(R"(E'\0')", &kind), "invalid byte sequence for encoding \"UTF8\": 0x00");
  EXPECT_EQ(kind, TokenKind::kError);
  EXPECT_EQ(LexString(R"(E'\xff')"), "invalid byte sequence for encoding \"UTF8\": 0xff");
  EXPECT_EQ(LexString(R"(E'\u12')").rfind("invalid Unicode escape at or near", 0), 0u);
  EXPECT_EQ(LexString(R"(E'\u0000')").rfind("invalid Unicode escape value", 0), 0u);
  EXPECT_EQ(LexString(R"(E'\U00110000')").rfind("invalid Unicode escape value", 0), 0u);
  EXPECT_EQ(LexString(R"(E'\uD800x')").rfind("invalid Unicode surrogate pair", 0), 0u);
  EXPECT_EQ(LexString(R"(E'abc)").rfind("unterminated quoted string at or near", 0), 0u);
  EXPECT_EQ(LexString(R"(E'\)").rfind("unterminated quoted string at or near", 0), 0u);
}

TEST(SqlAuditEscapeString, OnlyAnEDirectlyBeforeTheQuote) {
  // `E 'x'` is a word and a plain literal; `name'x'` a word and a literal.
  const std::vector<Token> t = Lex(R"(E '\n' somee'\n')");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].kind, TokenKind::kWord);
  EXPECT_EQ(t[1].text, "\\n");  // a plain literal keeps \n as the two characters
  EXPECT_EQ(t[2].text, "somee");
  EXPECT_EQ(t[3].text, "\\n");
}

TEST(SqlAuditEscapeString, WorksInCopyAndRoundTrips) {
  const std::string sql = std::string("COPY t FROM E's3://b/p' IAM_ROLE E'") + kRole +
                          "' DELIMITER E'\\t' NULL AS E'\\\\N'";
  const SqlScript s = ParseSqlScript(sql);
  ASSERT_TRUE(s.ok()) << FormatSqlError(s.errors.front());
  ASSERT_EQ(s.statements.size(), 1u);
  const auto& c = std::get<CopyStatement>(s.statements[0].statement);
  EXPECT_EQ(c.from, "s3://b/p");
  EXPECT_EQ(RoleOf(*c.authorization)->chain, std::vector<std::string>{kRole});
  ASSERT_EQ(c.options.size(), 2u);
  EXPECT_EQ(c.options[0].args[0].text, "\t");
  EXPECT_EQ(c.options[1].args[0].text, "\\N");
  // The printer writes plain literals; they read back to the same values.
  const std::string printed = PrintStatement(s.statements[0].statement);
  const SqlScript again = ParseSqlScript(printed);
  ASSERT_TRUE(again.ok()) << printed;
  ASSERT_EQ(again.statements.size(), 1u);
  EXPECT_TRUE(again.statements[0].statement == s.statements[0].statement) << printed;
  EXPECT_EQ(PrintStatement(again.statements[0].statement), printed);
}

// ---------------------------------------------------------------------------------------------
// Error kinds

// Every option rule the parser enforces, one statement each: Redshift refuses them all, so each
// is kRejected (DENY at P1 in a replay), naming its command.
struct RuleCase {
  std::string sql;
  std::string command;
  std::string message;  // prefix
};

std::vector<RuleCase> RuleCases() {
  const std::string from = "COPY t FROM 's3://b/p' ";
  const std::string unload = "UNLOAD ('select 1') TO 's3://b/out/' ";
  const std::string keys = "ACCESS_KEY_ID 'AKIAEXAMPLE' SECRET_ACCESS_KEY 'secret' ";
  const std::string creds_role = std::string("CREDENTIALS 'aws_iam_role=") + kRole + "' ";
  return {
      // Authorization (DG-AUTH, §2.1).
      {from + "IAM_ROLE " + R() + " " + creds_role, "COPY", "CREDENTIALS cannot be used with IAM_ROLE"},
      {from + creds_role + "IAM_ROLE " + R(), "COPY", "IAM_ROLE cannot be used with CREDENTIALS"},
      {from + "IAM_ROLE " + R() + " " + keys, "COPY", "ACCESS_KEY_ID cannot be used with IAM_ROLE"},
      {from + "IAM_ROLE " + R() + " IAM_ROLE default", "COPY", "conflicting or redundant options"},
      {from + "SECRET_ACCESS_KEY 's'", "COPY", "SECRET_ACCESS_KEY requires ACCESS_KEY_ID"},
      {from + "ACCESS_KEY_ID 'k'", "COPY", "ACCESS_KEY_ID requires SECRET_ACCESS_KEY"},
      {from + "DELIMITER '|'", "COPY", "COPY requires authorization"},
      {unload + "PARALLEL OFF", "UNLOAD", "UNLOAD requires authorization"},
      {from + "IAM_ROLE 'arn:aws:iam::123456789012:role/A, arn:aws:iam::123456789012:role/B'",
       "COPY", "IAM_ROLE must not contain spaces"},
      {from + "IAM_ROLE 'not-an-arn'", "COPY", "IAM_ROLE is not an IAM role ARN"},
      {from + "IAM_ROLE '" + kRole + ",'", "COPY", "role 2 of the IAM_ROLE chain is not an IAM role ARN: (empty)"},
      {from + "CREDENTIALS 'aws_iam_role=" + kRole + ", x'", "COPY", "Invalid credentials."},
      {from + "CREDENTIALS 'aws_iam_role=nope'", "COPY", "aws_iam_role is not an IAM role ARN"},
      {from + "CREDENTIALS 'user=x'", "COPY", "Invalid credentials. Must be of the format"},
      {from + keys + "FORMAT AS PARQUET", "COPY", "COPY from this file format only accepts IAM_ROLE credentials."},
      // Client-side encryption (DG-S3SRC).
      {from + "IAM_ROLE " + R() + " MASTER_SYMMETRIC_KEY 'k'", "COPY", "MASTER_SYMMETRIC_KEY requires ENCRYPTED"},
      {from + "IAM_ROLE " + R() + " ENCRYPTED", "COPY", "ENCRYPTED requires MASTER_SYMMETRIC_KEY"},
      {from + creds_role + "ENCRYPTED MASTER_SYMMETRIC_KEY 'k'", "COPY", "MASTER_SYMMETRIC_KEY cannot be used with CREDENTIALS"},
      // Sources and formats (DG-COLUMNAR, DG-DDB, DG-EMR, DG-SSH).
      {from + "IAM_ROLE " + R() + " PARQUET REGION 'us-east-1'", "COPY", "REGION cannot be used with FORMAT AS PARQUET"},
      {from + "IAM_ROLE " + R() + " READRATIO 50", "COPY", "READRATIO is only supported for COPY from Amazon DynamoDB"},
      {"COPY t FROM 'dynamodb://T' IAM_ROLE " + R(), "COPY", "COPY from Amazon DynamoDB requires READRATIO"},
      {"COPY t FROM 'dynamodb://T' IAM_ROLE " + R() + " READRATIO 0", "COPY", "READRATIO must be a positive whole number"},
      {"COPY t FROM 'dynamodb://T' IAM_ROLE " + R() + " READRATIO 5 MANIFEST", "COPY", "MANIFEST is not supported for COPY from Amazon DynamoDB"},
      {"COPY t FROM 'emr://j-1/p' IAM_ROLE " + R() + " REGION 'us-east-1'", "COPY", "REGION is not supported for COPY from Amazon EMR"},
      {"COPY t FROM 'emr://j-1/p' IAM_ROLE " + R() + " SSH", "COPY", "SSH requires FROM to name an SSH manifest"},
      {"COPY t FROM '/tmp/local' IAM_ROLE " + R(), "COPY", "LOAD source is not supported"},
      {from + "IAM_ROLE " + R() + " CSV JSON 'auto'", "COPY", "JSON cannot be used with CSV"},
      {from + "IAM_ROLE " + R() + " DELIMITER '|' DELIMITER ','", "COPY", "conflicting or redundant options"},
      // UNLOAD (DG-UNLOAD).
      {unload + "IAM_ROLE " + R() + " KMS_KEY_ID 'k'", "UNLOAD", "KMS_KEY_ID requires ENCRYPTED"},
      {unload + "IAM_ROLE " + R() + " MASTER_SYMMETRIC_KEY 'k'", "UNLOAD", "MASTER_SYMMETRIC_KEY requires ENCRYPTED"},
      {unload + creds_role + "ENCRYPTED KMS_KEY_ID 'k'", "UNLOAD", "KMS_KEY_ID cannot be used with CREDENTIALS"},
      {unload + "IAM_ROLE " + R() + " ENCRYPTED KMS_KEY_ID 'k' MASTER_SYMMETRIC_KEY 'm'", "UNLOAD", "MASTER_SYMMETRIC_KEY cannot be used with KMS_KEY_ID"},
      {unload + "IAM_ROLE " + R() + " ENCRYPTED AUTO KMS_KEY_ID 'k'", "UNLOAD", "KMS_KEY_ID cannot be used with ENCRYPTED AUTO"},
      {unload + "CREDENTIALS 'aws_iam_role=" + kRole + ";master_symmetric_key=m' ENCRYPTED AUTO", "UNLOAD", "ENCRYPTED AUTO cannot be used with master_symmetric_key in CREDENTIALS"},
      {unload + "IAM_ROLE " + R() + " FORMAT PARQUET ENCRYPTED", "UNLOAD", "ENCRYPTED with FORMAT AS PARQUET requires KMS_KEY_ID"},
      {unload + "IAM_ROLE " + R() + " CLEANPATH ALLOWOVERWRITE", "UNLOAD", "ALLOWOVERWRITE cannot be used with CLEANPATH"},
      {"UNLOAD ('select 1') TO 'gs://b/' IAM_ROLE " + R(), "UNLOAD", "UNLOAD destination must be an Amazon S3 path"},
      {unload + "IAM_ROLE " + R() + " GZIP GZIP", "UNLOAD", "conflicting or redundant options"},
  };
}

TEST(SqlAuditErrorKinds, EveryOptionRuleIsARedshiftRejection) {
  for (const RuleCase& c : RuleCases()) {
    const SqlError e = OneError(c.sql);
    EXPECT_EQ(e.kind, SqlErrorKind::kRejected) << c.sql << "\n  " << FormatSqlError(e);
    EXPECT_EQ(e.command, c.command) << c.sql;
    EXPECT_EQ(e.message.rfind(c.message, 0), 0u) << c.sql << "\n  got: " << e.message;
    EXPECT_TRUE(IsRejectedCopyOrUnload(e)) << c.sql;
  }
}

TEST(SqlAuditErrorKinds, WhatRedtrustCannotReadIsASyntaxError) {
  for (const std::string& sql : {
           std::string("COPY t FROM 's3://b/p' IAM_ROLE ") + R() + " FORMATT CSV",
           std::string("COPYY t FROM 's3://b/p'"),
           std::string("COPY t FROM 's3://b/p' IAM_ROLE 'unterminated"),
           std::string("UNLOAD ('select 1') TO 's3://b/' IAM_ROLE ") + R() + " AVRO",
           std::string("COPY t FROM 's3://b/p' IAM_ROLE"),
       }) {
    const SqlError e = OneError(sql);
    EXPECT_EQ(e.kind, SqlErrorKind::kSyntax) << sql << "\n  " << FormatSqlError(e);
    EXPECT_EQ(e.command, "") << sql;
    EXPECT_FALSE(IsRejectedCopyOrUnload(e));
  }
}

TEST(SqlAuditErrorKinds, ASyntaxErrorAfterARejectionWins) {
  // Redshift parses the whole statement before it checks its options: the unreadable word
  // decides, not the space in the chain or the repeated option before it.
  for (const std::string& sql : {
           std::string("COPY t FROM 's3://b/p' IAM_ROLE 'a b' BOGUS CSV"),
           std::string("COPY t FROM 's3://b/p' IAM_ROLE ") + R() + " GZIP GZIP BOGUS",
           std::string("COPY t FROM '/local' IAM_ROLE ") + R() + " BOGUS",
           std::string("UNLOAD ('x') TO 'gs://b/' IAM_ROLE ") + R() + " CREDENTIALS 'x' BOGUS",
       }) {
    const SqlError e = OneError(sql);
    EXPECT_EQ(e.kind, SqlErrorKind::kSyntax) << sql;
    EXPECT_EQ(e.message, "syntax error at or near \"BOGUS\"") << sql;
  }
  const SqlError e = OneError("COPY t FROM 's3://b/p' IAM_ROLE 'a b' FORMATT CSV");
  EXPECT_EQ(e.message, "syntax error at or near \"FORMATT\"");
}

TEST(SqlAuditErrorKinds, TheFirstRejectionIsReported) {
  const SqlError e =
      OneError(std::string("UNLOAD ('x') TO 's3://b/' IAM_ROLE ") + R() +
               " CLEANPATH ALLOWOVERWRITE KMS_KEY_ID 'k' GZIP GZIP");
  // GZIP twice is found while reading, before the rules checked on the whole statement.
  EXPECT_EQ(e.message, "conflicting or redundant options");
  EXPECT_EQ(e.hint, "GZIP is given more than once");
}

TEST(SqlAuditErrorKinds, RedundantUserOptionsAreRejections) {
  const SqlError e = OneError("CREATE USER u PASSWORD 'a' PASSWORD 'b'");
  EXPECT_EQ(e.kind, SqlErrorKind::kRejected);
  EXPECT_EQ(e.command, "CREATE USER");
  EXPECT_FALSE(IsRejectedCopyOrUnload(e));  // not a COPY / UNLOAD: no replay answer
  EXPECT_EQ(OneError("CREATE USER u PASSWORD 'a' PASSWORD 'b' BOGUS").kind, SqlErrorKind::kSyntax);
}

TEST(SqlAuditErrorKinds, ChainLengthIsTheReplaysRuleNotTheParsers) {
  // 60 roles used to be a parser error (ceiling 50); the limit is the world's maxChain (P1).
  std::string chain;
  for (int i = 0; i < 60; ++i) {
    if (i) chain += ",";
    chain += "arn:aws:iam::123456789012:role/R" + std::to_string(i);
  }
  const SqlScript s = ParseSqlScript("COPY t FROM 's3://b/p' IAM_ROLE '" + chain + "'");
  ASSERT_TRUE(s.ok()) << FormatSqlError(s.errors.front());
  EXPECT_EQ(RoleOf(*std::get<CopyStatement>(s.statements[0].statement).authorization)->chain.size(),
            60u);
}

TEST(SqlAuditErrorKinds, CheckRoleChainIsTheParsersRule) {
  std::vector<std::string> chain;
  EXPECT_FALSE(CheckRoleChain(std::string(kRole) + "," + kRole, "IAM_ROLE", &chain));
  EXPECT_EQ(chain.size(), 2u);
  auto p = CheckRoleChain(std::string(kRole) + ", " + kRole, "IAM_ROLE", nullptr);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->offset, std::string(kRole).size() + 1);
  EXPECT_EQ(p->message.rfind("IAM_ROLE must not contain spaces", 0), 0u);
  p = CheckRoleChain("RedshiftRole", "IAM_ROLE", nullptr);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->message, "IAM_ROLE is not an IAM role ARN: `RedshiftRole`");
}

}  // namespace
}  // namespace redtrust::sim

namespace redtrust::sim {
namespace {

TEST(SqlAuditSessionAuthorization, SetLocalParsesAndRoundTrips) {
  for (const std::string sql : {"SET LOCAL SESSION AUTHORIZATION 'Bob'",
                               "set local session authorization default",
                               "RESET SESSION AUTHORIZATION", "SET SESSION AUTHORIZATION bob"}) {
    const SqlScript s = ParseSqlScript(sql);
    ASSERT_TRUE(s.ok()) << sql;
    ASSERT_EQ(s.statements.size(), 1u);
    const auto& a = std::get<SetSessionAuthorization>(s.statements[0].statement);
    EXPECT_EQ(a.local, sql.find("LOCAL") != std::string::npos ||
                           sql.find("local") != std::string::npos)
        << sql;
    const SqlScript again = ParseSqlScript(PrintStatement(s.statements[0].statement));
    ASSERT_TRUE(again.ok()) << PrintStatement(s.statements[0].statement);
    EXPECT_TRUE(again.statements[0].statement == s.statements[0].statement) << sql;
  }
  EXPECT_EQ(std::get<SetSessionAuthorization>(
                ParseSqlScript("set local session authorization 'Bob'").statements[0].statement)
                .user,
            "Bob");
}

}  // namespace
}  // namespace redtrust::sim
