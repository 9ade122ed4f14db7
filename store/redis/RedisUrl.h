// Where a Redis server is and how to log in to it, parsed from a URL:
//   redis://[:password@]host[:port][/db]   (port 6379 and db 0 by default)
//   unix:///path/to/redis.sock
// A pure function: no I/O, no name resolution.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chatd::store {

struct RedisAddress {
  std::string host;      // empty for a unix socket
  int port = 6379;
  std::string unixPath;  // set for unix:// only
  std::string password;  // sent as AUTH first when not empty
  int db = 0;            // sent as SELECT when not 0
};

// nullopt when `url` is not one of the shapes above.
std::optional<RedisAddress> parseRedisUrl(std::string_view url);

}  // namespace chatd::store
