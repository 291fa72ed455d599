// SigV4: AWS's published test vectors (Signature Version 4 test suite: AKIDEXAMPLE, 2015-08-30,
// us-east-1, service "service"; the signing-key example of "Examples of how to derive a signing
// key"), requests signed by botocore 1.43 (the machine's AWS CLI), and the error answers.
#include "tools/redtrustd/aws/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace redtrust::server::aws {
namespace {

using ::testing::HasSubstr;

constexpr char kSuiteKey[] = "AKIDEXAMPLE";
constexpr char kSuiteSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kSuiteDate[] = "20150830T123600Z";

int64_t SuiteNow() { return *ParseAmzDate(kSuiteDate); }

HttpRequest SuiteRequest(http::verb method, std::string target,
                         std::vector<std::pair<std::string, std::string>> headers,
                         std::string body = "") {
  HttpRequest r{method, target, 11};
  r.set(http::field::host, "example.amazonaws.com");
  r.set("X-Amz-Date", kSuiteDate);
  for (auto& [k, v] : headers) r.insert(k, v);
  r.body() = std::move(body);
  return r;
}

std::string SuiteAuthorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
         "SignedHeaders=" +
         std::string(signed_headers) + ", Signature=" + std::string(signature);
}

// Parses, checks scope and clock, and verifies with the suite's secret.
void ExpectVerifies(HttpRequest r, std::string_view signed_headers, std::string_view signature) {
  r.set(http::field::authorization, SuiteAuthorization(signed_headers, signature));
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err)) << err.code << ": " << err.message;
  EXPECT_EQ(auth.access_key_id, kSuiteKey);
  EXPECT_FALSE(CheckScopeAndTime(auth, "service", SuiteNow()).has_value());
  EXPECT_EQ(ComputeSignature(r, auth, kSuiteSecret), signature) << "canonical request:\n"
                                                                << CanonicalRequest(r, auth);
  EXPECT_TRUE(SignatureMatches(r, auth, kSuiteSecret));
  EXPECT_FALSE(SignatureMatches(r, auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEX"));
}

TEST(SigV4Primitives, SigningKeyOfTheDocumentationExample) {
  auto k = SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  EXPECT_EQ(HexEncode(k.data(), k.size()),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4Primitives, EmptyPayloadHash) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4Primitives, UriEncodeKeepsUnreservedOnly) {
  EXPECT_EQ(UriEncode("-._~azAZ09", true), "-._~azAZ09");
  EXPECT_EQ(UriEncode("a b/c+d", true), "a%20b%2Fc%2Bd");
  EXPECT_EQ(UriEncode("a b/c", false), "a%20b/c");
  EXPECT_EQ(UriEncode("\xE1\x88\xB4", true), "%E1%88%B4");
}

TEST(SigV4Primitives, PercentDecodeKeepsInvalidEscapesAndPlus) {
  EXPECT_EQ(PercentDecode("a%20b+c%zz%4", false), "a b+c%zz%4");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
}

TEST(SigV4Primitives, AmzDateRoundTrip) {
  ASSERT_TRUE(ParseAmzDate("20150830T123600Z").has_value());
  EXPECT_EQ(FormatAmzDate(*ParseAmzDate("20150830T123600Z")), "20150830T123600Z");
  EXPECT_EQ(*ParseAmzDate("19700101T000001Z"), 1000000);
  EXPECT_FALSE(ParseAmzDate("2015-08-30T12:36:00Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20151330T123600Z").has_value());
}

// ---- The AWS test suite (aws-sig-v4-test-suite).

TEST(SigV4Suite, GetVanillaCanonicalRequestAndStringToSign) {
  HttpRequest r = SuiteRequest(http::verb::get, "/", {});
  r.set(http::field::authorization,
        SuiteAuthorization("host;x-amz-date",
                           "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err));
  EXPECT_EQ(CanonicalRequest(r, auth),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ExpectVerifies(r, "host;x-amz-date",
                 "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Suite, PostVanillaQueryStringToSign) {
  HttpRequest r = SuiteRequest(http::verb::post, "/?Param1=value1", {});
  r.set(http::field::authorization,
        SuiteAuthorization("host;x-amz-date",
                           "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"));
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err));
  std::string creq = CanonicalRequest(r, auth);
  EXPECT_EQ(creq,
            "POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign(auth, creq),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd");
  ExpectVerifies(r, "host;x-amz-date",
                 "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCase) {
  ExpectVerifies(SuiteRequest(http::verb::get, "/?Param2=value2&Param1=value1", {}),
                 "host;x-amz-date",
                 "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Suite, GetVanillaQueryUnreserved) {
  const std::string u = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  ExpectVerifies(SuiteRequest(http::verb::get, "/?" + u + "=" + u, {}), "host;x-amz-date",
                 "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197");
}

TEST(SigV4Suite, GetVanillaUtf8Query) {
  ExpectVerifies(SuiteRequest(http::verb::get, "/?\xE1\x88\xB4=bar", {}), "host;x-amz-date",
                 "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");
}

TEST(SigV4Suite, GetUtf8Path) {
  ExpectVerifies(SuiteRequest(http::verb::get, "/\xE1\x88\xB4", {}), "host;x-amz-date",
                 "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4Suite, GetUnreservedPath) {
  ExpectVerifies(
      SuiteRequest(http::verb::get,
                   "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", {}),
      "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");
}

TEST(SigV4Suite, GetHeaderValueTrim) {
  ExpectVerifies(SuiteRequest(http::verb::get, "/",
                              {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}),
                 "host;my-header1;my-header2;x-amz-date",
                 "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

TEST(SigV4Suite, GetHeaderKeyDuplicate) {
  ExpectVerifies(
      SuiteRequest(http::verb::get, "/",
                   {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
      "host;my-header1;x-amz-date",
      "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
}

TEST(SigV4Suite, PostHeaderValueCase) {
  ExpectVerifies(SuiteRequest(http::verb::post, "/", {{"My-Header1", "VALUE1"}}),
                 "host;my-header1;x-amz-date",
                 "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d");
}

TEST(SigV4Suite, PostVanillaQueryNonunreserved) {
  ExpectVerifies(SuiteRequest(http::verb::post, "/?@#$%^&+=/,?><`\";:\\|][{}", {}),
                 "host;x-amz-date",
                 "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e");
}

TEST(SigV4Suite, PostXWwwFormUrlencoded) {
  ExpectVerifies(
      SuiteRequest(http::verb::post, "/", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   "Param1=value1"),
      "content-type;host;x-amz-date",
      "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4Suite, PostStsHeaderBefore) {
  const std::string token =
      "AQoDYXdzEPT//////////"
      "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfI"
      "eoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7W"
      "Z0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8"
      "FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  HttpRequest r = SuiteRequest(http::verb::post, "/", {{"X-Amz-Security-Token", token}});
  ExpectVerifies(r, "host;x-amz-date;x-amz-security-token",
                 "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
  SigV4Auth auth;
  AwsError err;
  r.set(http::field::authorization,
        SuiteAuthorization("host;x-amz-date;x-amz-security-token", "x"));
  ASSERT_TRUE(ParseSigV4(r, &auth, &err));
  EXPECT_EQ(auth.security_token, token);
}

// ---- Requests signed by botocore 1.43.11 (the machine's AWS CLI), clock fixed at
// 2026-01-15T10:30:00Z, endpoint http://127.0.0.1:8080/.

constexpr char kBotoKey[] = "AKIAREDTRUSTTEST0001";
constexpr char kBotoSecret[] = "redtrust/test/secret/key/0123456789ABCD";

HttpRequest BotocoreRequest(std::string body, std::string authorization, std::string token = "") {
  HttpRequest r{http::verb::post, "/", 11};
  r.set(http::field::host, "127.0.0.1:8080");
  r.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  r.set(http::field::user_agent, "aws-cli/1.45.11");
  r.set("X-Amz-Date", "20260115T103000Z");
  if (!token.empty()) r.set("X-Amz-Security-Token", token);
  r.set(http::field::authorization, authorization);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

TEST(SigV4Botocore, AssumeRoleWithLongTermKey) {
  HttpRequest r = BotocoreRequest(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2F"
      "Analyst&RoleSessionName=s1&ExternalId=ext-1",
      "AWS4-HMAC-SHA256 Credential=AKIAREDTRUSTTEST0001/20260115/eu-west-1/sts/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, "
      "Signature=5e7808d7b7923d907582be006db64bba731dfef7a851f2adc154b6d9dcb01b9c");
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err)) << err.message;
  EXPECT_EQ(auth.access_key_id, kBotoKey);
  EXPECT_EQ(auth.region, "eu-west-1");
  EXPECT_EQ(auth.service, "sts");
  EXPECT_FALSE(CheckScopeAndTime(auth, "sts", auth.request_micros).has_value());
  EXPECT_TRUE(SignatureMatches(r, auth, kBotoSecret));
  // One byte of the body changed: the signature no longer matches.
  r.body().back() = '2';
  EXPECT_FALSE(SignatureMatches(r, auth, kBotoSecret));
}

TEST(SigV4Botocore, AssumeRoleWithSessionToken) {
  HttpRequest r = BotocoreRequest(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2F"
      "Analyst&RoleSessionName=s1",
      "AWS4-HMAC-SHA256 Credential=AKIAREDTRUSTTEST0001/20260115/eu-west-1/sts/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
      "Signature=e7886643785ada3a15c641001d3876e4226e75cb682c67c91aea1456ec3df101",
      "FQoGZXIvYXdzEXAMPLETOKEN");
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err)) << err.message;
  EXPECT_EQ(auth.security_token, "FQoGZXIvYXdzEXAMPLETOKEN");
  EXPECT_TRUE(SignatureMatches(r, auth, kBotoSecret));
}

// ---- Our signer agrees with our verifier (and, through the vectors above, with AWS).

TEST(SigV4Signer, SignedRequestVerifies) {
  HttpRequest r{http::verb::post, "/", 11};
  r.set(http::field::host, "127.0.0.1:9");
  r.set(http::field::content_type, "application/x-www-form-urlencoded");
  r.body() = "Action=AssumeRole&Version=2011-06-15";
  r.prepare_payload();
  SigningParams p;
  p.access_key_id = kBotoKey;
  p.secret = kBotoSecret;
  p.session_token = "tok";
  p.region = "eu-west-1";
  p.amz_date = "20260115T103000Z";
  SignRequest(&r, p);
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err)) << err.message;
  EXPECT_EQ(auth.signed_headers,
            "content-length;content-type;host;x-amz-date;x-amz-security-token");
  EXPECT_TRUE(SignatureMatches(r, auth, kBotoSecret));
}

TEST(SigV4Signer, PresignedRequestVerifies) {
  HttpRequest r{http::verb::get, "/?Action=AssumeRole&Version=2011-06-15&RoleSessionName=a b", 11};
  r.set(http::field::host, "127.0.0.1:9");
  SigningParams p;
  p.access_key_id = kBotoKey;
  p.secret = kBotoSecret;
  p.amz_date = "20260115T103000Z";
  p.presign = true;
  p.expires_seconds = 60;
  SignRequest(&r, p);
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err)) << err.message;
  EXPECT_TRUE(auth.presigned);
  EXPECT_TRUE(SignatureMatches(r, auth, kBotoSecret));
  EXPECT_FALSE(CheckScopeAndTime(auth, "sts", auth.request_micros + 59'000'000).has_value());
  auto late = CheckScopeAndTime(auth, "sts", auth.request_micros + 61'000'000);
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->code, "SignatureDoesNotMatch");
  EXPECT_THAT(late->message, HasSubstr("Signature expired: 20260115T103000Z"));
}

// ---- Errors.

TEST(SigV4Errors, NoAuthenticationIsMissingAuthenticationToken) {
  HttpRequest r = SuiteRequest(http::verb::post, "/", {});
  SigV4Auth auth;
  AwsError err;
  EXPECT_FALSE(ParseSigV4(r, &auth, &err));
  EXPECT_EQ(err.status, 403);
  EXPECT_EQ(err.code, "MissingAuthenticationToken");
  EXPECT_EQ(err.message, "Request is missing Authentication Token");
}

TEST(SigV4Errors, MissingPartsAreListedAsAwsDoes) {
  HttpRequest r{http::verb::post, "/", 11};
  r.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=ABCDEF");
  SigV4Auth auth;
  AwsError err;
  EXPECT_FALSE(ParseSigV4(r, &auth, &err));
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, "IncompleteSignature");
  EXPECT_EQ(err.message,
            "Authorization header requires 'Signature' parameter. Authorization header requires "
            "'SignedHeaders' parameter. Authorization header requires existence of either a "
            "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF");
}

TEST(SigV4Errors, PairWithoutEqualSign) {
  HttpRequest r = SuiteRequest(http::verb::post, "/", {});
  r.set(http::field::authorization,
        "AWS4-HMAC-SHA256 Credential=AKID, /20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00");
  SigV4Auth auth;
  AwsError err;
  EXPECT_FALSE(ParseSigV4(r, &auth, &err));
  EXPECT_EQ(err.code, "IncompleteSignature");
  EXPECT_THAT(err.message,
              HasSubstr("'/20150830/us-east-1/service/aws4_request' not a valid "
                        "key=value pair (missing equal-sign) in Authorization header"));
}

TEST(SigV4Errors, SkewedClock) {
  HttpRequest r = SuiteRequest(http::verb::get, "/", {});
  r.set(http::field::authorization, SuiteAuthorization("host;x-amz-date", "00"));
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err));
  const int64_t minute = 60'000'000;
  EXPECT_FALSE(CheckScopeAndTime(auth, "service", SuiteNow() + 15 * minute).has_value());
  EXPECT_FALSE(CheckScopeAndTime(auth, "service", SuiteNow() - 15 * minute).has_value());
  auto late = CheckScopeAndTime(auth, "service", SuiteNow() + 16 * minute);
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->status, 403);
  EXPECT_EQ(late->code, "SignatureDoesNotMatch");
  EXPECT_EQ(late->message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z "
            "(20150830T125200Z - 15 min.)");
  auto early = CheckScopeAndTime(auth, "service", SuiteNow() - 16 * minute);
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z "
            "(20150830T122000Z + 15 min.)");
}

