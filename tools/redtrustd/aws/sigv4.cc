#include "tools/redtrustd/aws/sigv4.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <utility>

#include "engine/policy/arn.h"

namespace redtrust::server::aws {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr int64_t kMicrosPerSecond = 1000000;
// Requests may be at most 15 minutes early or late (troubleshooting guide, "Signature expired").
constexpr int64_t kMaxSkewMicros = 15 * 60 * kMicrosPerSecond;

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Header values in the canonical request: trimmed, runs of white space as one space.
std::string CanonicalHeaderValue(std::string_view v) {
  v = Trim(v);
  std::string out;
  out.reserve(v.size());
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SplitQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(std::string(part), "");
    } else {
      out.emplace_back(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    }
  }
  return out;
}

std::string_view QueryOf(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// The first value of query parameter `name` (decoded), if present.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  for (auto& [k, v] : SplitQuery(query)) {
    if (PercentDecode(k, false) == name) return PercentDecode(v, false);
  }
  return std::nullopt;
}

// RFC 3986 section 5.2.4, plus empty segments dropped ("//" -> "/"): AWS normalizes the path of
// non-S3 requests before signing (reference_sigv-create-signed-request, canonical URI).
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segs;
  std::string_view last;
  size_t i = 0;
  for (;;) {
    size_t slash = path.find('/', i);
    std::string_view seg =
        path.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
    last = seg;
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  std::string out;
  for (std::string_view seg : segs) {
    out += '/';
    out.append(seg);
  }
  // A path ending in "/", "/." or "/.." names a directory and keeps its trailing slash.
  if (out.empty() || last.empty() || last == "." || last == "..") out += '/';
  return out;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, size_t at, size_t n, unsigned* out) {
  if (at + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<int64_t> FromParts(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                                 unsigned s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  int64_t days = DaysFromCivil(y, mo, d);
  return ((days * 86400) + h * 3600 + mi * 60 + s) * kMicrosPerSecond;
}

// RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the Date header AWS accepts instead of
// X-Amz-Date).
std::optional<int64_t> ParseHttpDate(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s.substr(25) != " GMT") return std::nullopt;
  unsigned d, y, h, mi, sec;
  if (!Digits(s, 5, 2, &d) || !Digits(s, 12, 4, &y) || !Digits(s, 17, 2, &h) ||
      !Digits(s, 20, 2, &mi) || !Digits(s, 23, 2, &sec) || s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  std::string_view mon = s.substr(8, 3);
  unsigned m = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (kMonths[i] == mon) m = i + 1;
  }
  if (m == 0) return std::nullopt;
  return FromParts(y, m, d, h, mi, sec);
}

AwsError Incomplete(std::string message) {
  return AwsError{400, "IncompleteSignature", std::move(message)};
}

AwsError DateFormatError(std::string_view got) {
  return Incomplete("Date must be in ISO-8601 'basic format'. Got '" + std::string(got) +
                    "'. See http://en.wikipedia.org/wiki/ISO_8601");
}

bool ParseCredential(std::string_view credential, SigV4Auth* auth) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (true) {
    size_t slash = credential.find('/', i);
    parts.push_back(
        credential.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i));
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  if (parts.size() != 5 || parts[0].empty()) return false;
  auth->access_key_id = std::string(parts[0]);
  auth->scope_date = std::string(parts[1]);
  auth->region = std::string(parts[2]);
  auth->service = std::string(parts[3]);
  auth->terminator = std::string(parts[4]);
  return true;
}

bool ParseSignedHeaders(std::string_view text, SigV4Auth* auth, AwsError* error) {
  auth->signed_headers = std::string(text);
  auth->signed_header_names.clear();
  size_t i = 0;
  while (i <= text.size()) {
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos) semi = text.size();
    std::string_view name = text.substr(i, semi - i);
    if (!name.empty()) auth->signed_header_names.push_back(Lower(name));
    i = semi + 1;
  }
  if (std::find(auth->signed_header_names.begin(), auth->signed_header_names.end(), "host") ==
      auth->signed_header_names.end()) {
    *error =
        Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    return false;
  }
  return true;
}

