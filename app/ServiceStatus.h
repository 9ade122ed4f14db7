// The STATUS= line chatd gives its service manager (`systemctl status chatd`
// shows it): what the process serves right now, in a few words.
#pragma once

#include <string>

#include "chat/Hub.h"
#include "server/HttpServer.h"

namespace chatd::app {

// "serving, connections: 12, chat sessions: 9", or "draining, connections
// left: 3" once the shutdown began; `hub` is null in a process without chat.
std::string serviceStatus(const server::HttpServer& http, const chat::Hub* hub, bool draining);

}  // namespace chatd::app
