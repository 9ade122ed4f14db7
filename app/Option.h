// One of chatd's settings as a command line (and, later, a config file) sees
// it: its name, what kind of value it takes, which Config field the value goes
// to, the range or check it must pass and its help. configOptions() is the
// table of them all: the parser and --help read nothing else, so a setting is
// stated once. An Option is constant data; it owns nothing.
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
  kSwitch,        // a bool, set by naming the option; it takes no value
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
  kHelp,          // print the help and exit (command line only)
  kVersion,       // print the version and exit (command line only)
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

  bool takesValue() const;
  // Parses `value` into config's field: "" when done, else what the option
  // wants ("a byte count from 1024 to 1073741824"); config may then hold part of it.
  std::string assign(Config& config, std::string_view value) const;
  // The field's value in config as --help shows a default ("1048576", "0.5");
  // "" for an empty one and for what takes no value.
  std::string show(const Config& config) const;
};

// Every option, in --help's order.
std::span<const Option> configOptions();

}  // namespace chatd::app
