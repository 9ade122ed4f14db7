#include "app/WorkerNotifications.h"

#include <cstdlib>
#include <string_view>

#include "reactor/Log.h"

namespace chatd::app {

namespace {

bool hasLine(std::string_view message, std::string_view line) {
  while (!message.empty()) {
    const size_t end = message.find('\n');
    if (message.substr(0, end) == line) return true;
    if (end == std::string_view::npos) break;
    message.remove_prefix(end + 1);
  }
  return false;
}

}  // namespace

std::unique_ptr<WorkerNotifications> WorkerNotifications::fromEnvironment(size_t workers) {
  std::optional<reactor::NotifySocket> upstream = reactor::NotifySocket::fromEnvironment();
  if (!upstream) return nullptr;
  std::string error;
  std::optional<reactor::NotifyReceiver> relay = reactor::NotifyReceiver::bind(error);
  if (!relay) {
    LOG_WARN("%s: systemd will not hear from the workers", error.c_str());
    return nullptr;
  }
  return std::make_unique<WorkerNotifications>(workers, std::move(*upstream), std::move(*relay));
}

WorkerNotifications::WorkerNotifications(size_t workers, reactor::NotifySocket upstream, reactor::NotifyReceiver relay)
    : workers_(workers),
      upstream_(std::move(upstream)),
      relay_(std::move(relay)),
      watchdogMs_(reactor::NotifySocket::watchdogIntervalMs()) {}

void WorkerNotifications::prepareWorker() {
  ::setenv("NOTIFY_SOCKET", relay_.address().c_str(), 1);
  ::unsetenv("WATCHDOG_PID");
  if (watchdogMs_ > 0) {
    ::setenv("WATCHDOG_USEC", std::to_string(watchdogMs_ * 1000 / 2).c_str(), 1);
  } else {
    ::unsetenv("WATCHDOG_USEC");
  }
  relay_.close();
}

void WorkerNotifications::workerStarted(pid_t pid, int64_t nowMs) {
  running_[pid] = Worker{false, nowMs};
  sendStatus();
}

void WorkerNotifications::workerExited(pid_t pid) {
  running_.erase(pid);
  sendStatus();
}

void WorkerNotifications::handleReadable(int64_t nowMs) {
  while (const std::optional<reactor::NotifyReceiver::Message> message = relay_.receive()) {
    const auto worker = running_.find(message->sender);
    if (worker == running_.end()) continue;  // not one of ours, or already reaped
    if (hasLine(message->text, "WATCHDOG=1")) worker->second.lastPingMs = nowMs;
    if (hasLine(message->text, "READY=1") && !worker->second.ready) {
      worker->second.ready = true;
      worker->second.lastPingMs = nowMs;
      sendStatus();
    }
  }
}

void WorkerNotifications::stopping() { upstream_.send("STOPPING=1\nSTATUS=draining the workers"); }

void WorkerNotifications::sendStatus() {
  size_t ready = 0;
  for (const auto& [pid, worker] : running_) ready += worker.ready;
  std::string status = "workers serving: " + std::to_string(ready) + " of " + std::to_string(workers_);
  if (status == lastStatus_) return;
  lastStatus_ = status;
  // READY=1 once, when the last worker of the first start is listening.
  const bool nowReady = !readySent_ && ready == workers_;
  readySent_ = readySent_ || nowReady;
  upstream_.send((nowReady ? "READY=1\nSTATUS=" : "STATUS=") + status);
}

int WorkerNotifications::tick(int64_t nowMs) {
  if (watchdogMs_ == 0 || !readySent_) return -1;
  const int64_t halfMs = static_cast<int64_t>(watchdogMs_ / 2);
  if (nowMs >= nextPingMs_) {
    bool allAlive = true;
    for (const auto& [pid, worker] : running_) {
      if (worker.ready && nowMs - worker.lastPingMs > halfMs) {
        allAlive = false;
        LOG_WARN("worker pid %d has not pinged for %lld ms: not feeding the watchdog", pid,
                 static_cast<long long>(nowMs - worker.lastPingMs));
      }
    }
    if (allAlive) upstream_.send("WATCHDOG=1");
    nextPingMs_ = nowMs + halfMs;
  }
  return static_cast<int>(nextPingMs_ - nowMs);
}

}  // namespace chatd::app
