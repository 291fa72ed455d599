// Issue 12 (outside audit), IAM simulate: a ContextEntries value its ContextKeyType cannot hold
// is InvalidInput (HTTP 400), never a decision. Before the fix `ContextKeyType=ip,
// ContextKeyValues=notanip` was simulated and answered implicitDeny.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/redtrustd/aws/aws_api.h"
#include "tools/redtrustd/aws/sigv4.h"

namespace redtrust::server {
namespace {

using ::testing::HasSubstr;

const std::string kSource = REDTRUST_SOURCE_DIR;
constexpr char kDate[] = "20260115T103000Z";

// The text of the first <tag>...</tag>, entities decoded; "" when absent.
std::string Tag(const std::string& xml, const std::string& tag) {
  size_t b = xml.find("<" + tag + ">");
  if (b == std::string::npos) return "";
  b += tag.size() + 2;
  std::string s = xml.substr(b, xml.find("</" + tag + ">", b) - b);
  for (auto [ent, ch] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}}) {
    for (size_t p; (p = s.find(ent)) != std::string::npos;) s.replace(p, std::string(ent).size(), ch);
  }
  return s;
}

class SimulateContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim::LoadResult r = sim::LoadWorld(kSource + "/fixtures/worlds/aws-api");
    ASSERT_TRUE(r.ok());
    world_ = r.world;
  }
  static void TearDownTestSuite() { world_.reset(); }

  SimulateContextTest() : api_([] {
    AwsApiOptions o;
    o.now_micros = [] { return *aws::ParseAmzDate(kDate); };
    return o;
  }()) {}

  // SimulateCustomPolicy of a policy whose one condition reads `key` with `op`, with the
  // context entry (name, type, values) signed by alice.
  HttpResponse Simulate(const std::string& op, const std::string& key, const std::string& value,
                        const std::string& type, const std::vector<std::string>& values,
                        const std::string& action = "SimulateCustomPolicy") {
    const std::string policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                               R"("Action":"s3:GetObject","Resource":"*","Condition":{")" +
                               op + R"(":{")" + key + R"(":")" + value + R"("}}}]})";
    std::vector<std::pair<std::string, std::string>> params = {
        {"Action", action},
        {"Version", "2010-05-08"},
        {"PolicyInputList.member.1", policy},
        {"ActionNames.member.1", "s3:GetObject"},
        {"ContextEntries.member.1.ContextKeyName", key}};
    if (action == "SimulatePrincipalPolicy") {
      params.push_back({"PolicySourceArn", "arn:aws:iam::111122223333:user/alice"});
    }
    if (!type.empty()) params.push_back({"ContextEntries.member.1.ContextKeyType", type});
    for (size_t i = 0; i < values.size(); ++i) {
      params.push_back(
          {"ContextEntries.member.1.ContextKeyValues.member." + std::to_string(i + 1), values[i]});
    }
    std::string body;
    for (auto& [k, v] : params) {
      if (!body.empty()) body += '&';
      body += aws::UriEncode(k, true) + "=" + aws::UriEncode(v, true);
    }
    HttpRequest r{http::verb::post, "/", 11};
    r.set(http::field::host, "127.0.0.1:8080");
    r.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
    r.body() = body;
    r.prepare_payload();
    aws::SigningParams p;
    p.access_key_id = "AKIAALICE00000000001";
    p.secret = "alice/Secret/Key/0000000000000000000000001";
    p.service = "iam";
    p.region = "us-east-1";
    p.amz_date = kDate;
    aws::SignRequest(&r, p);
    Outcome outcome;
    return api_.Handle(r, *world_, &outcome);
  }

  static std::shared_ptr<const sim::World> world_;
  AwsApi api_;
};

std::shared_ptr<const sim::World> SimulateContextTest::world_;

void ExpectInvalidInput(const HttpResponse& r, const std::string& message) {
  EXPECT_EQ(r.result_int(), 400) << r.body();
  EXPECT_EQ(Tag(r.body(), "Code"), "InvalidInput") << r.body();
  EXPECT_EQ(Tag(r.body(), "Message"), message) << r.body();
  EXPECT_EQ(Tag(r.body(), "EvalDecision"), "") << r.body();
}

