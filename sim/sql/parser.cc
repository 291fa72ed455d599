// Recursive-descent parser over the tokens of one statement at a time. The script driver
// (ParseSqlScript) cuts the token stream at ';' tokens (the lexer has already consumed
// literals and comments, so every ';' token is outside them) and hands each slice to a
// StatementParser; a failed statement yields one SqlError and the driver moves on.
//
// Message sources (docs/sql.md has the full table):
//   AWS verbatim:        RS-E3 "Invalid credentials...", RS-E4 "COPY from this file format only
//                        accepts IAM_ROLE credentials." (RS-E3, RS-E4)
//   PostgreSQL verbatim: syntax errors, unterminated literals, "conflicting or redundant
//                        options" (Redshift's front end is PostgreSQL's)
//   Proposed (RS-E11 etc.): every option-combination and role-chain message; each is marked
//                        "Proposed" where it is built.
//
// Two kinds of error (parser.h, SqlErrorKind): SyntaxError() for what redtrust cannot read,
// Reject() for a statement that reads but that Redshift refuses (option rules). A rejection
// found while the statement is still being read is recorded and reading goes on, so that a
// later syntax error still wins (Redshift parses the whole statement before it checks options).
#include "sim/sql/parser.h"

#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "engine/policy/arn.h"
#include "sim/sql/lexer.h"

