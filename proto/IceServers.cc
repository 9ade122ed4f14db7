#include "proto/IceServers.h"

#include <simdjson.h>

#include <array>

namespace chatd::proto {

namespace {

constexpr size_t kMaxServers = 16;

bool isIceUrl(std::string_view url) {
  constexpr std::array<std::string_view, 4> kSchemes{"stun:", "stuns:", "turn:", "turns:"};
  for (const std::string_view scheme : kSchemes) {
    if (url.size() > scheme.size() && url.starts_with(scheme)) return true;
  }
  return false;
}

std::string urlsProblem(simdjson::dom::element urls) {
  std::string_view one;
  if (!urls.get(one)) return isIceUrl(one) ? "" : "each url starts with stun:, stuns:, turn: or turns:";
  simdjson::dom::array many;
  if (urls.get(many) || many.size() == 0) return "\"urls\" is a URL or a non-empty array of URLs";
  for (simdjson::dom::element url : many) {
    if (url.get(one) || !isIceUrl(one)) return "each url starts with stun:, stuns:, turn: or turns:";
  }
  return "";
}

std::string serverProblem(simdjson::dom::element server) {
  simdjson::dom::object object;
  if (server.get(object)) return "each server is an object";
  simdjson::dom::element urls;
  if (object["urls"].get(urls)) return "each server has \"urls\"";
  if (std::string problem = urlsProblem(urls); !problem.empty()) return problem;
  for (auto [key, value] : object) {
    if (key == "urls") continue;
    if (key != "username" && key != "credential") return "a server's keys are urls, username and credential";
    if (!value.is_string()) return "username and credential are strings";
  }
  return "";
}

}  // namespace

std::string iceServersProblem(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) return "a JSON array of ICE servers";
  simdjson::dom::array servers;
  if (root.get(servers)) return "a JSON array of ICE servers";
  if (servers.size() > kMaxServers) return "at most " + std::to_string(kMaxServers) + " ICE servers";
  for (simdjson::dom::element server : servers) {
    if (std::string problem = serverProblem(server); !problem.empty()) return problem;
  }
  return "";
}

}  // namespace chatd::proto
