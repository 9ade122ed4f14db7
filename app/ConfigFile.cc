#include "app/ConfigFile.h"

#include <ini.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>

namespace chatd::app {

namespace {

constexpr std::string_view kSection = "chatd";  // the one section a file may name
constexpr int kMaxLine = 64 * 1024;             // inih's buffer: a longer line is cut

// inih reads the text through this fgets-like reader, which counts the lines
// so that each key (and each line inih refuses) is named by its number.
struct Reading {
  const std::string& path;
  std::string_view rest;  // of the file's text, not read yet
  int line = 0;           // the line being read, from 1
  bool lineEnded = true;  // the last piece handed to inih ended its line
  std::vector<std::string> lines = {};  // every line's text, to name the ones inih refused
  std::set<int> handled = {};           // lines inih passed to handle()
  std::vector<Setting> settings = {};
  std::vector<std::pair<int, std::string>> problems = {};  // by line

  void complain(int number, const std::string& what) {
    problems.emplace_back(number, path + ":" + std::to_string(number) + ": " + what);
  }
};

char* readLine(char* buffer, int size, void* stream) {
  auto& reading = *static_cast<Reading*>(stream);
  if (reading.rest.empty() || size < 2) return nullptr;
  const size_t newline = reading.rest.find('\n');
  const size_t take = std::min({newline == std::string_view::npos ? reading.rest.size() : newline + 1,
                                static_cast<size_t>(size - 1)});
  if (reading.lineEnded) {
    ++reading.line;
    reading.lines.emplace_back();
  }
  std::memcpy(buffer, reading.rest.data(), take);
  buffer[take] = '\0';
  reading.lines.back().append(reading.rest.data(), take);
  reading.lineEnded = buffer[take - 1] == '\n';
  reading.rest.remove_prefix(take);
  return buffer;
}

int handle(void* user, const char* section, const char* key, const char* value) {
  auto& reading = *static_cast<Reading*>(user);
  reading.handled.insert(reading.line);
  if (*section != '\0' && section != kSection) return 1;  // its header line is the problem (namedProblems)
  const Option* option = optionWithKey(key);
  if (!option) {
    reading.complain(reading.line, "unknown key '" + std::string(key) + "'");
  } else {
    reading.settings.push_back({option, value, Source::kFile, reading.path + ":" + std::to_string(reading.line)});
  }
  return 1;
}

std::string_view trimmed(std::string_view text) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  return text.substr(start, text.find_last_not_of(" \t\r\n") - start + 1);
}

// The lines inih skipped that are neither blank, a comment nor the header of
// a section chatd knows: each is a problem. (inih itself names only the first.)
void nameRefusedLines(Reading& reading) {
  for (int number = 1; number <= static_cast<int>(reading.lines.size()); ++number) {
    if (reading.handled.count(number)) continue;
    const std::string_view line = trimmed(reading.lines[number - 1]);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      const size_t close = line.find(']');
      if (close == std::string_view::npos) {
        reading.complain(number, "a section header without ']'");
      } else if (line.substr(1, close - 1) != kSection) {
        reading.complain(number, "unknown section [" + std::string(line.substr(1, close - 1)) +
                                     "]: keys stand before any section or under [chatd]");
      }
      continue;
    }
    reading.complain(number, "not 'key = value'");
  }
}

}  // namespace

ConfigFile readConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {{}, {path + ": cannot read: " + std::strerror(errno)}};
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

  // inih's behaviour is set through globals (Debian builds it so): one line
  // per key, lines as long as they come, inline comments after " ;".
  ini_allow_multiline = false;
  ini_use_stack = false;
  ini_allow_realloc = true;
  ini_max_line = kMaxLine;
  ini_allow_no_value = false;
  ini_stop_on_first_error = false;

  Reading reading{.path = path, .rest = text};
  const int rc = ini_parse_stream(readLine, &reading, handle, &reading);
  if (rc == -2) return {{}, {path + ": out of memory"}};
  nameRefusedLines(reading);
  std::stable_sort(reading.problems.begin(), reading.problems.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  ConfigFile file{std::move(reading.settings), {}};
  for (auto& [number, problem] : reading.problems) file.problems.push_back(std::move(problem));
  return file;
}

}  // namespace chatd::app
