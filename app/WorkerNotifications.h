// The --workers supervisor's side of the service manager's notifications.
// systemd knows only the supervisor (its main process; the unit keeps the
// default NotifyAccess=main), so the workers notify the supervisor instead,
// through a relay socket whose address each forked worker gets in
// $NOTIFY_SOCKET, and the supervisor speaks for them all:
//   READY=1     once every worker has said READY=1 (all are listening);
//   STATUS=     how many workers serve, when that changes;
//   WATCHDOG=1  at half of $WATCHDOG_USEC, but only while every ready worker
//               pings (each at a quarter of it): one stuck worker loop stops
//               the pings and systemd restarts the service;
//   STOPPING=1  when the drain begins.
// Owns the relay socket and the socket to systemd; knows workers by pid.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "reactor/NotifyReceiver.h"
#include "reactor/NotifySocket.h"

namespace chatd::app {

class WorkerNotifications {
 public:
  // Null without $NOTIFY_SOCKET, or when the relay cannot be bound (logged).
  static std::unique_ptr<WorkerNotifications> fromEnvironment(size_t workers);

  WorkerNotifications(size_t workers, reactor::NotifySocket upstream, reactor::NotifyReceiver relay);

  int fd() const { return relay_.fd(); }
  // In a worker just forked: its notifications go to the relay, and its
  // watchdog pings at a quarter of the supervisor's interval.
  void prepareWorker();

  void workerStarted(pid_t pid, int64_t nowMs);
  void workerExited(pid_t pid);
  // Reads every message waiting on the relay.
  void handleReadable(int64_t nowMs);
  void stopping();
  // Pings systemd when due; the milliseconds until the next check (-1: no watchdog).
  int tick(int64_t nowMs);

 private:
  struct Worker {
    bool ready = false;
    int64_t lastPingMs = 0;
  };
  void sendStatus();

  const size_t workers_;
  reactor::NotifySocket upstream_;
  reactor::NotifyReceiver relay_;
  const uint64_t watchdogMs_;  // the supervisor's interval; 0: none
  int64_t nextPingMs_ = 0;
  std::unordered_map<pid_t, Worker> running_;
  bool readySent_ = false;
  std::string lastStatus_;
};

}  // namespace chatd::app
