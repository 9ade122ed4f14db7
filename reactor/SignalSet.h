// Delivers POSIX signals as loop events through signalfd. The signals are
// blocked for the whole process (call before starting any thread) so they
// only ever arrive here, on the loop thread, never interrupting a handler.
#pragma once

#include <functional>
#include <initializer_list>

#include "reactor/EventLoop.h"

namespace chatd::reactor {

class SignalSet final : public IoHandler {
 public:
  using SignalCallback = std::function<void(int signo)>;

  SignalSet(EventLoop& loop, std::initializer_list<int> signals, SignalCallback onSignal);
  SignalSet(const SignalSet&) = delete;
  SignalSet& operator=(const SignalSet&) = delete;
  ~SignalSet();

  void handleReadable(uint32_t events) override;
  void handleWritable() override {}

 private:
  EventLoop& loop_;
  SignalCallback onSignal_;
  int fd_ = -1;
};

}  // namespace chatd::reactor
