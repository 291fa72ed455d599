// Shared helpers of the fuzz targets (tests/fuzz/*_fuzz.h): the invariant check that aborts with
// a message, and byte splitting. Header-only so that the same checks run under libFuzzer
// (tests/fuzz/fuzz_*.cc, clang) and in the ordinary unit tests that replay
// fixtures/fuzz-regressions/ (tests/engine/fuzz_regressions_test.cc, any compiler).
#ifndef REDTRUST_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define REDTRUST_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace redtrust::fuzz {

// Reports a violated invariant and aborts: libFuzzer saves the input as a crash, a unit test
// replaying a regression fixture dies with the message.
[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, condition);
  if (!detail.empty()) std::fprintf(stderr, "  %s\n", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// Splits on `sep`; the pieces point into `text`. A trailing separator yields a last empty piece.
inline std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// Text before the first `sep` and after it (second is empty when there is none).
inline std::pair<std::string_view, std::string_view> SplitOnce(std::string_view text, char sep) {
  const size_t at = text.find(sep);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

}  // namespace redtrust::fuzz

// Checks an invariant inside a fuzz target; `detail` is any expression convertible to
// std::string, evaluated only on failure.
#define REDTRUST_FUZZ_CHECK(condition, detail)                                         \
  do {                                                                                 \
    if (!(condition)) ::redtrust::fuzz::Fail(__FILE__, __LINE__, #condition, (detail)); \
  } while (0)

#endif  // REDTRUST_TESTS_FUZZ_FUZZ_SUPPORT_H_
