// redtrustd's AWS endpoints without sockets: Beast requests signed in the test, answered by
// AwsApi::Handle over fixtures/worlds/aws-api with a fixed clock.
#include "tools/redtrustd/aws/aws_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tools/redtrustd/aws/sigv4.h"

namespace redtrust::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kSource = REDTRUST_SOURCE_DIR;
constexpr char kDate[] = "20260115T103000Z";
constexpr char kAccount[] = "111122223333";

struct Key {
  std::string id, secret, token;
};
const Key kAlice{"AKIAALICE00000000001", "alice/Secret/Key/0000000000000000000000001", ""};
const Key kBob{"AKIABOB0000000000001", "bob/Secret/Key/00000000000000000000000001", ""};
const Key kRedshift{"AKIAREDSHIFTEUWEST01", "redshift/Secret/Key/000000000000000000001", ""};
const Key kWorldSession{"ASIAANALYSTSESSION01", "analyst/Session/Secret/0000000000000000001",
                        "world-declared-session-token"};

const std::string kAnalyst = "arn:aws:iam::111122223333:role/Analyst";
const std::string kAuditor = "arn:aws:iam::111122223333:role/audit/Auditor";
const std::string kExternalIdRole = "arn:aws:iam::111122223333:role/ExternalIdRole";
const std::string kTagged = "arn:aws:iam::111122223333:role/TaggedRole";
const std::string kRedshiftCopy = "arn:aws:iam::111122223333:role/RedshiftCopy";
const std::string kPartner = "arn:aws:iam::444455556666:role/PartnerReader";

// The text of the first <tag>...</tag>, entities decoded; "" when absent.
std::string Tag(const std::string& xml, const std::string& tag, size_t from = 0) {
  size_t b = xml.find("<" + tag + ">", from);
  if (b == std::string::npos) return "";
  b += tag.size() + 2;
  size_t e = xml.find("</" + tag + ">", b);
  std::string s = xml.substr(b, e - b);
  for (auto [ent, ch] :
       {std::pair{"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (size_t p; (p = s.find(ent)) != std::string::npos;)
      s.replace(p, std::string(ent).size(), ch);
  }
  return s;
}

std::string Form(std::vector<std::pair<std::string, std::string>> params) {
  std::string out;
  for (auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += aws::UriEncode(k, true) + "=" + aws::UriEncode(v, true);
  }
  return out;
}

class AwsApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim::LoadResult r = sim::LoadWorld(kSource + "/fixtures/worlds/aws-api");
    ASSERT_TRUE(r.ok());
    world_ = r.world;
  }
  static void TearDownTestSuite() { world_.reset(); }

  AwsApiTest() : api_(Options()) {}

  AwsApiOptions Options() {
    AwsApiOptions o;
    o.now_micros = [this] { return now_.load(); };
    return o;
  }

  static HttpRequest Post(const std::string& body) {
    HttpRequest r{http::verb::post, "/", 11};
    r.set(http::field::host, "127.0.0.1:8080");
    r.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
    r.body() = body;
    r.prepare_payload();
    return r;
  }

  static void Sign(HttpRequest* r, const Key& k, const std::string& service = "sts",
                   const std::string& region = "eu-west-1", const std::string& date = kDate) {
    aws::SigningParams p;
    p.access_key_id = k.id;
    p.secret = k.secret;
    p.session_token = k.token;
    p.service = service;
    p.region = region;
    p.amz_date = date;
    aws::SignRequest(r, p);
  }

  HttpResponse Call(const HttpRequest& r) {
    outcome_ = Outcome();
    return api_.Handle(r, *world_, &outcome_);
  }

  HttpResponse AssumeRole(const Key& k, std::vector<std::pair<std::string, std::string>> params) {
    params.insert(params.begin(), {{"Action", "AssumeRole"}, {"Version", "2011-06-15"}});
    HttpRequest r = Post(Form(params));
    Sign(&r, k);
    return Call(r);
  }

  HttpResponse Simulate(const std::string& action,
                        std::vector<std::pair<std::string, std::string>> params,
                        const Key& k = kAlice) {
    params.insert(params.begin(), {{"Action", action}, {"Version", "2010-05-08"}});
    HttpRequest r = Post(Form(params));
    Sign(&r, k, "iam", "us-east-1");
    return Call(r);
  }

  static Key Issued(const HttpResponse& r) {
    return Key{Tag(r.body(), "AccessKeyId"), Tag(r.body(), "SecretAccessKey"),
               Tag(r.body(), "SessionToken")};
  }

  static std::shared_ptr<const sim::World> world_;
  std::atomic<int64_t> now_{*aws::ParseAmzDate(kDate)};
  AwsApi api_;
  Outcome outcome_;
};

