#include "sim/sql/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redtrust::sim {
namespace {

constexpr char kRoleA[] = "arn:aws:iam::123456789012:role/RoleA";
constexpr char kRoleB[] = "arn:aws:iam::210987654321:role/RoleB";
constexpr char kInvalidCredentials[] =
    "Invalid credentials. Must be of the format: credentials 'aws_iam_role=...' or "
    "'aws_access_key_id=...;aws_secret_access_key=...[;token=...]'";
constexpr char kColumnar[] = "COPY from this file format only accepts IAM_ROLE credentials.";

std::string Errors(const SqlScript& s) {
  std::string out;
  for (const SqlError& e : s.errors) out += FormatSqlError(e) + "\n";
  return out;
}

// Parses `sql`, which must hold exactly one statement of type T and no error.
template <typename T>
T ParseOne(std::string_view sql) {
  const SqlScript s = ParseSqlScript(sql);
  EXPECT_TRUE(s.errors.empty()) << Errors(s);
  if (s.statements.size() != 1 || !std::holds_alternative<T>(s.statements[0].statement)) {
    ADD_FAILURE() << "expected one statement of the requested kind in: " << sql;
    return T{};
  }
  return std::get<T>(s.statements[0].statement);
}

// Parses `sql`, which must fail with exactly one error; returns it.
SqlError OneError(std::string_view sql) {
  const SqlScript s = ParseSqlScript(sql);
  EXPECT_TRUE(s.statements.empty()) << "parsed unexpectedly: " << sql;
  if (s.errors.size() != 1) {
    ADD_FAILURE() << "expected one error, got " << s.errors.size() << " in: " << sql << "\n"
                  << Errors(s);
    return SqlError{};
  }
  return s.errors[0];
}

// One error with exactly this message at line:column.
#define EXPECT_SQL_ERROR(sql, msg, ln, col)                        \
  do {                                                             \
    const SqlError e_ = OneError(sql);                             \
    EXPECT_EQ(e_.message, msg) << (sql);                           \
    EXPECT_EQ(e_.pos.line, static_cast<uint32_t>(ln)) << (sql);    \
    EXPECT_EQ(e_.pos.column, static_cast<uint32_t>(col)) << (sql); \
  } while (0)

// parse -> print -> parse gives an equal statement, and printing is a fixed point.
void ExpectRoundTrip(std::string_view sql) {
  const SqlScript first = ParseSqlScript(sql);
  ASSERT_TRUE(first.errors.empty()) << sql << "\n" << Errors(first);
  ASSERT_FALSE(first.statements.empty()) << sql;
  for (const ParsedStatement& p : first.statements) {
    const std::string printed = PrintStatement(p.statement);
    const SqlScript again = ParseSqlScript(printed);
    ASSERT_TRUE(again.errors.empty()) << printed << "\n" << Errors(again);
    ASSERT_EQ(again.statements.size(), 1u) << printed;
    EXPECT_TRUE(again.statements[0].statement == p.statement) << sql << "\nprinted: " << printed;
    EXPECT_EQ(PrintStatement(again.statements[0].statement), printed);
  }
}

// ---------------------------------------------------------------------------------------------
// COPY as people type it (examples from the Redshift developer guide).

TEST(SqlParserCopy, IamRoleDefault) {
  const auto c = ParseOne<CopyStatement>(
      "copy category\nfrom 's3://amzn-s3-demo-bucket/custdata'\niam_role default;");
  EXPECT_EQ(c.table.parts, std::vector<std::string>{"category"});
  EXPECT_EQ(c.from, "s3://amzn-s3-demo-bucket/custdata");
  EXPECT_EQ(c.source, CopySource::kS3);
  ASSERT_TRUE(c.authorization.has_value());
  const IamRole* r = RoleOf(*c.authorization);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->is_default);
  EXPECT_TRUE(r->chain.empty());
  EXPECT_EQ(r->pos.line, 3u);
  EXPECT_EQ(r->pos.column, 1u);
  EXPECT_EQ(r->value_pos.column, 10u);
  EXPECT_FALSE(IsKeyBased(*c.authorization));
}

TEST(SqlParserCopy, RegionBeforeIamRoleAndKeywordsInAnyCase) {
  const auto c = ParseOne<CopyStatement>(
      "CoPy Sales FROM 's3://b/tickit/sales_tab.txt' REGION 'us-east-1' Iam_Role DeFaUlT "
      "delimiter '\\t' timeformat 'MM/DD/YYYY HH:MI:SS'");
  EXPECT_EQ(c.table.parts, std::vector<std::string>{"sales"});
  ASSERT_TRUE(c.region.has_value());
  EXPECT_EQ(*c.region, "us-east-1");
  EXPECT_TRUE(std::get<IamRole>(*c.authorization).is_default);
  const Option* region = FindOption(c.options, "REGION");
  ASSERT_NE(region, nullptr);
  EXPECT_EQ(region->pos.column, 47u);
  EXPECT_EQ(region->args[0].pos.column, 54u);
  const Option* delim = FindOption(c.options, "DELIMITER");
  ASSERT_NE(delim, nullptr);
  EXPECT_EQ(delim->args[0].text, "\\t");  // passed to COPY as written
}

TEST(SqlParserCopy, IamRoleArnAndChain) {
  auto c = ParseOne<CopyStatement>(std::string("copy t from 's3://b/p' iam_role '") + kRoleA + "'");
  auto r = std::get<IamRole>(*c.authorization);
  EXPECT_FALSE(r.is_default);
  EXPECT_EQ(r.raw, kRoleA);
  EXPECT_EQ(r.chain, std::vector<std::string>{kRoleA});

  c = ParseOne<CopyStatement>(std::string("copy t from 's3://b/p' iam_role '") + kRoleA + "," +
                              kRoleB + "'");
  r = std::get<IamRole>(*c.authorization);
  EXPECT_EQ(r.raw, std::string(kRoleA) + "," + kRoleB);
  EXPECT_EQ(r.chain, (std::vector<std::string>{kRoleA, kRoleB}));
}

TEST(SqlParserCopy, DocExampleAccountIdsAreAccepted) {
  // The developer guide's examples use a 13-digit account id; the parser checks the ARN's
  // shape, not the account (the replay simply will not find the role).
  const auto c = ParseOne<CopyStatement>(
      "copy favoritemovies from 'dynamodb://Movies'\n"
      "iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'\nreadratio 50;");
  EXPECT_EQ(c.source, CopySource::kDynamoDb);
  ASSERT_TRUE(c.readratio.has_value());
  EXPECT_EQ(*c.readratio, 50);
}

TEST(SqlParserCopy, CredentialsWithIamRole) {
  const auto c = ParseOne<CopyStatement>(
      std::string("copy venue from 's3://b/venue' with credentials as 'aws_iam_role=") + kRoleA +
      "' csv");
  const auto& cred = std::get<Credentials>(*c.authorization);
  EXPECT_EQ(cred.raw, std::string("aws_iam_role=") + kRoleA);
  ASSERT_TRUE(cred.iam_role.has_value());
  EXPECT_EQ(cred.iam_role->chain, std::vector<std::string>{kRoleA});
  EXPECT_FALSE(cred.keys.has_value());
  EXPECT_EQ(RoleOf(*c.authorization), &*cred.iam_role);
  EXPECT_EQ(cred.pos.column, 37u);  // CREDENTIALS keyword
  EXPECT_EQ(c.format, DataFormat::kCsv);
}

TEST(SqlParserCopy, CredentialsChainAndMasterKey) {
  const auto c = ParseOne<CopyStatement>(std::string("copy t from 's3://b/x' credentials "
                                                     "'aws_iam_role=") +
                                         kRoleA + "," + kRoleB +
                                         ";master_symmetric_key=EXAMPLEKEY' encrypted");
  const auto& cred = std::get<Credentials>(*c.authorization);
  ASSERT_TRUE(cred.iam_role.has_value());
  EXPECT_EQ(cred.iam_role->chain.size(), 2u);
  EXPECT_EQ(cred.master_symmetric_key, "EXAMPLEKEY");
  EXPECT_TRUE(c.encrypted);
}

