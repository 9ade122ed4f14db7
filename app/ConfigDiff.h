// What a reload (SIGHUP) changes: the options whose value differs between
// the running Config and the one read again, split into those applied at
// once (Option::reloadable) and those that wait for a restart. Values as
// --print-config shows them; a secret's never. Pure, for the loop thread.
#pragma once

#include <string>
#include <vector>

#include "app/Config.h"
#include "app/Option.h"

namespace chatd::app {

struct ConfigChange {
  const Option* option;
  std::string before;  // shown, "(secret)" for a secret
  std::string after;
};

struct ConfigDiff {
  std::vector<ConfigChange> reloadable;
  std::vector<ConfigChange> needRestart;
};

ConfigDiff diffConfigs(const Config& running, const Config& fresh);

// "rate: 20 -> 5", for the log.
std::string describe(const ConfigChange& change);
// "listen, data", for the log.
std::string keysOf(const std::vector<ConfigChange>& changes);

}  // namespace chatd::app
