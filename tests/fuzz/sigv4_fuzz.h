// Fuzz target (g): SigV4 verification (tools/redtrustd/aws/sigv4.h).
//
// Input: a request as in http_fuzz.h (head, blank line, body); the line `X-Fuzz-Secret: S` sets
// the secret (default "fuzz-secret") and is not a header.
//
// Invariants (abort on violation):
//  - parsing the request's own signature never crashes; when it parses, the scope and clock
//    check, the canonical request and the comparison run; a signature that matches is exactly
//    the one ComputeSignature gives;
//  - sign then verify: the request signed by SignRequest (header and presigned forms) parses and
//    verifies with its secret, not with another secret, and no longer verifies once its body or
//    a signed header's value is changed;
//  - encodings round-trip: PercentDecode(UriEncode(x)) == x; ParseAmzDate(FormatAmzDate(t)) == t
//    for whole seconds.
#ifndef REDTRUST_TESTS_FUZZ_SIGV4_FUZZ_H_
#define REDTRUST_TESTS_FUZZ_SIGV4_FUZZ_H_

#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/http_fuzz.h"
#include "tools/redtrustd/aws/sigv4.h"

namespace redtrust::fuzz {

inline void CheckSigV4Input(std::string_view data) {
  namespace aws = server::aws;
  server::HttpRequest req;
  std::string unused_sign;
  std::string secret = "fuzz-secret";
  // Pull the secret line out of the head.
  std::string text(data);
  if (const size_t at = text.find("\nX-Fuzz-Secret: "); at != std::string::npos &&
                                                        at < text.find("\n\n")) {
    const size_t end = text.find('\n', at + 1);
    secret = text.substr(at + 16, end - at - 16);
    text.erase(at, end - at);
  }
  if (!ParseFuzzHttp(text, &req, &unused_sign)) return;

  // Whatever the request carries.
  aws::SigV4Auth auth;
  aws::AwsError error;
  if (aws::ParseSigV4(req, &auth, &error)) {
    (void)aws::CheckScopeAndTime(auth, "sts", kHttpFuzzNow);
    (void)aws::StringToSign(auth, aws::CanonicalRequest(req, auth));
    if (aws::SignatureMatches(req, auth, secret)) {
      REDTRUST_FUZZ_CHECK(aws::ComputeSignature(req, auth, secret) == auth.signature,
                          "a matching signature differs from the computed one");
    }
  }

  // Encodings.
  const std::string target(req.target());
  REDTRUST_FUZZ_CHECK(aws::PercentDecode(aws::UriEncode(target, true), false) == target,
                      "UriEncode/PercentDecode do not round-trip");
  const int64_t t = (static_cast<int64_t>(data.size()) * 7919 % 4102444800) * 1000000;
  auto back = aws::ParseAmzDate(aws::FormatAmzDate(t));
  REDTRUST_FUZZ_CHECK(back && *back == t, "amz date does not round-trip: " + aws::FormatAmzDate(t));

  // Sign, then verify.
  for (bool presign : {false, true}) {
    server::HttpRequest signed_req = req;
    signed_req.erase(server::http::field::authorization);
    aws::SigningParams p;
    p.access_key_id = "AKIAFUZZ000000000001";
    p.secret = secret;
    p.amz_date = aws::FormatAmzDate(kHttpFuzzNow);
    p.presign = presign;
    // The signer appends its own query parameters: skip targets that already carry X-Amz-*.
    if (target.find("X-Amz-") != std::string::npos || target.find("x-amz-") != std::string::npos) {
      continue;
    }
    aws::SignRequest(&signed_req, p);
    aws::SigV4Auth a;
    aws::AwsError e;
    REDTRUST_FUZZ_CHECK(aws::ParseSigV4(signed_req, &a, &e),
                        "a signed request does not parse: " + e.message);
    REDTRUST_FUZZ_CHECK(aws::SignatureMatches(signed_req, a, secret),
                        "a signed request does not verify\n" + aws::CanonicalRequest(signed_req, a));
    REDTRUST_FUZZ_CHECK(!aws::SignatureMatches(signed_req, a, secret + "x"),
                        "another secret verifies");
    if (!presign) {
      server::HttpRequest tampered = signed_req;
      tampered.body() += "x";
      tampered.prepare_payload();
      aws::SigV4Auth ta;
      if (aws::ParseSigV4(tampered, &ta, &e)) {
        REDTRUST_FUZZ_CHECK(!aws::SignatureMatches(tampered, ta, secret),
                            "a changed body still verifies");
      }
    }
  }
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_SIGV4_FUZZ_H_
