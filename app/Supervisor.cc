#include "app/Supervisor.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "reactor/Log.h"

namespace chatd::app {

namespace {

int64_t nowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
}

std::string describeStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by SIG") + sigabbrev_np(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

sigset_t supervisedSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signo : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, signo);
  return signals;
}

}  // namespace

Supervisor::Supervisor(uint32_t workers, RunWorker runWorker)
    : runWorker_(std::move(runWorker)), workers_(workers) {}

Supervisor::~Supervisor() {
  if (signalFd_ >= 0) ::close(signalFd_);
}

int Supervisor::run() {
  reactor::setLogTag("supervisor");
  supervisorPid_ = ::getpid();
  signal(SIGCHLD, SIG_DFL);  // ignored, as a parent may leave it, the kernel would reap the workers for us
  const sigset_t signals = supervisedSignals();
  if (sigprocmask(SIG_BLOCK, &signals, nullptr) != 0 ||
      (signalFd_ = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
    LOG_ERROR("signalfd: %s", std::strerror(errno));
    return 1;
  }
  notifications_ = WorkerNotifications::fromEnvironment(workers_.size());
  LOG_INFO("pid %d, starting %zu workers", supervisorPid_, workers_.size());
  for (uint32_t index = 0; index < workers_.size(); ++index) start(index);
  while (anyRunningOrDue()) {
    const int notifyTimeoutMs = notifications_ ? notifications_->tick(nowMs()) : -1;
    pollfd ready[2] = {{signalFd_, POLLIN, 0}, {notifications_ ? notifications_->fd() : -1, POLLIN, 0}};
    ::poll(ready, 2, pollTimeoutMs(notifyTimeoutMs));  // a failure (EINTR) only means looking again
    if (notifications_) notifications_->handleReadable(nowMs());
    handleSignals();
    restartDue();
  }
  LOG_INFO("every worker has exited");
  return failed_ ? 1 : 0;
}

void Supervisor::start(uint32_t index) {
  Worker& worker = workers_[index];
  const bool again = worker.restartAtMs >= 0;
  worker.restartAtMs = -1;
  worker.startedMs = nowMs();
  const pid_t pid = ::fork();
  if (pid == 0) becomeWorker(index);
  if (pid < 0) {
    LOG_ERROR("cannot fork worker %u: %s", index + 1, std::strerror(errno));
    return scheduleRestart(index);
  }
  worker.pid = pid;
  if (notifications_) notifications_->workerStarted(pid, worker.startedMs);
  LOG_INFO("worker %u %s (pid %d)", index + 1, again ? "restarted" : "started", pid);
}

void Supervisor::becomeWorker(uint32_t index) {
  // Drain when the supervisor dies, however it dies; one that died before
  // this line is no longer our parent.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != supervisorPid_) _exit(1);
  ::close(signalFd_);
  if (notifications_) notifications_->prepareWorker();
  sigset_t childSignal;
  sigemptyset(&childSignal);
  sigaddset(&childSignal, SIGCHLD);
  sigprocmask(SIG_UNBLOCK, &childSignal, nullptr);
  char tag[32];
  std::snprintf(tag, sizeof tag, "worker %u", index + 1);
  reactor::setLogTag(tag);
  std::exit(runWorker_());
}

void Supervisor::handleSignals() {
  signalfd_siginfo info;
  while (::read(signalFd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    const int signo = static_cast<int>(info.ssi_signo);
    if (signo == SIGCHLD) {
      reapExited();
    } else if (signo == SIGHUP) {
      LOG_INFO("received SIGHUP, forwarding it to the workers");
      forward(SIGHUP);
    } else {
      LOG_INFO("received SIG%s, draining the workers", sigabbrev_np(signo));
      beginDrain(signo);
    }
  }
}

void Supervisor::reapExited() {
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    const auto worker = std::find_if(workers_.begin(), workers_.end(), [pid](const Worker& w) { return w.pid == pid; });
    if (worker == workers_.end()) continue;
    worker->pid = 0;
    if (notifications_) notifications_->workerExited(pid);
    const uint32_t index = static_cast<uint32_t>(worker - workers_.begin());
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (draining_) {
      // Stopping: a worker that exits 0 has drained; one that did not fails the exit status.
      CHATD_LOG(clean ? reactor::LogLevel::kInfo : reactor::LogLevel::kWarn, "worker %u (pid %d) exited: %s",
                index + 1, pid, describeStatus(status).c_str());
      failed_ = failed_ || !clean;
      continue;
    }
    LOG_WARN("worker %u (pid %d) exited: %s", index + 1, pid, describeStatus(status).c_str());
    scheduleRestart(index);
  }
}

void Supervisor::scheduleRestart(uint32_t index) {
  Worker& worker = workers_[index];
  const int64_t now = nowMs();
  const RestartPolicy::Decision decision = worker.policy.onDeath(worker.startedMs, now);
  if (decision.crashLoop) {
    LOG_ERROR("crash loop: worker %u died more than %zu times within %lld s; not restarting it, stopping the others",
              index + 1, RestartPolicy::kCrashLoopDeaths,
              static_cast<long long>(RestartPolicy::kCrashLoopWindowMs / 1000));
    failed_ = true;
    return beginDrain(SIGTERM);
  }
  worker.restartAtMs = now + decision.delayMs;
  LOG_INFO("restarting worker %u in %lld ms", index + 1, static_cast<long long>(decision.delayMs));
}

void Supervisor::restartDue() {
  if (draining_) return;
  const int64_t now = nowMs();
  for (uint32_t index = 0; index < workers_.size(); ++index) {
    if (workers_[index].restartAtMs >= 0 && workers_[index].restartAtMs <= now) start(index);
  }
}

void Supervisor::beginDrain(int signo) {
  if (!draining_ && notifications_) notifications_->stopping();
  draining_ = true;
  for (Worker& worker : workers_) worker.restartAtMs = -1;
  forward(signo);
}

void Supervisor::forward(int signo) {
  for (const Worker& worker : workers_) {
    if (worker.pid > 0) ::kill(worker.pid, signo);
  }
}

int Supervisor::pollTimeoutMs(int notifyTimeoutMs) const {
  int64_t earliest = notifyTimeoutMs < 0 ? -1 : nowMs() + notifyTimeoutMs;
  for (const Worker& worker : workers_) {
    if (worker.restartAtMs >= 0 && (earliest < 0 || worker.restartAtMs < earliest)) earliest = worker.restartAtMs;
  }
  if (earliest < 0) return -1;  // nothing due: only a signal or a notification wakes us
  return static_cast<int>(std::max<int64_t>(0, earliest - nowMs()));
}

bool Supervisor::anyRunningOrDue() const {
  return std::any_of(workers_.begin(), workers_.end(),
                     [](const Worker& worker) { return worker.pid > 0 || worker.restartAtMs >= 0; });
}

}  // namespace chatd::app