namespace redtrust::sim {
namespace {

// Verbatim from the 2025 engine (RS-E3, GH-rw).
constexpr std::string_view kInvalidCredentials =
    "Invalid credentials. Must be of the format: credentials 'aws_iam_role=...' or "
    "'aws_access_key_id=...;aws_secret_access_key=...[;token=...]'";
// Verbatim (RS-E4, GH-pr34).
constexpr std::string_view kColumnarNeedsRole =
    "COPY from this file format only accepts IAM_ROLE credentials.";

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Option tables (RS-COPY, RS-UNLOAD; DG-COPY parameter list).

enum class Shape {
  kFlag,         // NAME
  kString,       // NAME [AS] 'x'
  kOptString,    // NAME [[AS] 'x']
  kNumber,       // NAME [AS] n
  kKeyword,      // NAME [AS] KW               (KW one of `keywords`)
  kOptKeyword,   // NAME [KW]
  kSize,         // NAME [AS] n [MB | GB]
  kFormat,       // FORMAT [AS] fmt [arg]
  kBareFormat,   // CSV | JSON ['x'] | PARQUET ...: the word is the format
  kPartitionBy,  // PARTITION BY (col, ...) [INCLUDE]
  kJobCreate,    // JOB CREATE name [AUTO ON | OFF]
  kSimplify,     // SIMPLIFY [AUTO] [tolerance]
};

struct OptionSpec {
  std::string_view word;  // first word, lower case
  std::string_view name;  // canonical name
  Shape shape;
  std::string_view keywords = {};  // space-separated, lower case
};

constexpr OptionSpec kCopyOptions[] = {
    {"acceptanydate", "ACCEPTANYDATE", Shape::kFlag},
    {"acceptinvchars", "ACCEPTINVCHARS", Shape::kOptString},
    {"avro", "FORMAT", Shape::kBareFormat},
    {"blanksasnull", "BLANKSASNULL", Shape::kFlag},
    {"bzip2", "BZIP2", Shape::kFlag},
    {"comprows", "COMPROWS", Shape::kNumber},
    {"compupdate", "COMPUPDATE", Shape::kOptKeyword, "on true off false preset"},
    {"csv", "FORMAT", Shape::kBareFormat},
    {"dateformat", "DATEFORMAT", Shape::kString},
    {"delimiter", "DELIMITER", Shape::kString},
    {"emptyasnull", "EMPTYASNULL", Shape::kFlag},
    {"encoding", "ENCODING", Shape::kKeyword, "utf8 utf16 utf16le utf16be"},
    {"encrypted", "ENCRYPTED", Shape::kFlag},
    {"escape", "ESCAPE", Shape::kFlag},
    {"explicit_ids", "EXPLICIT_IDS", Shape::kFlag},
    {"fillrecord", "FILLRECORD", Shape::kFlag},
    {"fixedwidth", "FIXEDWIDTH", Shape::kString},
    {"format", "FORMAT", Shape::kFormat},
    {"gzip", "GZIP", Shape::kFlag},
    {"ignoreallerrors", "IGNOREALLERRORS", Shape::kFlag},
    {"ignoreblanklines", "IGNOREBLANKLINES", Shape::kFlag},
    {"ignoreheader", "IGNOREHEADER", Shape::kNumber},
    {"job", "JOB CREATE", Shape::kJobCreate},
    {"json", "FORMAT", Shape::kBareFormat},
    {"lzop", "LZOP", Shape::kFlag},
    {"manifest", "MANIFEST", Shape::kFlag},
    {"master_symmetric_key", "MASTER_SYMMETRIC_KEY", Shape::kString},
    {"maxerror", "MAXERROR", Shape::kNumber},
    {"noload", "NOLOAD", Shape::kFlag},
    {"null", "NULL", Shape::kString},
    {"orc", "FORMAT", Shape::kBareFormat},
    {"parquet", "FORMAT", Shape::kBareFormat},
    {"quote", "QUOTE", Shape::kString},
    {"readratio", "READRATIO", Shape::kNumber},
    {"region", "REGION", Shape::kString},
    {"removequotes", "REMOVEQUOTES", Shape::kFlag},
    {"roundec", "ROUNDEC", Shape::kFlag},
    {"serializetojson", "SERIALIZETOJSON", Shape::kFlag},
    {"shapefile", "FORMAT", Shape::kBareFormat},
    {"simplify", "SIMPLIFY", Shape::kSimplify},
    {"ssh", "SSH", Shape::kFlag},
    {"statupdate", "STATUPDATE", Shape::kOptKeyword, "on true off false"},
    {"timeformat", "TIMEFORMAT", Shape::kString},
    {"trimblanks", "TRIMBLANKS", Shape::kFlag},
    {"truncatecolumns", "TRUNCATECOLUMNS", Shape::kFlag},
    {"zstd", "ZSTD", Shape::kFlag},
};

constexpr OptionSpec kUnloadOptions[] = {
    {"addquotes", "ADDQUOTES", Shape::kFlag},
    {"allowoverwrite", "ALLOWOVERWRITE", Shape::kFlag},
    {"bzip2", "BZIP2", Shape::kFlag},
    {"cleanpath", "CLEANPATH", Shape::kFlag},
    {"csv", "FORMAT", Shape::kBareFormat},
    {"delimiter", "DELIMITER", Shape::kString},
    {"encrypted", "ENCRYPTED", Shape::kOptKeyword, "auto"},
    {"escape", "ESCAPE", Shape::kFlag},
    {"extension", "EXTENSION", Shape::kString},
    {"fixedwidth", "FIXEDWIDTH", Shape::kString},
    {"format", "FORMAT", Shape::kFormat},
    {"gzip", "GZIP", Shape::kFlag},
    {"header", "HEADER", Shape::kFlag},
    {"json", "FORMAT", Shape::kBareFormat},
    {"kms_key_id", "KMS_KEY_ID", Shape::kString},
    {"manifest", "MANIFEST", Shape::kOptKeyword, "verbose"},
    {"master_symmetric_key", "MASTER_SYMMETRIC_KEY", Shape::kString},
    {"maxfilesize", "MAXFILESIZE", Shape::kSize},
    {"null", "NULL", Shape::kString},
    {"parallel", "PARALLEL", Shape::kOptKeyword, "on true off false"},
    {"parquet", "FORMAT", Shape::kBareFormat},
    {"partition", "PARTITION BY", Shape::kPartitionBy},
    {"region", "REGION", Shape::kString},
    {"rowgroupsize", "ROWGROUPSIZE", Shape::kSize},
    {"zstd", "ZSTD", Shape::kFlag},
};

template <size_t N>
const OptionSpec* FindSpec(const OptionSpec (&table)[N], std::string_view word) {
  for (const OptionSpec& s : table) {
    if (s.word == word) return &s;
  }
  return nullptr;
}

bool InKeywordList(std::string_view list, std::string_view word) {
  size_t i = 0;
  while (i < list.size()) {
    size_t j = list.find(' ', i);
    if (j == std::string_view::npos) j = list.size();
    if (list.substr(i, j - i) == word) return true;
    i = j + 1;
  }
  return false;
}

// How an option is named in messages: "FORMAT AS PARQUET", "ENCRYPTED AUTO", "REGION".
std::string Display(const Option& o) {
  if (o.name == "FORMAT" && !o.args.empty()) return "FORMAT AS " + o.args[0].text;
  if (o.name == "ENCRYPTED" && !o.args.empty()) return "ENCRYPTED " + o.args[0].text;
  return o.name;
}

bool IsFormatFamily(const Option& o) { return o.name == "FORMAT" || o.name == "FIXEDWIDTH"; }

bool Before(const SourcePos& a, const SourcePos& b) { return a.offset < b.offset; }

// The statement-wide list of known first words; anything else is a syntax error (a typo such
// as COPYY must not pass as "some other statement").
bool IsKnownCommand(std::string_view w) {
  static constexpr std::string_view kCommands[] = {
      "abort",    "alter",    "analyze",   "analyse", "attach",  "begin",      "call",    "cancel",
      "close",    "comment",  "commit",    "copy",    "create",  "deallocate", "declare", "delete",
      "desc",     "describe", "detach",    "drop",    "end",     "execute",    "explain", "fetch",
      "grant",    "insert",   "lock",      "merge",   "prepare", "refresh",    "release", "reset",
      "revoke",   "rollback", "savepoint", "select",  "set",     "show",       "start",   "table",
      "truncate", "unload",   "update",    "vacuum",  "values",  "with",       "use"};
  for (std::string_view c : kCommands) {
    if (c == w) return true;
  }
  return false;
}

// arn:<partition>:iam::<account digits>:role/<optional path/>name, IAM's character set.
// The account is only required to be digits, not exactly 12: the Redshift developer guide's
// own examples use the 13-digit 0123456789012, and a wrong account is the replay's business
// (the role is then simply not found), not a rejection.
bool IsRoleArn(std::string_view s) {
  const std::optional<ArnParts> p = SplitArn(s);
  if (!p || !IsKnownPartition(p->partition) || p->service != "iam" || !p->region.empty() ||
      p->account.empty() || p->account.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  constexpr std::string_view kPrefix = "role/";
  if (p->resource.substr(0, kPrefix.size()) != kPrefix) return false;
  const std::string_view rest = p->resource.substr(kPrefix.size());
  if (rest.empty() || rest.back() == '/') return false;
  for (char c : rest) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '_' ||
                    c == '-' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

class StatementParser {
 public:
  // Tokens [begin, end) form the statement; toks[end] is its ';' or the kEnd token.
  StatementParser(std::string_view src, const std::vector<Token>& toks, size_t begin, size_t end)
      : src_(src), toks_(toks), i_(begin), end_(end) {}

  std::optional<SqlStatement> Parse() {
    SqlStatement out;
    bool ok = ParseStatement(&out);
    if (ok && !failed_ && !AtEnd()) ok = SyntaxError(Peek());
    if (!ok && !failed_ && !rejected_) Error("syntax error", Peek().pos);  // not reached
    if (failed_ || rejected_) return std::nullopt;
    return out;
  }

  // The statement's error: a syntax error when there is one, else the first rejection.
  const SqlError& error() const { return failed_ ? error_ : rejection_; }

 private:
  // ----- token access -----------------------------------------------------------------------
  const Token& Peek(size_t k = 0) const { return i_ + k < end_ ? toks_[i_ + k] : toks_[end_]; }
  bool AtEnd() const { return i_ >= end_; }
  const Token& Next() {
    const Token& t = Peek();
    if (i_ < end_) ++i_;
    return t;
  }
  bool AcceptWord(std::string_view kw) {
    if (!Peek().IsWord(kw)) return false;
    ++i_;
    return true;
  }
  bool AcceptPunct(char c) {
    if (!Peek().IsPunct(c)) return false;
    ++i_;
    return true;
  }

  // ----- errors -------------------------------------------------------------------------------
  // A syntax (or lexical) error: the statement cannot be read. Stops the statement.
  bool Error(std::string message, const SourcePos& pos, std::string hint = "") {
    if (!failed_) {
      failed_ = true;
      error_.message = std::move(message);
      error_.pos = pos;
      error_.hint = std::move(hint);
    }
    return false;
  }

  // Redshift refuses a statement that reads (an option rule): SqlErrorKind::kRejected. The first
  // rejection is kept. While the statement is still being read (reading_), returns true so that
  // the caller reads on (a later syntax error takes precedence); once every token has been read,
  // returns false, which ends the statement.
  bool Reject(std::string message, const SourcePos& pos, std::string hint = "") {
    if (!rejected_) {
      rejected_ = true;
      rejection_.message = std::move(message);
      rejection_.pos = pos;
      rejection_.hint = std::move(hint);
      rejection_.kind = SqlErrorKind::kRejected;
      rejection_.command = command_;
    }
    return reading_;
  }

  // Called once the option list of a COPY / UNLOAD has been read to the end of the statement:
  // from here on a rejection ends it. False when a rejection is already pending.
  bool DoneReading() {
    reading_ = false;
    return !rejected_;
  }

  // PostgreSQL's wording: `syntax error at or near "tok"` / `syntax error at end of input`.
  // A lexical error token reports its own message instead.
  bool SyntaxError(const Token& t, std::string hint = "") {
    if (t.kind == TokenKind::kError) return Error(t.text, t.pos);
    if (t.kind == TokenKind::kEnd) return Error("syntax error at end of input", t.pos, hint);
    const std::string_view raw = src_.substr(t.pos.offset, t.end - t.pos.offset);
    return Error("syntax error at or near \"" + SnippetForMessage(raw) + "\"", t.pos,
                 std::move(hint));
  }

  bool ExpectWord(std::string_view kw) {
    if (AcceptWord(kw)) return true;
    return SyntaxError(Peek(), "expected " + Upper(kw));
  }
  bool ExpectPunct(char c) {
    if (AcceptPunct(c)) return true;
    return SyntaxError(Peek(), std::string("expected '") + c + "'");
  }
  bool ExpectString(std::string* value, SqlPos* pos, std::string_view what) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kString) return SyntaxError(t, "expected " + std::string(what));
    *value = t.text;
    if (pos != nullptr) *pos = t.pos;
    ++i_;
    return true;
  }

  // "Conflict" messages point at the option written later and name it first.
  bool Conflict(const std::string& a, const SourcePos& pa, const std::string& b,
                const SourcePos& pb) {
    // Proposed (RS-E11): "<X> cannot be used with <Y>".
    if (Before(pa, pb)) return Reject(b + " cannot be used with " + a, pb);
    return Reject(a + " cannot be used with " + b, pa);
  }

  // ----- names --------------------------------------------------------------------------------
  bool ParseName(std::string* out, SqlPos* pos = nullptr, std::string_view what = "a name") {
    const Token& t = Peek();
    if (t.kind == TokenKind::kQuotedIdent ||
        (t.kind == TokenKind::kWord && !IsReservedWord(t.text))) {
      *out = t.text;
      if (pos != nullptr) *pos = t.pos;
      ++i_;
      return true;
    }
    return SyntaxError(t, "expected " + std::string(what));
  }

  // RBAC role names may be written sys:dba (system roles).
  bool ParseRoleName(std::string* out, SqlPos* pos = nullptr) {
    if (!ParseName(out, pos, "a role name")) return false;
    const Token& colon = Peek();
    if (colon.IsPunct(':') && toks_[i_ - 1].end == colon.pos.offset &&
        Peek(1).kind == TokenKind::kWord && Peek(1).pos.offset == colon.end) {
      i_ += 2;
      *out += ":" + toks_[i_ - 1].text;
    }
    return true;
  }

  bool ParseNameList(std::vector<std::string>* out, std::string_view what) {
    do {
      std::string n;
      if (!ParseName(&n, nullptr, what)) return false;
      out->push_back(std::move(n));
    } while (AcceptPunct(','));
    return true;
  }

  bool ParseQualifiedName(QualifiedName* q) {
    q->pos = Peek().pos;
    do {
      std::string part;
      if (!ParseName(&part, nullptr, "a table name")) return false;
      q->parts.push_back(std::move(part));
    } while (q->parts.size() < 3 && AcceptPunct('.'));
    return true;
  }

  // ----- dispatch -----------------------------------------------------------------------------
  bool ParseStatement(SqlStatement* out) {
    // "(SELECT ...)" and similar: the command word is the first word.
    size_t k = 0;
    while (Peek(k).IsPunct('(')) ++k;
    const Token& first = Peek(k);
    if (first.kind != TokenKind::kWord || !IsKnownCommand(first.text)) {
      return SyntaxError(first);
    }
    const std::string& w = first.text;
    if (k == 0) {
      const Token& second = Peek(1);
      if (w == "copy" && !second.IsWord("job")) {
        command_ = "COPY";
        return ParseCopy(out);
      }
      if (w == "unload") {
        command_ = "UNLOAD";
        return ParseUnload(out);
      }
      if ((w == "create" || w == "alter") && second.IsWord("user")) {
        command_ = w == "create" ? "CREATE USER" : "ALTER USER";
      }
      if (w == "create" && second.IsWord("user")) return ParseCreateUser(out);
      if (w == "create" && second.IsWord("group")) return ParseCreateGroup(out);
      if (w == "create" && second.IsWord("role")) return ParseCreateRole(out);
      if (w == "alter" && second.IsWord("user")) return ParseAlterUser(out);
      if (w == "alter" && second.IsWord("group")) return ParseAlterGroup(out);
      if (w == "drop" && second.IsWord("user")) return ParseDropUser(out);
      if ((w == "grant" || w == "revoke") && second.IsWord("assumerole")) {
        return ParseGrantAssumeRole(out);
      }
      if (w == "grant" && second.IsWord("role")) return ParseGrantRole(out);
      if (w == "revoke" && (second.IsWord("role") || second.IsWord("admin"))) {
        return ParseRevokeRole(out);
      }
      if ((w == "set" && second.IsWord("session") && Peek(2).IsWord("authorization")) ||
          (w == "set" && second.IsWord("local") && Peek(2).IsWord("session") &&
           Peek(3).IsWord("authorization")) ||
          (w == "reset" && second.IsWord("session") && Peek(2).IsWord("authorization"))) {
        return ParseSessionAuthorization(out);
      }
    }
    std::string keyword = Upper(w);
    if ((w == "create" || w == "alter" || w == "drop" || w == "copy") &&
        Peek(k + 1).kind == TokenKind::kWord) {
      keyword += " " + Upper(Peek(k + 1).text);
    }
    return ParseOther(std::move(keyword), first.pos, out);
  }

  // Skips to the end of the statement; a lexical error inside is still an error.
  bool ParseOther(std::string keyword, const SourcePos& pos, SqlStatement* out) {
    while (!AtEnd()) {
      if (Peek().kind == TokenKind::kError) return SyntaxError(Peek());
      ++i_;
    }
    OtherStatement o;
    o.keyword = std::move(keyword);
    o.pos = pos;
    *out = std::move(o);
    return true;
  }

  // ----- authorization ------------------------------------------------------------------------
  struct KeyPart {
    std::string value;
    SqlPos pos;
    std::string keyword;  // as the message should name it: ACCESS_KEY_ID, SESSION_TOKEN, TOKEN
  };
  struct AuthParts {
    std::optional<IamRole> iam_role;
    std::optional<KeyPart> key_id;
    std::optional<KeyPart> secret;
    std::optional<KeyPart> token;
    std::optional<Credentials> credentials;
    // The authorization options seen so far, for conflict messages.
    std::vector<std::pair<std::string, SqlPos>> seen;
  };

  static bool IsAuthWord(const Token& t) {
    return t.IsWord("iam_role") || t.IsWord("access_key_id") || t.IsWord("secret_access_key") ||
           t.IsWord("session_token") || t.IsWord("token") || t.IsWord("credentials") ||
           t.IsWord("with");
  }

  // Records one authorization option and checks it against the earlier ones (DG-AUTH:
  // IAM_ROLE excludes the keys, SESSION_TOKEN and CREDENTIALS; CREDENTIALS excludes IAM_ROLE
  // and the keys).
  bool NoteAuth(AuthParts* a, const std::string& name, const SqlPos& pos) {
    auto group = [](const std::string& n) {
      if (n == "IAM_ROLE") return 0;
      if (n == "CREDENTIALS") return 1;
      return 2;  // ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN / TOKEN
    };
    for (const auto& [other, other_pos] : a->seen) {
      const bool same = other == name || (group(other) == 2 && group(name) == 2 &&
                                          (other == "TOKEN" || other == "SESSION_TOKEN") &&
                                          (name == "TOKEN" || name == "SESSION_TOKEN"));
      if (same) {
        // PostgreSQL's wording for a repeated option.
        return Reject("conflicting or redundant options", pos, name + " is given more than once");
      }
      if (group(other) != group(name)) return Conflict(other, other_pos, name, pos);
    }
    a->seen.emplace_back(name, pos);
    return true;
  }

  bool ParseAuthOption(AuthParts* a) {
    const Token& kw = Peek();
    const SqlPos pos = kw.pos;
    if (AcceptWord("iam_role")) {
      if (!NoteAuth(a, "IAM_ROLE", pos)) return false;
      IamRole r;
      r.pos = pos;
      const Token& v = Peek();
      r.value_pos = v.pos;
      if (v.IsWord("default")) {
        ++i_;
        r.is_default = true;
      } else if (v.kind == TokenKind::kString) {
        ++i_;
        r.raw = v.text;
        if (!CheckChain(r.raw, v, "IAM_ROLE", &r.chain)) return false;
      } else {
        return SyntaxError(v, "expected DEFAULT or a quoted IAM role ARN");
      }
      a->iam_role = std::move(r);
      return true;
    }
    if (kw.IsWord("access_key_id") || kw.IsWord("secret_access_key") ||
        kw.IsWord("session_token") || kw.IsWord("token")) {
      ++i_;
      KeyPart part;
      part.pos = pos;
      part.keyword = Upper(kw.text);
      if (!NoteAuth(a, part.keyword, pos)) return false;
      AcceptWord("as");
      if (!ExpectString(&part.value, nullptr, "a quoted value")) return false;
      if (kw.IsWord("access_key_id")) {
        a->key_id = std::move(part);
      } else if (kw.IsWord("secret_access_key")) {
        a->secret = std::move(part);
      } else {
        a->token = std::move(part);
      }
      return true;
    }
    // [WITH] CREDENTIALS [AS] 'args'
    if (kw.IsWord("with") && !Peek(1).IsWord("credentials")) {
      ++i_;
      return SyntaxError(Peek(), "expected CREDENTIALS");
    }
    AcceptWord("with");
    const SqlPos cred_pos = Peek().pos;
    if (!ExpectWord("credentials")) return false;
    if (!NoteAuth(a, "CREDENTIALS", cred_pos)) return false;
    AcceptWord("as");
    const Token& v = Peek();
    if (v.kind != TokenKind::kString) return SyntaxError(v, "expected a quoted credentials string");
    ++i_;
    Credentials c;
    c.pos = cred_pos;
    c.value_pos = v.pos;
    c.raw = v.text;
    if (!ParseCredentialsString(v, &c)) return false;
    a->credentials = std::move(c);
    return true;
  }

  // Builds the single Authorization from the parts; `command` is "COPY" or "UNLOAD".
  bool FinishAuth(AuthParts* a, const std::string& command, const SourcePos& stmt_pos,
                  std::optional<Authorization>* out) {
    if (a->iam_role) {
      *out = std::move(*a->iam_role);
      return true;
    }
    if (a->credentials) {
      *out = std::move(*a->credentials);
      return true;
    }
    if (a->key_id || a->secret || a->token) {
      // Proposed (RS-E11): DG-AUTH requires both keys; SESSION_TOKEN needs both.
      if (!a->key_id) {
        const KeyPart& p = a->secret ? *a->secret : *a->token;
        return Reject(p.keyword + " requires ACCESS_KEY_ID", p.pos);
      }
      if (!a->secret) {
        return Reject("ACCESS_KEY_ID requires SECRET_ACCESS_KEY", a->key_id->pos);
      }
      AccessKeys k;
      k.access_key_id = std::move(a->key_id->value);
      k.secret_access_key = std::move(a->secret->value);
      if (a->token) k.session_token = std::move(a->token->value);
      k.pos = a->key_id->pos;
      *out = std::move(k);
      return true;
    }
    // Proposed: authorization is a required element of COPY and UNLOAD (DG-COPY, DG-UNLOAD).
    return Reject(command +
                     " requires authorization: IAM_ROLE, CREDENTIALS, or ACCESS_KEY_ID and "
                     "SECRET_ACCESS_KEY",
                 stmt_pos);
  }

  // Where a byte of a literal's value sits in the source. Exact when the literal was written
  // without escapes on one line (always true of a valid ARN chain); else the literal's start.
  SourcePos PosInLiteral(const Token& lit, size_t value_offset) const {
    SourcePos p = lit.pos;
    const uint64_t written = lit.end - lit.pos.offset;
    const std::string_view raw = src_.substr(lit.pos.offset, written);
    if (written == lit.text.size() + 2 && raw.front() == '\'' &&
        raw.find('\n') == std::string_view::npos) {
      p.column += static_cast<uint32_t>(value_offset + 1);
      p.offset += value_offset + 1;
    }
    return p;
  }

  // Role chain rules (RoleChainProblem) on a literal's value; `value_base` is where `raw`
  // starts inside the literal's value (aws_iam_role= inside CREDENTIALS).
  bool CheckChain(std::string_view raw, const Token& lit, std::string_view label,
                  std::vector<std::string>* chain, size_t value_base = 0) {
    if (std::optional<RoleChainProblem> p = CheckRoleChain(raw, label, chain)) {
      return Reject(std::move(p->message), PosInLiteral(lit, value_base + p->offset),
                    std::move(p->hint));
    }
    return true;
  }

  // The CREDENTIALS mini-grammar (RS-AUTH): key=value pairs separated by ';', keys
  // case-sensitive, no spaces, one of two shapes. Anything else is RS-E3.
  bool ParseCredentialsString(const Token& lit, Credentials* c) {
    const std::string_view raw = lit.text;
    if (raw.find_first_of(" \t\r\n\f\v") != std::string_view::npos) {
      return Reject(std::string(kInvalidCredentials), lit.pos);
    }
    std::optional<std::string> role, key_id, secret, token, msk;
    size_t role_at = 0;
    size_t b = 0;
    while (b < raw.size()) {
      size_t e = raw.find(';', b);
      if (e == std::string_view::npos) e = raw.size();
      const std::string_view pair = raw.substr(b, e - b);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0 || eq + 1 == pair.size()) {
        return Reject(std::string(kInvalidCredentials), lit.pos);
      }
      const std::string_view key = pair.substr(0, eq);
      std::string value(pair.substr(eq + 1));
      std::optional<std::string>* slot = nullptr;
      if (key == "aws_iam_role") {
        slot = &role;
        role_at = b + eq + 1;
      } else if (key == "aws_access_key_id") {
        slot = &key_id;
      } else if (key == "aws_secret_access_key") {
        slot = &secret;
      } else if (key == "token") {
        slot = &token;
      } else if (key == "master_symmetric_key") {
        slot = &msk;
      }
      if (slot == nullptr || slot->has_value()) {
        return Reject(std::string(kInvalidCredentials), lit.pos);
      }
      *slot = std::move(value);
      b = e + 1;  // a single trailing ';' is tolerated
    }
    const bool role_shape = role && !key_id && !secret && !token;
    const bool key_shape = !role && key_id && secret;
    if (!role_shape && !key_shape) return Reject(std::string(kInvalidCredentials), lit.pos);
    if (role) {
      IamRole r;
      r.raw = *role;
      r.pos = c->pos;
      r.value_pos = PosInLiteral(lit, role_at);
      // Whether aws_iam_role= takes a chain is undocumented (RS-AUTH): accepted, same rules.
      if (!CheckChain(r.raw, lit, "aws_iam_role", &r.chain, role_at)) return false;
      c->iam_role = std::move(r);
    } else {
      AccessKeys k;
      k.access_key_id = std::move(*key_id);
      k.secret_access_key = std::move(*secret);
      k.session_token = std::move(token);
      k.pos = c->pos;
      c->keys = std::move(k);
    }
    c->master_symmetric_key = std::move(msk);
    return true;
  }

