// One non-blocking TCP connection on the loop: reads into the loop's shared
// receive buffer and hands the bytes to its StreamHandler; writes queued
// Blocks with send/sendmsg, corked until the end of the iteration, asking for
// EPOLLOUT only while the kernel has not taken everything.
//
// Edge-triggered: epoll reports a socket again only when something new
// happens to it, which spares the kernel a second readiness poll of every
// busy socket on every wait (~4% of the CPU of an echo round trip). So
// wherever this connection stops short while the socket may still be ready
// (a read that filled the whole buffer, a write cut short for fairness), it
// re-arms the registration, and epoll reports the socket once more.
//
// Over TLS (startTls, startConnectingTls) the same holds: the handler sees
// plaintext, and its blocks are encrypted as they are written, coalesced into
// one record per flush where they fit (TlsStream); nothing above this class
// knows.
//
// Owns the fd (closed by close() or the destructor) and its TLS stream. Does not own the
// StreamHandler. close() may be called from any callback, including the
// handler's own; the handler then hears onStreamClosed() exactly once and must
// defer its own destruction (EventLoop::destroyLater) past the current callback.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "reactor/EventLoop.h"
#include "reactor/OutputQueue.h"
#include "reactor/TlsStream.h"

namespace chatd::reactor {

class StreamHandler {
 public:
  // Received bytes; the span is the loop's shared buffer and is only valid
  // during the call (keep what is needed). It is writable so parsers may
  // transform in place (WebSocket unmasking).
  virtual void onStreamData(std::span<uint8_t> bytes) = 0;
  // The output queue was full (send() said kFull or kRefused), or the owner
  // asked (notifyWhenDrained()), and is now empty.
  virtual void onStreamDrained() = 0;
  // The connection is closed; no further callbacks follow.
  virtual void onStreamClosed() = 0;
  // While reading is paused, the peer hung up (its FIN, a reset or an error):
  // the owner may close now instead of waiting to read up to the end of the
  // stream. Whatever the peer sent before is still unread; if the owner does
  // nothing, it arrives, then the end of the stream, once reading resumes.
  virtual void onStreamHangUp() {}
  // An outgoing connection (startConnecting) is established.
  virtual void onStreamConnected() {}

 protected:
  ~StreamHandler() = default;
};

class TcpConnection final : public IoHandler, public Flushable {
 public:
  // How long an owner should let closeAfterFlush() wait for the peer to read
  // and hang up before it calls close().
  static constexpr uint64_t kLingerMs = 2000;

  TcpConnection(EventLoop& loop, int fd, size_t outputLimitBytes, StreamHandler* handler);
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  ~TcpConnection();

  // Registers with the loop; returns -errno (the caller then closes).
  int start();
  // For a socket from connectNonBlocking(): registers and waits for the
  // connect to finish, then calls onStreamConnected() (or closes with error()).
  int startConnecting();
  // The same, speaking TLS on the socket: as a server with `context`'s
  // certificate, or as a client to `serverName` (the TLS handshake starts
  // with the first bytes sent). -ENOMEM when OpenSSL cannot make a session.
  int startTls(TlsContext& context);
  int startConnectingTls(TlsContext& context, const std::string& serverName);

  // Queues bytes for sending at the end of the iteration. kRefused means the
  // bytes were not queued (the queue is at its limit).
  OutputQueue::PushResult send(BlockRef block);
  // Queues regardless of the limit: for small control output that must go out.
  void sendUnbounded(BlockRef block);

  // onStreamDrained() when the queue is next empty, as after a refusal: for
  // an owner holding output back until then.
  void notifyWhenDrained() { notifyDrain_ = true; }

  // While paused, no input is delivered, but a hang-up is (onStreamHangUp()).
  void pauseReading();
  void resumeReading();

  // Stops delivering input, sends what is queued, shuts down the write side
  // and closes once the peer hangs up. Closing this way keeps unread input
  // from turning the close into a reset that would lose the last bytes sent.
  // The owner bounds the wait with its own timer (kLingerMs, then close()):
  // a connection has no timer of its own, to stay small.
  void closeAfterFlush();
  // Closes now, dropping unsent output. Idempotent.
  void close();

  bool closed() const { return fd_ < 0; }
  // The errno that ended the connection (a failed connect, a reset), 0 for a clean close.
  int error() const { return error_; }
  bool closing() const { return closing_; }
  // Over TLS, while the handshake has not completed.
  bool handshaking() const { return tls_ && !tls_->established(); }
  size_t queuedBytes() const { return output_.bytes(); }
  // Bytes of this connection's output the peer has acknowledged, from the
  // kernel (TCP_INFO): it grows only while the peer reads. One syscall; for
  // occasional checks (a stall clock), not per message. 0 when unknown.
  uint64_t bytesAcked() const;
  void setOutputLimit(size_t bytes) { output_.setLimit(bytes); }
  int fd() const { return fd_; }

  void handleReadable(uint32_t events) override;
  void handleWritable() override;
  void flush() override;

 private:
  enum class WriteResult {
    kDrained,  // all written
    kPending,  // the kernel's buffer is full: an edge comes when it has room
    kYielded,  // stopped while the socket can still take more (fairness)
    kFailed,
  };
  WriteResult writeOut();
  // recv() and send() through TLS when it is on, with the socket calls'
  // results (-1 and errno EAGAIN when blocked). `more`: bytes may be left;
  // `offered`: the bytes a complete write would have taken.
  ssize_t receive(std::span<uint8_t> buffer, bool& more);
  ssize_t transmit(const iovec* iov, int count, size_t& offered);
  // A plain-text request on a TLS port: the context's answer, then closing.
  void refusePlainText();
  // close_notify over TLS, then the socket's write side.
  void shutdownWrite();
  void updateInterest();
  // Asks epoll to look at the socket again, as if something had changed.
  void rearm();
  void afterWrite(WriteResult result);
  void noteQueueState(OutputQueue::PushResult result);
  void finishConnect();

  EventLoop& loop_;
  StreamHandler* handler_;
  OutputQueue output_;
  std::unique_ptr<TlsStream> tls_;  // null for plain TCP
  int fd_;
  uint8_t error_ = 0;  // an errno (all below 256 on Linux)
  bool flushQueued_ = false;  // not a bit-field: EventLoop::requestFlush() takes it by reference
  // Bit-fields rather than bools: a connection is mostly idle state, and
  // these bytes are repeated for every one of them.
  bool readingPaused_ : 1 = false;
  bool writeArmed_ : 1 = false;
  bool closing_ : 1 = false;  // closeAfterFlush(): no new reads delivered
  bool writeShutdown_ : 1 = false;
  bool peerEof_ : 1 = false;
  bool connecting_ : 1 = false;
  bool notifyDrain_ : 1 = false;
  // What epoll watches for now: EPOLLIN, EPOLLRDHUP (also while paused) and EPOLLOUT.
  bool watchingInput_ : 1 = false;
  bool watchingHangUp_ : 1 = false;
  bool watchingOutput_ : 1 = false;
};

}  // namespace chatd::reactor
