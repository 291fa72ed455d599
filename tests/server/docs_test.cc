// docs/http-api.md: every ```console block (but the one that starts the server) is run in order
// as a bash script against one fresh redtrustd (the guide world, --now 2026-01-01T00:00:00Z) from
// the repository root, and must print exactly the lines shown. `localhost:8080` becomes the
// server's port; carriage returns (HTTP header lines of `curl -i`) are dropped.
#include <gtest/gtest.h>

#include <regex>

#include "../support/run_binary.h"
#include "server_test_support.h"

namespace redtrust::server {
namespace {

using testing::ServerProcess;
using testing_support::Lines;
using testing_support::RunBinary;
using testing_support::RunResult;
namespace fs = std::filesystem;

// True when `text` ends inside a single- or double-quoted shell string (the command goes on on
// the next line, as a multi-line `curl -d '...'` does).
bool InsideQuotes(const std::string& text) {
  bool single = false, dbl = false, escaped = false;
  for (char c : text) {
    if (escaped) {
      escaped = false;
    } else if (single) {
      single = c != '\'';
    } else if (c == '\\') {
      escaped = true;
    } else if (dbl) {
      dbl = c != '"';
    } else if (c == '\'') {
      single = true;
    } else if (c == '"') {
      dbl = true;
    }
  }
  return single || dbl;
}

TEST(HttpApiDocsTest, ExamplesMatchRealOutput) {
  const std::string doc = testing::ReadText(std::string(testing::kSourceDir) + "/docs/http-api.md");
  ASSERT_FALSE(doc.empty()) << "docs/http-api.md is missing";
  const fs::path tmp = fs::path(::testing::TempDir()) / ("redtrustd_docs_" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  ServerProcess server(tmp);
  ASSERT_TRUE(server.Start({"--world", "fixtures/worlds/redshift-guide", "--listen", "127.0.0.1:0",
                            "--now", "2026-01-01T00:00:00Z", "--no-access-log"}));
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  auto lines = Lines(doc);
  int blocks = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "```console") continue;
    const size_t first = i + 1;
    std::string script = "exec 2>&1\n", expected;
    bool continued = false, starts_server = false;
    std::string command;  // the command read so far, for quotes that span lines
    for (++i; i < lines.size() && lines[i] != "```"; ++i) {
      const std::string& l = lines[i];
      if (continued || l.rfind("$ ", 0) == 0) {
        std::string cmd = continued ? l : l.substr(2);
        command = continued ? command + "\n" + cmd : cmd;
        starts_server = starts_server || cmd.find("build/bin/redtrustd") != std::string::npos;
        script += std::regex_replace(cmd, std::regex("localhost:8080"), address) + "\n";
        continued = (!l.empty() && l.back() == '\\') || InsideQuotes(command);
      } else {
        expected += l + "\n";
      }
    }
    if (starts_server) continue;
    ++blocks;
    RunResult r = RunBinary("/bin/bash", {"-c", script}, testing::kSourceDir, tmp);
    std::string out;
    for (char c : r.out) {
      if (c != '\r') out.push_back(c);
    }
    EXPECT_EQ(out, expected) << "docs/http-api.md:" << first
                             << ": the console block's output differs from the real output";
  }
  EXPECT_GE(blocks, 8);
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace redtrust::server
