#include "reactor/SignalSet.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace chatd::reactor {

SignalSet::SignalSet(EventLoop& loop, std::initializer_list<int> signals, SignalCallback onSignal)
    : loop_(loop), onSignal_(std::move(onSignal)) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int signo : signals) sigaddset(&mask, signo);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0 ||
      (fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 || loop_.add(fd_, this, EPOLLIN) < 0) {
    std::perror("signalfd");
    std::abort();
  }
}

SignalSet::~SignalSet() {
  loop_.remove(fd_, this);
  ::close(fd_);
}

void SignalSet::handleReadable(uint32_t) {
  signalfd_siginfo info;
  while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    onSignal_(static_cast<int>(info.ssi_signo));
  }
}

}  // namespace chatd::reactor