bool ParseHeaderAuth(const HttpRequest& request, std::string_view value, SigV4Auth* auth,
                     AwsError* error) {
  auth->authorization = std::string(value);
  std::string_view rest;
  size_t sp = value.find(' ');
  if (sp != std::string_view::npos && value.substr(0, sp) == kAlgorithm)
    rest = value.substr(sp + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      *error = Incomplete("'" + std::string(part) +
                          "' not a valid key=value pair (missing equal-sign) in Authorization "
                          "header: '" +
                          std::string(value) + "'.");
      return false;
    }
    std::string_view k = part.substr(0, eq), v = part.substr(eq + 1);
    if (k == "Credential") credential = v;
    if (k == "SignedHeaders") signed_headers = v;
    if (k == "Signature") signature = v;
  }
  auto amz_date = request.find("X-Amz-Date");
  auto date = request.find(http::field::date);
  const bool has_date = amz_date != request.end() || date != request.end();
  if (!credential || !signed_headers || !signature || !has_date) {
    // The observed answer lists every missing part, then echoes the header.
    std::string m;
    if (!credential) m += "Authorization header requires 'Credential' parameter. ";
    if (!signature) m += "Authorization header requires 'Signature' parameter. ";
    if (!signed_headers) m += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!has_date) {
      m += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    *error = Incomplete(m + "Authorization=" + std::string(value));
    return false;
  }
  if (!ParseCredential(*credential, auth)) {
    *error = Incomplete("Credential=" + std::string(*credential) +
                        " is not a valid credential scope: expected "
                        "ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request");
    return false;
  }
  if (!ParseSignedHeaders(*signed_headers, auth, error)) return false;
  auth->signature = std::string(*signature);
  if (amz_date != request.end()) {
    auth->amz_date = std::string(amz_date->value());
    std::optional<int64_t> t = ParseAmzDate(auth->amz_date);
    if (!t) {
      *error = DateFormatError(auth->amz_date);
      return false;
    }
    auth->request_micros = *t;
  } else {
    std::optional<int64_t> t = ParseHttpDate(date->value());
    if (!t) {
      *error = DateFormatError(date->value());
      return false;
    }
    auth->request_micros = *t;
    auth->amz_date = FormatAmzDate(*t);
  }
  if (auto token = request.find("X-Amz-Security-Token"); token != request.end()) {
    auth->security_token = std::string(token->value());
  }
  return true;
}

bool ParseQueryAuth(std::string_view query, SigV4Auth* auth, AwsError* error) {
  auth->presigned = true;
  std::optional<std::string> algorithm = QueryParam(query, "X-Amz-Algorithm");
  std::optional<std::string> credential = QueryParam(query, "X-Amz-Credential");
  std::optional<std::string> date = QueryParam(query, "X-Amz-Date");
  std::optional<std::string> signed_headers = QueryParam(query, "X-Amz-SignedHeaders");
  std::optional<std::string> signature = QueryParam(query, "X-Amz-Signature");
  if (!algorithm || *algorithm != kAlgorithm || !credential || !date || !signed_headers ||
      !signature) {
    *error = Incomplete(
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
        "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string "
        "parameters.");
    return false;
  }
  if (!ParseCredential(*credential, auth)) {
    *error = Incomplete("X-Amz-Credential=" + *credential +
                        " is not a valid credential scope: expected "
                        "ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request");
    return false;
  }
  if (!ParseSignedHeaders(*signed_headers, auth, error)) return false;
  auth->signature = *signature;
  auth->amz_date = *date;
  std::optional<int64_t> t = ParseAmzDate(*date);
  if (!t) {
    *error = DateFormatError(*date);
    return false;
  }
  auth->request_micros = *t;
  if (std::optional<std::string> e = QueryParam(query, "X-Amz-Expires")) {
    int64_t n = 0;
    bool ok = !e->empty() && e->size() <= 7;
    for (char c : *e) ok = ok && c >= '0' && c <= '9';
    if (ok) n = std::stoll(*e);
    if (!ok || n < 1 || n > 604800) {
      *error = Incomplete(
          "X-Amz-Expires must be a whole number of seconds from 1 to 604800, not '" + *e + "'");
      return false;
    }
    auth->expires_seconds = n;
  }
  auth->security_token = QueryParam(query, "X-Amz-Security-Token");
  return true;
}

