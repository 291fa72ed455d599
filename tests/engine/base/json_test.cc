#include "engine/base/json.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace redtrust {
namespace {

using Kind = JsonValue::Kind;

JsonValue MustParse(std::string_view text, const JsonOptions& options = {}) {
  JsonValue v;
  std::optional<JsonError> err = ParseJson(text, options, &v);
  EXPECT_FALSE(err.has_value()) << text << "\n  -> " << (err ? err->message : "");
  return v;
}

JsonError MustFail(std::string_view text, const JsonOptions& options = {}) {
  JsonValue v;
  std::optional<JsonError> err = ParseJson(text, options, &v);
  EXPECT_TRUE(err.has_value()) << "parsed but should not: " << text;
  return err.value_or(JsonError{});
}

// ---- Values, text and positions

TEST(ParseJson, Scalars) {
  JsonValue v = MustParse(R"("abc")");
  EXPECT_EQ(v.kind, Kind::kString);
  EXPECT_EQ(v.text, "abc");
  EXPECT_EQ(v.pos.line, 1u);
  EXPECT_EQ(v.pos.column, 1u);
  EXPECT_EQ(v.end_offset, 5u);

  v = MustParse("  true ");
  EXPECT_EQ(v.kind, Kind::kBool);
  EXPECT_TRUE(v.bool_value);
  EXPECT_EQ(v.text, "true");
  EXPECT_EQ(v.pos.column, 3u);
  EXPECT_EQ(v.end_offset, 6u);

  v = MustParse("false");
  EXPECT_EQ(v.kind, Kind::kBool);
  EXPECT_FALSE(v.bool_value);
  EXPECT_EQ(v.text, "false");

  v = MustParse("null");
  EXPECT_EQ(v.kind, Kind::kNull);
  EXPECT_EQ(v.text, "null");
}

TEST(ParseJson, NumbersKeepTheirText) {
  for (const char* n : {"0", "-0", "10", "10.0", "-12.50", "1e5", "1E+5", "2.5e-3",
                        "123456789012345678901234567890"}) {
    JsonValue v = MustParse(n);
    EXPECT_EQ(v.kind, Kind::kNumber) << n;
    EXPECT_EQ(v.text, n);
    EXPECT_EQ(v.end_offset, std::string(n).size());
  }
}

TEST(ParseJson, RejectsMalformedNumbers) {
  EXPECT_EQ(MustFail("01").message, "invalid number: leading zeros are not allowed");
  EXPECT_EQ(MustFail("-01").pos.column, 1u);
  EXPECT_EQ(MustFail("[1, 007]").pos.column, 5u);
  EXPECT_EQ(MustFail("-").message, "invalid number: expected a digit after `-`");
  EXPECT_EQ(MustFail("1.").message, "invalid number: expected a digit after `.`");
  EXPECT_EQ(MustFail("1.e3").pos.column, 3u);
  EXPECT_EQ(MustFail("1e").message, "invalid number: expected a digit in the exponent");
  EXPECT_EQ(MustFail("1e+").message, "invalid number: expected a digit in the exponent");
  EXPECT_EQ(MustFail(".5").message, "unexpected character `.`, expected a value");
  EXPECT_EQ(MustFail("+1").message, "unexpected character `+`, expected a value");
  EXPECT_EQ(MustFail("NaN").message, "unexpected character `N`, expected a value");
  EXPECT_EQ(MustFail("Infinity").code, "json.syntax");
  EXPECT_EQ(MustFail("-Infinity").message, "invalid number: expected a digit after `-`");
  EXPECT_EQ(MustFail("0x10").message, "unexpected character `x` after the JSON value");
}

TEST(ParseJson, Literals) {
  EXPECT_EQ(MustFail("tru").message, "invalid literal, expected `true`");
  EXPECT_EQ(MustFail("True").message, "unexpected character `T`, expected a value");
  EXPECT_EQ(MustFail("[nul]").pos.column, 2u);
  EXPECT_EQ(MustFail("truex").message, "unexpected character `x` after the JSON value");
}

TEST(ParseJson, PositionsOfNestedValuesAndKeys) {
  const std::string text =
      "{\n"
      "  \"Version\": \"2012-10-17\",\n"
      "  \"Statement\": [\n"
      "    {\"Effect\": \"Allow\", \"n\": [1, {\"k\": null}]}\n"
      "  ]\n"
      "}\n";
  JsonValue v = MustParse(text);
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.pos.line, 1u);
  EXPECT_EQ(v.end_offset, text.size() - 1);  // the final newline is outside
  ASSERT_EQ(v.members.size(), 2u);
  EXPECT_EQ(v.members[0].key, "Version");
  EXPECT_EQ(v.members[0].key_pos.line, 2u);
  EXPECT_EQ(v.members[0].key_pos.column, 3u);
  EXPECT_EQ(v.members[0].value.pos.column, 14u);
  EXPECT_EQ(v.members[0].value.pos.offset, text.find("\"2012"));
  const JsonValue& st = v.members[1].value;
  EXPECT_EQ(st.pos.line, 3u);
  EXPECT_EQ(st.pos.column, 16u);
  ASSERT_EQ(st.items.size(), 1u);
  const JsonValue& s0 = st.items[0];
  EXPECT_EQ(s0.pos.line, 4u);
  EXPECT_EQ(s0.pos.column, 5u);
  EXPECT_EQ(text.substr(s0.pos.offset, s0.end_offset - s0.pos.offset),
            "{\"Effect\": \"Allow\", \"n\": [1, {\"k\": null}]}");
  const JsonValue* n = s0.Find("n");
  ASSERT_NE(n, nullptr);
  ASSERT_EQ(n->items.size(), 2u);
  EXPECT_EQ(n->items[1].members[0].key_pos.column, 35u);
  EXPECT_EQ(n->items[1].members[0].value.pos.column, 40u);
  EXPECT_EQ(n->items[1].members[0].value.kind, Kind::kNull);
}

