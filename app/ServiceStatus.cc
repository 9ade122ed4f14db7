#include "app/ServiceStatus.h"

namespace chatd::app {

std::string serviceStatus(const server::HttpServer& http, const chat::Hub* hub, bool draining) {
  const std::string connections = std::to_string(http.connectionCount());
  if (draining) return "draining, connections left: " + connections;
  std::string status = "serving, connections: " + connections;
  if (hub) status += ", chat sessions: " + std::to_string(hub->sessionCount());
  return status;
}

}  // namespace chatd::app