TEST(SqlParserCopy, CredentialsWithKeysAndToken) {
  const auto c = ParseOne<CopyStatement>(
      "copy t from 's3://b/x' credentials "
      "'aws_access_key_id=AKIAEXAMPLE;aws_secret_access_key=wJalr/K7MDENG+bPxRfiCY=;token=IQoJb3'");
  const auto& cred = std::get<Credentials>(*c.authorization);
  ASSERT_TRUE(cred.keys.has_value());
  EXPECT_EQ(cred.keys->access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(cred.keys->secret_access_key, "wJalr/K7MDENG+bPxRfiCY=");  // '=' inside the value
  EXPECT_EQ(cred.keys->session_token, "IQoJb3");
  EXPECT_TRUE(IsKeyBased(*c.authorization));
  EXPECT_EQ(RoleOf(*c.authorization), nullptr);
}

TEST(SqlParserCopy, AccessKeysWithSessionToken) {
  auto c = ParseOne<CopyStatement>(
      "copy t from 's3://b/x'\naccess_key_id 'AKIA'\nsecret_access_key 'SECRET'\n"
      "session_token 'TOKEN';");
  auto k = std::get<AccessKeys>(*c.authorization);
  EXPECT_EQ(k.access_key_id, "AKIA");
  EXPECT_EQ(k.secret_access_key, "SECRET");
  EXPECT_EQ(k.session_token, "TOKEN");
  EXPECT_EQ(k.pos.line, 2u);

  // DG-PERM's example spells it TOKEN; keys in either order.
  c = ParseOne<CopyStatement>(
      "copy t from 's3://b/x' secret_access_key 'S' token 'T' access_key_id 'A'");
  k = std::get<AccessKeys>(*c.authorization);
  EXPECT_EQ(k.access_key_id, "A");
  EXPECT_EQ(k.session_token, "T");

  c = ParseOne<CopyStatement>("copy t from 's3://b/x' access_key_id 'A' secret_access_key 'S'");
  EXPECT_FALSE(std::get<AccessKeys>(*c.authorization).session_token.has_value());
}

TEST(SqlParserCopy, ManifestAndFormats) {
  auto c = ParseOne<CopyStatement>(
      "copy customer from 's3://b/cust.manifest' iam_role default manifest format as parquet");
  EXPECT_TRUE(c.manifest);
  EXPECT_EQ(c.format, DataFormat::kParquet);
  const Option* f = FindOption(c.options, "FORMAT");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->args[0].text, "PARQUET");

  c = ParseOne<CopyStatement>(
      "copy category from 's3://b/category_object_auto.json' iam_role default json 'auto'");
  EXPECT_EQ(c.format, DataFormat::kJson);
  EXPECT_EQ(c.format_arg, "auto");

  c = ParseOne<CopyStatement>(
      "copy category from 's3://b/c.json' iam_role default format as json "
      "'s3://b/category_jsonpath.json' gzip");
  EXPECT_EQ(c.format, DataFormat::kJson);
  EXPECT_EQ(c.format_arg, "s3://b/category_jsonpath.json");

  c = ParseOne<CopyStatement>("copy t from 's3://b/a' iam_role default format avro 'auto'");
  EXPECT_EQ(c.format, DataFormat::kAvro);
  c = ParseOne<CopyStatement>("copy t from 's3://b/a' iam_role default orc");
  EXPECT_EQ(c.format, DataFormat::kOrc);
  c = ParseOne<CopyStatement>("copy t from 's3://b/a' iam_role default fixedwidth 'a:10,b:5'");
  EXPECT_EQ(c.format, DataFormat::kFixedWidth);
  c = ParseOne<CopyStatement>(
      "copy t from 's3://b/a' iam_role default format as fixedwidth 'a:10'");
  EXPECT_EQ(c.format, DataFormat::kFixedWidth);
  ASSERT_NE(FindOption(c.options, "FIXEDWIDTH"), nullptr);
  c = ParseOne<CopyStatement>(
      "copy t from 's3://b/a' iam_role default format shapefile simplify auto 1.1");
  EXPECT_EQ(c.format, DataFormat::kShapefile);
  c = ParseOne<CopyStatement>("copy t from 's3://b/a' iam_role default csv quote as '%'");
  EXPECT_EQ(c.format, DataFormat::kCsv);
  ASSERT_NE(FindOption(c.options, "QUOTE"), nullptr);
  c = ParseOne<CopyStatement>("copy t from 's3://b/a' iam_role default");
  EXPECT_EQ(c.format, DataFormat::kText);
}

TEST(SqlParserCopy, CommonDataOptions) {
  const auto c = ParseOne<CopyStatement>(R"(
    copy public.sales (salesid, "ListID", sellerid)
    from 's3://b/tickit/sales_tab.txt'
    iam_role default
    delimiter as '|' ignoreheader 1 gzip dateformat 'auto' timeformat as 'epochsecs'
    null as '\N' acceptinvchars '^' maxerror as 250 truncatecolumns blanksasnull emptyasnull
    compupdate off statupdate on removequotes escape encoding as utf8 acceptanydate
    explicit_ids fillrecord ignoreblanklines trimblanks roundec comprows 100000 noload
    bzip2 zstd lzop;
  )");
  EXPECT_EQ(c.table.parts, (std::vector<std::string>{"public", "sales"}));
  EXPECT_EQ(c.columns, (std::vector<std::string>{"salesid", "ListID", "sellerid"}));
  EXPECT_EQ(c.options.size(), 27u);
  const Option* null_as = FindOption(c.options, "NULL");
  ASSERT_NE(null_as, nullptr);
  EXPECT_EQ(null_as->args[0].text, "\\N");
  const Option* compupdate = FindOption(c.options, "COMPUPDATE");
  ASSERT_NE(compupdate, nullptr);
  EXPECT_EQ(compupdate->args[0].text, "OFF");
  const Option* encoding = FindOption(c.options, "ENCODING");
  ASSERT_NE(encoding, nullptr);
  EXPECT_EQ(encoding->args[0].text, "UTF8");
}

TEST(SqlParserCopy, QualifiedAndQuotedTableNames) {
  auto c = ParseOne<CopyStatement>("copy dev.\"MySchema\".T from 's3://b' iam_role default");
  EXPECT_EQ(c.table.parts, (std::vector<std::string>{"dev", "MySchema", "t"}));
  EXPECT_EQ(c.table.ToString(), "dev.MySchema.t");
}

TEST(SqlParserCopy, SourceKinds) {
  auto c = ParseOne<CopyStatement>(
      "copy sales from 'emr://j-SAMPLE2B500FC/myoutput/part-*' iam_role default delimiter '\\t'");
  EXPECT_EQ(c.source, CopySource::kEmr);
  c = ParseOne<CopyStatement>("copy sales from 's3://b/ssh_manifest' iam_role default ssh");
  EXPECT_EQ(c.source, CopySource::kSshManifest);
  EXPECT_TRUE(c.ssh);
  EXPECT_STREQ(CopySourceName(c.source), "ssh-manifest");
}

TEST(SqlParserCopy, ClientSideEncryptedCopy) {
  const auto c = ParseOne<CopyStatement>(
      "copy t from 's3://b/enc' iam_role default master_symmetric_key 'EXAMPLEKEY' encrypted "
      "delimiter '|'");
  EXPECT_TRUE(c.encrypted);
  EXPECT_EQ(c.master_symmetric_key, "EXAMPLEKEY");
}

TEST(SqlParserCopy, JobCreate) {
  const auto c =
      ParseOne<CopyStatement>("copy t from 's3://b/p/' iam_role default job create my_job auto on");
  const Option* job = FindOption(c.options, "JOB CREATE");
  ASSERT_NE(job, nullptr);
  ASSERT_EQ(job->args.size(), 3u);
  EXPECT_EQ(job->args[0].kind, OptionArg::Kind::kIdentifier);
  EXPECT_EQ(job->args[0].text, "my_job");
}