TEST(ParseJson, ColumnsCountBytes) {
  // "é" is two bytes, so the value after it starts two columns later than its characters.
  JsonValue v = MustParse("[\"\xC3\xA9\", 1]");
  EXPECT_EQ(v.items[1].pos.column, 8u);
}

TEST(ParseJson, CrLfLineEndings) {
  JsonValue v = MustParse("{\r\n\"a\":\r\n  1}");
  EXPECT_EQ(v.members[0].key_pos.line, 2u);
  EXPECT_EQ(v.members[0].key_pos.column, 1u);
  EXPECT_EQ(v.members[0].value.pos.line, 3u);
  EXPECT_EQ(v.members[0].value.pos.column, 3u);
}

TEST(ParseJson, EmptyContainers) {
  JsonValue v = MustParse("{\"a\": [], \"b\": {}, \"c\": [ ], \"d\": { }}");
  EXPECT_TRUE(v.members[0].value.is_array());
  EXPECT_TRUE(v.members[0].value.items.empty());
  EXPECT_TRUE(v.members[1].value.is_object());
  EXPECT_EQ(v.members[2].value.end_offset, v.members[2].value.pos.offset + 3);
}

// ---- Strings

TEST(ParseJson, Escapes) {
  JsonValue v = MustParse(R"("a\"b\\c\/d\be\ff\ng\rh\ti")");
  EXPECT_EQ(v.text, "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(MustParse(R"("\u00e9\u00E9")").text, "\xC3\xA9\xC3\xA9");
  EXPECT_EQ(MustParse(R"("\u20ac")").text, "\xE2\x82\xAC");
  EXPECT_EQ(MustParse(R"("\ud83d\ude00")").text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(MustParse(R"("\u0000")").text, std::string(1, '\0'));
  EXPECT_EQ(MustParse(R"("x\u002Fy")").text, "x/y");
}

TEST(ParseJson, BadEscapes) {
  JsonError e = MustFail(R"(["ab\xcd"])");
  EXPECT_EQ(e.message, "invalid escape `\\x` in string");
  EXPECT_EQ(e.pos.column, 5u);
  EXPECT_EQ(MustFail(R"("\u12")").message, "invalid `\\u` escape: expected 4 hex digits");
  EXPECT_EQ(MustFail(R"("\u12G4")").message, "invalid `\\u` escape: expected 4 hex digits");
}

TEST(ParseJson, LoneSurrogates) {
  JsonError e = MustFail(R"({"k": "ab\ud800"})");
  EXPECT_EQ(e.message, "lone UTF-16 surrogate `\\ud800` in string");
  EXPECT_EQ(e.pos.column, 10u);
  EXPECT_EQ(MustFail(R"("\udc00")").message, "lone UTF-16 surrogate `\\udc00` in string");
  EXPECT_EQ(MustFail(R"("\ud800\u0041")").code, "json.syntax");
  EXPECT_EQ(MustFail(R"("\ud800x")").code, "json.syntax");
  EXPECT_EQ(MustFail(R"("\ud800\ud800")").code, "json.syntax");
}

TEST(ParseJson, ControlCharactersMustBeEscaped) {
  JsonError e = MustFail("[\"line\nbreak\"]");
  EXPECT_EQ(e.message, "unescaped control character U+000A in string");
  EXPECT_EQ(e.pos.line, 1u);
  EXPECT_EQ(e.pos.column, 7u);
  EXPECT_EQ(MustFail(std::string("\"a\tb\"")).message,
            "unescaped control character U+0009 in string");
  EXPECT_EQ(MustFail(std::string("\"a\0b\"", 5)).message,
            "unescaped control character U+0000 in string");
}

TEST(ParseJson, LongStringsWithEscapesAndUtf8) {
  std::string body;
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    body += "abcdefghij\\n\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    expected += "abcdefghij\n\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  }
  EXPECT_EQ(MustParse("\"" + body + "\"").text, expected);
}

// ---- UTF-8 validation

TEST(ParseJson, InvalidUtf8InStrings) {
  struct Case {
    std::string text;
    std::string message;
    uint32_t column;
  };
  const Case cases[] = {
      {"[\"ab\xFF\"]", "invalid UTF-8 byte 0xff (never valid in UTF-8)", 5},
      {"\"\x80\"", "invalid UTF-8 byte 0x80 (unexpected continuation byte)", 2},
      {"\"\xC0\xAF\"", "invalid UTF-8 byte 0xc0 (overlong encoding)", 2},
      {"\"\xC1\xBF\"", "invalid UTF-8 byte 0xc1 (overlong encoding)", 2},
      {"\"\xE0\x80\xAF\"", "invalid UTF-8 byte 0xe0 (overlong encoding)", 2},
      {"\"\xF0\x80\x80\xAF\"", "invalid UTF-8 byte 0xf0 (overlong encoding)", 2},
      {"\"x\xED\xA0\x80\"", "invalid UTF-8 byte 0xed (encodes a UTF-16 surrogate)", 3},
      {"\"\xF4\x90\x80\x80\"", "invalid UTF-8 byte 0xf4 (code point above U+10FFFF)", 2},
      {"\"\xF5\x80\x80\x80\"", "invalid UTF-8 byte 0xf5 (never valid in UTF-8)", 2},
      {"\"\xC3\"", "invalid UTF-8 byte 0xc3 (incomplete multi-byte sequence)", 2},
      {"\"\xE2\x82\"", "invalid UTF-8 byte 0xe2 (incomplete multi-byte sequence)", 2},
      {"\"\xE2\x82", "invalid UTF-8 byte 0xe2 (incomplete multi-byte sequence)", 2},
      {"\"\xC3x\"", "invalid UTF-8 byte 0xc3 (incomplete multi-byte sequence)", 2},
  };
  for (const Case& c : cases) {
    JsonError e = MustFail(c.text);
    EXPECT_EQ(e.message, c.message) << c.text;
    EXPECT_EQ(e.code, "json.syntax");
    EXPECT_EQ(e.pos.line, 1u);
    EXPECT_EQ(e.pos.column, c.column) << c.text;
  }
}

TEST(ParseJson, InvalidUtf8InKeysAndOutsideStrings) {
  JsonError e = MustFail("{\"a\": 1,\n \"k\xFE\": 2}");
  EXPECT_EQ(e.message, "invalid UTF-8 byte 0xfe (never valid in UTF-8)");
  EXPECT_EQ(e.pos.line, 2u);
  EXPECT_EQ(e.pos.column, 4u);
  e = MustFail("[1, \xFF]");
  EXPECT_EQ(e.message, "invalid UTF-8 byte 0xff (never valid in UTF-8)");
  EXPECT_EQ(e.pos.column, 5u);
  // Valid UTF-8 in the wrong place is a syntax error that shows the character.
  EXPECT_EQ(MustFail("[\xC3\xA9]").message, "unexpected character `\xC3\xA9`, expected a value");
}

TEST(ParseJson, ValidUtf8Boundaries) {
  MustParse(
      "\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF"
      "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"");
}

// ---- Structure errors

TEST(ParseJson, EmptyDocument) {
  JsonError e = MustFail("");
  EXPECT_EQ(e.message, "empty document");
  EXPECT_EQ(e.pos.line, 1u);
  EXPECT_EQ(e.pos.column, 1u);
  e = MustFail("  \n\t ");
  EXPECT_EQ(e.message, "empty document");
  EXPECT_EQ(e.pos.line, 2u);
  EXPECT_EQ(e.pos.column, 3u);
}

TEST(ParseJson, TrailingGarbage) {
  JsonError e = MustFail("{} {}");
  EXPECT_EQ(e.message, "unexpected character `{` after the JSON value");
  EXPECT_EQ(e.pos.column, 4u);
  EXPECT_EQ(MustFail("[1]\n]").pos.line, 2u);
  EXPECT_EQ(MustFail(std::string("{}\0", 3)).message, "unexpected byte 0x00 after the JSON value");
}

TEST(ParseJson, TrailingCommas) {
  JsonError e = MustFail("[1, 2,\n]");
  EXPECT_EQ(e.message, "trailing comma is not allowed");
  EXPECT_EQ(e.pos.line, 1u);
  EXPECT_EQ(e.pos.column, 6u);
  e = MustFail("{\"a\": 1 , }");
  EXPECT_EQ(e.message, "trailing comma is not allowed");
  EXPECT_EQ(e.pos.column, 9u);
  EXPECT_EQ(MustFail("[,1]").message, "unexpected character `,`, expected a value");
  EXPECT_EQ(MustFail("{,}").message, "unexpected character `,`, expected a string key");
  EXPECT_EQ(MustFail("[1,,2]").pos.column, 4u);
}

TEST(ParseJson, CommentsAreRejected) {
  EXPECT_EQ(MustFail("// c\n{}").message, "comments are not allowed in JSON");
  JsonError e = MustFail("{\"a\": 1 /* c */}");
  EXPECT_EQ(e.message, "comments are not allowed in JSON");
  EXPECT_EQ(e.pos.column, 9u);
}

TEST(ParseJson, ObjectSyntax) {
  EXPECT_EQ(MustFail("{a: 1}").message, "unexpected character `a`, expected a string key");
  EXPECT_EQ(MustFail("{'a': 1}").message, "unexpected character `'`, expected a string key");
  EXPECT_EQ(MustFail("{\"a\" 1}").message,
            "unexpected character `1`, expected `:` after an object key");
  EXPECT_EQ(MustFail("{\"a\": 1 \"b\": 2}").message,
            "unexpected character `\"`, expected `,` or `}`");
  EXPECT_EQ(MustFail("[1 2]").message, "unexpected character `2`, expected `,` or `]`");
  EXPECT_EQ(MustFail("{\"a\": }").message, "unexpected character `}`, expected a value");
}

TEST(ParseJson, ByteOrderMarkIsRejected) {
  JsonError e = MustFail("\xEF\xBB\xBF{}");
  EXPECT_EQ(e.message, "byte order mark (U+FEFF) is not allowed before the JSON value");
  EXPECT_EQ(e.pos.column, 1u);
}

TEST(ParseJson, TruncatedInputs) {
  EXPECT_EQ(MustFail("{").message, "unexpected end of input, expected a string key");
  EXPECT_EQ(MustFail("[").message, "unexpected end of input, expected a value");
  EXPECT_EQ(MustFail("[1").message, "unexpected end of input, expected `,` or `]`");
  EXPECT_EQ(MustFail("{\"a\"").message,
            "unexpected end of input, expected `:` after an object key");
  EXPECT_EQ(MustFail("{\"a\":").message, "unexpected end of input, expected a value");
  EXPECT_EQ(MustFail("{\"a\":1").message, "unexpected end of input, expected `,` or `}`");
  JsonError e = MustFail("{\"a\": \"abc");
  EXPECT_EQ(e.message, "unterminated string");
  EXPECT_EQ(e.pos.column, 7u);
  EXPECT_EQ(MustFail("\"ab\\").message, "unterminated escape sequence in string");
  e = MustFail("{\n  \"a\": [1,\n");
  EXPECT_EQ(e.message, "unexpected end of input, expected a value");
  EXPECT_EQ(e.pos.line, 3u);
  EXPECT_EQ(e.pos.column, 1u);
  EXPECT_EQ(e.pos.offset, 13u);
}

TEST(ParseJson, EveryPrefixOfAValidDocumentFails) {
  const std::string text =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"A\u00e9","Effect":"Allow",)"
      R"("Principal":{"Service":["redshift.amazonaws.com"]},"Action":"sts:AssumeRole",)"
      R"("Condition":{"NumericLessThan":{"k":-1.5e3},"Bool":{"b":true},"Null":{"n":null}}}]})";
  MustParse(text);
  for (size_t n = 0; n < text.size(); ++n) {
    JsonValue v;
    EXPECT_TRUE(ParseJson(text.substr(0, n), {}, &v).has_value()) << n;
  }
}

// ---- Duplicate keys (G13)

TEST(ParseJson, DuplicateKeyAtTopLevel) {
  JsonError e = MustFail("{\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}");
  EXPECT_EQ(e.code, "json.duplicate_key");
  EXPECT_EQ(e.message, "duplicate key `Effect`");
  EXPECT_EQ(e.pos.line, 2u);
  EXPECT_EQ(e.pos.column, 2u);
}

TEST(ParseJson, DuplicateKeyNested) {
  const std::string text =
      R"({"Statement": [{"Condition": {"StringEquals": {"a:b": "1"}, "StringEquals": {}}}]})";
  JsonError e = MustFail(text);
  EXPECT_EQ(e.code, "json.duplicate_key");
  EXPECT_EQ(e.message, "duplicate key `StringEquals`");
  EXPECT_EQ(e.pos.offset, text.rfind("\"StringEquals\""));
}

TEST(ParseJson, SameKeyInDifferentObjectsIsFine) {
  MustParse(R"([{"a": 1}, {"a": 2}, {"b": {"a": 3}, "a": 4}])");
}

TEST(ParseJson, DuplicateKeysAllowedWhenAsked) {
  JsonOptions options;
  options.reject_duplicate_keys = false;
  JsonValue v = MustParse(R"({"a": 1, "a": 2})", options);
  ASSERT_EQ(v.members.size(), 2u);
  EXPECT_EQ(v.Find("a")->text, "1");  // the first
}

TEST(ParseJson, DuplicateKeyInLargeObject) {
  // Past the linear-scan limit the hash index takes over; both paths must agree.
  std::string text = "{";
  for (int i = 0; i < 1000; ++i)
    text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  const size_t dup = text.size();
  text += "\"k17\": 0}";
  JsonError e = MustFail(text);
  EXPECT_EQ(e.code, "json.duplicate_key");
  EXPECT_EQ(e.message, "duplicate key `k17`");
  EXPECT_EQ(e.pos.offset, dup);
  text.resize(dup);
  text += "\"k1000\": 0}";
  EXPECT_EQ(MustParse(text).members.size(), 1001u);
}

TEST(ParseJson, DuplicateKeyMessageIsSanitized) {
  JsonError e = MustFail(R"({"a\nb": 1, "a\nb": 2})");
  EXPECT_EQ(e.message, "duplicate key `a\\nb`");
}

TEST(ParseJson, PartialTreeOnFailure) {
  JsonValue v;
  const std::string text = R"({"a": [1, 2, {"b": tru}]})";
  ASSERT_TRUE(ParseJson(text, {}, &v).has_value());
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.end_offset, 0u);  // cut short
  ASSERT_EQ(v.members.size(), 1u);
  const JsonValue& a = v.members[0].value;
  ASSERT_EQ(a.items.size(), 3u);
  EXPECT_EQ(a.items[1].text, "2");
  ASSERT_EQ(a.items[2].members.size(), 1u);
  EXPECT_EQ(a.items[2].members[0].key, "b");

  ASSERT_TRUE(ParseJson(R"([{"k": 1, "k": 2}])", {}, &v).has_value());
  ASSERT_EQ(v.items.size(), 1u);
  ASSERT_EQ(v.items[0].members.size(), 2u);
  EXPECT_EQ(v.items[0].members[1].key_pos.column, 11u);
}

