// HTTP answers counted by method, route and status, for /metrics. The route
// is the pattern that matched ("/api/v1/rooms/{id}/messages"), a WebSocket
// endpoint's path, "static" for the web client's files, or "other": never
// the raw path, so the number of series stays bounded by the route table
// (methods are llhttp's fixed set, statuses the few chatd answers with).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

namespace chatd::server {

class RequestCounts {
 public:
  static constexpr std::string_view kOtherRoute = "other";
  static constexpr std::string_view kStaticRoute = "static";

  // `route` must outlive this (a route's pattern, a constant above).
  void count(std::string_view method, std::string_view route, int status) {
    ++counts_[Key{method.empty() ? std::string("other") : std::string(method), route, status}];
  }

  using Key = std::tuple<std::string, std::string_view, int>;  // method, route, status
  const std::map<Key, uint64_t>& counts() const { return counts_; }

 private:
  std::map<Key, uint64_t> counts_;
};

}  // namespace chatd::server
