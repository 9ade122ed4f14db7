// The supervisor of `chatd --workers N`: owns the worker processes. It forks
// them (before the parent has any loop, thread or socket, so none is
// inherited), starts a worker again when one dies (RestartPolicy: backoff, and
// a crash loop stops it all), forwards SIGTERM/SIGINT (each worker drains) and
// SIGHUP, and returns once every worker has exited.
//
// It needs no event loop: one signalfd (SIGCHLD and the forwarded signals)
// and, under systemd, the workers' notify relay (WorkerNotifications), polled
// with the time to the next due restart or watchdog ping as the timeout.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "app/RestartPolicy.h"
#include "app/WorkerNotifications.h"

namespace chatd::app {

class Supervisor {
 public:
  // Runs in each forked worker; its result is the worker's exit status. SIGTERM, SIGINT and SIGHUP are blocked when it is called
  // (one sent meanwhile waits for the worker's own signalfd), and the worker
  // gets SIGTERM (a drain) when the supervisor dies, even by kill -9.
  using RunWorker = std::function<int()>;

  Supervisor(uint32_t workers, RunWorker runWorker);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  ~Supervisor();

  // Supervises until every worker has exited. Returns the supervisor's exit
  // status: 0 after a drain in which every worker exited 0, else 1 (a crash
  // loop, a worker that failed its drain, or a supervisor that could not start).
  int run();

 private:
  struct Worker {
    pid_t pid = 0;           // 0: not running
    int64_t startedMs = 0;   // monotonic
    int64_t restartAtMs = -1;  // >= 0: to be started again then (monotonic)
    RestartPolicy policy;
  };

  void start(uint32_t index);
  [[noreturn]] void becomeWorker(uint32_t index);
  void handleSignals();
  void reapExited();
  // Consults the slot's policy: a restart later, or a crash loop that stops everything.
  void scheduleRestart(uint32_t index);
  void restartDue();
  void beginDrain(int signo);
  void forward(int signo);
  int pollTimeoutMs(int notifyTimeoutMs) const;
  bool anyRunningOrDue() const;

  RunWorker runWorker_;
  std::vector<Worker> workers_;
  int signalFd_ = -1;
  std::unique_ptr<WorkerNotifications> notifications_;  // null: no service manager listening
  pid_t supervisorPid_ = 0;
  bool draining_ = false;  // no restarts: stopping on a signal or after a crash loop
  bool failed_ = false;    // decides the exit status
};

}  // namespace chatd::app
