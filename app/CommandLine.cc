#include "app/CommandLine.h"

#include <string_view>

#include "app/ConfigLoader.h"

namespace chatd::app {

namespace {

// `flag` is "--" and an option's name.
const Option* flagOption(std::string_view flag) {
  return flag.starts_with("--") ? optionNamed(flag.substr(2)) : nullptr;
}

Action actionOf(OptionType type) {
  switch (type) {
    case OptionType::kHelp: return Action::kHelp;
    case OptionType::kVersion: return Action::kVersion;
    case OptionType::kCheckConfig: return Action::kCheckConfig;
    case OptionType::kPrintConfig: return Action::kPrintConfig;
    default: return Action::kRun;
  }
}

// Problems that keep chatd from starting: exit code 2, each on a line of its own.
ParsedCommandLine fail(const std::vector<std::string>& problems) {
  ParsedCommandLine result;
  result.exitCode = 2;
  for (const std::string& problem : problems) result.output += "chatd: " + problem + "\n";
  result.output += "Try 'chatd --help'.\n";
  return result;
}

}  // namespace

std::string CommandLine::configFile() const {
  std::string file;
  for (const Setting& flag : flags) {
    if (flag.option->name == "config") file = flag.value;
  }
  return file;
}

CommandLine readCommandLine(int argc, char** argv) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string flag(arg.substr(0, eq));  // "--max-queue" of "--max-queue=2048"
    const Option* option = flagOption(flag);
    if (!option) {
      line.error = "unknown option '" + flag + "'";
      return line;
    }
    std::string_view value;
    if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else if (option->takesValue()) {
      if (i + 1 >= argc) {
        line.error = "option " + flag + " needs a value";
        return line;
      }
      value = argv[++i];
    }
    if (option->isAction()) {
      line.action = actionOf(option->type);
      if (line.action == Action::kHelp || line.action == Action::kVersion) return line;
      continue;
    }
    line.flags.push_back({option, std::string(value), Source::kCommandLine, flag});
  }
  return line;
}

ParsedCommandLine parseCommandLine(int argc, char** argv, char** environment) {
  ParsedCommandLine result;
  result.commandLine = readCommandLine(argc, argv);
  const CommandLine& line = result.commandLine;
  if (!line.error.empty()) return fail({line.error});
  if (line.action == Action::kHelp || line.action == Action::kVersion) {
    result.output = line.action == Action::kHelp ? usageText() : std::string("chatd ") + CHATD_VERSION + "\n";
    return result;
  }

  LoadedConfig loaded = loadConfig(line, environment);
  result.warnings = std::move(loaded.warnings);
  if (line.action == Action::kCheckConfig) {
    result.exitCode = loaded.problems.empty() ? 0 : 1;
    for (const std::string& warning : result.warnings) result.output += "chatd: warning: " + warning + "\n";
    for (const std::string& problem : loaded.problems) result.output += "chatd: " + problem + "\n";
    if (loaded.problems.empty()) result.output += "chatd: the configuration is valid\n";
    return result;
  }
  if (!loaded.problems.empty()) {
    ParsedCommandLine failed = fail(loaded.problems);
    failed.warnings = std::move(result.warnings);
    return failed;
  }
  if (line.action == Action::kPrintConfig) {
    for (const std::string& warning : result.warnings) result.output += "# warning: " + warning + "\n";
    result.output += configFileText(loaded);
    return result;
  }
  result.config = std::move(loaded.config);
  return result;
}

}  // namespace chatd::app
