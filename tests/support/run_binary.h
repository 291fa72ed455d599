// Shared harness for the end-to-end tests (tests/e2e/): runs a built binary the way a user
// would, with stdin, stdout and stderr redirected to files in a per-test directory (no pipes,
// so no deadlock on large output), in a given working directory and under a time limit (a hang
// is a failure, not a stuck test), and captures the exit code or the terminating signal.
#pragma once

#include <filesystem>

#include <gtest/gtest.h>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust::testing_support {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Exit status and (clipped) stdout/stderr, for failure messages.
std::ostream& operator<<(std::ostream& os, const RunResult& r);

std::string ReadFile(const std::filesystem::path& p);

// Writes `text` to `p` (truncating); a failed write is a test failure.
void WriteFile(const std::filesystem::path& p, std::string_view text);

std::vector<std::string> Lines(const std::string& text);

// Runs `program args...` with `work_dir` as its working directory. Its stdin is `stdin_text`,
// and its stdin/stdout/stderr go through the files _stdin, _stdout and _stderr in `io_dir`
// (which must exist). The environment is the inherited one plus `extra_env` ("NAME=value"; an
// entry wins over an inherited variable of the same name). After `timeout_s` seconds the child
// is killed with SIGKILL and the result is marked timed_out. A failed spawn is a test failure.
RunResult RunBinary(const std::string& program, const std::vector<std::string>& args,
                    const std::filesystem::path& work_dir, const std::filesystem::path& io_dir,
                    std::string_view stdin_text = "",
                    const std::vector<std::string>& extra_env = {}, double timeout_s = 20);

// A test that runs the built `redtrust` (REDTRUST_BIN_DIR) from the source tree
// (REDTRUST_SOURCE_DIR), with a fresh temporary directory per test for inputs and the child's
// stdin/stdout/stderr files.
class BinaryTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Writes `text` to a file in the test's temporary directory and returns its path.
  std::string TempFile(const std::string& name, std::string_view text);
  // Runs `redtrust args...` in the source directory, with a time limit.
  RunResult Run(const std::vector<std::string>& args, double timeout_s = 30);

  std::filesystem::path tmp_;
};

}  // namespace redtrust::testing_support
