// redtrust: answers offline what AWS would answer when Amazon Redshift assumes an IAM role for
// a database user. See docs/cli.md.
#include <CLI/CLI.hpp>

#include "tools/redtrust/commands.h"
#include "tools/redtrust/common.h"

int main(int argc, char** argv) {
  CLI::App app{
      "redtrust: offline, exact answers to \"can this Redshift user use this IAM role?\"\n"
      "Simulates STS AssumeRole as Redshift calls it (service principal, sts:ExternalId = the\n"
      "user's dbuser ARN) and IAM policy evaluation, and says why.",
      "redtrust"};
  app.set_version_flag("--version", "redtrust 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 allowed / clean, 1 denied / findings, 2 bad input.\n"
      "Run `redtrust COMMAND --help` for a command's options; docs/cli.md has examples.");
  int exit_code = 0;
  redtrust::cli::AddCanCommand(app, &exit_code);
  redtrust::cli::AddDiffCommand(app, &exit_code);
  redtrust::cli::AddEvalCommand(app, &exit_code);
  redtrust::cli::AddLintCommand(app, &exit_code);
  redtrust::cli::AddReplayCommand(app, &exit_code);
  redtrust::cli::AddTestCommand(app, &exit_code);
  redtrust::cli::RefuseEmptyValues(app);
  if (auto unknown = redtrust::cli::UnknownCommand(app, argc, argv)) {
    redtrust::cli::PrintError(*unknown);
    return redtrust::cli::kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return redtrust::cli::FinishStdout(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return redtrust::cli::FinishStdout(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return redtrust::cli::FinishStdout(app.exit(e));
  } catch (const CLI::ParseError& e) {
    // Usage errors are bad input, in words, with the prefix every message has (docs/cli.md).
    redtrust::cli::PrintError(redtrust::cli::DescribeParseError(app, e));
    redtrust::cli::PrintError("run `redtrust --help` or `redtrust COMMAND --help` for usage");
    return redtrust::cli::kExitBadInput;
  }
  // Every command's output is checked here: a lost write is exit 2, never a silent answer.
  return redtrust::cli::FinishStdout(exit_code);
}
