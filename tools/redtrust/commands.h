// Each subcommand adds itself to the CLI11 app; its callback stores the exit status.
#ifndef REDTRUST_TOOLS_REDTRUST_COMMANDS_H_
#define REDTRUST_TOOLS_REDTRUST_COMMANDS_H_

namespace CLI {
class App;
}

namespace redtrust::cli {

void AddCanCommand(CLI::App& app, int* exit_code);
void AddDiffCommand(CLI::App& app, int* exit_code);
void AddEvalCommand(CLI::App& app, int* exit_code);
void AddLintCommand(CLI::App& app, int* exit_code);
void AddReplayCommand(CLI::App& app, int* exit_code);
void AddTestCommand(CLI::App& app, int* exit_code);

}  // namespace redtrust::cli

#endif  // REDTRUST_TOOLS_REDTRUST_COMMANDS_H_
