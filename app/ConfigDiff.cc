#include "app/ConfigDiff.h"

namespace chatd::app {

namespace {

std::string shown(const Option& option, const Config& config) {
  if (option.secret) return "(secret)";
  const std::string value = option.show(config);
  return value.empty() ? "(none)" : value;
}

}  // namespace

ConfigDiff diffConfigs(const Config& running, const Config& fresh) {
  ConfigDiff diff;
  for (const Option& option : configOptions()) {
    if (!option.isKey() || option.show(running) == option.show(fresh)) continue;
    ConfigChange change{&option, shown(option, running), shown(option, fresh)};
    (option.reloadable() ? diff.reloadable : diff.needRestart).push_back(std::move(change));
  }
  return diff;
}

std::string describe(const ConfigChange& change) {
  return change.option->key() + ": " + change.before + " -> " + change.after;
}

std::string keysOf(const std::vector<ConfigChange>& changes) {
  std::string keys;
  for (const ConfigChange& change : changes) keys += (keys.empty() ? "" : ", ") + change.option->key();
  return keys;
}

}  // namespace chatd::app