TEST(ParseJson, ReusableAfterFailure) {
  // Scratch buffers are per thread: a failed parse must not leak members into the next one.
  JsonValue v;
  ASSERT_TRUE(ParseJson(R"({"x": {"y": [1, 2, 3, {"z": 1, "z": 2}]}})", {}, &v).has_value());
  JsonValue w = MustParse(R"({"p": {"q": [4, {"r": 5}]}})");
  ASSERT_EQ(w.members.size(), 1u);
  ASSERT_EQ(w.members[0].value.members.size(), 1u);
  const JsonValue& q = w.members[0].value.members[0].value;
  ASSERT_EQ(q.items.size(), 2u);
  ASSERT_EQ(q.items[1].members.size(), 1u);
  EXPECT_EQ(q.items[1].members[0].key, "r");
}

// ---- Limits

TEST(ParseJson, MaxDepth) {
  JsonOptions options;  // default 64
  std::string ok(64, '[');
  ok += std::string(64, ']');
  MustParse(ok, options);
  std::string deep(65, '[');
  deep += std::string(65, ']');
  JsonError e = MustFail(deep, options);
  EXPECT_EQ(e.code, "json.too_deep");
  EXPECT_EQ(e.message, "nesting deeper than 64 levels");
  EXPECT_EQ(e.pos.column, 65u);

  options.max_depth = 2;
  MustParse(R"({"a": [1]})", options);
  EXPECT_EQ(MustFail(R"({"a": [{}]})", options).pos.column, 8u);
}