TEST(SqlParserCopy, CommentsEverywhere) {
  const auto c = ParseOne<CopyStatement>(
      "-- load\ncopy /* target */ t -- the table\nfrom 's3://b/x' /* src */ iam_role default; "
      "-- done");
  EXPECT_EQ(c.from, "s3://b/x");
}

// ---------------------------------------------------------------------------------------------
// UNLOAD

TEST(SqlParserUnload, DocExampleWithDoubledQuotes) {
  const auto u = ParseOne<UnloadStatement>(
      "unload ('select * from venue where venuestate=''NV''')\n"
      "to 's3://amzn-s3-demo-bucket/unload/'\n"
      "iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'\n"
      "allowoverwrite parallel off encrypted kms_key_id '1234abcd-12ab-34cd-56ef-1234567890ab';");
  EXPECT_EQ(u.query, "select * from venue where venuestate='NV'");
  EXPECT_EQ(u.to, "s3://amzn-s3-demo-bucket/unload/");
  EXPECT_TRUE(u.allow_overwrite);
  EXPECT_FALSE(u.clean_path);
  EXPECT_FALSE(u.parallel);
  EXPECT_TRUE(u.encrypted);
  EXPECT_FALSE(u.encrypted_auto);
  EXPECT_EQ(u.kms_key_id, "1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(u.query_pos.line, 1u);
  EXPECT_EQ(u.query_pos.column, 9u);
  EXPECT_EQ(u.to_pos.line, 2u);
}

TEST(SqlParserUnload, BackslashEscapes) {
  const auto u = ParseOne<UnloadStatement>(
      "unload ('select * from venue where venuestate=\\'OH\\' ') to 's3://b/venue_' "
      "iam_role default");
  EXPECT_EQ(u.query, "select * from venue where venuestate='OH' ");
}

TEST(SqlParserUnload, Options) {
  const auto u = ParseOne<UnloadStatement>(
      "UNLOAD ('select * from lineitem') TO 's3://b/lineitem/' IAM_ROLE default "
      "FORMAT AS PARQUET PARTITION BY (l_shipdate, \"Mode\") INCLUDE CLEANPATH "
      "MANIFEST VERBOSE MAXFILESIZE AS 100 MB ROWGROUPSIZE 128 mb REGION 'us-east-1' "
      "EXTENSION 'parquet' PARALLEL TRUE");
  EXPECT_EQ(u.format, DataFormat::kParquet);
  EXPECT_EQ(u.partition_by, (std::vector<std::string>{"l_shipdate", "Mode"}));
  EXPECT_TRUE(u.partition_include);
  EXPECT_TRUE(u.clean_path);
  EXPECT_TRUE(u.manifest);
  EXPECT_TRUE(u.manifest_verbose);
  EXPECT_TRUE(u.parallel);
  EXPECT_EQ(u.region, "us-east-1");
  EXPECT_EQ(u.extension, "parquet");
  const Option* size = FindOption(u.options, "MAXFILESIZE");
  ASSERT_NE(size, nullptr);
  ASSERT_EQ(size->args.size(), 2u);
  EXPECT_EQ(size->args[0].text, "100");
  EXPECT_EQ(size->args[1].text, "MB");
}

TEST(SqlParserUnload, TextOptions) {
  const auto u = ParseOne<UnloadStatement>(
      "unload ('select 1') to 's3://b/p' iam_role default csv delimiter as ',' header "
      "null as 'NULL' addquotes escape gzip encrypted auto parallel");
  EXPECT_EQ(u.format, DataFormat::kCsv);
  EXPECT_TRUE(u.encrypted_auto);
  EXPECT_TRUE(u.parallel);
}

TEST(SqlParserUnload, DollarQuotedQuery) {
  const auto u = ParseOne<UnloadStatement>(
      "unload ($$select * from t where s = 'x'; -- not a comment$$) to 's3://b/p' "
      "iam_role default");
  EXPECT_EQ(u.query, "select * from t where s = 'x'; -- not a comment");
}

// ---------------------------------------------------------------------------------------------
// ASSUMEROLE grants (rule RS-GRANT)

TEST(SqlParserAssumeRole, SeparateRolesVersusChain) {
  auto g = ParseOne<GrantAssumeRole>(std::string("grant assumerole on '") + kRoleA + "','" +
                                     kRoleB + "' to reg_user1 for copy, unload");
  EXPECT_FALSE(g.revoke);
  ASSERT_EQ(g.objects.size(), 2u);
  EXPECT_EQ(g.objects[0].kind, AssumeRoleObject::Kind::kRole);
  EXPECT_EQ(g.objects[0].role, kRoleA);
  EXPECT_EQ(g.objects[1].role, kRoleB);
  EXPECT_EQ(g.commands,
            (std::set<AssumeRoleCommand>{AssumeRoleCommand::kCopy, AssumeRoleCommand::kUnload}));

  g = ParseOne<GrantAssumeRole>(std::string("grant assumerole on '") + kRoleA + "," + kRoleB +
                                "' to reg_user1 for copy");
  ASSERT_EQ(g.objects.size(), 1u);
  EXPECT_EQ(g.objects[0].role, std::string(kRoleA) + "," + kRoleB);  // one chain object
}

TEST(SqlParserAssumeRole, ObjectsKeptExactlyAsWritten) {
  // Not validated or normalised: the grant matches only the identical string.
  const auto g = ParseOne<GrantAssumeRole>(
      "GRANT ASSUMEROLE ON 'ARN:aws:iam::123456789012:role/X ', 'it''s' TO u FOR COPY");
  EXPECT_EQ(g.objects[0].role, "ARN:aws:iam::123456789012:role/X ");
  EXPECT_EQ(g.objects[1].role, "it's");
}

TEST(SqlParserAssumeRole, GranteesAndCommands) {
  const auto g = ParseOne<GrantAssumeRole>(
      "grant assumerole on default to \"Bob\", group analysts, role etl, public "
      "for external function, create model");
  ASSERT_EQ(g.objects.size(), 1u);
  EXPECT_EQ(g.objects[0].kind, AssumeRoleObject::Kind::kDefault);
  ASSERT_EQ(g.grantees.size(), 4u);
  EXPECT_EQ(g.grantees[0].kind, Grantee::Kind::kUser);
  EXPECT_EQ(g.grantees[0].name, "Bob");
  EXPECT_EQ(g.grantees[1].kind, Grantee::Kind::kGroup);
  EXPECT_EQ(g.grantees[1].name, "analysts");
  EXPECT_EQ(g.grantees[2].kind, Grantee::Kind::kRole);
  EXPECT_EQ(g.grantees[3].kind, Grantee::Kind::kPublic);
  EXPECT_EQ(g.commands, (std::set<AssumeRoleCommand>{AssumeRoleCommand::kExternalFunction,
                                                     AssumeRoleCommand::kCreateModel}));
}

TEST(SqlParserAssumeRole, RevokeFromPublicForAll) {
  const auto g = ParseOne<GrantAssumeRole>("revoke assumerole on all from public for all;");
  EXPECT_TRUE(g.revoke);
  ASSERT_EQ(g.objects.size(), 1u);
  EXPECT_EQ(g.objects[0].kind, AssumeRoleObject::Kind::kAll);
  ASSERT_EQ(g.grantees.size(), 1u);
  EXPECT_EQ(g.grantees[0].kind, Grantee::Kind::kPublic);
  EXPECT_EQ(g.commands.size(), 4u);
  EXPECT_EQ(StatementKindName(SqlStatement(g)), "REVOKE ASSUMEROLE");
}

TEST(SqlParserAssumeRole, Errors) {
  EXPECT_SQL_ERROR("grant assumerole on 'a' to u", "syntax error at end of input", 1, 29);
  EXPECT_SQL_ERROR("grant assumerole on 'a' to u for select", "syntax error at or near \"select\"",
                   1, 34);
  EXPECT_SQL_ERROR("grant assumerole on all, 'a' to u for copy", "syntax error at or near \",\"", 1,
                   24);
  EXPECT_SQL_ERROR("grant assumerole on 'a' from u for copy", "syntax error at or near \"from\"", 1,
                   25);
  EXPECT_SQL_ERROR("grant assumerole on 'a' to user for copy", "syntax error at or near \"user\"",
                   1, 28);
}

// ---------------------------------------------------------------------------------------------
// Users, groups, roles

TEST(SqlParserUsers, QuotedNameKeepsCaseUnquotedFolds) {
  auto u = ParseOne<CreateUser>("CREATE USER \"Alice\" PASSWORD 'abcD1234' CREATEUSER");
  EXPECT_EQ(u.name, "Alice");
  EXPECT_TRUE(u.superuser());
  EXPECT_EQ(u.password, "abcD1234");
  EXPECT_EQ(u.name_pos.column, 13u);

  u = ParseOne<CreateUser>("create user Alice with password disable nocreateuser");
  EXPECT_EQ(u.name, "alice");
  EXPECT_FALSE(u.superuser());
  EXPECT_EQ(u.createuser, false);
  EXPECT_TRUE(u.password_disabled);

  u = ParseOne<CreateUser>("create user bob");
  EXPECT_FALSE(u.createuser.has_value());
  EXPECT_FALSE(u.superuser());
}

TEST(SqlParserUsers, CreateUserOptions) {
  const auto u = ParseOne<CreateUser>(
      "create user dbuser with password 'md5abc' createdb in group admins, \"Dev Ops\" "
      "syslog access unrestricted valid until '2030-01-01' connection limit 30 "
      "session timeout 120 externalid 'ABC123'");
  EXPECT_EQ(u.createdb, true);
  EXPECT_EQ(u.groups, (std::vector<std::string>{"admins", "Dev Ops"}));
  EXPECT_EQ(u.syslog_access, "UNRESTRICTED");
  EXPECT_EQ(u.valid_until, "2030-01-01");
  EXPECT_EQ(u.connection_limit, "30");
  EXPECT_EQ(u.session_timeout, 120);
  EXPECT_EQ(u.external_id, "ABC123");
}

TEST(SqlParserUsers, CreateUserErrors) {
  EXPECT_SQL_ERROR("create user a createuser nocreateuser", "conflicting or redundant options", 1,
                   26);
  EXPECT_SQL_ERROR("create user a password 'x' password disable",
                   "conflicting or redundant options", 1, 28);
  EXPECT_SQL_ERROR("create user a superuser", "syntax error at or near \"superuser\"", 1, 15);
  EXPECT_SQL_ERROR("create user user", "syntax error at or near \"user\"", 1, 13);
}

TEST(SqlParserUsers, AlterUser) {
  auto a = ParseOne<AlterUser>("alter user bob createuser");
  EXPECT_EQ(a.name, "bob");
  EXPECT_EQ(a.createuser, true);
  a = ParseOne<AlterUser>("ALTER USER \"Bob\" WITH NOCREATEUSER CREATEDB PASSWORD DISABLE");
  EXPECT_EQ(a.name, "Bob");
  EXPECT_EQ(a.createuser, false);
  EXPECT_EQ(a.createdb, true);
  a = ParseOne<AlterUser>("alter user bob rename to robert");
  EXPECT_EQ(a.rename_to, "robert");
  a = ParseOne<AlterUser>("alter user bob reset session timeout");
  EXPECT_TRUE(a.reset_session_timeout);
  // Session defaults are not modelled: another statement, not an error.
  const auto o = ParseOne<OtherStatement>("alter user bob set search_path to '$user', public");
  EXPECT_EQ(o.keyword, "ALTER USER");
  EXPECT_SQL_ERROR("alter user bob", "syntax error at end of input", 1, 15);
}

TEST(SqlParserUsers, DropUser) {
  auto d = ParseOne<DropUser>("drop user if exists a, \"B\"");
  EXPECT_TRUE(d.if_exists);
  EXPECT_EQ(d.names, (std::vector<std::string>{"a", "B"}));
  d = ParseOne<DropUser>("DROP USER x");
  EXPECT_FALSE(d.if_exists);
}

TEST(SqlParserUsers, Groups) {
  auto g = ParseOne<CreateGroup>("create group analysts with user Alice, \"Bob\"");
  EXPECT_EQ(g.name, "analysts");
  EXPECT_EQ(g.users, (std::vector<std::string>{"alice", "Bob"}));
  g = ParseOne<CreateGroup>("create group empty_group");
  EXPECT_TRUE(g.users.empty());
  g = ParseOne<CreateGroup>("create group g user a");
  EXPECT_EQ(g.users, std::vector<std::string>{"a"});

  auto a = ParseOne<AlterGroup>("alter group analysts add user carol, dave");
  EXPECT_FALSE(a.drop);
  EXPECT_EQ(a.users, (std::vector<std::string>{"carol", "dave"}));
  a = ParseOne<AlterGroup>("ALTER GROUP analysts DROP USER carol");
  EXPECT_TRUE(a.drop);
  EXPECT_EQ(ParseOne<OtherStatement>("alter group a rename to b").keyword, "ALTER GROUP");
  EXPECT_SQL_ERROR("alter group a remove user b", "syntax error at or near \"remove\"", 1, 15);
}

TEST(SqlParserUsers, RbacRoles) {
  auto c = ParseOne<CreateRole>("create role etl externalid 'x1'");
  EXPECT_EQ(c.name, "etl");
  EXPECT_EQ(c.external_id, "x1");

  auto g = ParseOne<GrantRole>("grant role etl to alice, role admin");
  EXPECT_EQ(g.roles, std::vector<std::string>{"etl"});
  ASSERT_EQ(g.grantees.size(), 2u);
  EXPECT_EQ(g.grantees[0].kind, Grantee::Kind::kUser);
  EXPECT_EQ(g.grantees[1].kind, Grantee::Kind::kRole);
  EXPECT_FALSE(g.with_admin_option);

  g = ParseOne<GrantRole>("GRANT ROLE sys:dba, ROLE etl TO bob WITH ADMIN OPTION");
  EXPECT_EQ(g.roles, (std::vector<std::string>{"sys:dba", "etl"}));
  EXPECT_TRUE(g.with_admin_option);

  auto r = ParseOne<RevokeRole>("revoke role etl from alice, role admin");
  EXPECT_EQ(r.roles, std::vector<std::string>{"etl"});
  EXPECT_FALSE(r.admin_option_only);
  r = ParseOne<RevokeRole>("revoke admin option for role etl from alice");
  EXPECT_TRUE(r.admin_option_only);

  EXPECT_SQL_ERROR("grant role etl to group g", "syntax error at or near \"group\"", 1, 19);
}

TEST(SqlParserUsers, SessionAuthorization) {
  auto s = ParseOne<SetSessionAuthorization>("set session authorization 'Bob'");
  EXPECT_EQ(s.user, "Bob");
  EXPECT_FALSE(s.is_default);
  s = ParseOne<SetSessionAuthorization>("SET SESSION AUTHORIZATION Bob");
  EXPECT_EQ(s.user, "bob");
  s = ParseOne<SetSessionAuthorization>("set session authorization default");
  EXPECT_TRUE(s.is_default);
  s = ParseOne<SetSessionAuthorization>("reset session authorization");
  EXPECT_TRUE(s.is_default);
  EXPECT_EQ(ParseOne<OtherStatement>("set search_path to public").keyword, "SET");
}

// ---------------------------------------------------------------------------------------------
// Other statements

TEST(SqlParserOther, OtherStatementsAreNotErrors) {
  const SqlScript s = ParseSqlScript(
      "select * from venue where venuestate = 'NV';\n"
      "CREATE TABLE t (a int, b varchar(10));\n"
      "insert into t values (1, 'x;y');\n"
      "(select 1);\n"
      "begin; commit;\n"
      "copy job list;\n"
      "create function f() returns int as $$ select 1; $$ language sql;\n");
  EXPECT_TRUE(s.errors.empty()) << Errors(s);
  ASSERT_EQ(s.statements.size(), 8u);
  std::vector<std::string> kinds;
  for (const auto& p : s.statements) kinds.push_back(StatementKindName(p.statement));
  EXPECT_EQ(kinds, (std::vector<std::string>{"SELECT", "CREATE TABLE", "INSERT", "SELECT", "BEGIN",
                                             "COMMIT", "COPY JOB", "CREATE FUNCTION"}));
}

TEST(SqlParserOther, UnknownCommandIsAnError) {
  EXPECT_SQL_ERROR("COPYY t from 's3://b' iam_role default", "syntax error at or near \"COPYY\"", 1,
                   1);
  EXPECT_SQL_ERROR("'just a string'", "syntax error at or near \"'just a string'\"", 1, 1);
}

// ---------------------------------------------------------------------------------------------
// Option-combination errors, each with its line:column. The conflict message points at the
// option written later.

TEST(SqlParserErrors, AuthorizationConflicts) {
  const std::string role = std::string("'") + kRoleA + "'";
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default\ncredentials 'aws_iam_role=" +
                       std::string(kRoleA) + "'",
                   "CREDENTIALS cannot be used with IAM_ROLE", 2, 1);
  EXPECT_SQL_ERROR("copy t from 's3://b' credentials 'aws_iam_role=" + std::string(kRoleA) +
                       "' iam_role default",
                   "IAM_ROLE cannot be used with CREDENTIALS", 1, 86);
  EXPECT_SQL_ERROR("copy t from 's3://b' with credentials 'x' iam_role default",
                   kInvalidCredentials, 1, 39);  // the literal is checked first
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role " + role + " access_key_id 'A'",
                   "ACCESS_KEY_ID cannot be used with IAM_ROLE", 1, 70);
  EXPECT_SQL_ERROR("copy t from 's3://b' secret_access_key 'S' iam_role default",
                   "IAM_ROLE cannot be used with SECRET_ACCESS_KEY", 1, 44);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default session_token 'T'",
                   "SESSION_TOKEN cannot be used with IAM_ROLE", 1, 39);
  EXPECT_SQL_ERROR(
      "unload ('x') to 's3://b/' credentials 'aws_iam_role=" + std::string(kRoleA) + "' token 'T'",
      "TOKEN cannot be used with CREDENTIALS", 1, 91);
  EXPECT_SQL_ERROR(
      "copy t from 's3://b' access_key_id 'A' secret_access_key 'S'\n"
      "  credentials 'aws_access_key_id=A;aws_secret_access_key=S'",
      "CREDENTIALS cannot be used with ACCESS_KEY_ID", 2, 3);
}

