#include "reactor/ServiceNotifier.h"

#include <algorithm>
#include <utility>

namespace chatd::reactor {

ServiceNotifier::ServiceNotifier(EventLoop& loop, std::optional<NotifySocket> socket)
    : loop_(loop), socket_(std::move(socket)), watchdogMs_(socket_ ? NotifySocket::watchdogIntervalMs() : 0) {}

void ServiceNotifier::ready(StatusSource status) {
  if (!socket_) return;
  status_ = std::move(status);
  lastStatus_ = status_();
  socket_->send("READY=1\nSTATUS=" + lastStatus_);
  loop_.scheduleTimer(statusTimer_, kStatusPeriodMs);
  // Half the interval, as systemd advises: one late ping is not yet a timeout.
  if (watchdogMs_ > 0) handleTimer(watchdogTimer_);
}

void ServiceNotifier::stopping() {
  if (!socket_) return;
  socket_->send("STOPPING=1");
  if (status_) sendStatus(true);
}

void ServiceNotifier::sendStatus(bool force) {
  std::string status = status_();
  if (!force && status == lastStatus_) return;
  lastStatus_ = std::move(status);
  socket_->send("STATUS=" + lastStatus_);
}

void ServiceNotifier::handleTimer(Timer& timer) {
  if (&timer == &watchdogTimer_) {
    socket_->send("WATCHDOG=1");
    loop_.scheduleTimer(watchdogTimer_, std::max<uint64_t>(1, watchdogMs_ / 2));
    return;
  }
  sendStatus(false);
  loop_.scheduleTimer(statusTimer_, kStatusPeriodMs);
}

}  // namespace chatd::reactor
