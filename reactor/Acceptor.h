// A listening TCP socket on the loop: accepts non-blocking, close-on-exec
// connections (TCP_NODELAY set) and hands each fd to onAccept, which owns it.
//
// Fairness and limits: at most kAcceptsPerWakeup connections per readiness
// event. When the process runs out of descriptors (EMFILE/ENFILE) it uses a
// spare fd to accept and immediately close the waiting connection, so the
// level-triggered listener does not spin; without a spare it stops listening
// for a short back-off.
#pragma once

#include <functional>

#include "reactor/EventLoop.h"
#include "reactor/SocketAddress.h"

namespace chatd::reactor {

class Acceptor final : public IoHandler, public TimerHandler {
 public:
  static constexpr int kAcceptsPerWakeup = 64;
  static constexpr uint64_t kBackoffMs = 100;

  using AcceptCallback = std::function<void(int fd)>;

  Acceptor(EventLoop& loop, AcceptCallback onAccept);
  ~Acceptor();

  // Binds and listens (SO_REUSEADDR, and SO_REUSEPORT when asked); returns -errno.
  int listen(const SocketAddress& address, bool reusePort);
  void close();  // stop accepting (graceful shutdown)
  SocketAddress localAddress() const { return SocketAddress::ofSocket(fd_); }
  size_t descriptorDrops() const { return descriptorDrops_; }

  void handleReadable(uint32_t events) override;
  void handleWritable() override {}
  void handleTimer(Timer& timer) override;

 private:
  void onDescriptorsExhausted();

  EventLoop& loop_;
  AcceptCallback onAccept_;
  int fd_ = -1;
  int spareFd_ = -1;
  Timer backoff_{this};
  size_t descriptorDrops_ = 0;
};

}  // namespace chatd::reactor