TEST(ParseJson, VeryDeepNestingErrorsInsteadOfOverflowingTheStack) {
  std::string deep(100000, '[');
  EXPECT_EQ(MustFail(deep).code, "json.too_deep");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_EQ(MustFail(objects).code, "json.too_deep");
  // A caller asking for an absurd depth still gets an error, not a crash.
  JsonOptions options;
  options.max_depth = 1 << 30;
  JsonError e = MustFail(deep, options);
  EXPECT_EQ(e.code, "json.too_deep");
  EXPECT_EQ(e.message, "nesting deeper than 1024 levels");
}

TEST(ParseJson, MaxBytes) {
  JsonOptions options;
  options.max_bytes = 10;
  MustParse("[1,2,3,45]", options);
  JsonError e = MustFail("[1,2,3,4,5]", options);
  EXPECT_EQ(e.code, "json.too_large");
  EXPECT_EQ(e.message, "document is 11 bytes, more than the limit of 10");
  EXPECT_EQ(e.pos.offset, 10u);
}

TEST(ParseJson, LargeArrayTerminates) {
  std::string text = "[";
  for (int i = 0; i < 20000; ++i) {
    text += R"({"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"n":12345},)";
  }
  text.back() = ']';
  const auto start = std::chrono::steady_clock::now();
  JsonOptions big;
  big.max_bytes = 64u << 20;
  JsonValue v = MustParse(text, big);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  EXPECT_EQ(v.items.size(), 20000u);
  // A hang guard (sanitizer builds included), not a benchmark.
  EXPECT_LT(ms, 20000) << "parsing " << text.size() << " bytes took " << ms << " ms";
}