TEST_F(SimulateContextTest, NotAnIpIsInvalidInputNotImplicitDeny) {
  // The audit's reproducer.
  ExpectInvalidInput(Simulate("IpAddress", "aws:SourceIp", "10.0.0.0/8", "ip", {"notanip"}),
                     "Invalid value `notanip` (ContextKeyValues member 1) for context key "
                     "aws:SourceIp of ContextKeyType ip: expected an IPv4 or IPv6 address such as "
                     "203.0.113.7 or 2001:db8::1");
  ExpectInvalidInput(Simulate("IpAddress", "aws:SourceIp", "10.0.0.0/8", "ip", {"notanip"},
                              "SimulatePrincipalPolicy"),
                     "Invalid value `notanip` (ContextKeyValues member 1) for context key "
                     "aws:SourceIp of ContextKeyType ip: expected an IPv4 or IPv6 address such as "
                     "203.0.113.7 or 2001:db8::1");
  HttpResponse ok = Simulate("IpAddress", "aws:SourceIp", "10.0.0.0/8", "ip", {"10.1.2.3"});
  EXPECT_EQ(Tag(ok.body(), "EvalDecision"), "allowed") << ok.body();
}

// Every ContextKeyType, single and list: a valid value is simulated, an invalid one refused.
TEST_F(SimulateContextTest, EveryTypeChecksItsValues) {
  struct Case {
    std::string type, op, key, policy_value, good, bad;
  };
  const Case cases[] = {
      {"numeric", "NumericLessThan", "s3:max-keys", "10", "2.5", "ten"},
      {"boolean", "Bool", "aws:MultiFactorAuthPresent", "true", "TRUE", "yes"},
      {"ip", "IpAddress", "aws:SourceIp", "10.0.0.0/8", "10.9.9.9", "10.0.0.256"},
      {"binary", "BinaryEquals", "aws:Key", "QmluYXJ5", "QmluYXJ5", "not base64!"},
      {"date", "DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z",
       "2026-01-01T00:00:00Z", "yesterday"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    for (const std::string& type : {c.type, c.type + "List"}) {
      // A *List type makes the key multivalued, which needs a set operator (C5).
      const std::string op = type == c.type ? c.op : "ForAnyValue:" + c.op;
      HttpResponse ok = Simulate(op, c.key, c.policy_value, type, {c.good});
      EXPECT_EQ(ok.result_int(), 200) << ok.body();
      EXPECT_EQ(Tag(ok.body(), "EvalDecision"), "allowed") << type << ok.body();
      HttpResponse bad = Simulate(op, c.key, c.policy_value, type, {c.good, c.bad});
      EXPECT_EQ(bad.result_int(), 400) << bad.body();
      EXPECT_EQ(Tag(bad.body(), "Code"), "InvalidInput");
      EXPECT_THAT(Tag(bad.body(), "Message"),
                  HasSubstr(type == c.type ? "takes exactly one value"
                                           : "Invalid value `" + c.bad + "` (ContextKeyValues "
                                                                         "member 2)"));
      if (type == c.type) {
        HttpResponse one_bad = Simulate(c.op, c.key, c.policy_value, type, {c.bad});
        EXPECT_EQ(Tag(one_bad.body(), "Code"), "InvalidInput") << one_bad.body();
        EXPECT_THAT(Tag(one_bad.body(), "Message"),
                    HasSubstr("Invalid value `" + c.bad + "` (ContextKeyValues member 1) for "
                              "context key " + c.key + " of ContextKeyType " + type));
      }
    }
  }
  // Strings take any text; no ContextKeyType is `string`.
  for (const std::string& type : {std::string("string"), std::string("")}) {
    HttpResponse ok = Simulate("StringEquals", "aws:username", "notanip", type, {"notanip"});
    EXPECT_EQ(Tag(ok.body(), "EvalDecision"), "allowed") << ok.body();
  }
  HttpResponse two =
      Simulate("ForAnyValue:StringEquals", "aws:username", "a", "stringList", {"a", "b"});
  EXPECT_EQ(Tag(two.body(), "EvalDecision"), "allowed") << two.body();
  ExpectInvalidInput(Simulate("StringEquals", "aws:username", "a", "", {"a", "b"}),
                     "Context key aws:username of ContextKeyType string takes exactly one value "
                     "in ContextKeyValues, not 2 (use stringList for several)");
  ExpectInvalidInput(Simulate("StringEquals", "aws:username", "a", "string", {}),
                     "Context key aws:username of ContextKeyType string takes exactly one value "
                     "in ContextKeyValues, not 0 (use stringList for several)");
  ExpectInvalidInput(Simulate("StringEquals", "aws:username", "a", "ipv4", {"a"}),
                     "Invalid ContextKeyType `ipv4` for context key aws:username: expected one of "
                     "string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, "
                     "binary, binaryList, date, dateList");
}

}  // namespace
}  // namespace redtrust::server