std::shared_ptr<const sim::World> AwsApiTest::world_;

void ExpectError(const HttpResponse& r, int status, const std::string& code,
                 const std::string& message) {
  EXPECT_EQ(r.result_int(), status) << r.body();
  EXPECT_EQ(Tag(r.body(), "Code"), code) << r.body();
  EXPECT_EQ(Tag(r.body(), "Message"), message) << r.body();
  EXPECT_EQ(Tag(r.body(), "Type"), status >= 500 ? "Receiver" : "Sender");
  EXPECT_EQ(Tag(r.body(), "RequestId"), std::string(r["x-amzn-RequestId"]));
}

// ---- AssumeRole: decisions.

TEST_F(AwsApiTest, AssumeRoleAllowedByDirectTrust) {
  HttpResponse r = AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "s1"}});
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(r[http::field::content_type], "text/xml");
  EXPECT_THAT(
      r.body(),
      StartsWith("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                 "  <AssumeRoleResult>\n    <AssumedRoleUser>\n"));
  const std::string key = Tag(r.body(), "AccessKeyId");
  EXPECT_EQ(key.size(), 20u);
  EXPECT_THAT(key, StartsWith("ASIA"));
  EXPECT_EQ(Tag(r.body(), "SecretAccessKey").size(), 40u);
  EXPECT_GE(Tag(r.body(), "SessionToken").size(), 100u);
  EXPECT_EQ(Tag(r.body(), "Expiration"), "2026-01-15T11:30:00Z");
  EXPECT_EQ(Tag(r.body(), "Arn"), "arn:aws:sts::111122223333:assumed-role/Analyst/s1");
  const std::string role_id = Tag(r.body(), "AssumedRoleId");
  EXPECT_THAT(role_id, StartsWith("AROA"));
  EXPECT_EQ(role_id.size(), 21u + 3u);
  EXPECT_THAT(role_id, testing::EndsWith(":s1"));
  EXPECT_EQ(Tag(r.body(), "PackedPolicySize"), "");  // absent without tags or policies
  EXPECT_EQ(Tag(r.body(), "RequestId"), std::string(r["x-amzn-RequestId"]));
  EXPECT_EQ(r["X-Redtrust-Decision"], "allowed");
  EXPECT_THAT(std::string(r["X-Redtrust-Matched"]), HasSubstr("trust-analyst.json:4:5"));
  EXPECT_EQ(outcome_.route, "sts:AssumeRole");
  EXPECT_EQ(outcome_.decision, "allowed");
  EXPECT_EQ(outcome_.decisions_allowed, 1u);
  EXPECT_EQ(api_.issued_credentials(), 1u);
}

TEST_F(AwsApiTest, AssumeRoleDeniedWithStsText) {
  HttpResponse r = AssumeRole(kBob, {{"RoleArn", kAnalyst}, {"RoleSessionName", "s1"}});
  ExpectError(r, 403, "AccessDenied",
              "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: "
              "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Analyst");
  EXPECT_THAT(r.body(),
              StartsWith("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"));
  EXPECT_EQ(r["X-Redtrust-Decision"], "implicitDeny");
  EXPECT_EQ(r["X-Redtrust-Denied-By"],
            "because no role trust policy allows the sts:AssumeRole action");
  EXPECT_EQ(outcome_.decision, "denied");
  EXPECT_EQ(outcome_.decisions_denied, 1u);
}

TEST_F(AwsApiTest, AccountTrustNeedsExternalIdAndIdentityAllow) {
  EXPECT_EQ(AssumeRole(kAlice, {{"RoleArn", kExternalIdRole},
                                {"RoleSessionName", "s0"},
                                {"ExternalId", "partner-42"}})
                .result_int(),
            200);
  ExpectError(AssumeRole(kAlice, {{"RoleArn", kExternalIdRole}, {"RoleSessionName", "s0"}}), 403,
              "AccessDenied",
              "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
              "sts:AssumeRole on resource: " +
                  kExternalIdRole);
  // bob is in the trusted account but no identity policy of his allows (E5b).
  EXPECT_EQ(AssumeRole(kBob, {{"RoleArn", kExternalIdRole},
                              {"RoleSessionName", "s0"},
                              {"ExternalId", "partner-42"}})
                .result_int(),
            403);
}

TEST_F(AwsApiTest, CrossAccountNeedsBothSides) {
  HttpResponse ok = AssumeRole(kAlice, {{"RoleArn", kPartner}, {"RoleSessionName", "x0"}});
  ASSERT_EQ(ok.result_int(), 200) << ok.body();
  EXPECT_EQ(Tag(ok.body(), "Arn"), "arn:aws:sts::444455556666:assumed-role/PartnerReader/x0");
  EXPECT_EQ(AssumeRole(kBob, {{"RoleArn", kPartner}, {"RoleSessionName", "x0"}}).result_int(), 403);
}

TEST_F(AwsApiTest, UnknownRoleIsAccessDenied) {
  ExpectError(AssumeRole(kAlice, {{"RoleArn", "arn:aws:iam::111122223333:role/Nope"},
                                  {"RoleSessionName", "s0"}}),
              403, "AccessDenied",
              "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
              "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Nope");
}

TEST_F(AwsApiTest, RoleArnWithoutPathNamesThePathRole) {
  HttpResponse first = AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "hop1"}});
  ASSERT_EQ(first.result_int(), 200);
  HttpResponse r = AssumeRole(Issued(first), {{"RoleArn", "arn:aws:iam::111122223333:role/Auditor"},
                                              {"RoleSessionName", "hop2"}});
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(Tag(r.body(), "Arn"), "arn:aws:sts::111122223333:assumed-role/Auditor/hop2");
}

