#include "bench/LoadRun.h"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace chatd::bench {

namespace {

double cpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Ephemeral ports one source address offers (net.ipv4.ip_local_port_range).
size_t ephemeralPorts() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  size_t low = 32768, high = 60999;
  in >> low >> high;
  return high > low ? high - low + 1 : 1;
}

// User + system CPU seconds of another process (/proc/PID/stat fields 14, 15); -1 if unreadable.
double processCpuSeconds(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));
  std::string skip;
  for (int i = 3; i <= 13; ++i) fields >> skip;
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The sum over the --server-pid processes; -1 if any is unreadable.
double serversCpuSeconds(const std::vector<long>& pids) {
  double total = 0;
  for (long pid : pids) {
    const double seconds = processCpuSeconds(pid);
    if (seconds < 0) return -1;
    total += seconds;
  }
  return total;
}

// A field of /proc/PID/status in KiB ("VmRSS:", "RssAnon:"), -1 if unreadable.
long statusKb(long pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == field) {
      long kb = -1;
      in >> kb;
      return kb;
    }
  }
  return -1;
}

long serversStatusKb(const std::vector<long>& pids, const std::string& field) {
  long total = 0;
  for (long pid : pids) {
    const long kb = statusKb(pid, field);
    if (kb < 0) return -1;
    total += kb;
  }
  return total;
}

}  // namespace

uint64_t LoadRun::nowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

LoadRun::LoadRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate)
    : loop_(loop),
      options_(options),
      rate_(rate),
      connectStartUs_(count, 0),
      settledFlags_(count, 0),
      firstIndex_(firstIndex) {
  result_.scenario = options.scenario;
  result_.url = options.url;
  result_.connections = count;
  result_.offeredRate = rate;
  clients_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    clients_.push_back(std::make_unique<WsClient>(loop, *this, i, 64 * 1024 * 1024, options.deflate));
  }
  // connect() searches the ephemeral ports of one (source, server) pair
  // linearly, so it slows down badly as they fill: spread over 127.0.0.2..
  // at kConnectionsPerSource, and always before a range runs out.
  size_t spread = options.sourceAddresses;
  if (spread == 0 && options.targets.front().server.family() == AF_INET) {
    const size_t perSource = std::min(kConnectionsPerSource, ephemeralPorts() * 9 / 10);
    spread = (options.connections + perSource - 1) / perSource;
  }
  for (size_t i = 0; spread > 1 && i < spread; ++i) {
    sources_.push_back(*reactor::SocketAddress::parse("127.0.0." + std::to_string(i + 1) + ":0"));
  }
}

LoadRun::~LoadRun() = default;

const reactor::SocketAddress* LoadRun::sourceFor(size_t globalIndex) const {
  return sources_.empty() ? nullptr : &sources_[globalIndex % sources_.size()];
}

std::string LoadRun::targetFor(size_t globalIndex) const {
  std::string target = options_.targetOf(globalIndex).pathTemplate;
  const size_t at = target.find("{room}");
  if (at != std::string::npos) target.replace(at, 6, std::to_string(roomOf(globalIndex)));
  return target;
}

void LoadRun::syncWithOtherWorkers(int arrivedFd, int releaseFd) {
  arrivedFd_ = arrivedFd;
  releaseFd_ = releaseFd;
}

RunResult LoadRun::run() {
  const std::vector<long>& servers = options_.serverPids;
  if (!servers.empty()) {
    result_.serverRssBeforeKb = serversStatusKb(servers, "VmRSS:");
    result_.serverAnonBeforeKb = serversStatusKb(servers, "RssAnon:");
  }
  // Redis memory from before the connections, as the server's; a connect
  // scenario's window (its commands, CPU) is the opening itself.
  sampleRedisAtStart();
  // The connect scenarios measure the opening itself: CPU from here.
  cpuAtStart_ = cpuSeconds();
  if (!servers.empty()) serverCpuAtStart_ = serversCpuSeconds(servers);
  openStartedUs_ = nowUs();
  openMore(openStartedUs_);
  loop_.scheduleTimer(ticker_, kTickMs);
  loop_.run();
  return result_;
}

