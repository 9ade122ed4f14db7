#include "app/Option.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "proto/HttpRequest.h"

namespace chatd::app {

namespace {

constexpr double kYearSeconds = 86400.0 * 365;  // a longer duration is a typo (and overflows in milliseconds)

// All of `text`, decimal digits only: no sign, no space.
bool parseWhole(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// All of `text` as strtod reads it ("20", "0.5", "1e3"), finite.
bool parseDecimal(std::string_view text, double& out) {
  const std::string terminated(text);
  char* end = nullptr;
  out = std::strtod(terminated.c_str(), &end);
  return end != terminated.c_str() && *end == '\0' && std::isfinite(out);
}

// Seconds, fractions allowed, into milliseconds (rounded).
bool parseSeconds(std::string_view text, uint64_t& outMs) {
  double seconds = 0;
  if (!parseDecimal(text, seconds) || seconds < 0 || seconds > kYearSeconds) return false;
  outMs = static_cast<uint64_t>(std::llround(seconds * 1000));
  return true;
}

std::string decimal(double value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);  // the shortest form: "20", "0.5"
  return std::string(text, ec == std::errc() ? end : text);
}

void replaceAll(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

bool Option::takesValue() const { return type != OptionType::kSwitch && !isAction(); }

bool Option::isAction() const {
  return type == OptionType::kHelp || type == OptionType::kVersion || type == OptionType::kCheckConfig ||
         type == OptionType::kPrintConfig;
}

std::string Option::key() const {
  std::string text(name);
  std::replace(text.begin(), text.end(), '-', '_');
  return text;
}

std::string Option::environmentName() const {
  std::string text = "CHATD_" + key();
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string Option::assign(Config& config, std::string_view value) const {
  // What a number out of range or unreadable is told.
  const auto wanted = [this] {
    std::string text(wants);
    replaceAll(text, "{min}", std::to_string(min));
    replaceAll(text, "{max}", std::to_string(max));
    return text;
  };
  switch (type) {
    case OptionType::kSwitch:
    case OptionType::kOnOff:
      // A switch named alone on the command line has no value: it turns it on.
      if (value != "on" && value != "off" && !(type == OptionType::kSwitch && value.empty())) return "on or off";
      config.*std::get<bool Config::*>(field) = value != "off";
      return {};
    case OptionType::kText:
      if (std::string complaint = check ? check(value) : std::string(); !complaint.empty()) return complaint;
      config.*std::get<std::string Config::*>(field) = value;
      return {};
    case OptionType::kList:
      for (std::string_view item : proto::splitHeaderList(value)) {
        if (std::string complaint = check ? check(item) : std::string(); !complaint.empty()) return complaint;
        (config.*std::get<std::vector<std::string> Config::*>(field)).emplace_back(item);
      }
      return {};
    case OptionType::kBytes:
    case OptionType::kCount: {
      uint64_t number = 0;
      if (!parseWhole(value, number) || number < min || number > max) return wanted();
      if (const auto* narrow = std::get_if<uint32_t Config::*>(&field)) {
        config.**narrow = static_cast<uint32_t>(number);  // the table keeps max within 32 bits
      } else {
        config.*std::get<uint64_t Config::*>(field) = number;
      }
      return {};
    }
    case OptionType::kMilliseconds: {
      uint64_t ms = 0;
      if (!parseSeconds(value, ms) || ms < min || ms > max) return wanted();
      config.*std::get<uint64_t Config::*>(field) = ms;
      return {};
    }
    case OptionType::kSeconds: {
      uint64_t ms = 0;
      if (!parseSeconds(value, ms) || ms / 1000 < min || ms / 1000 > max) return wanted();
      config.*std::get<int64_t Config::*>(field) = static_cast<int64_t>(ms / 1000);
      return {};
    }
    case OptionType::kRate: {
      double rate = 0;
      if (!parseDecimal(value, rate) || rate < static_cast<double>(min) || rate > static_cast<double>(max)) {
        return wanted();
      }
      config.*std::get<double Config::*>(field) = rate;
      return {};
    }
    case OptionType::kLogLevel:
      if (!reactor::parseLogLevel(value, config.*std::get<reactor::LogLevel Config::*>(field))) return wanted();
      return {};
    case OptionType::kLogFormat:
      if (!reactor::parseLogFormat(value, config.*std::get<reactor::LogFormat Config::*>(field))) return wanted();
      return {};
    case OptionType::kHelp:
    case OptionType::kVersion:
    case OptionType::kCheckConfig:
    case OptionType::kPrintConfig:
      break;  // the command line acts on these itself
  }
  return {};
}

void Option::copy(Config& to, const Config& from) const {
  std::visit(
      [&](auto member) {
        if constexpr (!std::is_same_v<decltype(member), std::monostate>) to.*member = from.*member;
      },
      field);
}

std::string Option::show(const Config& config) const {
  switch (type) {
    case OptionType::kSwitch:
    case OptionType::kOnOff:
      return config.*std::get<bool Config::*>(field) ? "on" : "off";
    case OptionType::kText:
      return config.*std::get<std::string Config::*>(field);
    case OptionType::kList: {
      std::string items;
      for (const std::string& item : config.*std::get<std::vector<std::string> Config::*>(field)) {
        items += (items.empty() ? "" : ",") + item;
      }
      return items;
    }
    case OptionType::kBytes:
    case OptionType::kCount:
      if (const auto* narrow = std::get_if<uint32_t Config::*>(&field)) return std::to_string(config.**narrow);
      return std::to_string(config.*std::get<uint64_t Config::*>(field));
    case OptionType::kMilliseconds:
      return decimal(static_cast<double>(config.*std::get<uint64_t Config::*>(field)) / 1000);
    case OptionType::kSeconds:
      return std::to_string(config.*std::get<int64_t Config::*>(field));
    case OptionType::kRate:
      return decimal(config.*std::get<double Config::*>(field));
    case OptionType::kLogLevel:
      return reactor::logLevelName(config.*std::get<reactor::LogLevel Config::*>(field));
    case OptionType::kLogFormat:
      return reactor::logFormatName(config.*std::get<reactor::LogFormat Config::*>(field));
    case OptionType::kHelp:
    case OptionType::kVersion:
    case OptionType::kCheckConfig:
    case OptionType::kPrintConfig:
      break;
  }
  return {};
}

}  // namespace chatd::app