// ---- Role chaining through issued credentials.

TEST_F(AwsApiTest, RoleChaining) {
  HttpResponse first = AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "hop1"}});
  ASSERT_EQ(first.result_int(), 200);
  const Key session = Issued(first);
  HttpResponse second = AssumeRole(session, {{"RoleArn", kAuditor}, {"RoleSessionName", "hop2"}});
  ASSERT_EQ(second.result_int(), 200) << second.body();
  EXPECT_EQ(Tag(second.body(), "Arn"), "arn:aws:sts::111122223333:assumed-role/Auditor/hop2");
  // The session is the caller: its ARN in denials, its role's permission policies for identity.
  ExpectError(AssumeRole(session, {{"RoleArn", kTagged}, {"RoleSessionName", "hop2"}}), 403,
              "AccessDenied",
              "User: arn:aws:sts::111122223333:assumed-role/Analyst/hop1 is not authorized to "
              "perform: sts:AssumeRole on resource: " +
                  kTagged);
  // Chained sessions last one hour at most, even when the role allows twelve.
  ExpectError(
      AssumeRole(session,
                 {{"RoleArn", kAuditor}, {"RoleSessionName", "hop2"}, {"DurationSeconds", "3601"}}),
      400, "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
      "role chaining.");
  EXPECT_EQ(
      AssumeRole(session,
                 {{"RoleArn", kAuditor}, {"RoleSessionName", "hop2"}, {"DurationSeconds", "3600"}})
          .result_int(),
      200);
  // From a long-term key the role's own maximum applies.
  EXPECT_EQ(
      AssumeRole(kAlice,
                 {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"DurationSeconds", "3600"}})
          .result_int(),
      200);
}

TEST_F(AwsApiTest, WorldSessionKeyChains) {
  HttpResponse r = AssumeRole(kWorldSession, {{"RoleArn", kAuditor}, {"RoleSessionName", "hop2"}});
  ASSERT_EQ(r.result_int(), 200) << r.body();
  Key no_token = kWorldSession;
  no_token.token = "";
  ExpectError(AssumeRole(no_token, {{"RoleArn", kAuditor}, {"RoleSessionName", "hop2"}}), 403,
              "InvalidClientTokenId", "The security token included in the request is invalid.");
}

TEST_F(AwsApiTest, IssuedCredentialsExpire) {
  HttpResponse first = AssumeRole(
      kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"DurationSeconds", "900"}});
  ASSERT_EQ(first.result_int(), 200);
  now_ += 901LL * 1000000;
  HttpRequest r = Post(Form({{"Action", "AssumeRole"},
                             {"Version", "2011-06-15"},
                             {"RoleArn", kAuditor},
                             {"RoleSessionName", "late"}}));
  Sign(&r, Issued(first), "sts", "eu-west-1", aws::FormatAmzDate(now_.load()));
  ExpectError(Call(r), 403, "ExpiredToken",
              "The security token included in the request is expired");
}