TEST(SigV4Errors, ScopeProblemsAreAllReported) {
  HttpRequest r = SuiteRequest(http::verb::get, "/", {});
  r.set(http::field::authorization,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150829/nowhere/iam/aws5_request, "
        "SignedHeaders=host;x-amz-date, Signature=00");
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err));
  auto e = CheckScopeAndTime(auth, "sts", SuiteNow());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "SignatureDoesNotMatch");
  EXPECT_EQ(e->message,
            "Credential should be scoped to a valid region, not 'nowhere'. Credential should be "
            "scoped to correct service: 'sts'. Credential should be scoped with a valid "
            "terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not "
            "match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', "
            "from '20150830T123600Z'. ");
}

TEST(SigV4Errors, HostMustBeSigned) {
  HttpRequest r = SuiteRequest(http::verb::get, "/", {});
  r.set(http::field::authorization, SuiteAuthorization("x-amz-date", "00"));
  SigV4Auth auth;
  AwsError err;
  EXPECT_FALSE(ParseSigV4(r, &auth, &err));
  EXPECT_EQ(err.code, "IncompleteSignature");
}

TEST(SigV4Errors, BadDateFormat) {
  HttpRequest r = SuiteRequest(http::verb::get, "/", {});
  r.set("X-Amz-Date", "2015-08-30T12:36:00Z");
  r.set(http::field::authorization, SuiteAuthorization("host;x-amz-date", "00"));
  SigV4Auth auth;
  AwsError err;
  EXPECT_FALSE(ParseSigV4(r, &auth, &err));
  EXPECT_EQ(err.code, "IncompleteSignature");
  EXPECT_THAT(err.message, HasSubstr("Date must be in ISO-8601 'basic format'"));
}

TEST(SigV4Errors, DateHeaderInsteadOfXAmzDate) {
  HttpRequest r{http::verb::get, "/", 11};
  r.set(http::field::host, "example.amazonaws.com");
  r.set(http::field::date, "Sun, 30 Aug 2015 12:36:00 GMT");
  r.set(http::field::authorization, SuiteAuthorization("date;host", "00"));
  SigV4Auth auth;
  AwsError err;
  ASSERT_TRUE(ParseSigV4(r, &auth, &err)) << err.message;
  EXPECT_EQ(auth.amz_date, "20150830T123600Z");
}

}  // namespace
}  // namespace redtrust::server::aws
