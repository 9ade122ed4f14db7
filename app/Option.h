// One of chatd's settings as the command line, the config file and the
// environment see it: its name (the flag's; the file's key is it with '_' for
// '-', the environment's CHATD_ and the key in capitals), what kind of value it
// takes, which Config field the value goes to, the range or check it must
// pass, its help, whether it holds a secret and what SIGHUP does with it.
// configOptions() is the table of them all: the parsers, --help,
// --print-config and the reload read nothing else, so a setting is stated
// once. An Option is constant data; it owns nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "app/Config.h"
#include "reactor/Log.h"

namespace chatd::app {

// What an option's value is: how it is parsed and how --help shows its default.
enum class OptionType {
  kSwitch,        // a bool, set by naming the flag (or "--flag=on|off"); a file's key takes on or off
  kOnOff,         // a bool, given as "on" or "off"
  kText,          // a string, checked by Option::check
  kList,          // strings separated by commas; each use appends; each checked by Option::check
  kBytes,         // a byte count
  kCount,         // a whole number
  kMilliseconds,  // given in seconds, fractions allowed ("0.5"); kept in milliseconds
  kSeconds,       // given in seconds; kept in whole seconds (a fraction is dropped)
  kRate,          // a decimal number ("2.5")
  kLogLevel,      // a reactor::LogLevel by its name
  kLogFormat,     // a reactor::LogFormat by its name
  // Actions of the command line only: no field, no key.
  kHelp,          // print the help and exit
  kVersion,       // print the version and exit
  kCheckConfig,   // validate the configuration, print every problem, exit 0 or 1
  kPrintConfig,   // print the effective configuration as a config file and exit
};

// What SIGHUP does when a reload changes an option's value. Anything but
// kRestart makes the option reloadable: Application::applyReload has one step
// per value, and the compiler makes sure each has one.
enum class Reload {
  kRestart,     // the running value stays until a restart (the reload warns)
  kInPlace,     // read from Config where it is used: the new value is all it takes
  kLogging,     // the log's level (and format)
  kHttpServer,  // what the HTTP server derives from its options (CORS, proxies, limits)
  kTls,         // the certificate and key (re-read on every SIGHUP, changed or not)
  kTokens,      // the JWT secret, public key (re-read on every SIGHUP) and rules
  kQuotas,      // the per-hour creation quotas the API layer holds (rooms, registrations)
};

// Config's byte counts are size_t and its durations uint64_t: one alternative
// of Option::Field serves both.
static_assert(std::is_same_v<size_t, uint64_t>);

struct Option {
  using Field = std::variant<std::monostate, bool Config::*, std::string Config::*, std::vector<std::string> Config::*,
                             uint64_t Config::*, uint32_t Config::*, int64_t Config::*, double Config::*,
                             reactor::LogLevel Config::*, reactor::LogFormat Config::*>;
  // "" when `value` will do, else what the option wants instead ("a directory").
  using Check = std::string (*)(std::string_view value);

  std::string_view name;       // the flag without its "--"; a config file's key
  std::string_view valueName = {};  // what --help calls the value ("BYTES"); empty when it takes none
  OptionType type;
  Field field = {};  // where the value goes; Config's initializer of it is the default
  std::string_view help;  // '\n' where --help must break the line
  // In --help after the default ("0: no limit"), or in its place when the default is empty.
  std::string_view defaultNote = {};
  // Numbers: the range accepted, in the field's unit (milliseconds for kMilliseconds),
  // and what the option wants when a value is not in it, {min} and {max} filled in.
  uint64_t min = 0;
  uint64_t max = UINT64_MAX;
  std::string_view wants = {};
  Check check = nullptr;  // text, and each item of a list; nullptr: any value
  bool secret = false;    // its value is never printed or logged
  // Its value names a file holding a secret (a key, a token secret): chatd
  // warns when the file's group or others may read it (ConfigLoader).
  bool secretFile = false;
  Reload reload = Reload::kRestart;
  bool commandLineOnly = false;  // a flag with no key in the file or the environment (--config)

  bool takesValue() const;
  bool isAction() const;  // --help, --version, --check-config, --print-config
  bool isKey() const { return !isAction() && !commandLineOnly; }
  bool reloadable() const { return reload != Reload::kRestart; }
  std::string key() const;              // "max_queue": the config file's name of it
  std::string environmentName() const;  // "CHATD_MAX_QUEUE"
  // Parses `value` into config's field: "" when done, else what the option
  // wants ("a byte count from 1024 to 1073741824"); config may then hold part of it.
  std::string assign(Config& config, std::string_view value) const;
  // Sets the field in `to` to its value in `from` (a reload).
  void copy(Config& to, const Config& from) const;
  // The field's value in config as --help shows a default ("1048576", "0.5");
  // "" for an empty one and for what takes no value.
  std::string show(const Config& config) const;
};

// Every option, in --help's order.
std::span<const Option> configOptions();
// The option with that flag name ("max-queue"), or nullptr.
const Option* optionNamed(std::string_view name);
// The option whose config file key that is ("max_queue"), or nullptr; none for a flag of the command line only.
const Option* optionWithKey(std::string_view key);

}  // namespace chatd::app
