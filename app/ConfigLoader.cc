#include "app/ConfigLoader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

#include "app/ConfigFile.h"
#include "reactor/SecretFile.h"
#include "reactor/SocketAddress.h"

namespace chatd::app {

namespace {

constexpr std::string_view kEnvironmentPrefix = "CHATD_";

void readEnvironment(char** environment, std::vector<Setting>& settings, std::vector<std::string>& warnings) {
  for (char** entry = environment; entry && *entry; ++entry) {
    const std::string_view variable = *entry;
    if (!variable.starts_with(kEnvironmentPrefix)) continue;
    const size_t eq = variable.find('=');
    const std::string name(variable.substr(0, eq));
    const Option* found = nullptr;
    for (const Option& option : configOptions()) {
      if (option.isKey() && option.environmentName() == name) found = &option;
    }
    if (!found) {
      warnings.push_back("ignoring " + name + ": no chatd setting has that name");
      continue;
    }
    settings.push_back({found, std::string(variable.substr(eq + 1)), Source::kEnvironment, name});
  }
}

// What settings allow together: each thing wrong.
std::vector<std::string> conflictsIn(const Config& config) {
  std::vector<std::string> conflicts;
  if (config.reusePort && config.redisUrls.empty() && config.echoPath.empty() && config.broadcastPath.empty()) {
    // Without a shared Redis, chat processes sharing a port would each keep
    // their own sessions: messages stored by one never reach the other's.
    conflicts.push_back(
        "--reuse-port needs --redis for chat (or --echo/--broadcast only): chat processes sharing a port "
        "without a shared Redis would not deliver each other's messages");
  }
  if (config.tlsCertFile.empty() != config.tlsKeyFile.empty()) {
    conflicts.push_back("--tls-cert and --tls-key go together: the certificate and its private key");
  }
  if (config.webhookUrl.empty() != config.webhookSecretFile.empty()) {
    conflicts.push_back("--webhook-url and --webhook-secret-file go together: every event is signed with the secret");
  }
  if (config.workers > 0 && config.redisUrls.empty()) {
    conflicts.push_back(
        "--workers needs --redis: worker processes share their users, rooms and messages through Redis");
  }
  if (config.workers > 0 && !config.metricsListen.empty()) {
    // One port cannot tell the workers apart, and a port each is a scheme no scraper would guess.
    conflicts.push_back(
        "--metrics-listen cannot be used with --workers: each worker has figures of its own, and one private "
        "port would answer with a random worker's; run one chatd per port (--reuse-port) with a --metrics-listen each");
  }
  const auto listen = reactor::SocketAddress::parse(config.listen);  // checked when given
  if (config.workers > 0 && listen && listen->port() == 0) {
    // Each worker binds on its own: port 0 would give each a different port.
    conflicts.push_back(
        "--workers needs an explicit --listen port: with port 0 each worker would get a port of its own");
  }
  return conflicts;
}

// --jwt-secret-file: its secret, checked as --jwt-secret checks one, into config.jwtSecret.
void readJwtSecretFile(const Setting& named, LoadedConfig& loaded) {
  const std::string& path = loaded.config.jwtSecretFile;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    loaded.problems.push_back(named.subject() + ": cannot read " + path + ": " + std::strerror(errno));
    return;
  }
  std::string secret{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  const Option& secretOption = *optionNamed("jwt-secret");
  if (const std::string wants = secretOption.assign(loaded.config, secret); !wants.empty()) {
    loaded.problems.push_back(named.subject() + ": the secret in " + path + " wants " + wants);
    return;
  }
  loaded.origins[&secretOption] = path;
}

// Each file named by a secretFile option, when others may read it.
void warnAboutExposedSecretFiles(LoadedConfig& loaded) {
  for (const Option& option : configOptions()) {
    if (!option.secretFile) continue;
    const std::string path = option.show(loaded.config);
    if (std::string exposure = path.empty() ? "" : reactor::secretFileExposure(path); !exposure.empty()) {
      loaded.warnings.push_back(std::move(exposure));
    }
  }
}

}  // namespace

LoadedConfig loadConfig(const CommandLine& commandLine, char** environment) {
  LoadedConfig loaded;
  std::vector<Setting> settings;  // weakest source first
  if (const std::string path = commandLine.configFile(); !path.empty()) {
    ConfigFile file = readConfigFile(path);
    loaded.problems = std::move(file.problems);
    bool holdsSecret = false;
    for (const Setting& setting : file.settings) holdsSecret = holdsSecret || setting.option->secret;
    if (std::string exposure = holdsSecret ? reactor::secretFileExposure(path) : ""; !exposure.empty()) {
      loaded.warnings.push_back(std::move(exposure));
    }
    settings = std::move(file.settings);
  }
  readEnvironment(environment, settings, loaded.warnings);
  settings.insert(settings.end(), commandLine.flags.begin(), commandLine.flags.end());

  std::unordered_map<const Option*, Source> strongest;
  for (const Setting& setting : settings) strongest[setting.option] = setting.source;  // sources come in order
  std::unordered_map<const Option*, const Setting*> winners;
  Config overridden;  // values a stronger source replaced: checked, then dropped
  for (const Setting& setting : settings) {
    const bool wins = strongest[setting.option] == setting.source;
    if (const std::string wants = setting.option->assign(wins ? loaded.config : overridden, setting.value);
        !wants.empty()) {
      loaded.problems.push_back(setting.subject() + " wants " + wants);
    } else if (wins) {
      winners[setting.option] = &setting;
      loaded.origins[setting.option] = setting.origin;
    }
  }
  if (const auto named = winners.find(optionNamed("jwt-secret-file")); named != winners.end()) {
    if (winners.count(optionNamed("jwt-secret"))) {
      loaded.problems.push_back("--jwt-secret and --jwt-secret-file: give the secret one way");
    } else {
      readJwtSecretFile(*named->second, loaded);
    }
  }
  warnAboutExposedSecretFiles(loaded);
  for (std::string& conflict : conflictsIn(loaded.config)) loaded.problems.push_back(std::move(conflict));
  loaded.config.reusePort = loaded.config.reusePort || loaded.config.workers > 0;  // each worker binds the one port
  return loaded;
}

std::string configFileText(const LoadedConfig& loaded) {
  std::string text = "# chatd's configuration in effect (chatd --print-config); see chatd.conf(5)\n";
  for (const Option& option : configOptions()) {
    if (!option.isKey()) continue;
    const std::string value = option.show(loaded.config);
    if (const auto origin = loaded.origins.find(&option); origin != loaded.origins.end()) {
      text += "# from " + origin->second + "\n";
    }
    if (option.secret && !value.empty()) {
      text += "# " + option.key() + " = (set; a secret is not shown)\n";
    } else if (value.empty()) {
      text += "# " + option.key() + " =\n";
    } else {
      text += option.key() + " = " + value + "\n";
    }
  }
  return text;
}

}  // namespace chatd::app