TEST(SqlParserErrors, IncompleteOrMissingAuthorization) {
  EXPECT_SQL_ERROR("copy t from 's3://b' session_token 'T'", "SESSION_TOKEN requires ACCESS_KEY_ID",
                   1, 22);
  EXPECT_SQL_ERROR("copy t from 's3://b' secret_access_key 'S' session_token 'T'",
                   "SECRET_ACCESS_KEY requires ACCESS_KEY_ID", 1, 22);
  EXPECT_SQL_ERROR("copy t from 's3://b'\n  access_key_id 'A' session_token 'T'",
                   "ACCESS_KEY_ID requires SECRET_ACCESS_KEY", 2, 3);
  EXPECT_SQL_ERROR(
      "copy t from 's3://b' csv",
      "COPY requires authorization: IAM_ROLE, CREDENTIALS, or ACCESS_KEY_ID and SECRET_ACCESS_KEY",
      1, 1);
  EXPECT_SQL_ERROR("\n  unload ('select 1') to 's3://b/'",
                   "UNLOAD requires authorization: IAM_ROLE, CREDENTIALS, or ACCESS_KEY_ID and "
                   "SECRET_ACCESS_KEY",
                   2, 3);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default iam_role default",
                   "conflicting or redundant options", 1, 39);
  EXPECT_SQL_ERROR("copy t from 's3://b' access_key_id 'A' session_token 'T' token 'U'",
                   "conflicting or redundant options", 1, 58);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role", "syntax error at end of input", 1, 30);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role 42", "syntax error at or near \"42\"", 1, 31);
  EXPECT_SQL_ERROR("copy t from 's3://b' with iam_role default",
                   "syntax error at or near \"iam_role\"", 1, 27);
}

