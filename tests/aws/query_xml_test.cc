// The Query protocol's parameters (first value wins, member lists) and the XML writer's escaping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/redtrustd/aws/query.h"
#include "tools/redtrustd/aws/xml.h"

namespace redtrust::server::aws {
namespace {

using ::testing::ElementsAre;

TEST(QueryParams, FormDecodingAndFirstValueWins) {
  QueryParams q =
      QueryParams::FromForm("Action=AssumeRole&RoleSessionName=a+b%2Fc&Action=Other&Empty=&Flag");
  EXPECT_EQ(q.Get("Action"), "AssumeRole");
  EXPECT_EQ(q.Get("RoleSessionName"), "a b/c");
  EXPECT_EQ(q.Get("Empty"), "");
  EXPECT_EQ(q.Get("Flag"), "");
  EXPECT_FALSE(q.Get("Missing").has_value());
}

TEST(QueryParams, ListsAreOrderedByMemberNumber) {
  QueryParams q = QueryParams::FromForm(
      "ActionNames.member.2=b&ActionNames.member.1=a&ActionNames.member.10=c&ActionNames.member.0=x"
      "&ActionNames.member.01=y&ActionNames.member.1=dup&Other.member.1=z");
  EXPECT_THAT(q.List("ActionNames"), ElementsAre("a", "b", "c"));
  EXPECT_TRUE(q.List("PolicyInputList").empty());
  EXPECT_TRUE(q.HasPrefix("Other.member."));
}

TEST(QueryParams, StructsWithNestedLists) {
  QueryParams q = QueryParams::FromForm(
      "ContextEntries.member.1.ContextKeyName=aws%3ASourceIp&ContextEntries.member.1."
      "ContextKeyValues.member.2=b"
      "&ContextEntries.member.1.ContextKeyValues.member.1=a&ContextEntries.member.1.ContextKeyType="
      "ipList"
      "&ContextEntries.member.2.ContextKeyName=k");
  auto s = q.Structs("ContextEntries");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].at("ContextKeyName"), "aws:SourceIp");
  EXPECT_EQ(s[0].at("ContextKeyType"), "ipList");
  EXPECT_THAT(StructList(s[0], "ContextKeyValues"), ElementsAre("a", "b"));
  EXPECT_EQ(s[1].at("ContextKeyName"), "k");
}

TEST(QueryParams, BodyOnlyForFormPosts) {
  HttpRequest r{http::verb::post, "/?Version=2011-06-15", 11};
  r.set(http::field::content_type, "application/json");
  r.body() = "Action=AssumeRole";
  EXPECT_FALSE(QueryParams::FromRequest(r).Has("Action"));
  EXPECT_EQ(QueryParams::FromRequest(r).Get("Version"), "2011-06-15");
  r.set(http::field::content_type, "Application/X-WWW-Form-Urlencoded; charset=utf-8");
  EXPECT_EQ(QueryParams::FromRequest(r).Get("Action"), "AssumeRole");
}

TEST(Xml, EscapesMarkupAndReplacesWhatXmlCannotCarry) {
  EXPECT_EQ(XmlEscape("plain text 'quoted' \"too\""), "plain text 'quoted' \"too\"");
  EXPECT_EQ(XmlEscape("a<b>&c"), "a&lt;b&gt;&amp;c");
  EXPECT_EQ(XmlEscape(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
  EXPECT_EQ(XmlEscape("tab\tok\n"), "tab\tok\n");
  EXPECT_EQ(XmlEscape("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");                // é
  EXPECT_EQ(XmlEscape("\xFF\xC3"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // invalid bytes
  EXPECT_EQ(XmlEscape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(Xml, LayoutAsAwsWritesIt) {
  XmlWriter x;
  x.OpenRoot("R", "ns");
  x.Open("A");
  x.Leaf("B", "1");
  x.Empty("C");
  x.Close("A");
  x.Close("R");
  EXPECT_EQ(x.str(), "<R xmlns=\"ns\">\n  <A>\n    <B>1</B>\n    <C/>\n  </A>\n</R>\n");
}

}  // namespace
}  // namespace redtrust::server::aws