// ---- Helpers

TEST(JsonValue, Find) {
  JsonValue v = MustParse(R"({"a": 1, "b": "x"})");
  ASSERT_NE(v.Find("b"), nullptr);
  EXPECT_EQ(v.Find("b")->text, "x");
  EXPECT_EQ(v.Find("c"), nullptr);
  EXPECT_EQ(v.Find("A"), nullptr);
  EXPECT_EQ(MustParse("[1]").Find("a"), nullptr);
}

TEST(JsonKindName, Names) {
  EXPECT_STREQ(JsonKindName(Kind::kNull), "null");
  EXPECT_STREQ(JsonKindName(Kind::kBool), "boolean");
  EXPECT_STREQ(JsonKindName(Kind::kNumber), "number");
  EXPECT_STREQ(JsonKindName(Kind::kString), "string");
  EXPECT_STREQ(JsonKindName(Kind::kArray), "array");
  EXPECT_STREQ(JsonKindName(Kind::kObject), "object");
}

TEST(JsonPointerAppend, EscapesPerRfc6901) {
  EXPECT_EQ(JsonPointerAppend("", "Statement"), "/Statement");
  EXPECT_EQ(JsonPointerAppend("/Statement", size_t{3}), "/Statement/3");
  EXPECT_EQ(JsonPointerAppend("/c", "aws:PrincipalTag/team"), "/c/aws:PrincipalTag~1team");
  EXPECT_EQ(JsonPointerAppend("/c", "a~b"), "/c/a~0b");
  EXPECT_EQ(JsonPointerAppend("/c", "~1/"), "/c/~01~1");
  EXPECT_EQ(JsonPointerAppend("/c", ""), "/c/");
}