TEST(SqlParserErrors, InvalidCredentialsStrings) {
  const std::string prefix = "copy t from 's3://b' credentials ";
  const char* bad[] = {
      "''",
      "'aws_iam_role='",
      "'aws_iam_role = arn:aws:iam::123456789012:role/A'",
      "'AWS_IAM_ROLE=arn:aws:iam::123456789012:role/A'",  // keys are case-sensitive
      "'aws_access_key_id=A'",
      "'aws_secret_access_key=S'",
      "'aws_access_key_id=A;aws_secret_access_key=S;aws_iam_role=arn:aws:iam::1:role/A'",
      "'aws_access_key_id=A;aws_access_key_id=B;aws_secret_access_key=S'",
      "'token=T'",
      "'master_symmetric_key=K'",
      "'aws_iam_role=arn:aws:iam::1:role/A;token=T'",
      "'session_token=T;aws_access_key_id=A;aws_secret_access_key=S'",
      "'aws_access_key_id=A;;aws_secret_access_key=S'",
      "'garbage'",
  };
  for (const char* b : bad) {
    const SqlError e = OneError(prefix + b);
    EXPECT_EQ(e.message, kInvalidCredentials) << b;
    EXPECT_EQ(e.pos.column, 34u) << b;  // the literal
  }
  // A single trailing ';' is tolerated.
  ParseOne<CopyStatement>(prefix + "'aws_access_key_id=A;aws_secret_access_key=S;'");
}

TEST(SqlParserErrors, ColumnarFormatsNeedIamRole) {
  EXPECT_SQL_ERROR(
      "copy t from 's3://b' access_key_id 'A' secret_access_key 'S'\nformat as parquet", kColumnar,
      2, 1);
  EXPECT_SQL_ERROR(
      "copy t from 's3://b' orc\ncredentials "
      "'aws_access_key_id=A;aws_secret_access_key=S'",
      kColumnar, 2, 1);
  ParseOne<CopyStatement>(std::string("copy t from 's3://b' credentials 'aws_iam_role=") + kRoleA +
                          "' parquet");
  ParseOne<CopyStatement>("copy t from 's3://b' access_key_id 'A' secret_access_key 'S' csv");
  // REGION is not a columnar COPY parameter (proposed rule, DG-COLUMNAR).
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default parquet region 'us-east-1'",
                   "REGION cannot be used with FORMAT AS PARQUET", 1, 47);
}

