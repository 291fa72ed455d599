// AWS Signature Version 4 (AWS4-HMAC-SHA256): parsing a request's signature (Authorization
// header or query-string form), the canonical request, the string to sign, the signing key, and
// a constant-time comparison; plus a signer, for tests, benchmarks and tools.
//
// Source: AWS IAM User Guide, "Create a signed AWS API request" (reference_sigv-create-signed-
// request.html) and "Troubleshoot signed requests" (reference_sigv-troubleshooting.html); the
// error codes and messages are listed with their sources in docs/aws-api.md.
//
// Thread-safety: free functions over their arguments; no shared state. Cost: verification is
// one SHA-256 of the body, one of the canonical request and five HMAC-SHA256 (OpenSSL
// libcrypto), a few small allocations.
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_SIGV4_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_SIGV4_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/redtrustd/aws/aws_error.h"
#include "tools/redtrustd/handler.h"

namespace redtrust::server::aws {

// The SigV4 authentication a request carries, as parsed (nothing verified yet).
struct SigV4Auth {
  bool presigned = false;  // X-Amz-* query parameters instead of an Authorization header
  std::string access_key_id;
  std::string scope_date;  // YYYYMMDD, from the credential scope
  std::string region;
  std::string service;
  std::string terminator;      // "aws4_request" when well formed
  std::string signed_headers;  // as written: "content-type;host;x-amz-date"
  std::vector<std::string> signed_header_names;
  std::string signature;       // lowercase hex, as written
  std::string amz_date;        // the request time in ISO 8601 basic format, 20150830T123600Z
  int64_t request_micros = 0;  // amz_date as microseconds since the epoch
  std::optional<std::string> security_token;  // X-Amz-Security-Token
  std::optional<int64_t> expires_seconds;     // X-Amz-Expires (presigned only)
  std::string authorization;                  // the Authorization header (for error messages)
};

// Parses the request's signature. False, with *error set, when the request carries none
// (MissingAuthenticationToken) or a malformed one (IncompleteSignature).
bool ParseSigV4(const HttpRequest& request, SigV4Auth* auth, AwsError* error);

// The credential scope and the clock: the scope's date must be the request's, its service
// `expected_service`, its region a region name and its terminator aws4_request
// (SignatureDoesNotMatch with the troubleshooting guide's messages); the request time must be
// within 15 minutes of `now_micros` ("Signature expired: ..." / "Signature not yet current: ...")
// and, when presigned, X-Amz-Expires must not have passed.
std::optional<AwsError> CheckScopeAndTime(const SigV4Auth& auth, std::string_view expected_service,
                                          int64_t now_micros);

// The canonical request as the server sees `request` (method, normalized and URI-encoded path,
// sorted canonical query, the signed headers trimmed and joined, the body's SHA-256).
std::string CanonicalRequest(const HttpRequest& request, const SigV4Auth& auth);
// AWS4-HMAC-SHA256 \n amz_date \n scope \n hex(SHA-256(canonical_request)).
std::string StringToSign(const SigV4Auth& auth, std::string_view canonical_request);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::array<unsigned char, 32> SigningKey(std::string_view secret, std::string_view date,
                                         std::string_view region, std::string_view service);
// The hex signature `request` should carry when signed with `secret`.
std::string ComputeSignature(const HttpRequest& request, const SigV4Auth& auth,
                             std::string_view secret);
// True when the request's signature is the one `secret` produces; constant-time comparison.
bool SignatureMatches(const HttpRequest& request, const SigV4Auth& auth, std::string_view secret);

// AWS's SignatureDoesNotMatch answer for a wrong signature (HTTP 403).
AwsError SignatureMismatchError();

// ---- Primitives (exposed for tests and the signer).
std::string HexEncode(const unsigned char* data, size_t n);
std::string Sha256Hex(std::string_view data);
std::array<unsigned char, 32> HmacSha256(std::string_view key, std::string_view data);
// RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~) stay; every other byte becomes %XY
// (uppercase hex); '/' stays unless `encode_slash`.
std::string UriEncode(std::string_view s, bool encode_slash);
// Decodes %XY escapes (an invalid escape stays as written); '+' becomes a space only when
// `plus_is_space` (form bodies), never in SigV4 canonicalization.
std::string PercentDecode(std::string_view s, bool plus_is_space);
// 20150830T123600Z <-> microseconds since the epoch (UTC). nullopt when malformed.
std::optional<int64_t> ParseAmzDate(std::string_view s);
std::string FormatAmzDate(int64_t micros);

// ---- Signing (clients: tests, bench, tools). Adds X-Amz-Date, X-Amz-Security-Token (when a
// token is given) and Authorization to `request`, signing every header present except
// Authorization, User-Agent and Expect. REQUIRES: the Host header is set and the body is final.
// With `presign`, the signature goes into the query string instead (X-Amz-Algorithm, ...,
// X-Amz-Signature), signing only Host.
struct SigningParams {
  std::string access_key_id;
  std::string secret;
  std::string session_token;  // "" = none
  std::string region = "us-east-1";
  std::string service = "sts";
  std::string amz_date;  // 20150830T123600Z
  bool presign = false;
  int expires_seconds = 900;  // presign only
};
void SignRequest(HttpRequest* request, const SigningParams& params);

}  // namespace redtrust::server::aws

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_SIGV4_H_