  // ----- COPY / UNLOAD options ----------------------------------------------------------------
  // Parses one option described by `spec`; the current token is its first word.
  bool ParseOption(const OptionSpec& spec, bool is_copy, Option* o) {
    const Token& first = Next();
    o->name = std::string(spec.name);
    o->pos = first.pos;
    auto keyword_arg = [](const Token& t) {
      OptionArg a;
      a.kind = OptionArg::Kind::kKeyword;
      a.text = Upper(t.text);
      a.pos = t.pos;
      return a;
    };
    auto string_arg = [](const Token& t) {
      OptionArg a;
      a.kind = OptionArg::Kind::kString;
      a.text = t.text;
      a.pos = t.pos;
      return a;
    };
    auto number_arg = [](const Token& t) {
      OptionArg a;
      a.kind = OptionArg::Kind::kNumber;
      a.text = t.text;
      a.pos = t.pos;
      return a;
    };
    auto expect_string = [&]() {
      if (Peek().kind != TokenKind::kString) {
        return SyntaxError(Peek(), "expected a quoted value after " + std::string(spec.name));
      }
      o->args.push_back(string_arg(Next()));
      return true;
    };
    auto expect_number = [&]() {
      if (Peek().kind != TokenKind::kNumber) {
        return SyntaxError(Peek(), "expected a number after " + std::string(spec.name));
      }
      o->args.push_back(number_arg(Next()));
      return true;
    };

    switch (spec.shape) {
      case Shape::kFlag:
        return true;
      case Shape::kString:
        AcceptWord("as");
        return expect_string();
      case Shape::kOptString:
        if (AcceptWord("as")) return expect_string();
        if (Peek().kind == TokenKind::kString) o->args.push_back(string_arg(Next()));
        return true;
      case Shape::kNumber:
        AcceptWord("as");
        return expect_number();
      case Shape::kKeyword:
        AcceptWord("as");
        if (Peek().kind != TokenKind::kWord || !InKeywordList(spec.keywords, Peek().text)) {
          return SyntaxError(Peek(), "expected one of " + Upper(spec.keywords));
        }
        o->args.push_back(keyword_arg(Next()));
        return true;
      case Shape::kOptKeyword:
        if (Peek().kind == TokenKind::kWord && InKeywordList(spec.keywords, Peek().text)) {
          o->args.push_back(keyword_arg(Next()));
        }
        return true;
      case Shape::kSize:
        AcceptWord("as");
        if (!expect_number()) return false;
        if (Peek().IsWord("mb") || Peek().IsWord("gb")) o->args.push_back(keyword_arg(Next()));
        return true;
      case Shape::kFormat:
        AcceptWord("as");
        return ParseFormatWord(Next(), is_copy, o);
      case Shape::kBareFormat:
        return ParseFormatWord(first, is_copy, o);
      case Shape::kPartitionBy: {
        if (!ExpectWord("by")) return false;
        OptionArg list;
        list.kind = OptionArg::Kind::kList;
        list.pos = Peek().pos;
        if (!ExpectPunct('(') || !ParseNameList(&list.items, "a column name") ||
            !ExpectPunct(')')) {
          return false;
        }
        o->args.push_back(std::move(list));
        if (Peek().IsWord("include")) o->args.push_back(keyword_arg(Next()));
        return true;
      }
      case Shape::kJobCreate: {
        if (!ExpectWord("create")) return false;
        OptionArg name;
        name.kind = OptionArg::Kind::kIdentifier;
        name.pos = Peek().pos;
        if (!ParseName(&name.text, nullptr, "a job name")) return false;
        o->args.push_back(std::move(name));
        if (Peek().IsWord("auto")) {
          o->args.push_back(keyword_arg(Next()));
          if (!Peek().IsWord("on") && !Peek().IsWord("off")) {
            return SyntaxError(Peek(), "expected ON or OFF");
          }
          o->args.push_back(keyword_arg(Next()));
        }
        return true;
      }
      case Shape::kSimplify:
        if (Peek().IsWord("auto")) o->args.push_back(keyword_arg(Next()));
        if (Peek().kind == TokenKind::kNumber) o->args.push_back(number_arg(Next()));
        return true;
    }
    return true;
  }