TEST_F(AwsApiTest, SessionTokenMustMatchItsKey) {
  HttpResponse a = AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "a0"}});
  HttpResponse b = AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "b0"}});
  Key mixed = Issued(a);
  mixed.token = Issued(b).token;
  ExpectError(AssumeRole(mixed, {{"RoleArn", kAuditor}, {"RoleSessionName", "x0"}}), 403,
              "InvalidClientTokenId", "The security token included in the request is invalid.");
  // A long-term key with a session token is refused too.
  Key alice_with_token = kAlice;
  alice_with_token.token = Issued(a).token;
  ExpectError(AssumeRole(alice_with_token, {{"RoleArn", kAnalyst}, {"RoleSessionName", "x0"}}), 403,
              "InvalidClientTokenId", "The security token included in the request is invalid.");
}

// ---- Redshift's own call, signed with the world's service key.

TEST_F(AwsApiTest, RedshiftServiceKey) {
  HttpResponse ok = AssumeRole(
      kRedshift,
      {{"RoleArn", kRedshiftCopy},
       {"RoleSessionName", "RedshiftIamRoleSession"},
       {"ExternalId", "arn:aws:redshift:eu-west-1:111122223333:dbuser:my-cluster/user1"}});
  ASSERT_EQ(ok.result_int(), 200) << ok.body();
  ExpectError(
      AssumeRole(kRedshift, {{"RoleArn", kRedshiftCopy},
                             {"RoleSessionName", "RedshiftIamRoleSession"},
                             {"ExternalId",
                              "arn:aws:redshift:eu-west-1:111122223333:dbuser:my-cluster/user2"}}),
      403, "AccessDenied",
      "User: redshift.eu-west-1.amazonaws.com is not authorized to perform: sts:AssumeRole "
      "on resource: " +
          kRedshiftCopy);
}

// ---- Session tags and source identity.

TEST_F(AwsApiTest, TagsAndSourceIdentity) {
  HttpResponse r = AssumeRole(kAlice, {{"RoleArn", kTagged},
                                       {"RoleSessionName", "t0"},
                                       {"SourceIdentity", "alice"},
                                       {"Tags.member.1.Key", "team"},
                                       {"Tags.member.1.Value", "data"},
                                       {"TransitiveTagKeys.member.1", "team"}});
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(Tag(r.body(), "SourceIdentity"), "alice");
  EXPECT_EQ(Tag(r.body(), "PackedPolicySize"), "1");
  // The trust policy's condition on aws:RequestTag/team.
  EXPECT_EQ(AssumeRole(kAlice, {{"RoleArn", kTagged},
                                {"RoleSessionName", "t0"},
                                {"Tags.member.1.Key", "team"},
                                {"Tags.member.1.Value", "ops"}})
                .result_int(),
            403);
  // Analyst's trust does not allow sts:TagSession / sts:SetSourceIdentity.
  ExpectError(AssumeRole(kAlice, {{"RoleArn", kAnalyst},
                                  {"RoleSessionName", "t0"},
                                  {"Tags.member.1.Key", "team"},
                                  {"Tags.member.1.Value", "data"}}),
              403, "AccessDenied",
              "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
              "sts:TagSession on resource: " +
                  kAnalyst);
  ExpectError(
      AssumeRole(kAlice,
                 {{"RoleArn", kAnalyst}, {"RoleSessionName", "t0"}, {"SourceIdentity", "alice"}}),
      403, "AccessDenied",
      "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
      "sts:SetSourceIdentity on resource: " +
          kAnalyst);
}

// ---- AssumeRole: validation, as STS words it.

