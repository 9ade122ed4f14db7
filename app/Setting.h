// One value given for an option, and where it was given: a line of the
// config file, a CHATD_ environment variable or a flag. The layers are read
// into Settings first and applied to a Config after (ConfigLoader), so each
// value goes through the one Option::assign whatever its source, and a
// complaint names where the value came from. Plain data; the Option is the
// table's.
#pragma once

#include <string>

#include "app/Option.h"

namespace chatd::app {

// Weakest first: a later source overrides an earlier one.
enum class Source { kFile, kEnvironment, kCommandLine };

struct Setting {
  const Option* option = nullptr;
  std::string value;
  Source source = Source::kCommandLine;
  std::string origin;  // "chatd.conf:12", "CHATD_MAX_QUEUE" or "--max-queue"

  // How a complaint about it starts: "chatd.conf:12: max_queue", "CHATD_MAX_QUEUE", "--max-queue".
  std::string subject() const {
    return source == Source::kFile ? origin + ": " + option->key() : origin;
  }
};

}  // namespace chatd::app
