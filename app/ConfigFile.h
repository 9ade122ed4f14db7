// Reads chatd's INI config file (chatd.conf(5)) with inih into Settings: a
// line "key = value" per option, the key being the flag's name with '_' for
// '-'; lines starting with '#' or ';' are comments, and " ;" starts one at
// the end of a line. Keys stand before any section or under [chatd]; another
// section is an error (none is defined). A key may repeat: a list option
// takes every line, another option the last one.
//
// Unknown keys, lines that are not "key = value" and other sections are
// problems named FILE:LINE; values are not checked here (ConfigLoader does,
// as for flags). Reads the whole file at once (a config file is small).
#pragma once

#include <string>
#include <vector>

#include "app/Setting.h"

namespace chatd::app {

struct ConfigFile {
  std::vector<Setting> settings;        // in the file's order
  std::vector<std::string> problems;    // "FILE:LINE: what is wrong", or the file unreadable
};

ConfigFile readConfigFile(const std::string& path);

}  // namespace chatd::app