TEST(SqlParserErrors, RoleChains) {
  const std::string a = kRoleA;
  const std::string b = kRoleB;
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role '" + a + ", " + b + "'",
                   "IAM_ROLE must not contain spaces; write a role chain as 'arn1,arn2' with no "
                   "space after the comma",
                   1, 69);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role ' " + a + "'",
                   "IAM_ROLE must not contain spaces; write a role chain as 'arn1,arn2' with no "
                   "space after the comma",
                   1, 32);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role '" + a + ",arn:aws:iam::123456789012:user/u'",
                   "role 2 of the IAM_ROLE chain is not an IAM role ARN: "
                   "`arn:aws:iam::123456789012:user/u`",
                   1, 69);  // points at the second ARN inside the literal
  const SqlError quoted_default = OneError("copy t from 's3://b' iam_role 'default'");
  EXPECT_EQ(quoted_default.message, "IAM_ROLE is not an IAM role ARN: `default`");
  EXPECT_EQ(quoted_default.hint,
            "write IAM_ROLE default without quotes to use the cluster's default role");
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role 'MyRedshiftRole'",
                   "IAM_ROLE is not an IAM role ARN: `MyRedshiftRole`", 1, 32);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role ''", "IAM_ROLE is not an IAM role ARN: (empty)",
                   1, 32);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role '" + a + ",'",
                   "role 2 of the IAM_ROLE chain is not an IAM role ARN: (empty)", 1, 69);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role 'arn:aws:s3:::bucket'",
                   "IAM_ROLE is not an IAM role ARN: `arn:aws:s3:::bucket`", 1, 32);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role 'arn:aws:iam::12345678901x:role/R'",
                   "IAM_ROLE is not an IAM role ARN: `arn:aws:iam::12345678901x:role/R`", 1, 32);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role 'arn:aws:iam::123456789012:role/'",
                   "IAM_ROLE is not an IAM role ARN: `arn:aws:iam::123456789012:role/`", 1, 32);
  EXPECT_SQL_ERROR("copy t from 's3://b' credentials 'aws_iam_role=" + a + ",nope'",
                   "role 2 of the aws_iam_role chain is not an IAM role ARN: `nope`", 1, 85);

  // Any number of roles parses: the chain's length is the world's maxChain (default 10),
  // checked by the replay at P1 (issue 12 removed the parser's old ceiling of 50).
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += (i ? "," : "") + std::string(kRoleA);
  const auto c = ParseOne<CopyStatement>("copy t from 's3://b' iam_role '" + fifty + "'");
  EXPECT_EQ(std::get<IamRole>(*c.authorization).chain.size(), 50u);
  const auto c51 =
      ParseOne<CopyStatement>("copy t from 's3://b' iam_role '" + fifty + "," + kRoleB + "'");
  EXPECT_EQ(std::get<IamRole>(*c51.authorization).chain.size(), 51u);

  // Partitions and role paths.
  ParseOne<CopyStatement>(
      "copy t from 's3://b' iam_role 'arn:aws-cn:iam::123456789012:role/path/to/R+=.@_-1'");
  ParseOne<CopyStatement>(
      "copy t from 's3://b' iam_role 'arn:aws-us-gov:iam::123456789012:role/R'");
}

TEST(SqlParserErrors, EncryptionRules) {
  // UNLOAD, rule RS-OPTS.
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' iam_role default kms_key_id 'k'",
                   "KMS_KEY_ID requires ENCRYPTED", 1, 44);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' iam_role default\n master_symmetric_key 'k'",
                   "MASTER_SYMMETRIC_KEY requires ENCRYPTED", 2, 2);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' credentials 'aws_iam_role=" + std::string(kRoleA) +
                       "' encrypted kms_key_id 'k'",
                   "KMS_KEY_ID cannot be used with CREDENTIALS", 1, 101);
  EXPECT_SQL_ERROR(
      "unload ('x') to 's3://b/' encrypted master_symmetric_key 'k'\n"
      "credentials 'aws_access_key_id=A;aws_secret_access_key=S'",
      "CREDENTIALS cannot be used with MASTER_SYMMETRIC_KEY", 2, 1);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' iam_role default encrypted auto kms_key_id 'k'",
                   "KMS_KEY_ID cannot be used with ENCRYPTED AUTO", 1, 59);
  EXPECT_SQL_ERROR(
      "unload ('x') to 's3://b/' iam_role default master_symmetric_key 'k' encrypted auto",
      "ENCRYPTED AUTO cannot be used with MASTER_SYMMETRIC_KEY", 1, 69);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' encrypted auto credentials 'aws_iam_role=" +
                       std::string(kRoleA) + ";master_symmetric_key=k'",
                   "master_symmetric_key in CREDENTIALS cannot be used with ENCRYPTED AUTO", 1, 42);
  EXPECT_SQL_ERROR(
      "unload ('x') to 's3://b/' iam_role default encrypted kms_key_id 'k' "
      "master_symmetric_key 'm'",
      "MASTER_SYMMETRIC_KEY cannot be used with KMS_KEY_ID", 1, 69);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' iam_role default format parquet encrypted",
                   "ENCRYPTED with FORMAT AS PARQUET requires KMS_KEY_ID (Parquet files can only "
                   "be encrypted with SSE-KMS)",
                   1, 59);
  ParseOne<UnloadStatement>(
      "unload ('x') to 's3://b/' iam_role default format parquet encrypted kms_key_id 'k'");
  ParseOne<UnloadStatement>("unload ('x') to 's3://b/' iam_role default encrypted");
  ParseOne<UnloadStatement>("unload ('x') to 's3://b/' credentials 'aws_iam_role=" +
                            std::string(kRoleA) + ";master_symmetric_key=k' encrypted");

  // COPY (DG-S3SRC).
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default encrypted",
                   "ENCRYPTED requires MASTER_SYMMETRIC_KEY or master_symmetric_key in "
                   "CREDENTIALS",
                   1, 39);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default master_symmetric_key 'k'",
                   "MASTER_SYMMETRIC_KEY requires ENCRYPTED", 1, 39);
  EXPECT_SQL_ERROR(
      "copy t from 's3://b' encrypted master_symmetric_key 'k' credentials "
      "'aws_access_key_id=A;aws_secret_access_key=S'",
      "CREDENTIALS cannot be used with MASTER_SYMMETRIC_KEY", 1, 57);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default kms_key_id 'k'",
                   "syntax error at or near \"kms_key_id\"", 1, 39);  // not a COPY parameter
}

TEST(SqlParserErrors, CleanpathAndAllowoverwrite) {
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' iam_role default cleanpath\n  allowoverwrite",
                   "ALLOWOVERWRITE cannot be used with CLEANPATH", 2, 3);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' allowoverwrite iam_role default cleanpath",
                   "CLEANPATH cannot be used with ALLOWOVERWRITE", 1, 59);
}

TEST(SqlParserErrors, SourceRules) {
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default readratio 50",
                   "READRATIO is only supported for COPY from Amazon DynamoDB", 1, 39);
  EXPECT_SQL_ERROR("copy t from 'dynamodb://Movies' iam_role default",
                   "COPY from Amazon DynamoDB requires READRATIO", 1, 13);
  EXPECT_SQL_ERROR("copy t from 'dynamodb://Movies' iam_role default readratio 50 manifest",
                   "MANIFEST is not supported for COPY from Amazon DynamoDB", 1, 63);
  EXPECT_SQL_ERROR("copy t from 'dynamodb://Movies' iam_role default readratio 50 csv",
                   "FORMAT AS CSV is not supported for COPY from Amazon DynamoDB", 1, 63);
  EXPECT_SQL_ERROR("copy t from 'dynamodb://M' readratio 1.5 iam_role default",
                   "READRATIO must be a positive whole number (a percentage)", 1, 38);
  EXPECT_SQL_ERROR("copy t from 'emr://j-1/p' iam_role default region 'us-east-1'",
                   "REGION is not supported for COPY from Amazon EMR", 1, 44);
  EXPECT_SQL_ERROR("copy t from 'emr://j-1/p' iam_role default encrypted",
                   "ENCRYPTED is not supported for COPY from Amazon EMR", 1, 44);
  EXPECT_SQL_ERROR("copy t from 'dynamodb://M' iam_role default readratio 5 ssh",
                   "SSH requires FROM to name an SSH manifest in Amazon S3 ('s3://...')", 1, 57);
  EXPECT_SQL_ERROR("copy t from 's3://b/ssh' iam_role default ssh readratio 5",
                   "READRATIO is only supported for COPY from Amazon DynamoDB", 1, 47);
  EXPECT_SQL_ERROR("copy t\nfrom '/home/me/data.csv' iam_role default",
                   "LOAD source is not supported: FROM must name an Amazon S3 path ('s3://...'), "
                   "a DynamoDB table ('dynamodb://...') or an Amazon EMR cluster ('emr://...')",
                   2, 6);
  EXPECT_SQL_ERROR("unload ('x') to 'file:///tmp/x' iam_role default",
                   "UNLOAD destination must be an Amazon S3 path ('s3://bucket/prefix')", 1, 17);
}

