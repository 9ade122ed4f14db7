#include "bench/Options.h"

#include <arpa/inet.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace chatd::bench {

namespace {

const char* kUsage =
    "Usage: chat-bench SCENARIO [OPTIONS]\n"
    "Load-tests a WebSocket server on this machine (loopback only).\n"
    "\n"
    "Scenarios:\n"
    "  connect   open --connections at --rate per second; time to all open, failures by cause\n"
    "  idle      hold --connections open; with --server-pid, server memory per connection\n"
    "  echo      --connections echo --size-byte messages, closed loop or at --rate per second\n"
    "  fanout    --connections in --rooms rooms, --senders of them sending at --rate per second in\n"
    "            total; every delivery's latency is measured from the time written in the message\n"
    "\n"
    "Chat scenarios (chatd's protocol on /ws; run chatd with --rate 0 --argon2-memory 1024):\n"
    "  chat-connect  --connections sessions authenticate and join --rooms rooms; time to all joined\n"
    "  chat-idle     hold them joined; with --server-pid, server memory per joined session\n"
    "  chat-fanout   --senders send `message` at --rate per second in total; send->ack latency at the\n"
    "                sender and send->delivery latency at every other member of the room\n"
    "  chat-history  every session reads history (--history-limit) in a closed loop\n"
    "  chat-mixed    senders at --rate, history reads at --history-rate, typing at --typing-rate\n"
    "\n"
    "Options:\n"
    "  --url ws://HOST:PORT/PATH   target (default ws://127.0.0.1:8080/echo; chat: .../ws); {room}\n"
    "                              in PATH is replaced by each connection's room number. Repeated\n"
    "                              or comma-separated: the nodes of a cluster; the k-th connection\n"
    "                              of each room goes to node k mod N (chat: setup uses the first).\n"
    "                              wss://: over TLS (and the chat setup over HTTPS), every node\n"
    "  --ca FILE                   wss://: verify the server's certificate against this PEM CA\n"
    "                              (default: no verification, as load tools do)\n"
    "  --connections N             connections (default 100, at most 200000)\n"
    "  --duration SECONDS          measured time (default 10, at most 600)\n"
    "  --warmup SECONDS            load before measuring (default 1)\n"
    "  --rate N                    connect, chat-connect: connections/s; echo, fanout, chat-fanout,\n"
    "                              chat-mixed: messages/s in total (echo: 0 = closed loop)\n"
    "  --rates N,N,...             run once per rate and report each (a sweep; see --svg)\n"
    "  --size BYTES                echo payload size (default 32)\n"
    "  --rooms N                   fanout, chat: rooms (default 1)\n"
    "  --senders N                 fanout, chat-fanout, chat-mixed: sending connections (default 1)\n"
    "  --message TEMPLATE          fanout, chat: message text; {ts} is replaced by the send time (required),\n"
    "                              {room} by the room number, {seq} by a sequence number (default {ts})\n"
    "  --server-pid PID            read the server's CPU use, and its resident memory before and\n"
    "                              after (idle, chat-idle: per connection); repeated: the sum of them\n"
    "  --redis redis://HOST:PORT   read that (local) redis-server's CPU and commands processed\n"
    "                              over the measured window, and its memory per connection;\n"
    "                              repeated (a cluster's shards): the sums of them\n"
    "  --connect-timeout SECONDS   a connection not open by then fails (default 10)\n"
    "  --workers N                 generator processes (default: as many as the descriptor limit needs)\n"
    "  --source-addresses N        spread connections over 127.0.0.1..127.0.0.N (default: as needed)\n"
    "  --svg FILE                  draw latency against offered load (with --rates)\n"
    "  --json                      print only the JSON result line(s)\n"
    "  --deflate                   offer permessage-deflate (RFC 7692) and inflate what comes compressed;\n"
    "                              the result counts the bytes received on the wire and inflated\n"
    "  --jwt-secret SECRET         chat: mint HS256 tokens for subjects bench:<i> with chatd's secret\n"
    "                              (chatd creates those users on first sight); without it, register\n"
    "                              users PREFIX-<i> over HTTP (or log them in when they exist)\n"
    "  --user-prefix PREFIX        chat: registered user names (default bench-<run>)\n"
    "  --password PASSWORD         chat: their password (default bench-password)\n"
    "  --members-first             chat: users join their rooms over HTTP before the sessions connect,\n"
    "                              so the run measures sessions, not account and membership creation\n"
    "  --history-limit N           chat-history, chat-mixed: messages per request (default 50, at most 100)\n"
    "  --history-fill N            chat-history, chat-mixed: messages posted to each room first (default 100)\n"
    "  --history-rate N            chat-mixed: history requests/s in total (default --rate / 10)\n"
    "  --typing-rate N             chat-mixed: typing events/s in total (default --rate)\n"
    "  --help\n";

ParsedOptions fail(const std::string& message) {
  return {std::nullopt, 2, "chat-bench: " + message + "\nTry 'chat-bench --help'.\n"};
}

bool parseNumber(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' && std::isfinite(out) && out >= 0;
}

bool parseCount(const std::string& text, size_t& out) {
  double value;
  if (!parseNumber(text, value) || value != std::floor(value)) return false;
  out = static_cast<size_t>(value);
  return true;
}

bool isLoopback(const reactor::SocketAddress& address) {
  if (address.family() == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address.storage);
    return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address.storage);
  return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

// ws://HOST:PORT/PATH or wss://..., numeric loopback host; `secure` says
// which scheme; the reason in `error` otherwise.
std::optional<Target> parseTarget(const std::string& url, bool& secure, std::string& error) {
  error = "--url wants ws://HOST:PORT/PATH or wss://HOST:PORT/PATH with a numeric host, got '" + url + "'";
  secure = url.rfind("wss://", 0) == 0;
  if (!secure && url.rfind("ws://", 0) != 0) return std::nullopt;
  const std::string rest = url.substr(secure ? 6 : 5);
  const size_t slash = rest.find('/');
  Target target;
  target.host = rest.substr(0, slash);
  target.pathTemplate = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto address = reactor::SocketAddress::parse(target.host);
  if (!address) return std::nullopt;
  target.server = *address;
  // "127.0.0.1:80" -> "127.0.0.1", "[::1]:80" -> "::1".
  target.address = target.host.substr(0, target.host.rfind(':'));
  if (target.address.size() >= 2 && target.address.front() == '[') {
    target.address = target.address.substr(1, target.address.size() - 2);
  }
  error = "only loopback targets (127.0.0.0/8, [::1]) are allowed";
  if (!isLoopback(target.server)) return std::nullopt;
  return target;
}

// Every node of a comma-separated --url list, in order.
bool parseTargets(Options& options, std::string& error) {
  std::istringstream in(options.url);
  std::string url;
  while (std::getline(in, url, ',')) {
    bool secure = false;
    auto target = parseTarget(url, secure, error);
    if (!target) return false;
    // The source addresses a run spreads over are of the first node's family.
    error = "--url: the nodes must all be IPv4 or all IPv6";
    if (!options.targets.empty() && target->server.family() != options.targets.front().server.family()) return false;
    error = "--url: the nodes must all be ws:// or all wss://";
    if (!options.targets.empty() && secure != options.secure) return false;
    options.secure = secure;
    options.targets.push_back(std::move(*target));
  }
  error = "--url: at most " + std::to_string(kMaxNodes) + " nodes";
  if (options.targets.empty() || options.targets.size() > kMaxNodes) return false;
  error = "--ca verifies a wss:// server: the --url is ws://";
  return options.caFile.empty() || options.secure;
}

// redis://HOST:PORT or HOST:PORT, loopback (its process is read from /proc).
std::optional<reactor::SocketAddress> parseRedis(const std::string& value) {
  const std::string prefix = "redis://";
  const std::string hostPort = value.rfind(prefix, 0) == 0 ? value.substr(prefix.size()) : value;
  auto address = reactor::SocketAddress::parse(hostPort.substr(0, hostPort.find('/')));
  if (!address || !isLoopback(*address)) return std::nullopt;
  return address;
}

}  // namespace