TEST(PositionOfOffset, LinesAndColumns) {
  const std::string text = "ab\ncd\n\nef";
  SourcePos p = PositionOfOffset(text, 0);
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.column, 1u);
  p = PositionOfOffset(text, 4);
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.column, 2u);
  p = PositionOfOffset(text, 6);
  EXPECT_EQ(p.line, 3u);
  EXPECT_EQ(p.column, 1u);
  p = PositionOfOffset(text, 100);  // clamped to the end
  EXPECT_EQ(p.line, 4u);
  EXPECT_EQ(p.column, 3u);
  EXPECT_EQ(p.offset, text.size());
}

TEST(PositionOfOffset, AgreesWithTheParser) {
  const std::string text = "{\n \"a\": [\n\n   1, \"x\"],\n\"b\": {\"c\": null}}";
  JsonValue v = MustParse(text);
  auto check = [&](const SourcePos& p) {
    SourcePos q = PositionOfOffset(text, p.offset);
    EXPECT_EQ(q.line, p.line);
    EXPECT_EQ(q.column, p.column);
  };
  check(v.members[0].key_pos);
  check(v.members[0].value.items[0].pos);
  check(v.members[0].value.items[1].pos);
  check(v.members[1].value.members[0].key_pos);
  check(v.members[1].value.members[0].value.pos);
}

}  // namespace
}  // namespace redtrust