  // The format word after FORMAT [AS], or a bare CSV / JSON / ... (RS-COPY, RS-UNLOAD).
  bool ParseFormatWord(const Token& fmt, bool is_copy, Option* o) {
    static constexpr std::string_view kCopyFormats =
        "csv json avro parquet orc shapefile fixedwidth";
    static constexpr std::string_view kUnloadFormats = "csv json parquet";
    if (fmt.kind != TokenKind::kWord ||
        !InKeywordList(is_copy ? kCopyFormats : kUnloadFormats, fmt.text)) {
      return SyntaxError(fmt, std::string("expected a data format: ") +
                                  Upper(is_copy ? kCopyFormats : kUnloadFormats));
    }
    if (fmt.text == "fixedwidth") {  // FORMAT AS FIXEDWIDTH 'spec' == FIXEDWIDTH 'spec'
      o->name = "FIXEDWIDTH";
      if (Peek().kind != TokenKind::kString) {
        return SyntaxError(Peek(), "expected a quoted FIXEDWIDTH specification");
      }
      OptionArg spec;
      spec.kind = OptionArg::Kind::kString;
      spec.text = Peek().text;
      spec.pos = Next().pos;
      o->args.push_back(std::move(spec));
      return true;
    }
    o->name = "FORMAT";
    OptionArg a;
    a.kind = OptionArg::Kind::kKeyword;
    a.text = Upper(fmt.text);
    a.pos = fmt.pos;
    o->args.push_back(std::move(a));
    if (is_copy && (fmt.text == "json" || fmt.text == "avro") &&
        Peek().kind == TokenKind::kString) {
      OptionArg arg;
      arg.kind = OptionArg::Kind::kString;
      arg.text = Peek().text;
      arg.pos = Next().pos;
      o->args.push_back(std::move(arg));
    }
    return true;
  }