TEST(SqlParserErrors, RepeatedAndConflictingOptions) {
  const SqlError e = OneError("copy t from 's3://b' iam_role default region 'a' region 'b'");
  EXPECT_EQ(e.message, "conflicting or redundant options");
  EXPECT_EQ(e.hint, "REGION is given more than once");
  EXPECT_EQ(e.pos.column, 50u);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default csv json 'auto'",
                   "JSON cannot be used with CSV", 1, 43);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default fixedwidth 'a:1' format as csv",
                   "CSV cannot be used with FIXEDWIDTH", 1, 56);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default csv format csv",
                   "conflicting or redundant options", 1, 43);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' iam_role default format as avro",
                   "syntax error at or near \"avro\"", 1, 54);
  EXPECT_SQL_ERROR("unload ('x') to 's3://b/' iam_role default parallel off parallel on",
                   "conflicting or redundant options", 1, 57);
}

TEST(SqlParserErrors, SyntaxErrorsCarryPositions) {
  EXPECT_SQL_ERROR("copy t\nfrom 's3://b' iam_role default\n  FORM CSV",
                   "syntax error at or near \"FORM\"", 3, 3);
  EXPECT_SQL_ERROR("copy t 's3://b' iam_role default", "syntax error at or near \"'s3://b'\"", 1,
                   8);
  EXPECT_SQL_ERROR("copy t from s3 iam_role default", "syntax error at or near \"s3\"", 1, 13);
  EXPECT_SQL_ERROR("unload 'select 1' to 's3://b/' iam_role default",
                   "syntax error at or near \"'select 1'\"", 1, 8);
  EXPECT_SQL_ERROR("unload ('select 1') 's3://b/'", "syntax error at or near \"'s3://b/'\"", 1, 21);
  EXPECT_SQL_ERROR("copy t from 's3://b' iam_role default ignoreheader 'one'",
                   "syntax error at or near \"'one'\"", 1, 52);
  const SqlScript two = ParseSqlScript(
      "copy t from 's3://b' iam_role default;;copy t from 's3://b' iam_role default )");
  ASSERT_EQ(two.statements.size(), 1u);
  ASSERT_EQ(two.errors.size(), 1u);
  EXPECT_EQ(two.errors[0].message, "syntax error at or near \")\"");
  EXPECT_EQ(two.errors[0].pos.column, 78u);
  const SqlError e = OneError("copy t from 's3://b' iam_role default region");
  EXPECT_EQ(e.message, "syntax error at end of input");
  EXPECT_EQ(e.hint, "expected a quoted value after REGION");
  EXPECT_EQ(FormatSqlError(e),
            "1:45: syntax error at end of input (expected a quoted value after REGION)");
}

// ---------------------------------------------------------------------------------------------
// Scripts: several statements, recovery, truncation, bad bytes.

TEST(SqlParserScript, SeveralStatementsWithPositionsAndText) {
  const SqlScript s = ParseSqlScript(
      "-- setup\ncreate user alice;  create group g with user alice;\n"
      "copy t from 's3://b' /* inline */ iam_role default ;\n\n"
      "unload ('select 1') to 's3://b/u' iam_role default");  // no final ';'
  ASSERT_TRUE(s.ok()) << Errors(s);
  ASSERT_EQ(s.statements.size(), 4u);
  EXPECT_EQ(s.statements[0].pos.line, 2u);
  EXPECT_EQ(s.statements[0].pos.column, 1u);
  EXPECT_EQ(s.statements[0].text, "create user alice");
  EXPECT_EQ(s.statements[1].pos.column, 21u);
  EXPECT_EQ(s.statements[2].text, "copy t from 's3://b' /* inline */ iam_role default");
  EXPECT_EQ(s.statements[3].pos.line, 5u);
  EXPECT_TRUE(std::holds_alternative<UnloadStatement>(s.statements[3].statement));
}

TEST(SqlParserScript, EmptyScriptsAndEmptyStatements) {
  EXPECT_TRUE(ParseSqlScript("").statements.empty());
  EXPECT_TRUE(ParseSqlScript("  ;;\n; -- only comments\n/* x */").ok());
  EXPECT_TRUE(ParseSqlScript("  ;;\n; -- only comments\n/* x */").statements.empty());
}

TEST(SqlParserScript, RecoversAfterABadStatement) {
  const SqlScript s = ParseSqlScript(
      "create user a;\n"
      "copy t from 's3://b' iam_role default credentials 'aws_iam_role=x'; -- bad\n"
      "grant assumerole on 'arn:aws:iam::123456789012:role/R' to a for copy;\n"
      "copy t frm 's3://b' iam_role default;\n"
      "revoke assumerole on all from public for all;");
  ASSERT_EQ(s.statements.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<CreateUser>(s.statements[0].statement));
  EXPECT_TRUE(std::holds_alternative<GrantAssumeRole>(s.statements[1].statement));
  EXPECT_EQ(s.statements[1].pos.line, 3u);
  EXPECT_TRUE(std::holds_alternative<GrantAssumeRole>(s.statements[2].statement));
  ASSERT_EQ(s.errors.size(), 2u);
  EXPECT_EQ(s.errors[0].message, "CREDENTIALS cannot be used with IAM_ROLE");
  EXPECT_EQ(s.errors[0].pos.line, 2u);
  EXPECT_EQ(s.errors[0].pos.column, 39u);
  EXPECT_EQ(s.errors[0].statement_pos.line, 2u);
  EXPECT_EQ(s.errors[0].statement_text,
            "copy t from 's3://b' iam_role default credentials 'aws_iam_role=x'");
  EXPECT_EQ(s.errors[1].message, "syntax error at or near \"frm\"");
  EXPECT_EQ(s.errors[1].pos.line, 4u);
  EXPECT_EQ(s.errors[1].pos.column, 8u);
}

TEST(SqlParserScript, SemicolonInsideLiteralDoesNotSplit) {
  const SqlScript s = ParseSqlScript(
      "unload ('select '';'' from t; select 2') to 's3://b/' iam_role default; select 1");
  ASSERT_TRUE(s.ok()) << Errors(s);
  ASSERT_EQ(s.statements.size(), 2u);
  EXPECT_EQ(std::get<UnloadStatement>(s.statements[0].statement).query,
            "select ';' from t; select 2");
}

TEST(SqlParserScript, TruncatedScript) {
  const SqlScript s = ParseSqlScript(
      "copy t from 's3://b' iam_role default;\ncopy t from 's3://b' iam_role 'arn:aws:iam::1");
  ASSERT_EQ(s.statements.size(), 1u);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message, "unterminated quoted string at or near \"'arn:aws:iam::1\"");
  EXPECT_EQ(s.errors[0].pos.line, 2u);
  EXPECT_EQ(s.errors[0].pos.column, 31u);

  const SqlScript t = ParseSqlScript("create user a; grant assumerole on 'x' to a for");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].message, "syntax error at end of input");
  EXPECT_EQ(t.errors[0].pos.column, 48u);
  EXPECT_EQ(t.statements.size(), 1u);
}

TEST(SqlParserScript, UnterminatedCommentAndIdentifier) {
  SqlScript s = ParseSqlScript("create user a; /* never closed ; create user b;");
  ASSERT_EQ(s.statements.size(), 1u);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message.rfind("unterminated /* comment at or near \"/* never closed", 0),
            0u);
  EXPECT_EQ(s.errors[0].pos.column, 16u);

  s = ParseSqlScript("create user \"Alice;\ncreate user b;");
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message.rfind("unterminated quoted identifier", 0), 0u);
  EXPECT_TRUE(s.statements.empty());
}

