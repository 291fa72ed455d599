// Value parsing and comparison for condition operators (reference C6-C13). Pure functions over
// strings; the compiled evaluator calls these with pre-parsed policy values.
#ifndef REDTRUST_ENGINE_CONDITION_VALUES_H_
#define REDTRUST_ENGINE_CONDITION_VALUES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redtrust {

// ---- Numbers (C7): integers or decimals, optional leading '-', compared by value: "10" == "10.0".
// Rejects empty text, exponents, hex, white space, "+", NaN/Inf.
std::optional<double> ParseNumeric(std::string_view text);

// ---- Dates (C8). Epoch seconds (only digits, optionally with a fractional part or a leading
// '-') or the W3C ISO 8601 profile: YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD, ...:ssTZD,
// ...:ss.sTZD with TZD = Z | +hh:mm | -hh:mm. A bare 4-digit year is epoch seconds (C8).
// Result: microseconds since 1970-01-01T00:00:00Z.
std::optional<int64_t> ParseDate(std::string_view text);
// Formats microseconds since the epoch as "YYYY-MM-DDThh:mm:ssZ" (aws:CurrentTime form).
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
std::optional<IpAddress> ParseIpAddress(std::string_view text);
// "10.0.0.0/8", "2001:db8::/32"; a bare address means /32 (v4) or /128 (v6).
std::optional<IpCidr> ParseCidr(std::string_view text);
// False when the families differ (C11).
bool CidrContains(const IpCidr& cidr, const IpAddress& addr);

// ---- Globs (C6, M1): `*` = any run of characters (also `/`, `:`, newline), `?` = exactly one
// character (one UTF-8 code point), anchored at both ends. Linear-time in practice:
// O(|pattern| * |text|) worst case, no recursion.
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case);
bool HasWildcard(std::string_view pattern);  // contains '*' or '?'

// ASCII-only lower-casing (StringEqualsIgnoreCase per reference C6: simple per-character,
// no Unicode case folding).
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_CONDITION_VALUES_H_