std::string CredentialScope(const SigV4Auth& a) {
  return a.scope_date + "/" + a.region + "/" + a.service + "/" + a.terminator;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Primitives

std::string HexEncode(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 0xF];
  }
  return out;
}

namespace {

// OpenSSL 3's one-shot SHA256() and HMAC() look the algorithm up in the provider on every call,
// which costs more than hashing a request; the algorithms are fetched once per thread and the
// contexts reused (a request's verification makes two digests and five MACs).
struct CryptoContexts {
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* md_ctx = EVP_MD_CTX_new();
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* mac_ctx = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
  bool ok = false;

  CryptoContexts() {
    if (!sha256 || !md_ctx || !mac_ctx) return;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    ok = EVP_MAC_CTX_set_params(mac_ctx, params) == 1;
  }
  ~CryptoContexts() {
    EVP_MAC_CTX_free(mac_ctx);
    EVP_MAC_free(hmac);
    EVP_MD_CTX_free(md_ctx);
    EVP_MD_free(sha256);
  }
  CryptoContexts(const CryptoContexts&) = delete;
  CryptoContexts& operator=(const CryptoContexts&) = delete;
};

CryptoContexts& Crypto() {
  thread_local CryptoContexts c;
  return c;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  CryptoContexts& c = Crypto();
  unsigned int len = 0;
  if (!c.ok || EVP_DigestInit_ex2(c.md_ctx, c.sha256, nullptr) != 1 ||
      EVP_DigestUpdate(c.md_ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(c.md_ctx, md, &len) != 1) {
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  }
  return HexEncode(md, sizeof(md));
}

std::array<unsigned char, 32> HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> out{};
  CryptoContexts& c = Crypto();
  size_t n = 0;
  if (!c.ok ||
      EVP_MAC_init(c.mac_ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   nullptr) != 1 ||
      EVP_MAC_update(c.mac_ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(c.mac_ctx, out.data(), &n, out.size()) != 1 || n != out.size()) {
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  }
  return out;
}

std::string UriEncode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<int64_t> ParseAmzDate(std::string_view s) {
  unsigned y, mo, d, h, mi, sec;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 4, 2, &mo) || !Digits(s, 6, 2, &d) || !Digits(s, 9, 2, &h) ||
      !Digits(s, 11, 2, &mi) || !Digits(s, 13, 2, &sec)) {
    return std::nullopt;
  }
  return FromParts(y, mo, d, h, mi, sec);
}

std::string FormatAmzDate(int64_t micros) {
  int64_t secs = micros / kMicrosPerSecond;
  if (micros % kMicrosPerSecond < 0) --secs;
  int64_t days = secs / 86400, sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld%02u%02uT%02lld%02lld%02lldZ", static_cast<long long>(y),
                m, d, static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                static_cast<long long>(sod % 60));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Verification

bool ParseSigV4(const HttpRequest& request, SigV4Auth* auth, AwsError* error) {
  *auth = SigV4Auth();
  auto header = request.find(http::field::authorization);
  std::string_view query = QueryOf(request.target());
  const bool query_auth = QueryParam(query, "X-Amz-Algorithm").has_value() ||
                          QueryParam(query, "X-Amz-Credential").has_value();
  if (header != request.end() && query_auth) {
    *error = Incomplete(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
        "query string parameter or the Authorization header should be specified");
    return false;
  }
  if (header != request.end()) return ParseHeaderAuth(request, header->value(), auth, error);
  if (query_auth) return ParseQueryAuth(query, auth, error);
  *error = AwsError{403, "MissingAuthenticationToken", "Request is missing Authentication Token"};
  return false;
}