TEST(SqlParserScript, GarbageBytes) {
  SqlScript s = ParseSqlScript("create user a;\n\x01\x02 garbage;\ncreate user b;");
  ASSERT_EQ(s.statements.size(), 2u);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message, "syntax error at or near \"\\u0001\"");
  EXPECT_EQ(s.errors[0].pos.line, 2u);
  EXPECT_EQ(s.errors[0].pos.column, 1u);

  s = ParseSqlScript("copy t from 's3://b\xfe' iam_role default; create user \xff; create user c");
  ASSERT_EQ(s.errors.size(), 2u);
  EXPECT_EQ(s.errors[0].message, "invalid byte sequence for encoding \"UTF8\": 0xfe");
  EXPECT_EQ(s.errors[0].pos.column, 20u);
  EXPECT_EQ(s.errors[1].message, "invalid byte sequence for encoding \"UTF8\": 0xff");
  ASSERT_EQ(s.statements.size(), 1u);
  EXPECT_EQ(std::get<CreateUser>(s.statements[0].statement).name, "c");

  // Binary noise never crashes and always yields errors or statements, never both silently.
  std::string noise;
  for (int i = 0; i < 512; ++i) noise.push_back(static_cast<char>((i * 37 + 11) % 256));
  s = ParseSqlScript(noise);
  EXPECT_FALSE(s.errors.empty());
  for (const SqlError& e : s.errors) EXPECT_TRUE(e.pos.known());
}

TEST(SqlParserScript, PositionsOfLateOptions) {
  const SqlScript s = ParseSqlScript(
      "select 1;\n\n  COPY t\n  FROM 's3://b/manifest'\n  IAM_ROLE "
      "'arn:aws:iam::123456789012:role/R'\n"
      "  MANIFEST;");
  ASSERT_TRUE(s.ok()) << Errors(s);
  const auto& c = std::get<CopyStatement>(s.statements[1].statement);
  EXPECT_EQ(c.pos.line, 3u);
  EXPECT_EQ(c.pos.column, 3u);
  EXPECT_EQ(c.from_pos.line, 4u);
  EXPECT_EQ(c.from_pos.column, 8u);
  const IamRole& r = std::get<IamRole>(*c.authorization);
  EXPECT_EQ(r.pos.line, 5u);
  EXPECT_EQ(r.value_pos.column, 12u);
  const Option* m = FindOption(c.options, "MANIFEST");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->pos.line, 6u);
  EXPECT_EQ(m->pos.column, 3u);
}

// ---------------------------------------------------------------------------------------------
// Equality and round trips

TEST(SqlParserRoundTrip, EqualityIgnoresPositionsAndSpelling) {
  const SqlScript a =
      ParseSqlScript("copy t from 's3://b' iam_role default region as 'us-east-1' format as csv");
  const SqlScript b = ParseSqlScript(
      "\n\n   COPY T\n FROM 's3://b' -- c\n CSV REGION 'us-east-1' IAM_ROLE DEFAULT");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(a.statements[0].statement == b.statements[0].statement);  // option order differs
  const SqlScript c = ParseSqlScript(
      "\n\n   COPY T\n FROM 's3://b' -- c\n IAM_ROLE DEFAULT REGION 'us-east-1' CSV");
  EXPECT_TRUE(a.statements[0].statement == c.statements[0].statement);
  const SqlScript d =
      ParseSqlScript("copy t from 's3://b' iam_role default region as 'us-east-2' format as csv");
  EXPECT_FALSE(a.statements[0].statement == d.statements[0].statement);
}

TEST(SqlParserRoundTrip, Statements) {
  const char* corpus[] = {
      "copy category from 's3://b/custdata' iam_role default",
      "copy t (a, \"B\", c) from 's3://b/x' region 'us-east-1' iam_role "
      "'arn:aws:iam::123456789012:role/A,arn:aws:iam::210987654321:role/B' manifest",
      "copy t from 's3://b/x' with credentials as "
      "'aws_access_key_id=A;aws_secret_access_key=S;token=T' csv quote as '%' gzip",
      "copy t from 's3://b/x' access_key_id 'A' secret_access_key 'S' token 'T' json 'auto'",
      "copy t from 's3://b/x' iam_role default format as json 's3://b/paths.json' "
      "timeformat 'auto' dateformat as 'YYYY-MM-DD' null as '\\N' delimiter '\\t' "
      "acceptinvchars escape compupdate off statupdate encoding utf16le maxerror 10",
      "copy \"Weird \"\"Table\"\"\".\"select\" from 's3://b/it''s\\\\x\\\\' iam_role default "
      "fixedwidth 'a:1' ignoreheader as 2",
      "copy t from 'dynamodb://Movies' iam_role default readratio 50",
      "copy t from 'emr://j-1/out/part-*' iam_role default delimiter '|'",
      "copy t from 's3://b/ssh.manifest' iam_role default ssh",
      "copy t from 's3://b/x' iam_role default master_symmetric_key 'K' encrypted",
      "copy t from 's3://b/x' iam_role default shapefile simplify auto 1.5",
      "copy t from 's3://b/x' iam_role default job create \"MyJob\" auto off",
      "unload ('select * from venue where venuestate=''NV''') to 's3://b/unload/' iam_role "
      "default allowoverwrite parallel off encrypted kms_key_id 'k'",
      "unload ('select \\\\ and \\' ') to 's3://b/p' iam_role default format parquet "
      "partition by (a, \"B\") include cleanpath manifest verbose maxfilesize 1 gb "
      "rowgroupsize as 64 mb region 'eu-west-1' extension 'parq'",
      "unload ('x') to 's3://b/p' credentials 'aws_iam_role=arn:aws:iam::1:role/R' csv header "
      "null as '' addquotes bzip2 encrypted auto parallel",
      "unload ('x') to 's3://b/p' iam_role default fixedwidth '0:1,1:10' zstd",
      "create user \"Alice\" password 'p''w' createdb createuser syslog access restricted "
      "in group a, \"B C\" valid until 'infinity' connection limit unlimited session timeout 60 "
      "externalid 'x'",
      "create user bob with password disable nocreateuser nocreatedb",
      "create user \"public\"",
      "alter user bob createuser",
      "alter user \"Bob\" with nocreateuser password 'x' connection limit 3",
      "alter user bob reset session timeout",
      "alter user bob rename to \"Robert\"",
      "drop user if exists a, \"B\", \"user\"",
      "drop user a",
      "create group g",
      "create group \"Group\" with user a, \"B\"",
      "alter group g add user a, b",
      "alter group g drop user \"A\"",
      "create role etl",
      "create role \"Etl Role\" externalid 'e'",
      "grant role etl, role sys:dba to alice, role \"Admins\" with admin option",
      "grant role etl to \"role\"",
      "revoke role etl from alice",
      "revoke admin option for role etl from role x",
      "grant assumerole on 'arn:aws:iam::1:role/A', 'arn:aws:iam::1:role/A,arn:aws:iam::2:role/B' "
      "to alice, group g, role r, public for copy, unload",
      "grant assumerole on default to \"Bob\" for external function, create model",
      "revoke assumerole on all from public for all",
      "revoke assumerole on 'a''b' from \"public\" for copy",
      "set session authorization 'Bob'",
      "set session authorization bob",
      "reset session authorization",
      "select 1",
      "create table t (a int)",
  };
  for (const char* sql : corpus) {
    SCOPED_TRACE(sql);
    ExpectRoundTrip(sql);
  }
}

TEST(SqlParserRoundTrip, PrintedForms) {
  auto print = [](std::string_view sql) {
    const SqlScript s = ParseSqlScript(sql);
    EXPECT_TRUE(s.ok()) << Errors(s);
    return s.statements.empty() ? std::string() : PrintStatement(s.statements[0].statement);
  };
  EXPECT_EQ(print("copy t from 's3://b' region as 'r' iam_role default json 'auto' null as '\\N'"),
            "COPY t FROM 's3://b' IAM_ROLE DEFAULT REGION 'r' FORMAT AS JSON 'auto' NULL AS '\\N'");
  EXPECT_EQ(print("unload ('select ''a''') to 's3://b/' iam_role default parallel false"),
            "UNLOAD ('select ''a''') TO 's3://b/' IAM_ROLE DEFAULT PARALLEL FALSE");
  EXPECT_EQ(print("grant assumerole on 'r' to \"public\", public for copy, unload, "
                  "external function, create model"),
            "GRANT ASSUMEROLE ON 'r' TO \"public\", PUBLIC FOR ALL");
  EXPECT_EQ(print("create user \"Alice\" in group g createuser"),
            "CREATE USER \"Alice\" CREATEUSER IN GROUP g");
}

}  // namespace
}  // namespace redtrust::sim