  // Adds `o` to `options` unless it repeats an earlier one.
  bool AddOption(std::vector<Option>* options, Option o) {
    for (const Option& prev : *options) {
      if (IsFormatFamily(o) && IsFormatFamily(prev)) {
        const std::string a = prev.name == "FORMAT" ? prev.args[0].text : prev.name;
        const std::string b = o.name == "FORMAT" ? o.args[0].text : o.name;
        if (a != b) return Conflict(a, prev.pos, b, o.pos);
      }
      if (prev.name == o.name || (IsFormatFamily(o) && IsFormatFamily(prev))) {
        return Reject("conflicting or redundant options", o.pos,
                     Display(o) + " is given more than once");
      }
    }
    options->push_back(std::move(o));
    return true;
  }

  // The option loop shared by COPY and UNLOAD: authorization and options in any order.
  template <size_t N>
  bool ParseOptionList(const OptionSpec (&table)[N], bool is_copy, AuthParts* auth,
                       std::vector<Option>* options) {
    while (!AtEnd()) {
      const Token& t = Peek();
      if (IsAuthWord(t)) {
        if (!ParseAuthOption(auth)) return false;
        continue;
      }
      const OptionSpec* spec = t.kind == TokenKind::kWord ? FindSpec(table, t.text) : nullptr;
      if (spec == nullptr) {
        return SyntaxError(t,
                           is_copy ? "expected a COPY parameter" : "expected an UNLOAD parameter");
      }
      Option o;
      if (!ParseOption(*spec, is_copy, &o) || !AddOption(options, std::move(o))) return false;
    }
    return true;
  }

  static const Option* Find(const std::vector<Option>& options, std::string_view name) {
    return FindOption(options, name);
  }

  static bool ParseInt(std::string_view s, int64_t* v) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return ec == std::errc() && p == s.data() + s.size();
  }

  // ----- COPY ---------------------------------------------------------------------------------
  bool ParseCopy(SqlStatement* out) {
    CopyStatement s;
    s.pos = Next().pos;
    if (!ParseQualifiedName(&s.table)) return false;
    if (AcceptPunct('(')) {
      if (!ParseNameList(&s.columns, "a column name") || !ExpectPunct(')')) return false;
    }
    if (!ExpectWord("from")) return false;
    const Token& from = Peek();
    if (!ExpectString(&s.from, &s.from_pos, "a quoted data source ('s3://...')")) return false;
    if (s.from.starts_with("s3://")) {
      s.source = CopySource::kS3;
    } else if (s.from.starts_with("dynamodb://")) {
      s.source = CopySource::kDynamoDb;
    } else if (s.from.starts_with("emr://")) {
      s.source = CopySource::kEmr;
    } else {
      // Proposed. (Wording modelled on the "LOAD source is not supported" error users report
      // for local paths; not confirmed by an AWS page.)
      Reject(
          "LOAD source is not supported: FROM must name an Amazon S3 path "
          "('s3://...'), a DynamoDB table ('dynamodb://...') or an Amazon EMR cluster "
          "('emr://...')",
          from.pos);
    }
    AuthParts auth;
    if (!ParseOptionList(kCopyOptions, /*is_copy=*/true, &auth, &s.options)) return false;
    if (!DoneReading()) return false;
    if (!FinishAuth(&auth, "COPY", s.pos, &s.authorization)) return false;

    // Derived summary.
    for (const Option& o : s.options) {
      if (o.name == "FORMAT") {
        const std::string& f = o.args[0].text;
        s.format = f == "CSV"       ? DataFormat::kCsv
                   : f == "JSON"    ? DataFormat::kJson
                   : f == "AVRO"    ? DataFormat::kAvro
                   : f == "PARQUET" ? DataFormat::kParquet
                   : f == "ORC"     ? DataFormat::kOrc
                                    : DataFormat::kShapefile;
        if (o.args.size() > 1) s.format_arg = o.args[1].text;
      } else if (o.name == "FIXEDWIDTH") {
        s.format = DataFormat::kFixedWidth;
      } else if (o.name == "MANIFEST") {
        s.manifest = true;
      } else if (o.name == "REGION") {
        s.region = o.args[0].text;
      } else if (o.name == "ENCRYPTED") {
        s.encrypted = true;
      } else if (o.name == "MASTER_SYMMETRIC_KEY") {
        s.master_symmetric_key = o.args[0].text;
      } else if (o.name == "SSH") {
        s.ssh = true;
      } else if (o.name == "READRATIO") {
        int64_t v = 0;
        if (!ParseInt(o.args[0].text, &v) || v <= 0) {
          // Proposed.
          return Reject("READRATIO must be a positive whole number (a percentage)", o.args[0].pos);
        }
        s.readratio = v;
      }
    }
    if (!CheckCopyRules(&s)) return false;
    *out = std::move(s);
    return true;
  }

