// Builds the Config chatd runs with from its sources, weakest first: the
// defaults (Config's initializers), the config file (--config), CHATD_
// environment variables, then the flags. For each option the strongest source
// that sets it wins whole: a list given by a flag replaces the file's, and
// within one source each use appends. Every value of every source goes
// through Option::assign, the value the winner overrode too, so --check-config
// names each bad value wherever it stands.
//
// Also reads the secret of jwt_secret_file, checked as jwt_secret's, and
// warns about secret-holding files others may read (Option::secretFile, and
// the config file itself when it holds a secret). Reads files: at startup,
// and on SIGHUP from the loop (a config file and a secret are small local files).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "app/CommandLine.h"
#include "app/Config.h"

namespace chatd::app {

struct LoadedConfig {
  Config config;
  std::vector<std::string> problems;  // each names where its value came from; none: config is usable
  std::vector<std::string> warnings;  // unknown CHATD_ variables, secret files others may read
  // Where each option's value came from ("chatd.conf:3", "CHATD_RATE", "--rate"); absent: the default.
  std::unordered_map<const Option*, std::string> origins;
};

// `environment`: NAME=VALUE strings ending with a nullptr (environ), or nullptr for none.
LoadedConfig loadConfig(const CommandLine& commandLine, char** environment);

// The effective configuration as a config file chatd reads back: every key,
// its origin in a comment above when it is not the default, an unset one
// commented out, a secret's value never shown.
std::string configFileText(const LoadedConfig& loaded);

}  // namespace chatd::app
