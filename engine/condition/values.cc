// Value parsing for condition operators. Every rule below names its source in
// docs/semantics.md (rules C6-C13, with their AWS pages) or is listed as our own choice in
// docs/semantics.md.
#include "engine/condition/values.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace redtrust {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// `-?[0-9]+(\.[0-9]+)?`: the only numeric spelling we accept (docs/semantics.md#numeric).
bool IsDecimalText(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return AllDigits(s);
  return AllDigits(s.substr(0, dot)) && AllDigits(s.substr(dot + 1));
}

// ---- Dates -------------------------------------------------------------------------------

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Inverse of DaysFromCivil.
void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeapYear(y)) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at *pos into *out and advances *pos.
bool ReadFixedDigits(std::string_view s, size_t* pos, size_t n, int64_t* out) {
  if (s.size() - *pos < n) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Consume(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

// Fraction digits after a '.', truncated to microseconds. Requires 1-9 digits (the bound
// moto's reconstruction of AWS's save-time check uses).
bool ReadFractionMicros(std::string_view s, size_t* pos, size_t max_digits, int64_t* micros) {
  size_t start = *pos;
  int64_t v = 0;
  size_t n = 0;
  while (*pos < s.size() && IsDigit(s[*pos])) {
    if (n < 6) v = v * 10 + (s[*pos] - '0');
    ++n;
    ++*pos;
  }
  if (n == 0 || (max_digits != 0 && n > max_digits)) {
    *pos = start;
    return false;
  }
  for (size_t i = n; i < 6; ++i) v *= 10;
  *micros = v;
  return true;
}

// Epoch seconds: `-?[0-9]+(\.[0-9]+)?` (C8; seconds, not milliseconds, per PEER-3).
std::optional<int64_t> ParseEpochSeconds(std::string_view s) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (!AllDigits(whole)) return std::nullopt;
  // Largest whole-second count whose microsecond value fits in int64_t.
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / kMicrosPerSecond - 1;
  int64_t seconds = 0;
  for (char c : whole) {
    seconds = seconds * 10 + (c - '0');
    if (seconds > kMaxSeconds) return std::nullopt;
  }
  int64_t fraction = 0;
  if (dot != std::string_view::npos) {
    size_t pos = dot + 1;
    if (!ReadFractionMicros(s, &pos, /*max_digits=*/0, &fraction) || pos != s.size()) {
      return std::nullopt;
    }
  }
  int64_t micros = seconds * kMicrosPerSecond + fraction;
  return negative ? -micros : micros;
}

// W3C profile of ISO 8601 (C8), plus the relaxations listed in docs/semantics.md#dates:
// lowercase 't'/'z', a time without TZD (read as UTC) and a `±hh` offset without minutes.
std::optional<int64_t> ParseIsoDate(std::string_view s) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  if (!ReadFixedDigits(s, &pos, 4, &year) || !Consume(s, &pos, '-') ||
      !ReadFixedDigits(s, &pos, 2, &month) || month < 1 || month > 12) {
    return std::nullopt;
  }
  if (pos != s.size()) {
    if (!Consume(s, &pos, '-') || !ReadFixedDigits(s, &pos, 2, &day) || day < 1 ||
        day > DaysInMonth(year, month)) {
      return std::nullopt;
    }
  }
  int64_t offset_seconds = 0;
  if (pos != s.size()) {
    if (!Consume(s, &pos, 'T') && !Consume(s, &pos, 't')) return std::nullopt;
    if (!ReadFixedDigits(s, &pos, 2, &hour) || hour > 23 || !Consume(s, &pos, ':') ||
        !ReadFixedDigits(s, &pos, 2, &minute) || minute > 59) {
      return std::nullopt;
    }
    if (Consume(s, &pos, ':')) {
      if (!ReadFixedDigits(s, &pos, 2, &second) || second > 59) return std::nullopt;
      if (Consume(s, &pos, '.') && !ReadFractionMicros(s, &pos, /*max_digits=*/9, &micros)) {
        return std::nullopt;
      }
    }
    // TZD. Absent means UTC: IAM has no notion of a local time zone.
    if (pos != s.size()) {
      char c = s[pos];
      if (c == 'Z' || c == 'z') {
        ++pos;
      } else if (c == '+' || c == '-') {
        ++pos;
        int64_t oh = 0, om = 0;
        if (!ReadFixedDigits(s, &pos, 2, &oh) || oh > 23) return std::nullopt;
        if (Consume(s, &pos, ':') && (!ReadFixedDigits(s, &pos, 2, &om) || om > 59)) {
          return std::nullopt;
        }
        offset_seconds = (oh * 3600 + om * 60) * (c == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != s.size()) return std::nullopt;
  // Local time = UTC + offset, so UTC = local - offset.
  int64_t seconds = DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 +
                    second - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

// ---- IP addresses ------------------------------------------------------------------------

// Strict dotted quad: four decimal octets 0-255, no leading zeros (docs/semantics.md#ip).
bool ParseIpv4Bytes(std::string_view s, uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    size_t end = i < 3 ? s.find('.') : s.size();
    if (end == std::string_view::npos) return false;
    std::string_view octet = s.substr(0, end);
    if (octet.empty() || octet.size() > 3 || !AllDigits(octet)) return false;
    if (octet.size() > 1 && octet[0] == '0') return false;
    int v = 0;
    for (char c : octet) v = v * 10 + (c - '0');
    if (v > 255) return false;
    out[i] = static_cast<uint8_t>(v);
    s = i < 3 ? s.substr(end + 1) : std::string_view();
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses colon-separated groups of 1-4 hex digits; an empty `part` is zero groups. When
// `allow_v4_tail`, the last group may be a dotted quad, which counts as two groups.
bool ParseIpv6Groups(std::string_view part, bool allow_v4_tail, uint8_t* out, int* count) {
  *count = 0;
  if (part.empty()) return true;
  while (true) {
    size_t colon = part.find(':');
    std::string_view group = part.substr(0, colon);
    bool last = colon == std::string_view::npos;
    if (last && allow_v4_tail && group.find('.') != std::string_view::npos) {
      if (*count > 6 || !ParseIpv4Bytes(group, out + 2 * *count)) return false;
      *count += 2;
      return true;
    }
    if (group.empty() || group.size() > 4 || *count >= 8) return false;
    int v = 0;
    for (char c : group) {
      int h = HexValue(c);
      if (h < 0) return false;
      v = v * 16 + h;
    }
    out[2 * *count] = static_cast<uint8_t>(v >> 8);
    out[2 * *count + 1] = static_cast<uint8_t>(v & 0xff);
    ++*count;
    if (last) return true;
    part.remove_prefix(colon + 1);
  }
}

// RFC 4291 text forms: eight groups, or fewer with one `::`; optional dotted-quad tail.
// Zone ids (`%eth0`) and brackets are rejected.
bool ParseIpv6Bytes(std::string_view s, uint8_t* out) {
  size_t dc = s.find("::");
  if (dc == std::string_view::npos) {
    int n = 0;
    return ParseIpv6Groups(s, /*allow_v4_tail=*/true, out, &n) && n == 8;
  }
  std::string_view head = s.substr(0, dc);
  std::string_view tail = s.substr(dc + 2);
  if (tail.find("::") != std::string_view::npos) return false;
  uint8_t head_bytes[16] = {};
  uint8_t tail_bytes[16] = {};
  int nh = 0, nt = 0;
  if (!ParseIpv6Groups(head, /*allow_v4_tail=*/false, head_bytes, &nh) ||
      !ParseIpv6Groups(tail, /*allow_v4_tail=*/true, tail_bytes, &nt) || nh + nt > 7) {
    return false;
  }
  for (int i = 0; i < 16; ++i) out[i] = 0;
  for (int i = 0; i < 2 * nh; ++i) out[i] = head_bytes[i];
  for (int i = 0; i < 2 * nt; ++i) out[16 - 2 * nt + i] = tail_bytes[i];
  return true;
}

// Clears every bit after the first `prefix` bits of the address.
void MaskHostBits(IpAddress* a, int prefix) {
  const int total = a->v6 ? 16 : 4;
  for (int i = 0; i < total; ++i) {
    int bits = prefix - 8 * i;
    if (bits >= 8) continue;
    a->bytes[i] = bits <= 0 ? 0 : static_cast<uint8_t>(a->bytes[i] & (0xff << (8 - bits)));
  }
}

// ---- Globs -------------------------------------------------------------------------------

// Length of the UTF-8 sequence at s[i] as delimited by its lead byte, or 0 when s[i] does
// not begin one (continuation byte, C0/C1/F5-FF, or a sequence cut short). Overlong forms,
// surrogates and values above U+10FFFF are not rejected: this is structure, not validation.
// INVARIANT: wildcard.cc's kUtf8UnitRegex accepts exactly these sequences.
size_t Utf8UnitLength(std::string_view s, size_t i) {
  const unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  size_t n = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::optional<double> ParseNumeric(std::string_view text) {
  if (!IsDecimalText(text)) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int> CompareNumeric(std::string_view a, std::string_view b) {
  if (!IsDecimalText(a) || !IsDecimalText(b)) return std::nullopt;
  struct Decimal {
    bool negative;
    std::string_view whole;     // no leading zeros
    std::string_view fraction;  // no trailing zeros
  };
  auto normalize = [](std::string_view s) {
    Decimal d{false, {}, {}};
    if (s.front() == '-') {
      d.negative = true;
      s.remove_prefix(1);
    }
    size_t dot = s.find('.');
    d.whole = s.substr(0, dot);
    d.fraction = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
    while (!d.whole.empty() && d.whole.front() == '0') d.whole.remove_prefix(1);
    while (!d.fraction.empty() && d.fraction.back() == '0') d.fraction.remove_suffix(1);
    if (d.whole.empty() && d.fraction.empty()) d.negative = false;  // -0 == 0
    return d;
  };
  const Decimal x = normalize(a);
  const Decimal y = normalize(b);
  // Magnitude comparison: longer integer part wins, then digit by digit.
  auto magnitude = [](const Decimal& p, const Decimal& q) {
    if (p.whole.size() != q.whole.size()) return p.whole.size() < q.whole.size() ? -1 : 1;
    int c = p.whole.compare(q.whole);
    if (c == 0) c = p.fraction.compare(q.fraction);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  };
  if (x.negative != y.negative) return x.negative ? -1 : 1;
  int m = magnitude(x, y);
  return x.negative ? -m : m;
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // Only digits (optionally signed, optionally with a fraction) is epoch seconds, so a bare
  // "2024" is 1970-01-01T00:33:44Z, not the year 2024 (C8).
  if (IsDecimalText(text)) return ParseEpochSeconds(text);
  return ParseIsoDate(text);
}

std::string FormatIsoUtc(int64_t epoch_micros) {
  // Floor division so that instants before 1970 format as the second they fall in.
  int64_t seconds = epoch_micros / kMicrosPerSecond;
  if (epoch_micros % kMicrosPerSecond < 0) --seconds;
  int64_t days = seconds / kSecondsPerDay;
  int64_t sod = seconds % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  int64_t y = 0, m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                static_cast<long long>(sod % 60));
  return buf;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoreCaseAscii(text, "true")) return true;
  if (EqualsIgnoreCaseAscii(text, "false")) return false;
  return std::nullopt;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  IpAddress a;
  if (text.find(':') != std::string_view::npos) {
    a.v6 = true;
    if (!ParseIpv6Bytes(text, a.bytes.data())) return std::nullopt;
  } else if (!ParseIpv4Bytes(text, a.bytes.data())) {
    return std::nullopt;
  }
  return a;
}

std::optional<IpCidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  std::optional<IpAddress> base = ParseIpAddress(text.substr(0, slash));
  if (!base) return std::nullopt;
  const int max_prefix = base->v6 ? 128 : 32;
  IpCidr cidr;
  cidr.prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || !AllDigits(p)) return std::nullopt;
    int v = 0;
    for (char c : p) v = v * 10 + (c - '0');
    if (v > max_prefix) return std::nullopt;
    cidr.prefix = v;
  }
  // Host bits in the base ("10.1.2.3/8") are accepted and cleared: a mask, not a check
  // (docs/semantics.md#ip; no AWS page says such a value is rejected).
  MaskHostBits(&*base, cidr.prefix);
  cidr.base = *base;
  return cidr;
}

bool CidrContains(const IpCidr& cidr, const IpAddress& addr) {
  // Another family never falls inside the block (C11), IPv4-mapped IPv6 included.
  if (cidr.base.v6 != addr.v6) return false;
  IpAddress masked = addr;
  MaskHostBits(&masked, cidr.prefix);
  IpAddress base = cidr.base;
  MaskHostBits(&base, cidr.prefix);
  // Only the family's bytes: an IPv4 address leaves bytes[4..15] unspecified.
  const size_t n = addr.v6 ? 16 : 4;
  return std::equal(masked.bytes.begin(), masked.bytes.begin() + n, base.bytes.begin());
}

namespace {

enum class GlobKind : unsigned char { kLiteral, kStar, kOne };

// The two pattern forms the matchers below read: a glob string, where `*` and `?` are always
// wildcards, and a flattened GlobPart list, where they may be literal bytes.
struct GlobString {
  std::string_view p;
  size_t size() const { return p.size(); }
  GlobKind kind(size_t j) const {
    return p[j] == '*' ? GlobKind::kStar : p[j] == '?' ? GlobKind::kOne : GlobKind::kLiteral;
  }
  char byte(size_t j) const { return p[j]; }
};
struct GlobFlat {
  std::string bytes;
  std::vector<GlobKind> kinds;
  size_t size() const { return kinds.size(); }
  GlobKind kind(size_t j) const { return kinds[j]; }
  char byte(size_t j) const { return bytes[j]; }
};

// Greedy match with one backtrack point: the most recent `*`. A failure anywhere (mismatch,
// text exhausted, pattern exhausted) lets that `*` swallow one more byte and retries the block
// after it. Forgetting earlier stars is safe because each star-free block matches a unique
// length from a given start and its end only grows with its start (a `?` cannot begin inside
// a UTF-8 sequence), so the leftmost placement of a block is never worse.
// Cost: O(|text|) for patterns like `*a*b*c`, but O(|pattern| * |text|) when a long block
// almost matches at every start (`*aaaa...ab` against `aaaa...`). So it gives up (nullopt) once
// the text it re-scanned after backtracking exceeds `budget` bytes, and the caller switches to
// BlockGlob (linear, patterns without `?`) or SetGlob; forward progress costs at most
// |pattern| + |text| on top.
template <typename P>
std::optional<bool> GreedyGlob(const P& pattern, std::string_view text, bool ignore_case,
                               size_t budget) {
  const size_t m = pattern.size();
  const size_t n = text.size();
  constexpr size_t kNoStar = std::string_view::npos;
  size_t p = 0, t = 0;
  size_t star_p = kNoStar, star_t = 0;
  size_t wasted = 0;  // text bytes re-scanned after backtracking: the only superlinear work
  while (true) {
    if (p < m) {
      const GlobKind k = pattern.kind(p);
      if (k == GlobKind::kStar) {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (t < n) {
        if (k == GlobKind::kOne) {
          size_t len = Utf8UnitLength(text, t);
          if (len != 0) {
            ++p;
            t += len;
            continue;
          }
        } else {
          const char c = pattern.byte(p);
          if (c == text[t] || (ignore_case && LowerAscii(c) == LowerAscii(text[t]))) {
            ++p;
            ++t;
            continue;
          }
        }
      }
    } else if (t == n) {
      return true;
    }
    if (star_p == kNoStar || star_t >= n) return false;
    wasted += t - star_t + 1;
    if (wasted > budget) return std::nullopt;
    p = star_p;
    t = ++star_t;
  }
}

// Set-based match: the set of pattern positions reachable after each text byte, as a bit
// vector (a Thompson/Glushkov simulation, bit-parallel). Cost: O(|text| * |pattern| / 64) in
// every case, plus one mask per distinct pattern byte; so a 2,048-byte pattern against 1 MiB
// takes about 0.1 s where the backtracking worst case takes 5 s.
// A `?` jumps ahead by the length of the UTF-8 sequence it matches (1-4 bytes), so the sets of
// the next four positions are kept in a ring.
template <typename P>
bool SetGlob(const P& pattern, std::string_view text, bool ignore_case) {
  // Runs of stars are one star, so a star is never followed by a star (one closure step).
  std::vector<GlobKind> kinds;
  std::string bytes;
  for (size_t j = 0; j < pattern.size(); ++j) {
    const GlobKind k = pattern.kind(j);
    if (k == GlobKind::kStar && !kinds.empty() && kinds.back() == GlobKind::kStar) continue;
    kinds.push_back(k);
    bytes.push_back(pattern.byte(j));
  }
  const size_t m = kinds.size();
  const size_t words = (m + 1 + 63) / 64;  // bits 0..m; bit m = the whole pattern matched
  std::vector<uint64_t> star(words), one(words), literal;
  std::array<int, 256> slot;  // byte -> its mask in `literal`, -1 when no position has it
  slot.fill(-1);
  auto set_bit = [](uint64_t* v, size_t j) { v[j / 64] |= uint64_t{1} << (j % 64); };
  auto literal_mask = [&](unsigned char b) {
    if (slot[b] < 0) {
      slot[b] = static_cast<int>(literal.size() / words);
      literal.resize(literal.size() + words);
    }
    return literal.data() + static_cast<size_t>(slot[b]) * words;
  };
  bool has_one = false;
  for (size_t j = 0; j < m; ++j) {
    if (kinds[j] == GlobKind::kStar) {
      set_bit(star.data(), j);
    } else if (kinds[j] == GlobKind::kOne) {
      set_bit(one.data(), j);
      has_one = true;
    } else {
      const char c = bytes[j];
      set_bit(literal_mask(static_cast<unsigned char>(c)), j);
      if (ignore_case && LowerAscii(c) != c) {
        set_bit(literal_mask(static_cast<unsigned char>(LowerAscii(c))), j);
      } else if (ignore_case && c >= 'a' && c <= 'z') {
        set_bit(literal_mask(static_cast<unsigned char>(c - 'a' + 'A')), j);
      }
    }
  }
  // (mask & v) moved one position on, into `out` (bit j -> j + 1).
  auto advance = [words](const uint64_t* v, const uint64_t* mask, uint64_t* out) {
    for (size_t w = words; w-- > 0;) {
      const uint64_t carry = w ? (v[w - 1] & mask[w - 1]) >> 63 : 0;
      out[w] |= ((v[w] & mask[w]) << 1) | carry;
    }
  };
  std::vector<uint64_t> ring(5 * words);
  auto row = [&](size_t t) { return ring.data() + (t % 5) * words; };
  row(0)[0] = 1;
  size_t pending_until = 0;  // the furthest position a `?` has put positions at
  for (size_t t = 0;; ++t) {
    uint64_t* cur = row(t);
    advance(cur, star.data(), cur);  // a star also matches nothing (no star follows a star)
    if (t == text.size()) return (cur[m / 64] >> (m % 64)) & 1;
    uint64_t alive = 0;
    for (size_t w = 0; w < words; ++w) alive |= cur[w];
    if (alive == 0 && t >= pending_until) return false;
    uint64_t* next = row(t + 1);
    for (size_t w = 0; w < words; ++w) next[w] |= cur[w] & star[w];  // a star takes the byte
    const int s = slot[static_cast<unsigned char>(text[t])];
    if (s >= 0) advance(cur, literal.data() + static_cast<size_t>(s) * words, next);
    if (has_one) {
      const size_t len = Utf8UnitLength(text, t);
      if (len != 0) {
        advance(cur, one.data(), row(t + len));
        pending_until = std::max(pending_until, t + len);
      }
    }
    std::fill(cur, cur + words, 0);
  }
}

// Match of a pattern without `?`: star-free blocks separated by stars. The first block must be
// a prefix of the text and the last one a suffix; each block between is placed at its leftmost
// occurrence after the previous one (leftmost is never worse: what follows only needs a later
// start), found with Knuth-Morris-Pratt. Cost: O(|pattern| + |text|) in every case, where SetGlob
// costs O(|pattern| * |text| / 64): `*` + a 500 KB block against 500 KB takes milliseconds.
// ASCII case folding is an equivalence, so comparing folded bytes keeps KMP exact.
template <typename P>
bool BlockGlob(const P& pattern, std::string_view text, bool ignore_case) {
  auto fold = [ignore_case](char c) { return ignore_case ? LowerAscii(c) : c; };
  std::vector<std::string> blocks(1);  // blocks[i] lies between star i-1 and star i
  for (size_t j = 0; j < pattern.size(); ++j) {
    if (pattern.kind(j) == GlobKind::kStar) {
      blocks.emplace_back();
    } else {
      blocks.back().push_back(fold(pattern.byte(j)));
    }
  }
  auto equal_at = [&](const std::string& block, size_t at) {
    for (size_t i = 0; i < block.size(); ++i) {
      if (block[i] != fold(text[at + i])) return false;
    }
    return true;
  };
  const std::string& first = blocks.front();
  if (blocks.size() == 1) return first.size() == text.size() && equal_at(first, 0);
  const std::string& last = blocks.back();
  if (first.size() + last.size() > text.size() || !equal_at(first, 0) ||
      !equal_at(last, text.size() - last.size())) {
    return false;
  }
  size_t t = first.size();
  const size_t end = text.size() - last.size();
  std::vector<size_t> border;
  for (size_t b = 1; b + 1 < blocks.size(); ++b) {
    const std::string& block = blocks[b];
    if (block.empty()) continue;
    // border[i]: the longest proper border of block[0..i].
    border.assign(block.size(), 0);
    for (size_t i = 1, k = 0; i < block.size(); ++i) {
      while (k > 0 && block[i] != block[k]) k = border[k - 1];
      if (block[i] == block[k]) ++k;
      border[i] = k;
    }
    size_t matched = 0;
    for (; t < end && matched < block.size(); ++t) {
      const char c = fold(text[t]);
      while (matched > 0 && c != block[matched]) matched = border[matched - 1];
      if (c == block[matched]) ++matched;
    }
    if (matched < block.size()) return false;
  }
  return true;
}

template <typename P>
bool HasOne(const P& pattern) {
  for (size_t j = 0; j < pattern.size(); ++j) {
    if (pattern.kind(j) == GlobKind::kOne) return true;
  }
  return false;
}

// Bytes the backtracking matcher may re-scan before switching to BlockGlob (no `?`) or SetGlob:
// several times what a linear match reads, so ordinary patterns never pay for the others' setup.
size_t GreedyBudget(size_t pattern_size, size_t text_size) {
  return 4 * (pattern_size + text_size) + 4096;
}

template <typename P>
bool MatchGlob(const P& pattern, std::string_view text, bool ignore_case, size_t budget) {
  if (budget == 0) return SetGlob(pattern, text, ignore_case);
  if (std::optional<bool> r = GreedyGlob(pattern, text, ignore_case, budget)) return *r;
  return HasOne(pattern) ? SetGlob(pattern, text, ignore_case)
                         : BlockGlob(pattern, text, ignore_case);
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  return MatchGlob(GlobString{pattern}, text, ignore_case,
                   GreedyBudget(pattern.size(), text.size()));
}

bool GlobMatchWithBudget(std::string_view pattern, std::string_view text, bool ignore_case,
                         size_t budget) {
  return MatchGlob(GlobString{pattern}, text, ignore_case, budget);
}

std::optional<bool> GlobMatchBlocks(std::string_view pattern, std::string_view text,
                                    bool ignore_case) {
  const GlobString glob{pattern};
  if (HasOne(glob)) return std::nullopt;
  return BlockGlob(glob, text, ignore_case);
}

bool GlobMatchParts(const std::vector<GlobPart>& parts, std::string_view text, bool ignore_case) {
  GlobFlat flat;
  for (const GlobPart& part : parts) {
    if (part.kind == GlobPart::Kind::kLiteral) {
      flat.bytes.append(part.literal);
      flat.kinds.insert(flat.kinds.end(), part.literal.size(), GlobKind::kLiteral);
    } else {
      flat.bytes.push_back(part.kind == GlobPart::Kind::kStar ? '*' : '?');
      flat.kinds.push_back(part.kind == GlobPart::Kind::kStar ? GlobKind::kStar : GlobKind::kOne);
    }
  }
  return MatchGlob(flat, text, ignore_case, GreedyBudget(flat.size(), text.size()));
}

bool HasWildcard(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}


}  // namespace redtrust
