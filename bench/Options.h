// chat-bench's command line. Every run is bounded: a duration cap, a
// connection cap, loopback targets only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reactor/SocketAddress.h"

namespace chatd::reactor {
class TlsContext;
}

namespace chatd::bench {

struct ChatPlan;

// One server node chat-bench connects to, from one ws://HOST:PORT/PATH
// (or wss://: Options::secure).
struct Target {
  reactor::SocketAddress server;
  std::string host;                     // Host header
  std::string address;                  // host without the port or brackets: what TLS checks the certificate for
  std::string pathTemplate = "/echo";   // may contain {room}
};

struct Options {
  std::string scenario;                 // connect | idle | echo | fanout | chat-connect | chat-fanout |
                                        // chat-idle | chat-history | chat-mixed
  std::string url = "ws://127.0.0.1:8080/echo";  // as given; several nodes are comma-separated
  std::vector<Target> targets;          // from url: the nodes, in order (sessions spread over them)
  bool secure = false;                  // wss:// (every node): WebSocket and setup HTTP over TLS
  std::string caFile;                   // --ca: verify the server against it; empty: no verification
  // The client TLS context of a wss:// run, made in main() once the options
  // parsed; each forked worker has its own copy (one per process).
  std::shared_ptr<reactor::TlsContext> tls;
  size_t connections = 100;
  double durationSeconds = 10;
  double warmupSeconds = 1;
  double connectTimeoutSeconds = 10;
  double rate = 0;                      // connect: per second (0 = as fast as possible); echo/fanout: messages/s (0 = closed loop for echo)
  std::vector<double> rates;            // --rates: a sweep, one run per rate
  size_t payloadBytes = 32;             // echo
  size_t rooms = 1;                     // fanout
  size_t senders = 1;                   // fanout
  std::string messageTemplate = "{ts}"; // fanout: {ts} {room} {seq}
  std::vector<long> serverPids;         // --server-pid, repeated for a cluster's nodes (figures summed)
  // --redis (repeated: the shards of one cluster): sample their CPU and commands over the window, summed.
  std::vector<reactor::SocketAddress> redis;
  size_t workers = 0;                   // 0: as many as the descriptor limit needs
  size_t sourceAddresses = 0;           // 0: as many as the port range needs
  std::string svgPath;
  bool jsonOnly = false;
  bool deflate = false;                 // offer permessage-deflate; count the bytes on the wire
  // The chat scenarios (chatd's protocol; the URL's path is /ws).
  std::string jwtSecret;                // mint HS256 tokens (sub "bench:<i>") instead of registering users
  std::string userPrefix;               // registered users are PREFIX-<i> (default bench-<run>)
  std::string password = "bench-password";
  bool membersFirst = false;            // users join their rooms over HTTP before the run
  size_t historyLimit = 50;             // chat-history, chat-mixed: messages per history request
  size_t historyFill = 100;             // chat-history, chat-mixed: messages posted to each room first
  double historyRate = -1;              // chat-mixed: history requests/s (-1: --rate / 10)
  double typingRate = -1;               // chat-mixed: typing events/s (-1: --rate)
  std::shared_ptr<const ChatPlan> chat; // rooms and tokens, prepared before the workers fork

  bool isChat() const { return scenario.rfind("chat-", 0) == 0; }
  // The node of session `globalIndex`: round-robin within its room (the
  // k-th member of a room is on node k mod N), so every room spans all nodes.
  const Target& targetOf(size_t globalIndex) const { return targets[globalIndex / rooms % targets.size()]; }
};

struct ParsedOptions {
  std::optional<Options> options;
  int exitCode = 0;
  std::string output;
};

ParsedOptions parseOptions(int argc, char** argv);

constexpr size_t kMaxConnections = 200'000;
constexpr double kMaxDurationSeconds = 600;
constexpr size_t kMaxNodes = 16;  // --url targets

}  // namespace chatd::bench
