// Tells the service manager (systemd, Type=notify) how this process is doing,
// from the loop: READY=1, STOPPING=1, a STATUS= line polled from a source the
// caller gives, and WATCHDOG=1 at half of $WATCHDOG_USEC. Owns the
// NotifySocket and two loop timers; borrows the loop. Without $NOTIFY_SOCKET
// every call is a no-op.
//
// The watchdog pings come from the loop's own timers: a loop that stops
// turning stops pinging, and the manager restarts the service.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "reactor/EventLoop.h"
#include "reactor/NotifySocket.h"

namespace chatd::reactor {

class ServiceNotifier final : public TimerHandler {
 public:
  // What STATUS= says now; polled every `statusPeriodMs`, sent when it changed.
  using StatusSource = std::function<std::string()>;
  static constexpr uint64_t kStatusPeriodMs = 2'000;

  explicit ServiceNotifier(EventLoop& loop, std::optional<NotifySocket> socket = NotifySocket::fromEnvironment());

  // Listening: READY=1 (with the first status), then the periodic status and
  // the watchdog pings start.
  void ready(StatusSource status);
  // The drain has begun: STOPPING=1. The watchdog keeps pinging until the loop stops.
  void stopping();

  void handleTimer(Timer& timer) override;

 private:
  void sendStatus(bool force);

  EventLoop& loop_;
  std::optional<NotifySocket> socket_;
  StatusSource status_;
  std::string lastStatus_;
  const uint64_t watchdogMs_;  // 0: no watchdog
  Timer statusTimer_{this};
  Timer watchdogTimer_{this};
};

}  // namespace chatd::reactor