  bool CheckCopyRules(CopyStatement* s) {
    const Authorization& auth = *s->authorization;
    const Credentials* creds = std::get_if<Credentials>(&auth);
    const SqlPos auth_pos = std::visit([](const auto& a) { return SqlPos(a.pos); }, auth);
    const Option* msk = Find(s->options, "MASTER_SYMMETRIC_KEY");
    const Option* encrypted = Find(s->options, "ENCRYPTED");

    // Source rules (DG-S3SRC, DG-DDB, DG-EMR, DG-SSH). All proposed wording.
    if (const Option* ssh = Find(s->options, "SSH")) {
      if (s->source != CopySource::kS3) {
        return Reject("SSH requires FROM to name an SSH manifest in Amazon S3 ('s3://...')",
                     ssh->pos);
      }
      s->source = CopySource::kSshManifest;
    }
    if (s->source == CopySource::kS3 || s->source == CopySource::kSshManifest) {
      if (const Option* rr = Find(s->options, "READRATIO")) {
        return Reject("READRATIO is only supported for COPY from Amazon DynamoDB", rr->pos);
      }
    } else {
      const bool ddb = s->source == CopySource::kDynamoDb;
      const char* where = ddb ? "Amazon DynamoDB" : "Amazon EMR";
      for (const Option& o : s->options) {
        const bool bad = o.name == "MANIFEST" || o.name == "ENCRYPTED" ||
                         o.name == "MASTER_SYMMETRIC_KEY" || (ddb && IsFormatFamily(o)) ||
                         (!ddb && (o.name == "REGION" || o.name == "READRATIO"));
        if (bad) return Reject(Display(o) + " is not supported for COPY from " + where, o.pos);
      }
      if (ddb && !s->readratio) {
        return Reject("COPY from Amazon DynamoDB requires READRATIO", s->from_pos);
      }
    }

    // Client-side encryption (DG-S3SRC, §2.4). Proposed wording.
    if (msk && !encrypted) return Reject("MASTER_SYMMETRIC_KEY requires ENCRYPTED", msk->pos);
    if (msk && creds) return Conflict("CREDENTIALS", creds->pos, "MASTER_SYMMETRIC_KEY", msk->pos);
    if (encrypted && !msk && !(creds && creds->master_symmetric_key)) {
      return Reject("ENCRYPTED requires MASTER_SYMMETRIC_KEY or master_symmetric_key in CREDENTIALS",
                   encrypted->pos);
    }

    // Columnar formats (DG-COLUMNAR; RS-E4 verbatim).
    if (s->format == DataFormat::kParquet || s->format == DataFormat::kOrc) {
      const Option* fmt = Find(s->options, "FORMAT");
      if (IsKeyBased(auth)) {
        return Reject(std::string(kColumnarNeedsRole),
                     Before(auth_pos, fmt->pos) ? fmt->pos : auth_pos);
      }
      if (const Option* region = Find(s->options, "REGION")) {
        // Proposed: REGION is not in the columnar COPY parameter list; the bucket must be in
        // the cluster's region.
        return Conflict(Display(*fmt), fmt->pos, "REGION", region->pos);
      }
    }
    return true;
  }

  // ----- UNLOAD -------------------------------------------------------------------------------
  bool ParseUnload(SqlStatement* out) {
    UnloadStatement s;
    s.pos = Next().pos;
    if (!ExpectPunct('(')) return false;
    if (!ExpectString(&s.query, &s.query_pos, "the quoted SELECT statement")) return false;
    if (!ExpectPunct(')') || !ExpectWord("to")) return false;
    if (!ExpectString(&s.to, &s.to_pos, "a quoted Amazon S3 path ('s3://...')")) return false;
    if (!s.to.starts_with("s3://")) {
      // Proposed.
      Reject("UNLOAD destination must be an Amazon S3 path ('s3://bucket/prefix')", s.to_pos);
    }
    AuthParts auth;
    if (!ParseOptionList(kUnloadOptions, /*is_copy=*/false, &auth, &s.options)) return false;
    if (!DoneReading()) return false;
    if (!FinishAuth(&auth, "UNLOAD", s.pos, &s.authorization)) return false;

    for (const Option& o : s.options) {
      if (o.name == "FORMAT") {
        const std::string& f = o.args[0].text;
        s.format = f == "CSV"    ? DataFormat::kCsv
                   : f == "JSON" ? DataFormat::kJson
                                 : DataFormat::kParquet;
      } else if (o.name == "FIXEDWIDTH") {
        s.format = DataFormat::kFixedWidth;
      } else if (o.name == "PARTITION BY") {
        s.partition_by = o.args[0].items;
        s.partition_include = o.args.size() > 1;
      } else if (o.name == "MANIFEST") {
        s.manifest = true;
        s.manifest_verbose = !o.args.empty();
      } else if (o.name == "ENCRYPTED") {
        s.encrypted = true;
        s.encrypted_auto = !o.args.empty();
      } else if (o.name == "KMS_KEY_ID") {
        s.kms_key_id = o.args[0].text;
      } else if (o.name == "MASTER_SYMMETRIC_KEY") {
        s.master_symmetric_key = o.args[0].text;
      } else if (o.name == "ALLOWOVERWRITE") {
        s.allow_overwrite = true;
      } else if (o.name == "CLEANPATH") {
        s.clean_path = true;
      } else if (o.name == "PARALLEL") {
        s.parallel = o.args.empty() || o.args[0].text == "ON" || o.args[0].text == "TRUE";
      } else if (o.name == "REGION") {
        s.region = o.args[0].text;
      } else if (o.name == "EXTENSION") {
        s.extension = o.args[0].text;
      }
    }
    if (!CheckUnloadRules(s)) return false;
    *out = std::move(s);
    return true;
  }

  // Rule RS-OPTS (DG-UNLOAD, DG-UNLENC). Rules are documented; the wording is proposed.
  bool CheckUnloadRules(const UnloadStatement& s) {
    const Credentials* creds = std::get_if<Credentials>(&*s.authorization);
    const Option* kms = Find(s.options, "KMS_KEY_ID");
    const Option* msk = Find(s.options, "MASTER_SYMMETRIC_KEY");
    const Option* encrypted = Find(s.options, "ENCRYPTED");
    if (kms && !encrypted) return Reject("KMS_KEY_ID requires ENCRYPTED", kms->pos);
    if (msk && !encrypted) return Reject("MASTER_SYMMETRIC_KEY requires ENCRYPTED", msk->pos);
    if (kms && creds) return Conflict("CREDENTIALS", creds->pos, "KMS_KEY_ID", kms->pos);
    if (msk && creds) return Conflict("CREDENTIALS", creds->pos, "MASTER_SYMMETRIC_KEY", msk->pos);
    // Inferred (no AWS page states it as a rule): one key per file.
    if (kms && msk) return Conflict("KMS_KEY_ID", kms->pos, "MASTER_SYMMETRIC_KEY", msk->pos);
    if (s.encrypted_auto) {
      if (kms) return Conflict("ENCRYPTED AUTO", encrypted->pos, "KMS_KEY_ID", kms->pos);
      if (msk) return Conflict("ENCRYPTED AUTO", encrypted->pos, "MASTER_SYMMETRIC_KEY", msk->pos);
      if (creds && creds->master_symmetric_key) {
        return Conflict("ENCRYPTED AUTO", encrypted->pos, "master_symmetric_key in CREDENTIALS",
                        creds->pos);
      }
    }
    if (s.format == DataFormat::kParquet && encrypted && !s.encrypted_auto && !kms) {
      return Reject(
          "ENCRYPTED with FORMAT AS PARQUET requires KMS_KEY_ID (Parquet files can "
          "only be encrypted with SSE-KMS)",
          encrypted->pos);
    }
    const Option* cleanpath = Find(s.options, "CLEANPATH");
    const Option* overwrite = Find(s.options, "ALLOWOVERWRITE");
    if (cleanpath && overwrite) {
      return Conflict("ALLOWOVERWRITE", overwrite->pos, "CLEANPATH", cleanpath->pos);
    }
    return true;
  }

  // ----- users, groups, roles -----------------------------------------------------------------
  // Redundant option in CREATE/ALTER USER: PostgreSQL's wording.
  bool Redundant(bool already, const SourcePos& pos, std::string_view what) {
    if (already) {
      return Reject("conflicting or redundant options", pos,
                   std::string(what) + " is given more than once");
    }
    return true;
  }

