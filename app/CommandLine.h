// chatd's arguments read into what they ask for: an action and the flags'
// Settings, in order (readCommandLine checks no value: ConfigLoader applies
// them over the config file and the environment, through the same
// Option::assign); then (parseCommandLine) the Config they make, or what to
// print and the exit code. The running server keeps the CommandLine, so a
// reload (SIGHUP) applies the same flags over the file read again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/Config.h"
#include "app/Setting.h"

namespace chatd::app {

enum class Action { kRun, kHelp, kVersion, kCheckConfig, kPrintConfig };

struct CommandLine {
  Action action = Action::kRun;
  std::vector<Setting> flags;
  // A flag that is unknown or lacks its value: the reading stopped there.
  std::string error;

  // The --config file named last, or "".
  std::string configFile() const;
};

// --help and --version stop the reading at once; the first error stops it.
CommandLine readCommandLine(int argc, char** argv);

struct ParsedCommandLine {
  std::optional<Config> config;  // nullopt: exit with exitCode after printing `output`
  int exitCode = 0;
  // Help, version, --print-config's file, or the problems (exit code 2); for
  // stdout with exit code 0, else stderr. --check-config: its report, exit 0 or 1.
  std::string output;
  std::vector<std::string> warnings;  // for the log (unknown CHATD_ variables, secret files others may read)
  CommandLine commandLine;            // for a reload: the flags, applied over the file read again
};

// The configuration of `argv` over the --config file and `environment`'s
// CHATD_ variables (ConfigLoader). --help and --version stop at once; an
// unknown flag stops with exit code 2, as do bad values, all named.
ParsedCommandLine parseCommandLine(int argc, char** argv, char** environment = nullptr);
std::string usageText();  // --help's text, defaults from Config's initializers


}  // namespace chatd::app