TEST_F(AwsApiTest, ValidationErrors) {
  ExpectError(AssumeRole(kAlice, {{"RoleArn", kAnalyst}}), 400, "ValidationError",
              "1 validation error detected: Value null at 'roleSessionName' failed to satisfy "
              "constraint: Member must not be null");
  ExpectError(AssumeRole(kAlice, {{"RoleSessionName", "s0"}}), 400, "ValidationError",
              "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
              "Member must not be null");
  ExpectError(
      AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "bad/name"}}), 400,
      "ValidationError",
      "1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to satisfy "
      "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  ExpectError(
      AssumeRole(kAlice,
                 {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"DurationSeconds", "899"}}),
      400, "ValidationError",
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy "
      "constraint: Member must have value greater than or equal to 900");
  ExpectError(
      AssumeRole(kAlice,
                 {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"ExternalId", "has space"}}),
      400, "ValidationError",
      "1 validation error detected: Value 'has space' at 'externalId' failed to satisfy "
      "constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*");
  ExpectError(AssumeRole(kAlice, {{"RoleArn", std::string(20, 'x')}, {"RoleSessionName", "s0"}}),
              400, "ValidationError", std::string(20, 'x') + " is invalid");
  ExpectError(
      AssumeRole(kAlice,
                 {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"DurationSeconds", "7200"}}),
      400, "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  HttpResponse malformed = AssumeRole(
      kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"DurationSeconds", "abc"}});
  EXPECT_EQ(malformed.result_int(), 400);
  EXPECT_EQ(Tag(malformed.body(), "Code"), "MalformedInput");
  EXPECT_THAT(malformed.body(), testing::Not(HasSubstr("<Message>")));
  ExpectError(
      AssumeRole(kAlice,
                 {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"DurationSeconds", ""}}),
      400, "MalformedInput", "missing value for decimal type");
  // Sign, leading zeros: accepted as STS does.
  EXPECT_EQ(
      AssumeRole(kAlice,
                 {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"DurationSeconds", "+0900"}})
          .result_int(),
      200);
  // The first of duplicate parameters counts.
  EXPECT_EQ(AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleArn", "x"}, {"RoleSessionName", "s0"}})
                .result_int(),
            200);
  HttpResponse policy =
      AssumeRole(kAlice, {{"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}, {"Policy", "{}"}});
  EXPECT_EQ(policy.result_int(), 501);
  EXPECT_EQ(Tag(policy.body(), "Code"), "NotImplemented");
}

// ---- Authentication.

TEST_F(AwsApiTest, AuthenticationErrors) {
  const std::string body = Form({{"Action", "AssumeRole"},
                                 {"Version", "2011-06-15"},
                                 {"RoleArn", kAnalyst},
                                 {"RoleSessionName", "s0"}});
  HttpRequest unsigned_request = Post(body);
  ExpectError(Call(unsigned_request), 403, "MissingAuthenticationToken",
              "Request is missing Authentication Token");

  HttpRequest unknown = Post(body);
  Sign(&unknown, Key{"AKIANOBODY0000000001", "x", ""});
  ExpectError(Call(unknown), 403, "InvalidClientTokenId",
              "The security token included in the request is invalid.");

  HttpRequest wrong_secret = Post(body);
  Sign(&wrong_secret, Key{kAlice.id, "not-alices-secret", ""});
  ExpectError(
      Call(wrong_secret), 403, "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check "
      "your AWS Secret Access Key and signing method. Consult the service documentation for "
      "details.");

  HttpRequest tampered = Post(body);
  Sign(&tampered, kAlice);
  tampered.body() = Form({{"Action", "AssumeRole"},
                          {"Version", "2011-06-15"},
                          {"RoleArn", kTagged},
                          {"RoleSessionName", "s0"}});
  tampered.prepare_payload();
  EXPECT_EQ(Tag(Call(tampered).body(), "Code"), "SignatureDoesNotMatch");

  HttpRequest skewed = Post(body);
  Sign(&skewed, kAlice, "sts", "eu-west-1", "20260115T100000Z");  // 30 minutes early
  ExpectError(Call(skewed), 403, "SignatureDoesNotMatch",
              "Signature expired: 20260115T100000Z is now earlier than 20260115T101500Z "
              "(20260115T103000Z - 15 min.)");

  HttpRequest wrong_service = Post(body);
  Sign(&wrong_service, kAlice, "s3");
  ExpectError(Call(wrong_service), 403, "SignatureDoesNotMatch",
              "Credential should be scoped to correct service: 'sts'. ");
  EXPECT_EQ(outcome_.decisions_allowed, 0u);
  EXPECT_EQ(api_.issued_credentials(), 0u);
}

TEST_F(AwsApiTest, GetWithQueryStringAndPresignedUrl) {
  const std::string query = Form({{"Action", "AssumeRole"},
                                  {"Version", "2011-06-15"},
                                  {"RoleArn", kAnalyst},
                                  {"RoleSessionName", "get"}});
  HttpRequest get{http::verb::get, "/?" + query, 11};
  get.set(http::field::host, "127.0.0.1:8080");
  ASSERT_TRUE(AwsApi::IsAwsRequest(get));
  Sign(&get, kAlice);
  EXPECT_EQ(Call(get).result_int(), 200);

  HttpRequest presigned{http::verb::get, "/?" + query, 11};
  presigned.set(http::field::host, "127.0.0.1:8080");
  aws::SigningParams p;
  p.access_key_id = kAlice.id;
  p.secret = kAlice.secret;
  p.region = "eu-west-1";
  p.amz_date = kDate;
  p.presign = true;
  aws::SignRequest(&presigned, p);
  HttpResponse r = Call(presigned);
  EXPECT_EQ(r.result_int(), 200) << r.body();
}

// ---- Dispatch.

TEST_F(AwsApiTest, Dispatch) {
  HttpRequest other = Post(Form({{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}));
  Sign(&other, kAlice);
  HttpResponse r = Call(other);
  ExpectError(r, 400, "InvalidAction",
              "Could not find operation GetCallerIdentity for version 2011-06-15");
  EXPECT_THAT(
      r.body(),
      StartsWith("<ErrorResponse xmlns=\"http://webservices.amazon.com/AWSFault/2005-15-09\">"));

  HttpRequest no_version =
      Post(Form({{"Action", "AssumeRole"}, {"RoleArn", kAnalyst}, {"RoleSessionName", "s0"}}));
  Sign(&no_version, kAlice);
  ExpectError(Call(no_version), 400, "InvalidAction",
              "Could not find operation AssumeRole for version NO_VERSION_SPECIFIED");

  HttpRequest no_action = Post(Form({{"Version", "2011-06-15"}}));
  Sign(&no_action, kAlice);
  HttpResponse redirect = Call(no_action);
  EXPECT_EQ(redirect.result_int(), 302);
  EXPECT_EQ(redirect[http::field::location], "https://aws.amazon.com/iam");

  HttpRequest v1{http::verb::post, "/v1/eval", 11};
  v1.set(http::field::content_type, "application/json");
  EXPECT_FALSE(AwsApi::IsAwsRequest(v1));
  HttpRequest healthz{http::verb::get, "/healthz", 11};
  EXPECT_FALSE(AwsApi::IsAwsRequest(healthz));
  EXPECT_TRUE(AwsApi::IsAwsRequest(Post("Action=AssumeRole")));
}

TEST_F(AwsApiTest, RequestIdsAreUniqueAndDeterministic) {
  AwsApi a(Options()), b(Options());
  Outcome o;
  HttpRequest r = Post("Version=2011-06-15");
  std::string a1(a.Handle(r, *world_, &o)["x-amzn-RequestId"]);
  std::string a2(a.Handle(r, *world_, &o)["x-amzn-RequestId"]);
  std::string b1(b.Handle(r, *world_, &o)["x-amzn-RequestId"]);
  EXPECT_NE(a1, a2);
  EXPECT_EQ(a1, b1);
  EXPECT_EQ(a1.size(), 36u);
}

// ---- IAM policy simulation.

TEST_F(AwsApiTest, SimulateCustomPolicyPositions) {
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
  HttpResponse r = Simulate("SimulateCustomPolicy", {{"PolicyInputList.member.1", policy},
                                                     {"ActionNames.member.1", "s3:GetObject"},
                                                     {"ActionNames.member.2", "s3:PutObject"}});
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_THAT(
      r.body(),
      StartsWith(
          "<SimulateCustomPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"));
  EXPECT_EQ(Tag(r.body(), "EvalActionName"), "s3:GetObject");
  EXPECT_EQ(Tag(r.body(), "EvalResourceName"), "*");
  EXPECT_EQ(Tag(r.body(), "EvalDecision"), "allowed");
  EXPECT_EQ(Tag(r.body(), "SourcePolicyId"), "PolicyInputList.1");
  EXPECT_EQ(Tag(r.body(), "SourcePolicyType"), "IAM Policy");
  const std::string start = Tag(r.body(), "StartPosition");
  EXPECT_EQ(Tag(start, "Line"), "1");
  EXPECT_EQ(Tag(start, "Column"), "38");
  const std::string end = Tag(r.body(), "EndPosition");
  EXPECT_EQ(Tag(end, "Column"),
            std::to_string(policy.size() - 1));  // just after the statement's '}'
  size_t second = r.body().find("<EvalActionName>s3:PutObject");
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(Tag(r.body(), "EvalDecision", second), "implicitDeny");
  EXPECT_EQ(Tag(r.body(), "IsTruncated"), "false");
  EXPECT_EQ(outcome_.route, "iam:SimulateCustomPolicy");
  EXPECT_EQ(outcome_.decisions_allowed, 1u);
  EXPECT_EQ(outcome_.decisions_denied, 1u);
}

TEST_F(AwsApiTest, SimulateMissingContextAndBoundaryAndPaging) {
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
    "Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})";
  HttpResponse r = Simulate("SimulateCustomPolicy", {{"PolicyInputList.member.1", policy},
                                                     {"ActionNames.member.1", "s3:GetObject"}});
  EXPECT_EQ(Tag(r.body(), "EvalDecision"), "implicitDeny");
  EXPECT_EQ(Tag(Tag(r.body(), "MissingContextValues"), "member"), "aws:SourceIp");
  r = Simulate(
      "SimulateCustomPolicy",
      {{"PolicyInputList.member.1", policy},
       {"ActionNames.member.1", "s3:GetObject"},
       {"ContextEntries.member.1.ContextKeyName", "aws:SourceIp"},
       {"ContextEntries.member.1.ContextKeyValues.member.1", "10.1.2.3"},
       {"ContextEntries.member.1.ContextKeyType", "ip"},
       {"PermissionsBoundaryPolicyInputList.member.1",
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]})"}});
  EXPECT_EQ(Tag(r.body(), "EvalDecision"), "implicitDeny") << r.body();
  EXPECT_EQ(Tag(r.body(), "AllowedByPermissionsBoundary"), "false");
  r = Simulate("SimulateCustomPolicy",
               {{"PolicyInputList.member.1", policy},
                {"ActionNames.member.1", "s3:GetObject"},
                {"ActionNames.member.2", "s3:PutObject"},
                {"ContextEntries.member.1.ContextKeyName", "aws:SourceIp"},
                {"ContextEntries.member.1.ContextKeyValues.member.1", "10.1.2.3"},
                {"ContextEntries.member.1.ContextKeyType", "ip"},
                {"MaxItems", "1"}});
  EXPECT_EQ(Tag(r.body(), "EvalDecision"), "allowed") << r.body();
  EXPECT_EQ(Tag(r.body(), "IsTruncated"), "true");
  const std::string marker = Tag(r.body(), "Marker");
  r = Simulate("SimulateCustomPolicy",
               {{"PolicyInputList.member.1", policy},
                {"ActionNames.member.1", "s3:GetObject"},
                {"ActionNames.member.2", "s3:PutObject"},
                {"ContextEntries.member.1.ContextKeyName", "aws:SourceIp"},
                {"ContextEntries.member.1.ContextKeyValues.member.1", "10.1.2.3"},
                {"ContextEntries.member.1.ContextKeyType", "ip"},
                {"MaxItems", "1"},
                {"Marker", marker}});
  EXPECT_EQ(Tag(r.body(), "EvalActionName"), "s3:PutObject");
  EXPECT_EQ(Tag(r.body(), "IsTruncated"), "false");
}

TEST_F(AwsApiTest, SimulateTrustPolicyWithServiceCaller) {
  const std::string trust = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole",
    "Condition":{"StringEquals":{"sts:ExternalId":"arn:aws:redshift:eu-west-1:111122223333:dbuser:my-cluster/user1"}}}]})";
  auto run = [&](const std::string& external_id) {
    return Simulate("SimulateCustomPolicy",
                    {{"PolicyInputList", ""},
                     {"ActionNames.member.1", "sts:AssumeRole"},
                     {"ResourceArns.member.1", kRedshiftCopy},
                     {"ResourcePolicy", trust},
                     {"CallerArn", "redshift.eu-west-1.amazonaws.com"},
                     {"ContextEntries.member.1.ContextKeyName", "sts:ExternalId"},
                     {"ContextEntries.member.1.ContextKeyValues.member.1", external_id},
                     {"ContextEntries.member.1.ContextKeyType", "string"}});
  };
  HttpResponse ok = run("arn:aws:redshift:eu-west-1:111122223333:dbuser:my-cluster/user1");
  ASSERT_EQ(ok.result_int(), 200) << ok.body();
  EXPECT_EQ(Tag(ok.body(), "EvalDecision"), "allowed");
  EXPECT_EQ(Tag(ok.body(), "SourcePolicyId"), "ResourcePolicy");
  EXPECT_EQ(Tag(ok.body(), "SourcePolicyType"), "Resource Policy");
  EXPECT_EQ(Tag(ok.body(), "EvalResourceDecision"), "allowed");
  EXPECT_EQ(Tag(run("arn:aws:redshift:eu-west-1:111122223333:dbuser:my-cluster/user2").body(),
                "EvalDecision"),
            "implicitDeny");
}