void LoadRun::openMore(uint64_t now) {
  size_t allowed = clients_.size() - attempted_;
  if ((options_.scenario == "connect" || options_.scenario == "chat-connect") && options_.rate > 0) {
    const double elapsed = static_cast<double>(now - openStartedUs_) / 1e6;
    const auto due = static_cast<size_t>(elapsed * rate_) + 1;
    allowed = std::min(allowed, due > attempted_ ? due - attempted_ : 0);
  }
  const size_t inFlight = attempted_ - settled_;
  allowed = std::min(allowed, kMaxConnecting > inFlight ? kMaxConnecting - inFlight : 0);
  for (size_t n = 0; n < allowed; ++n) {
    const size_t i = attempted_++;
    const size_t global = firstIndex_ + i;
    connectStartUs_[i] = now;
    clients_[i]->connect(options_.targetOf(global), sourceFor(global), targetFor(global), options_.tls.get());
  }
  if (attempted_ == clients_.size() && settled_ == clients_.size() && phase_ == Phase::kOpening) allAttempted(now);
}

void LoadRun::settle(size_t index) {
  if (settledFlags_[index]) return;
  settledFlags_[index] = 1;
  ++settled_;
}

void LoadRun::onClientOpen(WsClient& client) {
  if (readyOnOpen()) markReady(client);
}

void LoadRun::markReady(WsClient& client) {
  if (settledFlags_[client.index()]) return;
  settle(client.index());
  ++result_.opened;
  const uint64_t now = nowUs();
  result_.latency.record(now - connectStartUs_[client.index()]);
  if (settled_ == clients_.size() && phase_ == Phase::kOpening) allAttempted(now);
}

void LoadRun::onClientClosed(WsClient& client, Failure failure) {
  if (failure != Failure::kNone && phase_ != Phase::kClosing) ++result_.failures[static_cast<size_t>(failure)];
  settle(client.index());  // failed before it was ready, or already counted
  ++closed_;
  if (phase_ == Phase::kOpening && settled_ == clients_.size()) allAttempted(nowUs());
  if (phase_ == Phase::kClosing && closed_ == attempted_) {
    phase_ = Phase::kDone;
    loop_.stop();
  }
}

void LoadRun::allAttempted(uint64_t now) {
  result_.openSeconds = static_cast<double>(now - openStartedUs_) / 1e6;
  if (releaseFd_ < 0) return afterOpening(now);
  phase_ = Phase::kWaitingForWorkers;
  const char arrived = 1;
  if (::write(arrivedFd_, &arrived, 1) != 1 || loop_.add(releaseFd_, this, EPOLLIN) != 0) {
    ::close(releaseFd_);  // the parent is gone or the loop is full: go on alone
    releaseFd_ = -1;
    afterOpening(now);
  }
}

void LoadRun::handleReadable(uint32_t) {
  if (phase_ != Phase::kWaitingForWorkers) return;
  loop_.remove(releaseFd_, this);
  ::close(releaseFd_);
  releaseFd_ = -1;
  afterOpening(nowUs());
}

void LoadRun::afterOpening(uint64_t now) {
  if (!holdsLoad()) {
    // The connect scenario measures the opening itself.
    result_.seconds = result_.openSeconds;
    result_.received = result_.opened;
    return endMeasuring(now);
  }
  result_.latency = Histogram();  // connect times are not message latencies
  phase_ = Phase::kWarmup;
  phaseEndsUs_ = now + static_cast<uint64_t>(options_.warmupSeconds * 1e6);
  startLoad();
  if (options_.warmupSeconds <= 0) beginMeasuring(now);
}

void LoadRun::beginMeasuring(uint64_t now) {
  phase_ = Phase::kMeasuring;
  measureStartUs_ = now;
  phaseEndsUs_ = now + static_cast<uint64_t>(options_.durationSeconds * 1e6);
  result_.sent = result_.received = result_.expected = 0;
  result_.latency = Histogram();
  cpuAtStart_ = cpuSeconds();
  if (!options_.serverPids.empty()) serverCpuAtStart_ = serversCpuSeconds(options_.serverPids);
  sampleRedisAtStart();
  wireBytesAtStart_ = messageBytesAtStart_ = 0;
  for (const auto& client : clients_) {
    wireBytesAtStart_ += client->wireBytes();
    messageBytesAtStart_ += client->messageBytes();
  }
}

