// Value parsing and comparison for condition operators (rules C6-C13). Pure functions over
// strings; the compiled evaluator calls these with pre-parsed policy values.
#ifndef REDTRUST_ENGINE_CONDITION_VALUES_H_
#define REDTRUST_ENGINE_CONDITION_VALUES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust {

// ---- Numbers (C7): integers or decimals, optional leading '-', compared by value: "10" == "10.0".
// Accepted spelling: `-?[0-9]+(\.[0-9]+)?` (leading zeros allowed, "-0" == "0"). Rejects empty
// text, ".5", "5.", exponents, hex, white space, "+", NaN/Inf, and values whose magnitude does not
// fit a double. The double loses precision past 2^53; use CompareNumeric for exact comparison.
std::optional<double> ParseNumeric(std::string_view text);
// Exact decimal comparison of two texts ParseNumeric accepts (any length, no rounding):
// -1 when a < b, 0 when equal ("10" vs "10.0", "-0" vs "0"), 1 when a > b; nullopt when either
// text is not a number. Cost: O(|a| + |b|), no allocation.
std::optional<int> CompareNumeric(std::string_view a, std::string_view b);

// ---- Dates (C8). Epoch seconds (only digits, optionally with a fractional part or a leading
// '-') or the W3C ISO 8601 profile: YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD, ...:ssTZD,
// ...:ss.sTZD with TZD = Z | +hh:mm | -hh:mm. A bare 4-digit year is epoch seconds (C8).
// Result: microseconds since 1970-01-01T00:00:00Z.
// Details (docs/semantics.md#dates):
//  - Ranges are checked: month 1-12, day within the month (Feb 29 only in leap years), hour
//    0-23, minute and second 0-59 (no leap second, no 24:00). Year is exactly 4 digits.
//  - YYYY-MM means day 1; date-only forms mean 00:00:00Z.
//  - Fractions: 1-9 digits in ISO seconds, any number in epoch seconds; truncated to micros.
//  - Relaxations (what moto's reconstruction of AWS's save-time check accepts): 't'/'z' in
//    lowercase, a `±hh` offset without minutes, and a 'T' form without TZD, read as UTC.
//  - Epoch magnitude must fit int64 microseconds (about ±292,000 years).
std::optional<int64_t> ParseDate(std::string_view text);
// Formats microseconds since the epoch as "YYYY-MM-DDThh:mm:ssZ" (aws:CurrentTime form).
// Sub-second digits are dropped (floor, also before 1970). Years outside 0000-9999 print with
// more digits or a sign and do not parse back.
std::string FormatIsoUtc(int64_t epoch_micros);

// ---- Bool (C9): "true" / "false", compared case-insensitively (docs/semantics.md#bool).
std::optional<bool> ParseBool(std::string_view text);

// ---- IP addresses (C11).
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses bytes[0..3]
};
struct IpCidr {
  IpAddress base;
  int prefix = 0;  // 0..32 or 0..128
};
// IPv4: strict dotted quad, four octets 0-255 without leading zeros ("010.0.0.1" is rejected
// as ambiguous). IPv6 (any text containing ':'): RFC 4291 forms, eight groups of 1-4 hex
// digits, or fewer with one "::", optionally ending in a dotted quad ("::ffff:10.0.0.1").
// IPv4-mapped addresses stay IPv6 (v6 = true); they are not converted to IPv4. Zone ids
// ("fe80::1%eth0"), brackets and white space are rejected.
std::optional<IpAddress> ParseIpAddress(std::string_view text);
// "10.0.0.0/8", "2001:db8::/32"; a bare address means /32 (v4) or /128 (v6). The prefix is 1-3
// decimal digits within 0..32 or 0..128, else nullopt. Host bits set in the base
// ("10.1.2.3/8") are accepted and cleared in the result.
std::optional<IpCidr> ParseCidr(std::string_view text);
// False when the families differ (C11), so "::ffff:10.0.0.1" is not in 10.0.0.0/8. Prefix 0
// contains every address of its family (unlike iam-simulate's /0 bug, PEER-4).
bool CidrContains(const IpCidr& cidr, const IpAddress& addr);

// ---- Globs (C6, M1): `*` = any run of characters (also `/`, `:`, newline), `?` = exactly one
// character (one UTF-8 code point), anchored at both ends. No recursion. Cost: a backtracking
// match, O(|pattern| + |text|) for ordinary patterns; when it has re-scanned a few times that
// much text (`*` followed by a long block that almost matches everywhere), a bit-parallel
// set-based match, O(|text| * |pattern| / 64), finishes it: a 2,048-byte pattern against a
// 1 MiB value takes about 0.1 s instead of 5 s (bench/limits_bench.cc, docs/limits.md).
// Exact byte-level contract (WildcardPattern must agree with it on every input):
//  - `*` matches any byte sequence, including invalid UTF-8;
//  - `?` matches one ASCII byte, or one 2/3/4-byte sequence whose lead byte is C2-DF/E0-EF/
//    F0-F4 followed by the right number of continuation bytes (80-BF). It never matches a
//    lone continuation byte, C0, C1, F5-FF or a truncated sequence. Overlong forms and
//    surrogates are not rejected (structure only). On valid UTF-8 this is "one code point".
//  - every other pattern byte matches itself; with `ignore_case`, ASCII letters match either
//    case and no other byte is folded (C6: no Unicode case folding).
// There is no escape character: `*` and `?` in `pattern` are always wildcards. A literal `*`
// or `?` (from ${*} / ${?}, V5, or inside a resolved variable value, V7) cannot be written in
// this syntax; the caller must compare such parts outside GlobMatch.
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case);
bool HasWildcard(std::string_view pattern);  // contains '*' or '?'

// A glob given as parts, for patterns whose `*` and `?` characters may be literal: the text a
// policy variable substitutes is never a wildcard (V7). Same semantics and cost as GlobMatch.
struct GlobPart {
  enum class Kind { kLiteral, kStar, kOne };
  Kind kind = Kind::kLiteral;
  std::string_view literal;  // kLiteral: bytes matched as they are (ASCII-folded with ignore_case)
};
bool GlobMatchParts(const std::vector<GlobPart>& parts, std::string_view text, bool ignore_case);

// For tests: GlobMatch with the backtracking matcher's budget (bytes re-scanned after
// backtracking) set to `budget`; 0 runs the set-based matcher alone.
// The answer does not depend on the budget.
bool GlobMatchWithBudget(std::string_view pattern, std::string_view text, bool ignore_case,
                         size_t budget);
// For tests: the linear block matcher alone, for a pattern without `?` (nullopt with `?`).
std::optional<bool> GlobMatchBlocks(std::string_view pattern, std::string_view text,
                                    bool ignore_case);

// ASCII-only lower-casing (StringEqualsIgnoreCase per rule C6: simple per-character,
// no Unicode case folding).
std::string AsciiLower(std::string_view s);
// Inline: it sits on the hot path of action and service matching.
inline bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x == y) continue;
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_CONDITION_VALUES_H_