ParsedOptions parseOptions(int argc, char** argv) {
  if (argc < 2) return fail("which scenario? connect, idle, echo, fanout or chat-connect, chat-idle, chat-fanout, chat-history, chat-mixed");
  Options options;
  options.scenario = argv[1];
  if (options.scenario == "--help" || options.scenario == "-h") return {std::nullopt, 0, kUsage};
  if (options.scenario != "connect" && options.scenario != "idle" && options.scenario != "echo" &&
      options.scenario != "fanout" && options.scenario != "chat-connect" && options.scenario != "chat-idle" &&
      options.scenario != "chat-fanout" && options.scenario != "chat-history" && options.scenario != "chat-mixed") {
    return fail("unknown scenario '" + options.scenario + "'");
  }
  if (options.isChat()) options.url = "ws://127.0.0.1:8080/ws";
  bool urlGiven = false;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    if (flag == "--help") return {std::nullopt, 0, kUsage};
    if (flag == "--json") {
      options.jsonOnly = true;
      continue;
    }
    if (flag == "--members-first") {
      options.membersFirst = true;
      continue;
    }
    if (flag == "--deflate") {
      options.deflate = true;
      continue;
    }
    if (const size_t eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return fail("option " + flag + " needs a value");
    }
    bool ok = true;
    if (flag == "--url") {
      // Repeated: more nodes (the same as a comma-separated list).
      options.url = urlGiven ? options.url + "," + value : value;
      urlGiven = true;
    } else if (flag == "--connections") {
      ok = parseCount(value, options.connections) && options.connections > 0 && options.connections <= kMaxConnections;
    } else if (flag == "--duration") {
      ok = parseNumber(value, options.durationSeconds) && options.durationSeconds > 0 &&
           options.durationSeconds <= kMaxDurationSeconds;
    } else if (flag == "--warmup") {
      ok = parseNumber(value, options.warmupSeconds) && options.warmupSeconds <= kMaxDurationSeconds;
    } else if (flag == "--connect-timeout") {
      ok = parseNumber(value, options.connectTimeoutSeconds) && options.connectTimeoutSeconds > 0;
    } else if (flag == "--rate") {
      ok = parseNumber(value, options.rate);
    } else if (flag == "--rates") {
      std::istringstream in(value);
      std::string item;
      while (ok && std::getline(in, item, ',')) {
        double rate;
        ok = parseNumber(item, rate) && rate > 0;
        options.rates.push_back(rate);
      }
      ok = ok && !options.rates.empty();
    } else if (flag == "--size") {
      ok = parseCount(value, options.payloadBytes) && options.payloadBytes <= 16 * 1024 * 1024;
    } else if (flag == "--rooms") {
      ok = parseCount(value, options.rooms) && options.rooms > 0;
    } else if (flag == "--senders") {
      ok = parseCount(value, options.senders) && options.senders > 0;
    } else if (flag == "--message") {
      options.messageTemplate = value;
      ok = value.find("{ts}") != std::string::npos;
    } else if (flag == "--server-pid") {
      size_t pid;
      ok = parseCount(value, pid) && pid > 0;
      options.serverPids.push_back(static_cast<long>(pid));
    } else if (flag == "--redis") {
      const auto redis = parseRedis(value);
      ok = redis.has_value();
      if (ok) options.redis.push_back(*redis);
    } else if (flag == "--workers") {
      ok = parseCount(value, options.workers);
    } else if (flag == "--source-addresses") {
      ok = parseCount(value, options.sourceAddresses) && options.sourceAddresses <= 254;
    } else if (flag == "--ca") {
      options.caFile = value;
      ok = !value.empty();
    } else if (flag == "--svg") {
      options.svgPath = value;
    } else if (flag == "--jwt-secret") {
      options.jwtSecret = value;
      ok = value.size() >= 32;
    } else if (flag == "--user-prefix") {
      options.userPrefix = value;
      ok = !value.empty() && value.size() <= 20;
    } else if (flag == "--password") {
      options.password = value;
      ok = value.size() >= 8 && value.size() <= 128;
    } else if (flag == "--history-limit") {
      ok = parseCount(value, options.historyLimit) && options.historyLimit >= 1 && options.historyLimit <= 100;
    } else if (flag == "--history-fill") {
      ok = parseCount(value, options.historyFill) && options.historyFill <= 10'000;
    } else if (flag == "--history-rate") {
      ok = parseNumber(value, options.historyRate);
    } else if (flag == "--typing-rate") {
      ok = parseNumber(value, options.typingRate);
    } else {
      return fail("unknown option '" + flag + "'");
    }
    if (!ok) return fail("bad value for " + flag + ": '" + value + "'");
  }
  if (std::string error; !parseTargets(options, error)) return fail(error);
  if ((options.scenario == "fanout" || options.scenario == "chat-fanout" || options.scenario == "chat-mixed") &&
      options.senders > options.connections) {
    return fail("--senders cannot exceed --connections");
  }
  if ((options.scenario == "chat-fanout" || options.scenario == "chat-mixed") && options.rate <= 0 &&
      options.rates.empty()) {
    return fail(options.scenario + " needs --rate or --rates (messages per second in total)");
  }
  if (options.isChat() && options.rooms > options.connections) return fail("--rooms cannot exceed --connections");
  if (options.isChat() && options.rooms > 10'000) return fail("--rooms: at most 10000 for the chat scenarios");
  return {options, 0, {}};
}

}  // namespace chatd::bench