std::optional<AwsError> CheckScopeAndTime(const SigV4Auth& auth, std::string_view expected_service,
                                          int64_t now_micros) {
  // Every scope problem is reported, each sentence ending with ". " as AWS writes them
  // (reference_sigv-troubleshooting, "Credential scope errors").
  std::string m;
  if (!IsValidRegionName(auth.region)) {
    m += "Credential should be scoped to a valid region, not '" + auth.region + "'. ";
  }
  if (auth.service != expected_service) {
    m +=
        "Credential should be scoped to correct service: '" + std::string(expected_service) + "'. ";
  }
  if (auth.terminator != "aws4_request") {
    m += "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
         auth.terminator + "'. ";
  }
  if (auth.scope_date != std::string_view(auth.amz_date).substr(0, 8)) {
    m += "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
         "HTTP: '" +
         auth.scope_date + "' != '" + auth.amz_date.substr(0, 8) + "', from '" + auth.amz_date +
         "'. ";
  }
  if (!m.empty()) return AwsError{403, "SignatureDoesNotMatch", m};
  if (auth.request_micros < now_micros - kMaxSkewMicros) {
    return AwsError{403, "SignatureDoesNotMatch",
                    "Signature expired: " + auth.amz_date + " is now earlier than " +
                        FormatAmzDate(now_micros - kMaxSkewMicros) + " (" +
                        FormatAmzDate(now_micros) + " - 15 min.)"};
  }
  if (auth.request_micros > now_micros + kMaxSkewMicros) {
    return AwsError{403, "SignatureDoesNotMatch",
                    "Signature not yet current: " + auth.amz_date + " is still later than " +
                        FormatAmzDate(now_micros + kMaxSkewMicros) + " (" +
                        FormatAmzDate(now_micros) + " + 15 min.)"};
  }
  if (auth.presigned && auth.expires_seconds &&
      auth.request_micros + *auth.expires_seconds * kMicrosPerSecond < now_micros) {
    return AwsError{403, "SignatureDoesNotMatch",
                    "Signature expired: " + auth.amz_date + " is now earlier than " +
                        FormatAmzDate(now_micros - *auth.expires_seconds * kMicrosPerSecond) +
                        " (" + FormatAmzDate(now_micros) + " - " +
                        std::to_string(*auth.expires_seconds) + " sec.)"};
  }
  return std::nullopt;
}

std::string CanonicalRequest(const HttpRequest& request, const SigV4Auth& auth) {
  std::string out;
  out.reserve(256 + request.body().size() / 8);
  out.append(request.method_string());
  out += '\n';
  std::string_view target = request.target();
  out += UriEncode(NormalizePath(PathOf(target)), false);
  out += '\n';
  // Canonical query: every parameter (but the signature itself) decoded, re-encoded, sorted.
  std::vector<std::pair<std::string, std::string>> params;
  for (auto& [k, v] : SplitQuery(QueryOf(target))) {
    std::string key = PercentDecode(k, false);
    if (auth.presigned && key == "X-Amz-Signature") continue;
    params.emplace_back(UriEncode(key, true), UriEncode(PercentDecode(v, false), true));
  }
  std::sort(params.begin(), params.end());
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += '&';
    out += params[i].first;
    out += '=';
    out += params[i].second;
  }
  out += '\n';
  // Canonical headers: each signed header, its values in order joined by ','.
  for (const std::string& name : auth.signed_header_names) {
    out += name;
    out += ':';
    bool first = true;
    for (const auto& f : request) {
      if (!EqualsIgnoreCase(f.name_string(), name)) continue;
      if (!first) out += ',';
      first = false;
      out += CanonicalHeaderValue(f.value());
    }
    out += '\n';
  }
  out += '\n';
  out += auth.signed_headers;
  out += '\n';
  out += Sha256Hex(request.body());
  return out;
}

