#include "app/Config.h"

#include <string_view>

#include "app/Option.h"
#include "reactor/SocketAddress.h"

namespace chatd::app {

namespace {

constexpr size_t kHelpColumn = 28;  // where --help's descriptions start
constexpr size_t kHelpWidth = 100;  // and the column no word of them passes

ParsedCommandLine fail(std::string message) {
  ParsedCommandLine result;
  result.exitCode = 2;
  result.output = "chatd: " + message + "\nTry 'chatd --help'.\n";
  return result;
}

// `flag` is "--" and an option's name.
const Option* findOption(std::string_view flag) {
  if (!flag.starts_with("--")) return nullptr;
  flag.remove_prefix(2);
  for (const Option& option : configOptions()) {
    if (option.name == flag) return &option;
  }
  return nullptr;
}

// What settings allow together; "" or what is wrong.
std::string conflictIn(const Config& config) {
  if (config.reusePort && config.redisUrls.empty() && config.echoPath.empty() && config.broadcastPath.empty()) {
    // Without a shared Redis, chat processes sharing a port would each keep
    // their own sessions: messages stored by one never reach the other's.
    return "--reuse-port needs --redis for chat (or --echo/--broadcast only): chat processes sharing a port "
           "without a shared Redis would not deliver each other's messages";
  }
  if (config.tlsCertFile.empty() != config.tlsKeyFile.empty()) {
    return "--tls-cert and --tls-key go together: the certificate and its private key";
  }
  if (config.webhookUrl.empty() != config.webhookSecretFile.empty()) {
    return "--webhook-url and --webhook-secret-file go together: every event is signed with the secret";
  }
  if (config.workers > 0 && config.redisUrls.empty()) {
    return "--workers needs --redis: worker processes share their users, rooms and messages through Redis";
  }
  const auto listen = reactor::SocketAddress::parse(config.listen);  // checked when given
  if (config.workers > 0 && listen && listen->port() == 0) {
    // Each worker binds on its own: port 0 would give each a different port.
    return "--workers needs an explicit --listen port: with port 0 each worker would get a port of its own";
  }
  return {};
}

// "(default 30)", "(default 20; 0: no limit)", "(off by default)" or "".
std::string defaultText(const Option& option, const Config& defaults) {
  const std::string value = option.show(defaults);
  const std::string note(option.defaultNote);
  if (value.empty()) return note.empty() ? "" : "(" + note + ")";
  return "(default " + value + (note.empty() ? "" : "; " + note) + ")";
}

// One option's lines of --help: the flag, then its help and default wrapped
// at kHelpWidth from kHelpColumn. The default stays in one piece.
void appendHelp(std::string& text, const Option& option, const Config& defaults) {
  size_t column = 0;
  const auto breakLine = [&] {
    text += '\n';
    text.append(kHelpColumn, ' ');
    column = kHelpColumn;
  };
  const auto appendWord = [&](std::string_view word) {
    if (column > kHelpColumn && column + 1 + word.size() > kHelpWidth) breakLine();
    if (column > kHelpColumn) {
      text += ' ';
      ++column;
    }
    text += word;
    column += word.size();
  };

  std::string flag = "  --" + std::string(option.name);
  if (!option.valueName.empty()) flag += " " + std::string(option.valueName);
  text += flag;
  if (flag.size() >= kHelpColumn) {
    breakLine();
  } else {
    text.append(kHelpColumn - flag.size(), ' ');
    column = kHelpColumn;
  }
  std::string_view help = option.help;  // lines the help breaks itself, each of words
  while (true) {
    const size_t lineEnd = help.find('\n');
    for (std::string_view line = help.substr(0, lineEnd); !line.empty();) {
      const size_t space = line.find(' ');
      if (space != 0) appendWord(line.substr(0, space));
      line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    }
    if (lineEnd == std::string_view::npos) break;
    breakLine();
    help.remove_prefix(lineEnd + 1);
  }
  if (const std::string note = defaultText(option, defaults); !note.empty()) appendWord(note);
  text += '\n';
}

}  // namespace

std::string usageText() {
  std::string text =
      "Usage: chatd [OPTIONS]\n"
      "A real-time chat server: WebSocket chat and an HTTP API on one event loop.\n"
      "\n";
  const Config defaults;
  for (const Option& option : configOptions()) appendHelp(text, option, defaults);
  return text;
}

ParsedCommandLine parseCommandLine(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string flag(arg.substr(0, eq));  // "--max-queue" of "--max-queue=2048"
    const Option* option = findOption(flag);
    if (!option) return fail("unknown option '" + flag + "'");

    std::string_view value;  // a switch ignores one given with '='
    if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else if (option->takesValue()) {
      if (i + 1 >= argc) return fail("option " + flag + " needs a value");
      value = argv[++i];
    }

    if (option->type == OptionType::kHelp) return {std::nullopt, 0, usageText()};
    if (option->type == OptionType::kVersion) return {std::nullopt, 0, std::string("chatd ") + CHATD_VERSION + "\n"};
    if (std::string wants = option->assign(config, value); !wants.empty()) return fail(flag + " wants " + wants);
  }
  if (std::string conflict = conflictIn(config); !conflict.empty()) return fail(conflict);
  return {config, 0, {}};
}

}  // namespace chatd::app
