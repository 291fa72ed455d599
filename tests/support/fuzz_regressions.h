// Replays the inputs under fixtures/fuzz-regressions/TARGET/ through the fuzz target's checks
// (tests/fuzz/TARGET_fuzz.h). A violated invariant aborts the test binary with the file name
// and the invariant on stderr, exactly as the fuzzer reported it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust::testing_support {

// Every regular file under fixtures/fuzz-regressions/`target`, sorted.
inline std::vector<std::filesystem::path> FuzzRegressionFiles(const std::string& target) {
  std::vector<std::filesystem::path> out;
  const std::filesystem::path dir =
      std::filesystem::path(REDTRUST_SOURCE_DIR) / "fixtures" / "fuzz-regressions" / target;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <typename Check>
void ReplayFuzzRegressions(const std::string& target, Check check) {
  for (const std::filesystem::path& p : FuzzRegressionFiles(target)) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string data = ss.str();
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", p.string().c_str(), data.size());
    check(std::string_view(data));
  }
}

}  // namespace redtrust::testing_support
