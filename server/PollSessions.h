// A WebSocket endpoint's protocol over HTTP long-polling, for clients whose
// WebSocket cannot connect (a proxy that refuses upgrades): each poll
// session is a WsSession to the endpoint, so it speaks the endpoint's whole
// protocol, nothing left out (docs/protocol.md, "Long-polling"):
//   POST   {base}             admitted as an upgrade would be (the endpoint's
//          admit(): Authorization or ?token=) -> 201 {"session":ID}
//   GET    {base}/{id}?wait=S -> 200 {"frames":[...]}: what the session was
//          sent since the last GET (each frame's JSON), waiting up to S
//          seconds (default 25, at most 55) for the first; {"frames":[...],
//          "close":{"code","reason"}} once it closed; 404 for no such session
//   POST   {base}/{id}        one message (the body) for the endpoint -> 204
//   DELETE {base}/{id}        closes it (1000) -> 204
// The id is the session's capability: 128 random bits. A session nobody
// polls for kIdleMs closes (1001); a closed one answers its last frames and
// the close to the next GET (404 after that). Its queue is bounded as a connection's
// (--max-queue): sendShared() refuses past it, as a congested socket does.
// An open counts as a WebSocket upgrade and each session as a connection of
// its client's address (--upgrades-per-ip-per-minute, --max-connections-per-ip).
// A new GET answers an older one still waiting, empty: one poller at a time.
//
// Owns its sessions (each with its timer); borrows the loop, the endpoint
// and the server's per-address limits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "reactor/EventLoop.h"
#include "server/ClientLimits.h"
#include "server/Router.h"
#include "server/ServerOptions.h"
#include "server/WsEndpoint.h"

namespace chatd::server {

class PollSessions {
 public:
  static constexpr uint64_t kIdleMs = 60'000;
  static constexpr int64_t kDefaultWaitSeconds = 25;
  static constexpr int64_t kMaxWaitSeconds = 55;
  static constexpr size_t kMaxSessions = 10'000;  // over every user: more get 503

  PollSessions(reactor::EventLoop& loop, WsEndpoint& endpoint, const ServerOptions& options, ClientLimits& limits);
  ~PollSessions();

  void addRoutes(Router& router, const std::string& base);
  // Shutting down: each session hears the endpoint's last word, then 1001.
  void shutdown();
  size_t size() const { return sessions_.size(); }

 private:
  class Session;

  void open(const proto::HttpRequest& request, const HttpResponder& responder);
  void poll(Session& session, const proto::HttpRequest& request, const HttpResponder& responder);
  void post(Session& session, const proto::HttpRequest& request, const HttpResponder& responder);
  Session* find(const PathParams& params, const HttpResponder& responder);
  // The session closed (either side): the endpoint hears it, once.
  void endSession(Session& session);
  // Drops the session in a later task (a closed one, once its close was polled or it lingered long enough).
  void forget(const std::string& id);

  reactor::EventLoop& loop_;
  WsEndpoint& endpoint_;
  const ServerOptions& options_;
  ClientLimits& limits_;
  std::unordered_map<std::string, std::unique_ptr<Session>> sessions_;
};

}  // namespace chatd::server
