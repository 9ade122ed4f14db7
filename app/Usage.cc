#include "app/CommandLine.h"

#include <string_view>

#include "app/Option.h"

namespace chatd::app {

namespace {

constexpr size_t kHelpColumn = 28;  // where --help's descriptions start
constexpr size_t kHelpWidth = 100;  // and the column no word of them passes

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

}  // namespace chatd::app