TEST_F(AwsApiTest, SimulatePrincipalPolicy) {
  HttpResponse r = Simulate("SimulatePrincipalPolicy",
                            {{"PolicySourceArn", "arn:aws:iam::111122223333:user/alice"},
                             {"ActionNames.member.1", "sts:AssumeRole"},
                             {"ResourceArns.member.1", kExternalIdRole}});
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(Tag(r.body(), "EvalDecision"), "allowed");
  EXPECT_THAT(Tag(r.body(), "SourcePolicyId"), testing::EndsWith("alice-identity.json"));
  EXPECT_EQ(Tag(r.body(), "SourcePolicyType"), "user");
  EXPECT_EQ(Tag(Tag(r.body(), "StartPosition"), "Line"), "4");
  ExpectError(Simulate("SimulatePrincipalPolicy",
                       {{"PolicySourceArn", "arn:aws:iam::111122223333:user/nobody"},
                        {"ActionNames.member.1", "s3:GetObject"}}),
              404, "NoSuchEntity", "The user with name nobody cannot be found.");
  // The role as the source, with its own trust as a (trust) resource policy.
  r = Simulate("SimulatePrincipalPolicy",
               {{"PolicySourceArn", kAnalyst},
                {"ActionNames.member.1", "s3:GetObject"},
                {"ResourceArns.member.1", "arn:aws:s3:::analytics-reports/q1.csv"}});
  EXPECT_EQ(Tag(r.body(), "EvalDecision"), "allowed") << r.body();
}