namespace redtrust {
namespace {

TEST(JsonDeferred, TopLevelKeysAreDelimitedNotBuilt) {
  JsonOptions o;
  o.deferred_keys = {"p", "ps"};
  const std::string text =
      R"({"id":"x","p":{"a":"}\"{[","b":[1,{"c":2}]},"ps":[{"d":1},"s",{"e":{}}],"q":{"f":1}})";
  JsonValue v;
  ASSERT_FALSE(ParseJson(text, o, &v).has_value());
  const JsonValue* p = v.Find("p");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->deferred);
  EXPECT_TRUE(p->members.empty());
  EXPECT_EQ(text.substr(p->pos.offset, p->end_offset - p->pos.offset),
            R"({"a":"}\"{[","b":[1,{"c":2}]})");
  const JsonValue* ps = v.Find("ps");
  ASSERT_EQ(ps->items.size(), 3u);
  EXPECT_TRUE(ps->items[0].deferred);
  EXPECT_EQ(ps->items[1].text, "s");
  EXPECT_TRUE(ps->items[2].deferred);
  EXPECT_FALSE(v.Find("q")->deferred);  // only the named keys
  EXPECT_EQ(v.Find("q")->members.size(), 1u);
}

TEST(JsonDeferred, UnterminatedDeferredObjectIsAnError) {
  JsonOptions o;
  o.deferred_keys = {"p"};
  JsonValue v;
  auto err = ParseJson(R"({"p":{"a":"b")", o, &v);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, "json.syntax");
}

}  // namespace
}  // namespace redtrust