  // Options shared by CREATE USER and ALTER USER. Returns false on error; sets *matched to
  // false when the current word is none of them.
  template <typename U>
  bool ParseUserOption(U* u, bool* matched) {
    *matched = true;
    const Token& t = Peek();
    const SourcePos pos = t.pos;
    if (t.IsWord("password")) {
      ++i_;
      if (!Redundant(u->password || u->password_disabled, pos, "PASSWORD")) return false;
      if (AcceptWord("disable")) {
        u->password_disabled = true;
        return true;
      }
      std::string p;
      if (!ExpectString(&p, nullptr, "a quoted password or DISABLE")) return false;
      u->password = std::move(p);
      return true;
    }
    if (t.IsWord("createuser") || t.IsWord("nocreateuser")) {
      ++i_;
      if (!Redundant(u->createuser.has_value(), pos, "CREATEUSER")) return false;
      u->createuser = t.text == "createuser";
      return true;
    }
    if (t.IsWord("createdb") || t.IsWord("nocreatedb")) {
      ++i_;
      if (!Redundant(u->createdb.has_value(), pos, "CREATEDB")) return false;
      u->createdb = t.text == "createdb";
      return true;
    }
    if (t.IsWord("syslog")) {
      ++i_;
      if (!Redundant(u->syslog_access.has_value(), pos, "SYSLOG ACCESS")) return false;
      if (!ExpectWord("access")) return false;
      if (!Peek().IsWord("restricted") && !Peek().IsWord("unrestricted")) {
        return SyntaxError(Peek(), "expected RESTRICTED or UNRESTRICTED");
      }
      u->syslog_access = Upper(Next().text);
      return true;
    }
    if (t.IsWord("valid")) {
      ++i_;
      if (!Redundant(u->valid_until.has_value(), pos, "VALID UNTIL")) return false;
      std::string v;
      if (!ExpectWord("until") || !ExpectString(&v, nullptr, "a quoted timestamp")) return false;
      u->valid_until = std::move(v);
      return true;
    }
    if (t.IsWord("connection")) {
      ++i_;
      if (!Redundant(u->connection_limit.has_value(), pos, "CONNECTION LIMIT")) return false;
      if (!ExpectWord("limit")) return false;
      if (Peek().IsWord("unlimited")) {
        u->connection_limit = Upper(Next().text);
      } else if (Peek().kind == TokenKind::kNumber) {
        u->connection_limit = Next().text;
      } else {
        return SyntaxError(Peek(), "expected a number or UNLIMITED");
      }
      return true;
    }
    if (t.IsWord("session") && Peek(1).IsWord("timeout")) {
      i_ += 2;
      if (!Redundant(u->session_timeout.has_value(), pos, "SESSION TIMEOUT")) return false;
      int64_t v = 0;
      if (Peek().kind != TokenKind::kNumber || !ParseInt(Peek().text, &v)) {
        return SyntaxError(Peek(), "expected a number of seconds");
      }
      ++i_;
      u->session_timeout = v;
      return true;
    }
    if (t.IsWord("externalid")) {
      ++i_;
      if (!Redundant(u->external_id.has_value(), pos, "EXTERNALID")) return false;
      std::string v;
      if (!ExpectString(&v, nullptr, "a quoted external id")) return false;
      u->external_id = std::move(v);
      return true;
    }
    *matched = false;
    return true;
  }

  bool ParseCreateUser(SqlStatement* out) {
    CreateUser u;
    u.pos = Next().pos;
    ++i_;  // USER
    if (!ParseName(&u.name, &u.name_pos, "a user name")) return false;
    AcceptWord("with");
    while (!AtEnd()) {
      bool matched = false;
      if (!ParseUserOption(&u, &matched)) return false;
      if (matched) continue;
      if (Peek().IsWord("in")) {
        const SourcePos pos = Next().pos;
        if (!Redundant(!u.groups.empty(), pos, "IN GROUP")) return false;
        if (!ExpectWord("group") || !ParseNameList(&u.groups, "a group name")) return false;
        continue;
      }
      return SyntaxError(Peek(), "expected a CREATE USER option");
    }
    *out = std::move(u);
    return true;
  }

  bool ParseAlterUser(SqlStatement* out) {
    AlterUser u;
    u.pos = Next().pos;
    ++i_;  // USER
    if (!ParseName(&u.name, &u.name_pos, "a user name")) return false;
    // ALTER USER u SET param / RESET param: session defaults, not modelled.
    if (Peek().IsWord("set") ||
        (Peek().IsWord("reset") && !(Peek(1).IsWord("session") && Peek(2).IsWord("timeout")))) {
      return ParseOther("ALTER USER", u.pos, out);
    }
    if (AcceptWord("rename")) {
      std::string to;
      if (!ExpectWord("to") || !ParseName(&to, nullptr, "a user name")) return false;
      u.rename_to = std::move(to);
      *out = std::move(u);
      return true;
    }
    AcceptWord("with");
    bool any = false;
    while (!AtEnd()) {
      bool matched = false;
      if (Peek().IsWord("reset") && Peek(1).IsWord("session") && Peek(2).IsWord("timeout")) {
        const SourcePos pos = Peek().pos;
        i_ += 3;
        if (!Redundant(u.reset_session_timeout || u.session_timeout, pos, "SESSION TIMEOUT")) {
          return false;
        }
        u.reset_session_timeout = true;
        any = true;
        continue;
      }
      if (!ParseUserOption(&u, &matched)) return false;
      if (!matched) return SyntaxError(Peek(), "expected an ALTER USER option");
      if (u.reset_session_timeout && u.session_timeout) {
        Reject("conflicting or redundant options", toks_[i_ - 1].pos,
               "SESSION TIMEOUT is given more than once");
      }
      any = true;
    }
    if (!any) return SyntaxError(Peek(), "expected an ALTER USER option");
    *out = std::move(u);
    return true;
  }

  bool ParseDropUser(SqlStatement* out) {
    DropUser d;
    d.pos = Next().pos;
    ++i_;  // USER
    if (Peek().IsWord("if") && Peek(1).IsWord("exists")) {
      i_ += 2;
      d.if_exists = true;
    }
    if (!ParseNameList(&d.names, "a user name")) return false;
    *out = std::move(d);
    return true;
  }

  bool ParseCreateGroup(SqlStatement* out) {
    CreateGroup g;
    g.pos = Next().pos;
    ++i_;  // GROUP
    if (!ParseName(&g.name, nullptr, "a group name")) return false;
    const bool with = AcceptWord("with");
    if (AcceptWord("user")) {
      if (!ParseNameList(&g.users, "a user name")) return false;
    } else if (with) {
      return SyntaxError(Peek(), "expected USER");
    }
    *out = std::move(g);
    return true;
  }

  bool ParseAlterGroup(SqlStatement* out) {
    AlterGroup g;
    g.pos = Next().pos;
    ++i_;  // GROUP
    if (!ParseName(&g.name, nullptr, "a group name")) return false;
    if (Peek().IsWord("rename") || Peek().IsWord("owner")) {
      return ParseOther("ALTER GROUP", g.pos, out);
    }
    if (AcceptWord("drop")) {
      g.drop = true;
    } else if (!AcceptWord("add")) {
      return SyntaxError(Peek(), "expected ADD USER, DROP USER or RENAME TO");
    }
    if (!ExpectWord("user") || !ParseNameList(&g.users, "a user name")) return false;
    *out = std::move(g);
    return true;
  }

  bool ParseCreateRole(SqlStatement* out) {
    CreateRole r;
    r.pos = Next().pos;
    ++i_;  // ROLE
    if (!ParseRoleName(&r.name)) return false;
    if (AcceptWord("externalid")) {
      std::string v;
      if (!ExpectString(&v, nullptr, "a quoted external id")) return false;
      r.external_id = std::move(v);
    }
    *out = std::move(r);
    return true;
  }

  // { user | ROLE r | GROUP g | PUBLIC }; `roles_only` for GRANT / REVOKE ROLE (users or roles).
  bool ParseGrantee(Grantee* g, bool roles_only) {
    g->pos = Peek().pos;
    if (AcceptWord("role")) {
      g->kind = Grantee::Kind::kRole;
      return ParseRoleName(&g->name);
    }
    if (!roles_only && AcceptWord("group")) {
      g->kind = Grantee::Kind::kGroup;
      return ParseName(&g->name, nullptr, "a group name");
    }
    if (!roles_only && AcceptWord("public")) {
      g->kind = Grantee::Kind::kPublic;
      return true;
    }
    g->kind = Grantee::Kind::kUser;
    return ParseName(&g->name, nullptr,
                     roles_only ? "a user name or ROLE" : "a user name, ROLE, GROUP or PUBLIC");
  }