TEST_F(AwsApiTest, SimulateErrors) {
  ExpectError(Simulate("SimulateCustomPolicy", {{"ActionNames.member.1", "s3:GetObject"}}), 400,
              "ValidationError",
              "1 validation error detected: Value null at 'policyInputList' failed to satisfy "
              "constraint: Member must not be null");
  HttpResponse bad =
      Simulate("SimulateCustomPolicy", {{"PolicyInputList.member.1", "{\"Statement\": []}"},
                                        {"ActionNames.member.1", "s3:GetObject"}});
  EXPECT_EQ(bad.result_int(), 400);
  EXPECT_EQ(Tag(bad.body(), "Code"), "InvalidInput");
  EXPECT_THAT(Tag(bad.body(), "Message"), StartsWith("PolicyInputList.1:"));
  // IAM actions signed for STS are not found.
  HttpRequest r = Post(Form({{"Action", "SimulateCustomPolicy"}, {"Version", "2010-05-08"}}));
  Sign(&r, kAlice, "sts");
  EXPECT_EQ(Tag(Call(r).body(), "Code"), "InvalidAction");
}

// ---- Many threads at once (run under TSan with REDTRUST_TSAN).

TEST_F(AwsApiTest, ConcurrentAssumeRoleAndChaining) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Outcome o;
        HttpRequest r = Post(Form({{"Action", "AssumeRole"},
                                   {"Version", "2011-06-15"},
                                   {"RoleArn", kAnalyst},
                                   {"RoleSessionName", "t" + std::to_string(t)}}));
        Sign(&r, kAlice);
        HttpResponse first = api_.Handle(r, *world_, &o);
        if (first.result_int() != 200) continue;
        HttpRequest r2 = Post(Form({{"Action", "AssumeRole"},
                                    {"Version", "2011-06-15"},
                                    {"RoleArn", kAuditor},
                                    {"RoleSessionName", "c0"}}));
        Sign(&r2, Issued(first));
        if (api_.Handle(r2, *world_, &o).result_int() == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 100);
}