// Redis serves every worker alike, so the first worker alone asks it. Called
// before the connections and again when the measuring starts: the memory is
// from the first, the window (commands, CPU) from the last.
void LoadRun::sampleRedisAtStart() {
  if (options_.redis.empty() || firstIndex_ != 0) return;
  std::vector<RedisInfo> infos;
  double cpu = 0;
  int64_t memory = 0;
  for (const reactor::SocketAddress& redis : options_.redis) {
    const auto info = queryRedisInfo(redis);
    if (!info) {
      std::fprintf(stderr, "chat-bench: --redis: no INFO from %s; no redis figures\n", redis.toString().c_str());
      redisAtStart_.clear();
      return;
    }
    infos.push_back(*info);
    cpu += processCpuSeconds(info->pid);
    memory += static_cast<int64_t>(info->usedMemory);
  }
  redisAtStart_ = std::move(infos);
  redisCpuAtStart_ = cpu;
  if (result_.redisMemoryBefore < 0) result_.redisMemoryBefore = memory;
}

void LoadRun::sampleRedisAtEnd() {
  if (redisAtStart_.empty()) return;
  double cpu = 0;
  int64_t commands = 0;
  int64_t memory = 0;
  for (size_t i = 0; i < redisAtStart_.size(); ++i) {
    const RedisInfo& start = redisAtStart_[i];
    const auto now = queryRedisInfo(options_.redis[i]);
    if (!now || now->pid != start.pid) return;  // restarted: no figure rather than a wrong one
    cpu += processCpuSeconds(now->pid);
    // Less the INFO that opened the window.
    commands += static_cast<int64_t>(now->commandsProcessed - start.commandsProcessed) - 1;
    memory += static_cast<int64_t>(now->usedMemory);
  }
  result_.redisCpuSeconds = cpu - redisCpuAtStart_;
  result_.redisCommands = commands;
  result_.redisMemoryAfter = memory;
}

void LoadRun::endMeasuring(uint64_t now) {
  const std::vector<long>& servers = options_.serverPids;
  if (phase_ == Phase::kMeasuring) {
    result_.seconds = static_cast<double>(now - measureStartUs_) / 1e6;
    result_.generatorCpuSeconds = cpuSeconds() - cpuAtStart_;
    if (!servers.empty()) result_.serverCpuSeconds = serversCpuSeconds(servers) - serverCpuAtStart_;
    sampleRedisAtEnd();
  } else {
    result_.generatorCpuSeconds = cpuSeconds() - cpuAtStart_;
    if (!servers.empty()) result_.serverCpuSeconds = serversCpuSeconds(servers) - serverCpuAtStart_;
  }
  sampleRedisAtEnd();
  result_.wireBytes = result_.messageBytes = 0;
  for (const auto& client : clients_) {
    result_.wireBytes += client->wireBytes();
    result_.messageBytes += client->messageBytes();
    result_.deflateSessions += client->deflateAccepted();
  }
  result_.wireBytes -= wireBytesAtStart_;
  result_.messageBytes -= messageBytesAtStart_;
  endOfWindow();
  if (!servers.empty()) {
    result_.serverRssAfterKb = serversStatusKb(servers, "VmRSS:");
    result_.serverAnonAfterKb = serversStatusKb(servers, "RssAnon:");
  }
  phase_ = Phase::kClosing;
  phaseEndsUs_ = now + 5'000'000;  // closing handshakes get 5 s, then we stop regardless
  for (auto& client : clients_) client->close();
  if (closed_ == attempted_) {
    phase_ = Phase::kDone;
    loop_.stop();
  }
}

void LoadRun::handleTimer(reactor::Timer&) {
  const uint64_t now = nowUs();
  switch (phase_) {
    case Phase::kOpening:
      openMore(now);
      if (phase_ == Phase::kOpening &&
          now - openStartedUs_ > static_cast<uint64_t>(options_.connectTimeoutSeconds * 1e6)) {
        // Whatever has not opened by now counts as timed out.
        for (size_t i = 0; i < attempted_; ++i) {
          if (!settledFlags_[i]) clients_[i]->abortAsTimeout();
        }
        if (phase_ == Phase::kOpening) allAttempted(now);
      }
      break;
    case Phase::kWaitingForWorkers:
      break;
    case Phase::kWarmup:
      tick(now);
      if (now >= phaseEndsUs_) beginMeasuring(now);
      break;
    case Phase::kMeasuring:
      tick(now);
      if (now >= phaseEndsUs_) endMeasuring(now);
      break;
    case Phase::kClosing:
      if (now >= phaseEndsUs_) {
        phase_ = Phase::kDone;
        loop_.stop();
      }
      break;
    case Phase::kDone:
      return;
  }
  if (phase_ != Phase::kDone) loop_.scheduleTimer(ticker_, kTickMs);
}

}  // namespace chatd::bench
