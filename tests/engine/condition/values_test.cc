#include "engine/condition/values.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust {
namespace {

// Wall-clock guard against super-linear matching. Optimized builds need a few percent of it;
// the slack is for sanitizer builds. A quadratic regression on these inputs takes minutes.
constexpr std::chrono::milliseconds kTimeBudget(2000);

using std::string_literals::operator""s;

constexpr int64_t kSec = 1'000'000;  // microseconds per second
constexpr int64_t k20240101 = 1704067200;

// ---- Numbers ---------------------------------------------------------------------------------

TEST(ParseNumeric, ComparesByValue) {
  EXPECT_EQ(ParseNumeric("10"), ParseNumeric("10.0"));  // C7
  EXPECT_EQ(ParseNumeric("10"), std::optional<double>(10.0));
  EXPECT_EQ(ParseNumeric("-1.5"), std::optional<double>(-1.5));
  EXPECT_EQ(ParseNumeric("007"), std::optional<double>(7.0));
  EXPECT_EQ(ParseNumeric("-0"), ParseNumeric("0"));
  EXPECT_EQ(ParseNumeric("0.25"), std::optional<double>(0.25));
}

TEST(ParseNumeric, RejectsOtherSpellings) {
  for (std::string_view bad : {"", "-", "+1", "1e3", "1E3", "0x10", " 1", "1 ", ".5", "5.", "NaN",
                               "nan", "inf", "-inf", "1.2.3", "--1", "1-", "1,000", "١"}) {
    EXPECT_EQ(ParseNumeric(bad), std::nullopt) << "`" << bad << "`";
  }
}

TEST(CompareNumeric, IsExact) {
  EXPECT_EQ(CompareNumeric("10", "10.0"), 0);
  EXPECT_EQ(CompareNumeric("1.10", "1.1"), 0);
  EXPECT_EQ(CompareNumeric("007", "7"), 0);
  EXPECT_EQ(CompareNumeric("-0.0", "0"), 0);
  EXPECT_EQ(CompareNumeric("-2", "-1"), -1);
  EXPECT_EQ(CompareNumeric("-1", "-2"), 1);
  EXPECT_EQ(CompareNumeric("-1", "0.5"), -1);
  EXPECT_EQ(CompareNumeric("0.09", "0.1"), -1);
  EXPECT_EQ(CompareNumeric("10", "9.999"), 1);
  // Doubles cannot tell these apart; the decimal comparison can.
  EXPECT_EQ(ParseNumeric("9007199254740993"), ParseNumeric("9007199254740992"));
  EXPECT_EQ(CompareNumeric("9007199254740993", "9007199254740992"), 1);
  EXPECT_EQ(CompareNumeric(std::string(400, '9'), "1"), 1);
  EXPECT_EQ(CompareNumeric("abc", "1"), std::nullopt);
  EXPECT_EQ(CompareNumeric("1", "1e0"), std::nullopt);
}

// ---- Dates -----------------------------------------------------------------------------------

TEST(ParseDate, DigitsAreEpochSeconds) {
  EXPECT_EQ(ParseDate("0"), 0);
  EXPECT_EQ(ParseDate("1704067200"), k20240101 * kSec);
  EXPECT_EQ(ParseDate("-1"), -kSec);
  EXPECT_EQ(ParseDate("1.5"), kSec + 500000);
  EXPECT_EQ(ParseDate("-1.5"), -kSec - 500000);
  EXPECT_EQ(ParseDate("1.1234567"), kSec + 123456);  // truncated to microseconds
}

TEST(ParseDate, BareYearIsEpochNotYear) {
  // C8: "2024" is 1970-01-01T00:33:44Z, not 2024-01-01.
  EXPECT_EQ(ParseDate("2024"), 2024 * kSec);
  EXPECT_NE(ParseDate("2024"), ParseDate("2024-01-01"));
  EXPECT_EQ(FormatIsoUtc(*ParseDate("2024")), "1970-01-01T00:33:44Z");
}

TEST(ParseDate, EveryIsoForm) {
  const int64_t midnight = k20240101 * kSec;
  EXPECT_EQ(ParseDate("2024-01"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T00:00Z"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T00:00:00Z"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T00:00:00.5Z"), midnight + 500000);
  EXPECT_EQ(ParseDate("2024-01-01T00:00:00.000001Z"), midnight + 1);
  EXPECT_EQ(ParseDate("2024-01-01T00:00:00.123456789Z"), midnight + 123456);
  EXPECT_EQ(ParseDate("2024-01-01T12:34:56Z"), midnight + (12 * 3600 + 34 * 60 + 56) * kSec);
  EXPECT_EQ(ParseDate("2024-01-01T12:34Z"), midnight + (12 * 3600 + 34 * 60) * kSec);
}

TEST(ParseDate, Offsets) {
  const int64_t midnight = k20240101 * kSec;
  EXPECT_EQ(ParseDate("2024-01-01T05:30:00+05:30"), midnight);
  EXPECT_EQ(ParseDate("2023-12-31T19:00:00-05:00"), midnight);
  EXPECT_EQ(ParseDate("2023-12-31T19:00-05:00"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T00:00:00+00:00"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T00:00:00-00:00"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T01:00:00.25+01:00"), midnight + 250000);
  // Relaxations (docs/semantics.md#dates): `±hh`, lowercase, no TZD = UTC.
  EXPECT_EQ(ParseDate("2024-01-01T05:00:00+05"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01t00:00:00z"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T00:00:00"), midnight);
  EXPECT_EQ(ParseDate("2024-01-01T00:00"), midnight);
}

TEST(ParseDate, LeapDays) {
  EXPECT_EQ(ParseDate("2024-02-29"), 1709164800 * kSec);
  EXPECT_EQ(ParseDate("2000-02-29"), 951782400 * kSec);  // divisible by 400
  EXPECT_EQ(ParseDate("2023-02-29"), std::nullopt);
  EXPECT_EQ(ParseDate("1900-02-29"), std::nullopt);  // divisible by 100 only
  EXPECT_EQ(ParseDate("2024-02-30"), std::nullopt);
  EXPECT_EQ(ParseDate("2024-04-31"), std::nullopt);
  EXPECT_TRUE(ParseDate("2024-12-31").has_value());
}

TEST(ParseDate, FarDates) {
  EXPECT_EQ(ParseDate("1969-12-31"), -86400 * kSec);
  EXPECT_EQ(ParseDate("1900-03-01"), -2203891200LL * kSec);
  EXPECT_EQ(ParseDate("0001-01-01"), -62135596800LL * kSec);
  EXPECT_EQ(ParseDate("9999-12-31"), 253402214400LL * kSec);
  EXPECT_EQ(ParseDate("9223372036853"), 9223372036853LL * kSec);
  EXPECT_EQ(ParseDate("9223372036855"), std::nullopt);  // overflows int64 microseconds
  EXPECT_EQ(ParseDate(std::string(40, '9')), std::nullopt);
}

TEST(ParseDate, RejectsOutOfRangeAndMalformed) {
  for (std::string_view bad : {"",
                               "abc",
                               "2024-13-01",
                               "2024-00-10",
                               "2024-01-00",
                               "2024-01-32",
                               "2024-1-01",
                               "2024-01-1",
                               "24-01-01",
                               "2024", /*epoch, valid: checked below*/
                               "2024-01-01T24:00Z",
                               "2024-01-01T23:60Z",
                               "2024-01-01T23:59:60Z",
                               "2024-01-01T00Z",
                               "2024-01-01T0:00Z",
                               "2024-01-01 00:00:00Z",
                               "2024-01-01T00:00:00.Z",
                               "2024-01-01T00:00:00.1234567890Z",
                               "2024-01-01T00:00:00Zjunk",
                               "2024-01-01T00:00:00+24:00",
                               "2024-01-01T00:00:00+05:60",
                               "2024-01-01T00:00:00+0530",
                               "2024-01-01T00:00:00+5",
                               "2024-01-01T00:00:00 Z",
                               "2024-01-01T",
                               "2024-01-01Z",
                               "2024-01T00:00Z",
                               "2024-",
                               "+2024-01-01",
                               "-2024-01-01",
                               "1.",
                               ".5",
                               "1e9",
                               " 1",
                               "2024-01-01T00:00:00UTC"}) {
    if (bad == "2024") continue;
    EXPECT_EQ(ParseDate(bad), std::nullopt) << "`" << bad << "`";
  }
}

TEST(FormatIsoUtc, FormatsAndRoundTrips) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(k20240101 * kSec + 999999), "2024-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(-1), "1969-12-31T23:59:59Z");  // floor, not truncation
  EXPECT_EQ(FormatIsoUtc(-kSec), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIsoUtc(-kSec - 1), "1969-12-31T23:59:58Z");
  for (std::string_view s :
       {"2024-02-29T12:34:56Z", "2000-02-29T00:00:00Z", "1999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1960-06-15T08:09:10Z"}) {
    std::optional<int64_t> t = ParseDate(s);
    ASSERT_TRUE(t.has_value()) << s;
    EXPECT_EQ(FormatIsoUtc(*t), s);
  }
}

// ---- Bool ------------------------------------------------------------------------------------

TEST(ParseBool, CaseInsensitiveTrueFalseOnly) {
  EXPECT_EQ(ParseBool("true"), true);
  EXPECT_EQ(ParseBool("TRUE"), true);
  EXPECT_EQ(ParseBool("False"), false);
  for (std::string_view bad : {"", "yes", "1", "0", " true", "true ", "t", "truee"}) {
    EXPECT_EQ(ParseBool(bad), std::nullopt) << "`" << bad << "`";
  }
}

// ---- IP addresses ----------------------------------------------------------------------------

IpAddress Ip(std::string_view s) {
  std::optional<IpAddress> a = ParseIpAddress(s);
  EXPECT_TRUE(a.has_value()) << s;
  return a.value_or(IpAddress{});
}

IpCidr Cidr(std::string_view s) {
  std::optional<IpCidr> c = ParseCidr(s);
  EXPECT_TRUE(c.has_value()) << s;
  return c.value_or(IpCidr{});
}

bool In(std::string_view cidr, std::string_view ip) { return CidrContains(Cidr(cidr), Ip(ip)); }

TEST(ParseIpAddress, Ipv4Strict) {
  IpAddress a = Ip("192.0.2.255");
  EXPECT_FALSE(a.v6);
  EXPECT_EQ(a.bytes[0], 192);
  EXPECT_EQ(a.bytes[3], 255);
  EXPECT_TRUE(ParseIpAddress("0.0.0.0").has_value());
  for (std::string_view bad :
       {"", "10.0.0", "10.0.0.1.2", "256.0.0.1", "010.0.0.1", "10.0.0.01", "1..2.3", " 1.2.3.4",
        "1.2.3.4 ", "-1.2.3.4", "1.2.3.a", "1.2.3.4/32", "1.2.3.", ".1.2.3", "1234.1.1.1"}) {
    EXPECT_EQ(ParseIpAddress(bad), std::nullopt) << "`" << bad << "`";
  }
}

TEST(ParseIpAddress, Ipv6Forms) {
  IpAddress full = Ip("2001:0db8:0000:0000:0000:0000:0000:0001");
  EXPECT_TRUE(full.v6);
  EXPECT_EQ(full.bytes, Ip("2001:db8::1").bytes);
  EXPECT_EQ(full.bytes, Ip("2001:DB8:0:0:0:0:0:1").bytes);
  EXPECT_EQ(Ip("::").bytes, IpAddress{}.bytes);
  EXPECT_EQ(Ip("::1").bytes[15], 1);
  EXPECT_EQ(Ip("1::").bytes[1], 1);
  EXPECT_TRUE(ParseIpAddress("::1:2:3:4:5:6:7").has_value());
  EXPECT_TRUE(ParseIpAddress("1:2:3:4:5:6:7::").has_value());
  EXPECT_TRUE(ParseIpAddress("1:2:3:4:5:6:1.2.3.4").has_value());
  for (std::string_view bad : {":::",
                               "1:::2",
                               "1::2::3",
                               "12345::",
                               "1:2:3:4:5:6:7:8:9",
                               "1:2:3:4:5:6:7",
                               "1:2:3:4:5:6:7:8::",
                               "::1:2:3:4:5:6:7:8",
                               ":1:2:3:4:5:6:7",
                               "1:2:3:4:5:6:7:",
                               "fe80::1%eth0",
                               "[::1]",
                               "::1.2.3",
                               "1.2.3.4::",
                               "::1.2.3.4:5",
                               "1:2:3:4:5:6:7:1.2.3.4",
                               "::ffff:256.0.0.1",
                               "g::1",
                               ":",
                               "1:2",
                               "::ffff:01.2.3.4"}) {
    EXPECT_EQ(ParseIpAddress(bad), std::nullopt) << "`" << bad << "`";
  }
}

TEST(ParseIpAddress, EmbeddedIpv4Tail) {
  IpAddress mapped = Ip("::ffff:10.0.0.1");
  EXPECT_TRUE(mapped.v6);  // stays IPv6
  EXPECT_EQ(mapped.bytes, Ip("::ffff:a00:1").bytes);
  EXPECT_EQ(Ip("64:ff9b::192.0.2.33").bytes, Ip("64:ff9b::c000:221").bytes);
}

TEST(CidrContains, Ipv4Blocks) {
  EXPECT_TRUE(In("10.0.0.0/8", "10.255.255.255"));
  EXPECT_FALSE(In("10.0.0.0/8", "11.0.0.0"));
  EXPECT_TRUE(In("192.168.0.0/22", "192.168.3.255"));
  EXPECT_FALSE(In("192.168.0.0/22", "192.168.4.0"));
  EXPECT_TRUE(In("203.0.113.5", "203.0.113.5"));  // bare address = /32
  EXPECT_FALSE(In("203.0.113.5", "203.0.113.6"));
  EXPECT_EQ(Cidr("203.0.113.5").prefix, 32);
  EXPECT_TRUE(In("1.2.3.4/32", "1.2.3.4"));
}

TEST(CidrContains, PrefixZeroMatchesWholeFamily) {
  // PEER-4: iam-simulate's `-1 << 32` makes /0 match only 0.0.0.0; standard CIDR matches all.
  EXPECT_TRUE(In("0.0.0.0/0", "0.0.0.0"));
  EXPECT_TRUE(In("0.0.0.0/0", "1.2.3.4"));
  EXPECT_TRUE(In("0.0.0.0/0", "255.255.255.255"));
  EXPECT_TRUE(In("1.2.3.4/0", "200.1.1.1"));
  EXPECT_TRUE(In("::/0", "2001:db8::1"));
  EXPECT_TRUE(In("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
}

TEST(CidrContains, MixedFamiliesNeverMatch) {
  EXPECT_FALSE(In("0.0.0.0/0", "::1"));
  EXPECT_FALSE(In("::/0", "1.2.3.4"));
  // IPv4-mapped IPv6 is IPv6: not in the IPv4 block, but in the mapped range.
  EXPECT_FALSE(In("10.0.0.0/8", "::ffff:10.0.0.1"));
  EXPECT_FALSE(In("0.0.0.0/0", "::ffff:10.0.0.1"));
  EXPECT_TRUE(In("::ffff:0:0/96", "::ffff:10.0.0.1"));
  EXPECT_TRUE(In("::ffff:10.0.0.0/104", "::ffff:10.9.9.9"));
  EXPECT_FALSE(In("::ffff:0:0/96", "::1"));
}

TEST(CidrContains, Ipv4IgnoresUnusedBytes) {
  IpAddress a = Ip("10.1.2.3");
  a.bytes[10] = 0xff;  // not part of an IPv4 address
  EXPECT_TRUE(CidrContains(Cidr("10.0.0.0/8"), a));
  EXPECT_TRUE(CidrContains(Cidr("10.1.2.3"), a));
}

TEST(CidrContains, Ipv6Blocks) {
  EXPECT_TRUE(In("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(In("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(In("2001:db8::/33", "2001:db8:7fff::"));
  EXPECT_FALSE(In("2001:db8::/33", "2001:db8:8000::"));
  EXPECT_EQ(Cidr("2001:db8::1").prefix, 128);
  EXPECT_TRUE(In("2001:db8::1/128", "2001:db8::1"));
  EXPECT_FALSE(In("2001:db8::1/128", "2001:db8::2"));
}

TEST(ParseCidr, HostBitsAreMasked) {
  IpCidr c = Cidr("10.1.2.3/8");
  EXPECT_EQ(c.base.bytes, Ip("10.0.0.0").bytes);
  EXPECT_EQ(c.prefix, 8);
  EXPECT_TRUE(In("10.1.2.3/8", "10.9.9.9"));
  EXPECT_EQ(Cidr("2001:db8::ffff/112").base.bytes, Ip("2001:db8::").bytes);
}

TEST(ParseCidr, RejectsBadPrefixes) {
  for (std::string_view bad :
       {"10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/a", "10.0.0.0/1234",
        "10.0.0.0/8/8", "/8", "10.0.0.0 /8", "10.0.0.0/ 8", "10.0.0.0/+8", "10.0.0/8"}) {
    EXPECT_EQ(ParseCidr(bad), std::nullopt) << "`" << bad << "`";
  }
  EXPECT_EQ(Cidr("::/128").prefix, 128);
  EXPECT_EQ(Cidr("1.2.3.4/032").prefix, 32);  // leading zeros in the prefix are harmless
}

// ---- Globs -----------------------------------------------------------------------------------

TEST(GlobMatch, AnchoredStarAndQuestion) {
  EXPECT_TRUE(GlobMatch("*", "", false));
  EXPECT_TRUE(GlobMatch("*", "anything/at:all", false));
  EXPECT_TRUE(GlobMatch("", "", false));
  EXPECT_FALSE(GlobMatch("", "a", false));
  EXPECT_TRUE(GlobMatch("abc", "abc", false));
  EXPECT_FALSE(GlobMatch("abc", "abcd", false));
  EXPECT_FALSE(GlobMatch("abc", "xabc", false));
  EXPECT_FALSE(GlobMatch("a*c", "abcd", false));
  EXPECT_TRUE(GlobMatch("a*c", "ac", false));
  EXPECT_TRUE(GlobMatch("a**c", "abbbc", false));
  EXPECT_TRUE(GlobMatch("a?c", "abc", false));
  EXPECT_FALSE(GlobMatch("a?c", "ac", false));
  EXPECT_FALSE(GlobMatch("a?c", "abbc", false));
  EXPECT_FALSE(GlobMatch("?", "", false));
  EXPECT_TRUE(GlobMatch("*?", "x", false));
  EXPECT_FALSE(GlobMatch("*?", "", false));
}

TEST(GlobMatch, StarCrossesSlashColonAndNewline) {
  EXPECT_TRUE(GlobMatch("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", false));
  EXPECT_TRUE(GlobMatch("a*z", "a/b:c\nd\0z"s, false));
  EXPECT_TRUE(GlobMatch("a?b", "a\nb", false));
  EXPECT_TRUE(GlobMatch("a?b", "a/b", false));
  EXPECT_TRUE(GlobMatch("a?b", "a:b", false));
}

TEST(GlobMatch, QuestionMatchesOneCodePoint) {
  EXPECT_TRUE(GlobMatch("?", "é", false));  // 2 bytes
  EXPECT_TRUE(GlobMatch("?", "€", false));  // 3 bytes
  EXPECT_TRUE(GlobMatch("?", "😀", false));  // 4 bytes
  EXPECT_FALSE(GlobMatch("??", "é", false));
  EXPECT_TRUE(GlobMatch("caf?", "café", false));
  EXPECT_FALSE(GlobMatch("caf??", "café", false));
  EXPECT_TRUE(GlobMatch("?€?", "a€😀", false));
  // A star may stop inside a sequence, but `?` cannot start there: `*??` needs two code
  // points and "€" is one.
  EXPECT_FALSE(GlobMatch("*??", "€", false));
  EXPECT_FALSE(GlobMatch("*??", "😀", false));
  EXPECT_TRUE(GlobMatch("*??", "a€", false));
}

TEST(GlobMatch, InvalidUtf8) {
  EXPECT_FALSE(GlobMatch("?", "\x80", false));  // stray continuation byte
  EXPECT_FALSE(GlobMatch("?", "\xff", false));
  EXPECT_FALSE(GlobMatch("?", "\xc0", false));
  EXPECT_FALSE(GlobMatch("?", "\xc3", false));  // truncated sequence
  EXPECT_FALSE(GlobMatch("??",
                         "\xc3"
                         "a",
                         false));
  EXPECT_FALSE(GlobMatch("?", "\xe2\x82", false));
  EXPECT_TRUE(GlobMatch("*", "\x80\xff\xc3", false));
  EXPECT_TRUE(GlobMatch("\xff*", "\xff\x80", false));
  EXPECT_TRUE(GlobMatch("*\xa9", "é", false));         // byte-level literal after a star
  EXPECT_TRUE(GlobMatch("?", "\xe0\x80\x80", false));  // overlong: structure only
}

TEST(GlobMatch, IgnoreCaseIsAsciiOnly) {
  EXPECT_TRUE(GlobMatch("S3:Get*", "s3:getobject", true));
  EXPECT_FALSE(GlobMatch("S3:Get*", "s3:getobject", false));
  EXPECT_TRUE(GlobMatch("ABC?", "abcD", true));
  EXPECT_FALSE(GlobMatch("É", "é", true));
  EXPECT_FALSE(GlobMatch("k", "\u212a", true));  // KELVIN SIGN
  EXPECT_FALSE(GlobMatch("s", "\u017f", true));  // LONG S
  EXPECT_FALSE(GlobMatch("ss", "ß", true));
  EXPECT_TRUE(GlobMatch("[", "[", true));  // no folding of '[' vs '{'
  EXPECT_FALSE(GlobMatch("[", "{", true));
  EXPECT_FALSE(GlobMatch("@", "`", true));
}

TEST(GlobMatch, PathologicalPatternsAreFast) {
  const std::string text(1 << 20, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*b", text, false));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a*a", text, false));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*?b", text, true));
  EXPECT_TRUE(GlobMatch(std::string(100, '*') + "a", text, false));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, kTimeBudget);
}

// Reference semantics straight from the values.h contract: memoized recursion over
// (pattern position, text position). Exponential without the memo, so only for short inputs.
size_t SpecUnitLength(std::string_view s, size_t i) {
  const unsigned char b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80                   ? 1
             : (b >= 0xc2 && b <= 0xdf) ? 2
             : (b >= 0xe0 && b <= 0xef) ? 3
             : (b >= 0xf0 && b <= 0xf4) ? 4
                                        : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

bool ReferenceGlob(std::string_view p, std::string_view t, bool ic) {
  std::vector<int> memo((p.size() + 1) * (t.size() + 1), -1);
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
  auto rec = [&](auto&& self, size_t i, size_t j) -> bool {
    int& m = memo[i * (t.size() + 1) + j];
    if (m >= 0) return m;
    bool r;
    if (i == p.size()) {
      r = j == t.size();
    } else if (p[i] == '*') {
      r = self(self, i + 1, j) || (j < t.size() && self(self, i, j + 1));
    } else if (j == t.size()) {
      r = false;
    } else if (p[i] == '?') {
      size_t n = SpecUnitLength(t, j);
      r = n > 0 && self(self, i + 1, j + n);
    } else {
      r = (p[i] == t[j] || (ic && lower(p[i]) == lower(t[j]))) && self(self, i + 1, j + 1);
    }
    m = r;
    return r;
  };
  return rec(rec, 0, 0);
}

// Tokens that stress multibyte `?`, invalid bytes, case folding and regex metacharacters.
const std::vector<std::string>& GlobTokens() {
  static const auto* tokens = new std::vector<std::string>{
      "*", "*",    "?",    "?",    "a",    "a",    "A",  "b", "/", ":",      ".", "é",     "€",
      "😀", "\xc3", "\xa9", "\x80", "\xff", "\xe2", "\n", "k", "K", "\u212a", "s", "\u017f"};
  return *tokens;
}

std::string RandomGlobString(std::mt19937& rng, size_t max_tokens, bool allow_wildcards) {
  const auto& tokens = GlobTokens();
  std::string out;
  size_t n = rng() % (max_tokens + 1);
  for (size_t i = 0; i < n; ++i) {
    const std::string& tok = tokens[rng() % tokens.size()];
    if (!allow_wildcards && (tok == "*" || tok == "?")) continue;
    out += tok;
  }
  return out;
}

// Fills wildcards of `pattern` with random text, so that a good share of cases match.
std::string Instantiate(std::mt19937& rng, std::string_view pattern) {
  std::string out;
  for (char c : pattern) {
    if (c == '*') {
      out += RandomGlobString(rng, 3, false);
    } else if (c == '?') {
      out += GlobTokens()[rng() % GlobTokens().size()];
    } else {
      out += c;
    }
  }
  return out;
}

TEST(GlobMatch, AgreesWithReferenceOnRandomInputs) {
  std::mt19937 rng(20240229);  // fixed seed: deterministic
  int matches = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string pattern = RandomGlobString(rng, 8, true);
    std::string text =
        (iter % 2 == 0) ? Instantiate(rng, pattern) : RandomGlobString(rng, 8, false);
    bool ic = (iter / 2) % 2 == 0;
    bool want = ReferenceGlob(pattern, text, ic);
    matches += want;
    ASSERT_EQ(GlobMatch(pattern, text, ic), want)
        << "pattern `" << pattern << "` text `" << text << "` ignore_case " << ic;
  }
  EXPECT_GT(matches, 2000);  // the test exercises both outcomes
}

// On valid UTF-8 the byte contract is code-point globbing; check against a matcher that
// decodes both sides first.
std::vector<std::string> CodePoints(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = SpecUnitLength(s, i);
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

bool CodePointGlob(const std::vector<std::string>& p, const std::vector<std::string>& t) {
  std::vector<std::vector<char>> dp(p.size() + 1, std::vector<char>(t.size() + 1, 0));
  dp[p.size()][t.size()] = 1;
  for (size_t i = p.size(); i-- > 0;) {
    for (size_t j = t.size() + 1; j-- > 0;) {
      if (p[i] == "*") {
        dp[i][j] = dp[i + 1][j] || (j < t.size() && dp[i][j + 1]);
      } else if (j < t.size()) {
        dp[i][j] = (p[i] == "?" || p[i] == t[j]) && dp[i + 1][j + 1];
      }
    }
  }
  return dp[0][0];
}

TEST(GlobMatch, IsCodePointGlobOnValidUtf8) {
  static const std::vector<std::string> kValid = {"*", "?", "a",      "b",      "é",
                                                  "€", "😀", "\u00a9", "\u0129", "\u20a9"};
  std::mt19937 rng(7);
  for (int iter = 0; iter < 8000; ++iter) {
    std::string pattern, text;
    for (size_t n = rng() % 7; n > 0; --n) pattern += kValid[rng() % kValid.size()];
    for (size_t n = rng() % 7; n > 0; --n) text += kValid[2 + rng() % (kValid.size() - 2)];
    ASSERT_EQ(GlobMatch(pattern, text, false), CodePointGlob(CodePoints(pattern), CodePoints(text)))
        << "pattern `" << pattern << "` text `" << text << "`";
  }
}

TEST(HasWildcard, StarOrQuestion) {
  EXPECT_TRUE(HasWildcard("a*"));
  EXPECT_TRUE(HasWildcard("?"));
  EXPECT_FALSE(HasWildcard("arn:aws:s3:::b/k"));
  EXPECT_FALSE(HasWildcard(""));
}

TEST(AsciiLower, OnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("AbC-Z@[`{"), "abc-z@[`{");
  EXPECT_EQ(AsciiLower("ÉÀ"), "ÉÀ");
  EXPECT_TRUE(EqualsIgnoreCaseAscii("StringEquals", "stringequals"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("É", "é"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("ab", "abc"));
  EXPECT_TRUE(EqualsIgnoreCaseAscii("", ""));
}

}  // namespace
}  // namespace redtrust
