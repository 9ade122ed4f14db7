#include "store/redis/RedisUrl.h"

#include <charconv>

namespace chatd::store {
namespace {

constexpr std::string_view kRedisScheme = "redis://";
constexpr std::string_view kUnixScheme = "unix://";

// A decimal number in [min, max] that is the whole of `text`.
std::optional<int> parseNumber(std::string_view text, int min, int max) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace

std::optional<RedisAddress> parseRedisUrl(std::string_view url) {
  RedisAddress address;
  if (url.starts_with(kUnixScheme)) {
    address.unixPath = url.substr(kUnixScheme.size());
    if (!address.unixPath.starts_with('/') || address.unixPath.size() < 2) return std::nullopt;
    return address;
  }
  if (!url.starts_with(kRedisScheme)) return std::nullopt;
  std::string_view rest = url.substr(kRedisScheme.size());

  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userInfo = rest.substr(0, at);
    // Redis 5 has no user names: only ":password" is meaningful.
    if (!userInfo.starts_with(':') || userInfo.size() < 2) return std::nullopt;
    address.password = userInfo.substr(1);
    rest.remove_prefix(at + 1);
  }
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const auto db = parseNumber(rest.substr(slash + 1), 0, 1 << 20);
    if (!db) return std::nullopt;
    address.db = *db;
    rest = rest.substr(0, slash);
  }
  if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    const auto port = parseNumber(rest.substr(colon + 1), 1, 65535);
    if (!port) return std::nullopt;
    address.port = *port;
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return std::nullopt;
  address.host = rest;
  return address;
}

}  // namespace chatd::store