std::string StringToSign(const SigV4Auth& auth, std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += '\n';
  out += auth.amz_date;
  out += '\n';
  out += CredentialScope(auth);
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

std::array<unsigned char, 32> SigningKey(std::string_view secret, std::string_view date,
                                         std::string_view region, std::string_view service) {
  std::string k = "AWS4";
  k.append(secret);
  auto k_date = HmacSha256(k, date);
  auto k_region =
      HmacSha256(std::string_view(reinterpret_cast<const char*>(k_date.data()), 32), region);
  auto k_service =
      HmacSha256(std::string_view(reinterpret_cast<const char*>(k_region.data()), 32), service);
  return HmacSha256(std::string_view(reinterpret_cast<const char*>(k_service.data()), 32),
                    "aws4_request");
}

namespace {

// Signing keys are valid for a day, a region and a service; deriving one is four HMACs, as much
// as the rest of a verification. Each thread keeps the keys it derived (at most 256, then
// starts over), as SDKs do on the signing side.
const std::array<unsigned char, 32>& CachedSigningKey(std::string_view secret,
                                                      std::string_view date,
                                                      std::string_view region,
                                                      std::string_view service) {
  thread_local std::unordered_map<std::string, std::array<unsigned char, 32>> cache;
  std::string id;
  id.reserve(secret.size() + date.size() + region.size() + service.size() + 3);
  id.append(secret)
      .append(1, '\0')
      .append(date)
      .append(1, '\0')
      .append(region)
      .append(1, '\0')
      .append(service);
  auto it = cache.find(id);
  if (it != cache.end()) return it->second;
  if (cache.size() >= 256) cache.clear();
  return cache.emplace(std::move(id), SigningKey(secret, date, region, service)).first->second;
}

}  // namespace

std::string ComputeSignature(const HttpRequest& request, const SigV4Auth& auth,
                             std::string_view secret) {
  const auto& key = CachedSigningKey(secret, auth.scope_date, auth.region, auth.service);
  std::string sts = StringToSign(auth, CanonicalRequest(request, auth));
  auto sig = HmacSha256(std::string_view(reinterpret_cast<const char*>(key.data()), 32), sts);
  return HexEncode(sig.data(), sig.size());
}

bool SignatureMatches(const HttpRequest& request, const SigV4Auth& auth, std::string_view secret) {
  std::string expected = ComputeSignature(request, auth, secret);
  // Length is not secret (always 64); the bytes are compared in constant time.
  if (auth.signature.size() != expected.size()) return false;
  return CRYPTO_memcmp(expected.data(), auth.signature.data(), expected.size()) == 0;
}

AwsError SignatureMismatchError() {
  return AwsError{403, "SignatureDoesNotMatch",
                  "The request signature we calculated does not match the signature you "
                  "provided. Check your AWS Secret Access Key and signing method. Consult the "
                  "service documentation for details."};
}

// ---------------------------------------------------------------------------------------------
// Signing

void SignRequest(HttpRequest* request, const SigningParams& p) {
  SigV4Auth auth;
  auth.access_key_id = p.access_key_id;
  auth.scope_date = p.amz_date.substr(0, 8);
  auth.region = p.region;
  auth.service = p.service;
  auth.terminator = "aws4_request";
  auth.amz_date = p.amz_date;
  const std::string credential = p.access_key_id + "/" + CredentialScope(auth);
  if (p.presign) {
    auth.presigned = true;
    auth.signed_headers = "host";
    auth.signed_header_names = {"host"};
    std::string target(request->target());
    target += target.find('?') == std::string::npos ? '?' : '&';
    target += "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + UriEncode(credential, true) +
              "&X-Amz-Date=" + p.amz_date + "&X-Amz-Expires=" + std::to_string(p.expires_seconds) +
              "&X-Amz-SignedHeaders=host";
    if (!p.session_token.empty()) {
      target += "&X-Amz-Security-Token=" + UriEncode(p.session_token, true);
    }
    request->target(target);
    std::string sig = ComputeSignature(*request, auth, p.secret);
    request->target(target + "&X-Amz-Signature=" + sig);
    return;
  }
  request->set("X-Amz-Date", p.amz_date);
  if (!p.session_token.empty()) request->set("X-Amz-Security-Token", p.session_token);
  std::vector<std::string> names;
  for (const auto& f : *request) {
    std::string n = Lower(f.name_string());
    if (n == "authorization" || n == "user-agent" || n == "expect") continue;
    names.push_back(std::move(n));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) auth.signed_headers += ';';
    auth.signed_headers += names[i];
  }
  auth.signed_header_names = names;
  std::string sig = ComputeSignature(*request, auth, p.secret);
  request->set(http::field::authorization, std::string(kAlgorithm) + " Credential=" + credential +
                                               ", SignedHeaders=" + auth.signed_headers +
                                               ", Signature=" + sig);
}

}  // namespace redtrust::server::aws