  bool ParseGrantAssumeRole(SqlStatement* out) {
    GrantAssumeRole g;
    g.pos = Peek().pos;
    g.revoke = Next().IsWord("revoke");
    ++i_;  // ASSUMEROLE
    if (!ExpectWord("on")) return false;
    // ON { 'role' [, ...] | default | ALL }
    AssumeRoleObject first;
    first.pos = Peek().pos;
    if (AcceptWord("all")) {
      first.kind = AssumeRoleObject::Kind::kAll;
      g.objects.push_back(std::move(first));
    } else if (AcceptWord("default")) {
      first.kind = AssumeRoleObject::Kind::kDefault;
      g.objects.push_back(std::move(first));
    } else {
      do {
        AssumeRoleObject o;
        o.kind = AssumeRoleObject::Kind::kRole;
        if (!ExpectString(&o.role, &o.pos, "a quoted IAM role ARN, DEFAULT or ALL")) return false;
        g.objects.push_back(std::move(o));
      } while (AcceptPunct(','));
    }
    if (!ExpectWord(g.revoke ? "from" : "to")) return false;
    do {
      Grantee e;
      if (!ParseGrantee(&e, /*roles_only=*/false)) return false;
      g.grantees.push_back(std::move(e));
    } while (AcceptPunct(','));
    if (!ExpectWord("for")) return false;
    do {
      if (AcceptWord("all")) {
        g.commands.insert({AssumeRoleCommand::kCopy, AssumeRoleCommand::kUnload,
                           AssumeRoleCommand::kExternalFunction, AssumeRoleCommand::kCreateModel});
      } else if (AcceptWord("copy")) {
        g.commands.insert(AssumeRoleCommand::kCopy);
      } else if (AcceptWord("unload")) {
        g.commands.insert(AssumeRoleCommand::kUnload);
      } else if (AcceptWord("external")) {
        if (!ExpectWord("function")) return false;
        g.commands.insert(AssumeRoleCommand::kExternalFunction);
      } else if (AcceptWord("create")) {
        if (!ExpectWord("model")) return false;
        g.commands.insert(AssumeRoleCommand::kCreateModel);
      } else {
        return SyntaxError(Peek(), "expected ALL, COPY, UNLOAD, EXTERNAL FUNCTION or CREATE MODEL");
      }
    } while (AcceptPunct(','));
    *out = std::move(g);
    return true;
  }

  bool ParseRoleList(std::vector<std::string>* roles) {
    do {
      if (!ExpectWord("role")) return false;
      std::string r;
      if (!ParseRoleName(&r)) return false;
      roles->push_back(std::move(r));
    } while (AcceptPunct(','));
    return true;
  }

  bool ParseGrantRole(SqlStatement* out) {
    GrantRole g;
    g.pos = Next().pos;
    if (!ParseRoleList(&g.roles) || !ExpectWord("to")) return false;
    do {
      Grantee e;
      if (!ParseGrantee(&e, /*roles_only=*/true)) return false;
      g.grantees.push_back(std::move(e));
      if (Peek().IsWord("with") && Peek(1).IsWord("admin")) {
        i_ += 2;
        if (!ExpectWord("option")) return false;
        g.with_admin_option = true;
      }
    } while (AcceptPunct(','));
    *out = std::move(g);
    return true;
  }

  bool ParseRevokeRole(SqlStatement* out) {
    RevokeRole r;
    r.pos = Next().pos;
    if (AcceptWord("admin")) {
      if (!ExpectWord("option") || !ExpectWord("for")) return false;
      r.admin_option_only = true;
    }
    if (!ParseRoleList(&r.roles) || !ExpectWord("from")) return false;
    do {
      Grantee e;
      if (!ParseGrantee(&e, /*roles_only=*/true)) return false;
      r.grantees.push_back(std::move(e));
    } while (AcceptPunct(','));
    *out = std::move(r);
    return true;
  }

  // SET [LOCAL] SESSION AUTHORIZATION { 'user' | user | DEFAULT }; RESET SESSION AUTHORIZATION.
  bool ParseSessionAuthorization(SqlStatement* out) {
    SetSessionAuthorization s;
    s.pos = Peek().pos;
    const bool reset = Next().IsWord("reset");
    s.local = AcceptWord("local");
    i_ += 2;  // SESSION AUTHORIZATION
    if (reset || AcceptWord("default")) {
      s.is_default = true;
    } else if (Peek().kind == TokenKind::kString) {
      s.user = Next().text;  // a literal names the user exactly
    } else if (!ParseName(&s.user, nullptr, "a user name, a quoted user name or DEFAULT")) {
      return false;
    }
    *out = std::move(s);
    return true;
  }

  std::string_view src_;
  const std::vector<Token>& toks_;
  size_t i_;
  size_t end_;
  bool failed_ = false;
  SqlError error_;
  bool reading_ = true;    // see Reject()
  bool rejected_ = false;
  SqlError rejection_;
  std::string command_;    // StatementKindName of the statement being parsed, for rejections
};

}  // namespace

SqlScript ParseSqlScript(std::string_view text) {
  SqlScript script;
  const std::vector<Token> toks = Lex(text);
  size_t i = 0;
  while (toks[i].kind != TokenKind::kEnd) {
    if (toks[i].IsPunct(';')) {
      ++i;
      continue;
    }
    size_t j = i;
    while (toks[j].kind != TokenKind::kEnd && !toks[j].IsPunct(';')) ++j;
    const SourcePos start = toks[i].pos;
    const std::string stmt_text(text.substr(start.offset, toks[j - 1].end - start.offset));
    StatementParser p(text, toks, i, j);
    if (std::optional<SqlStatement> s = p.Parse()) {
      script.statements.push_back(ParsedStatement{std::move(*s), start, stmt_text});
    } else {
      SqlError e = p.error();
      e.statement_pos = start;
      e.statement_text = stmt_text;
      script.errors.push_back(std::move(e));
    }
    i = j;
  }
  return script;
}

std::optional<RoleChainProblem> CheckRoleChain(std::string_view raw, std::string_view label,
                                               std::vector<std::string>* chain) {
  const size_t space = raw.find_first_of(" \t\r\n\f\v");
  if (space != std::string_view::npos) {
    // Proposed (E11): MG-AUTH "must not contain spaces".
    return RoleChainProblem{std::string(label) +
                                " must not contain spaces; write a role chain as 'arn1,arn2' "
                                "with no space after the comma",
                            "", space};
  }
  std::vector<std::string> parts;
  std::vector<size_t> starts;
  size_t b = 0;
  while (true) {
    const size_t comma = raw.find(',', b);
    const size_t e = comma == std::string_view::npos ? raw.size() : comma;
    parts.emplace_back(raw.substr(b, e - b));
    starts.push_back(b);
    if (comma == std::string_view::npos) break;
    b = comma + 1;
  }
  // No length limit here: the chain's length is the world's maxChain, checked at gate P1.
  for (size_t k = 0; k < parts.size(); ++k) {
    if (!IsRoleArn(parts[k])) {
      // Proposed (E11).
      std::string what = parts.size() == 1 ? std::string(label)
                                           : "role " + std::to_string(k + 1) + " of the " +
                                                 std::string(label) + " chain";
      const std::string shown =
          parts[k].empty() ? "(empty)" : "`" + SnippetForMessage(parts[k], 100) + "`";
      std::string hint = "expected arn:aws:iam::<account-id>:role/<role-name>";
      if (parts.size() == 1 && Upper(parts[k]) == "DEFAULT") {
        hint = "write IAM_ROLE default without quotes to use the cluster's default role";
      }
      return RoleChainProblem{what + " is not an IAM role ARN: " + shown, std::move(hint),
                              starts[k]};
    }
  }
  if (chain != nullptr) *chain = std::move(parts);
  return std::nullopt;
}

bool IsRejectedCopyOrUnload(const SqlError& e) {
  return e.kind == SqlErrorKind::kRejected && (e.command == "COPY" || e.command == "UNLOAD");
}

std::string FormatSqlError(const SqlError& e) {
  std::string out =
      std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " + e.message;
  if (!e.hint.empty()) out += " (" + e.hint + ")";
  return out;
}

}  // namespace redtrust::sim