TEST(AwsApiStore, OldestCredentialsAreForgottenBeyondTheCap) {
  sim::LoadResult w = sim::LoadWorld(kSource + "/fixtures/worlds/aws-api");
  ASSERT_TRUE(w.ok());
  AwsApiOptions o;
  o.now_micros = [] { return *aws::ParseAmzDate(kDate); };
  o.max_issued_credentials = 2;
  AwsApi api(std::move(o));
  for (int i = 0; i < 5; ++i) {
    HttpRequest r{http::verb::post, "/", 11};
    r.set(http::field::host, "h");
    r.set(http::field::content_type, "application/x-www-form-urlencoded");
    r.body() = Form({{"Action", "AssumeRole"},
                     {"Version", "2011-06-15"},
                     {"RoleArn", kAnalyst},
                     {"RoleSessionName", "s0"}});
    r.prepare_payload();
    aws::SigningParams p;
    p.access_key_id = kAlice.id;
    p.secret = kAlice.secret;
    p.amz_date = kDate;
    aws::SignRequest(&r, p);
    Outcome out;
    ASSERT_EQ(api.Handle(r, *w.world, &out).result_int(), 200);
  }
  EXPECT_EQ(api.issued_credentials(), 2u);
}

}  // namespace
}  // namespace redtrust::server
