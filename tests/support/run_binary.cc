#include "run_binary.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

extern char** environ;

namespace redtrust::testing_support {

namespace fs = std::filesystem;

std::ostream& operator<<(std::ostream& os, const RunResult& r) {
  os << "exit " << r.exit_code;
  if (r.signal) os << " signal " << r.signal;
  if (r.timed_out) os << " (timed out)";
  auto clip = [](const std::string& s) { return s.size() > 4000 ? s.substr(0, 4000) + "..." : s; };
  return os << "\n--- stdout ---\n" << clip(r.out) << "\n--- stderr ---\n" << clip(r.err);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << p;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

RunResult RunBinary(const std::string& program, const std::vector<std::string>& args,
                    const fs::path& work_dir, const fs::path& io_dir, std::string_view stdin_text,
                    const std::vector<std::string>& extra_env, double timeout_s) {
  RunResult r;
  const std::string in_path = (io_dir / "_stdin").string();
  const std::string out_path = (io_dir / "_stdout").string();
  const std::string err_path = (io_dir / "_stderr").string();
  const std::string dir = work_dir.string();
  WriteFile(in_path, stdin_text);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());

  std::vector<std::string> argv_s = {program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    bool overridden = false;  // extra_env wins over an inherited variable of the same name
    for (const auto& x : extra_env) {
      overridden |= kv.substr(0, kv.find('=') + 1) == x.substr(0, x.find('=') + 1);
    }
    if (!overridden) env_s.emplace_back(kv);
  }
  env_s.insert(env_s.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn " << program << ": " << strerror(rc);
    return r;
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int>(timeout_s * 1000));
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (WIFEXITED(status) && !r.timed_out) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

void BinaryTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  tmp_ = std::filesystem::path(::testing::TempDir()) /
         ("redtrust_e2e_" + std::to_string(getpid()) + "_" + name);
  std::filesystem::remove_all(tmp_);
  std::filesystem::create_directories(tmp_);
  ASSERT_TRUE(std::filesystem::exists(REDTRUST_BIN_DIR "/redtrust"))
      << REDTRUST_BIN_DIR "/redtrust is not built";
}

void BinaryTest::TearDown() {
  std::error_code ec;
  std::filesystem::remove_all(tmp_, ec);
}

std::string BinaryTest::TempFile(const std::string& name, std::string_view text) {
  std::filesystem::path p = tmp_ / name;
  WriteFile(p, text);
  return p.string();
}

RunResult BinaryTest::Run(const std::vector<std::string>& args, double timeout_s) {
  return RunBinary(REDTRUST_BIN_DIR "/redtrust", args, REDTRUST_SOURCE_DIR, tmp_, "", {},
                   timeout_s);
}

}  // namespace redtrust::testing_support
