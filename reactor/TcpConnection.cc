#include "reactor/TcpConnection.h"

#include <netinet/in.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_bytes_acked, which glibc's lacks
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "reactor/TlsContext.h"

namespace chatd::reactor {

// Part of the ~263 bytes an idle WebSocket costs (bench/RESULTS.md; docs/architecture.md, "What an idle WebSocket costs").
static_assert(sizeof(TcpConnection) <= 80, "TcpConnection grew: the idle-WebSocket figure grows with it");

namespace {
constexpr int kIovecsPerWrite = 64;
constexpr int kWritesPerFlush = 16;  // fairness: bound the bytes one connection moves per event

// The socket calls (recv, send, sendmsg) rather than read() and writev(): they
// go straight to the protocol, past the file layer's checks and notifications
// (vfs_writev, fdget_pos), which were ~12% of chatd's CPU per fan-out
// delivery. One buffer, the usual case, needs no message header; and with
// MSG_NOSIGNAL a peer that has gone away is EPIPE, never SIGPIPE.
ssize_t sendVector(int fd, const iovec* iov, int count) {
  if (count == 1) return ::send(fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(iov);
  message.msg_iovlen = static_cast<size_t>(count);
  return ::sendmsg(fd, &message, MSG_NOSIGNAL);
}

// A TLS call's result in the socket calls' terms: bytes, or -1 with errno
// EAGAIN (blocked, on either direction) or EPROTO (a TLS failure without a
// socket error); the end of the stream is 0 for a read and EPIPE for a write.
ssize_t socketResult(const TlsStream::Result& result, bool reading) {
  switch (result.status) {
    case TlsStream::Status::kOk:
      return static_cast<ssize_t>(result.bytes);
    case TlsStream::Status::kWantRead:
    case TlsStream::Status::kWantWrite:
      errno = EAGAIN;
      return -1;
    case TlsStream::Status::kEnd:
      if (reading) return 0;
      errno = EPIPE;
      return -1;
    case TlsStream::Status::kFailed:
      if (errno == 0 || errno == EAGAIN || errno == EINTR) errno = EPROTO;
      return -1;
  }
  return -1;
}

// EPOLLRDHUP alone while reading is paused: the peer's hang-up is still
// heard (a client gone while its request was pending), its bytes are not.
uint32_t epollEvents(bool input, bool hangUp, bool output) {
  return EPOLLET | (input ? uint32_t{EPOLLIN} : 0u) | (hangUp ? uint32_t{EPOLLRDHUP} : 0u) |
         (output ? uint32_t{EPOLLOUT} : 0u);
}
}  // namespace

TcpConnection::TcpConnection(EventLoop& loop, int fd, size_t outputLimitBytes, StreamHandler* handler)
    : loop_(loop), handler_(handler), output_(outputLimitBytes), fd_(fd) {}

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) {
    loop_.remove(fd_, this);
    ::close(fd_);
  }
}

int TcpConnection::start() {
  watchingInput_ = true;
  watchingHangUp_ = true;
  return loop_.add(fd_, this, epollEvents(true, true, false));
}

int TcpConnection::startTls(TlsContext& context) {
  tls_ = context.accept(fd_);
  return tls_ ? start() : -ENOMEM;
}

int TcpConnection::startConnectingTls(TlsContext& context, const std::string& serverName) {
  tls_ = context.connect(fd_, serverName);
  return tls_ ? startConnecting() : -ENOMEM;
}

int TcpConnection::startConnecting() {
  connecting_ = true;
  writeArmed_ = true;  // writable = connected (or failed)
  watchingOutput_ = true;
  return loop_.add(fd_, this, epollEvents(false, false, true));
}

void TcpConnection::finishConnect() {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    error_ = static_cast<uint8_t>(err);
    return close();
  }
  connecting_ = false;
  writeArmed_ = false;
  updateInterest();
  handler_->onStreamConnected();
}

void TcpConnection::updateInterest() {
  if (fd_ < 0) return;
  const bool input = !readingPaused_ && !connecting_;
  const bool hangUp = !connecting_ && !peerEof_;
  const bool output = writeArmed_;
  if (input != watchingInput_ || hangUp != watchingHangUp_ || output != watchingOutput_) {
    watchingInput_ = input;
    watchingHangUp_ = hangUp;
    watchingOutput_ = output;
    loop_.modify(fd_, this, epollEvents(input, hangUp, output));
  }
}

// EPOLL_CTL_MOD checks the socket's readiness at once and queues an event if
// it is ready.
void TcpConnection::rearm() {
  if (fd_ >= 0) loop_.modify(fd_, this, epollEvents(watchingInput_, watchingHangUp_, watchingOutput_));
}

void TcpConnection::noteQueueState(OutputQueue::PushResult result) {
  if (result != OutputQueue::PushResult::kQueued) notifyDrain_ = true;
  if (result != OutputQueue::PushResult::kRefused && !writeArmed_) loop_.requestFlush(this, flushQueued_);
}

OutputQueue::PushResult TcpConnection::send(BlockRef block) {
  if (fd_ < 0 || writeShutdown_) return OutputQueue::PushResult::kRefused;
  const auto result = output_.push(std::move(block));
  noteQueueState(result);
  return result;
}

void TcpConnection::sendUnbounded(BlockRef block) {
  if (fd_ < 0 || writeShutdown_) return;
  if (!output_.pushUnbounded(std::move(block))) {
    error_ = ENOBUFS;
    return close();
  }
  noteQueueState(output_.bytes() >= output_.limit() ? OutputQueue::PushResult::kFull : OutputQueue::PushResult::kQueued);
}

uint64_t TcpConnection::bytesAcked() const {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (fd_ < 0 || ::getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return 0;
  return info.tcpi_bytes_acked;
}

void TcpConnection::pauseReading() {
  readingPaused_ = true;
  updateInterest();
}

void TcpConnection::resumeReading() {
  if (closing_) return;
  readingPaused_ = false;
  updateInterest();
}

void TcpConnection::handleReadable(uint32_t events) {
  if (fd_ < 0) return;
  if (tls_ && tls_->writeWantsRead()) {
    afterWrite(writeOut());  // the write waited for the peer (a handshake message)
    if (fd_ < 0) return;
  }
  if (readingPaused_) {
    // Only a hang-up is news now (EPOLLRDHUP, or an error or hang-up, which
    // epoll reports whatever the mask); the bytes before it wait for
    // resumeReading(), whose re-registration reports them.
    if (!closing_ && (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) handler_->onStreamHangUp();
    return;
  }
  if (tls_ && !tls_->started() && tls_->peerSpeaksPlainText(fd_)) refusePlainText();
  std::span<uint8_t> buffer = loop_.receiveBuffer();
  if (tls_ && buffer.size() < TlsStream::kMaxRecordPlaintext) {
    // TLS decrypts a record at a time and needs a record's room (a loop
    // with a smaller buffer, in tests): then this one, for every connection.
    thread_local uint8_t record[TlsStream::kMaxRecordPlaintext];
    buffer = record;
  }
  bool more = false;
  const ssize_t n = receive(buffer, more);
  if (n > 0) {
    if (!closing_) handler_->onStreamData(buffer.first(static_cast<size_t>(n)));
    // Bytes may be left behind a full buffer, and the end of the stream
    // behind bytes that came with it: no new edge would say so. (If the
    // handler paused reading meanwhile, only the hang-up is reported again.)
    more = more || (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR));
    if (more && watchingHangUp_) rearm();
    return;
  }
  if (n < 0 && errno == EAGAIN) {
    if (tls_ && tls_->readWantsWrite() && !writeArmed_) {
      writeArmed_ = true;  // TLS must send before it can read on
      updateInterest();
    }
    return;
  }
  if (n < 0 && errno == EINTR) return rearm();
  if (n < 0) error_ = static_cast<uint8_t>(errno);
  if (n == 0 && !output_.empty()) {
    // The peer half-closed but may still read: finish sending, then close.
    peerEof_ = true;
    closeAfterFlush();
    readingPaused_ = true;
    updateInterest();
    return;
  }
  close();  // EOF with nothing left to send, reset, or error
}

ssize_t TcpConnection::receive(std::span<uint8_t> buffer, bool& more) {
  if (!tls_) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    more = n == static_cast<ssize_t>(buffer.size());
    return n;
  }
  const TlsStream::Result result = tls_->read(buffer);
  // It stopped short of a whole record's room, or before an end it will report next.
  more = result.status == TlsStream::Status::kOk &&
         (result.bytes > buffer.size() - TlsStream::kMaxRecordPlaintext || tls_->endPending());
  return socketResult(result, true);
}

// One record per call where the queue's first blocks fit in one: small
// blocks are copied together (encryption copies them anyway), a block of a
// record or more is encrypted in place.
ssize_t TcpConnection::transmit(const iovec* iov, int count, size_t& offered) {
  if (!tls_) {
    for (int i = 0; i < count; ++i) offered += iov[i].iov_len;
    return sendVector(fd_, iov, count);
  }
  thread_local uint8_t record[TlsStream::kMaxRecordPlaintext];
  const uint8_t* data = static_cast<const uint8_t*>(iov[0].iov_base);
  size_t length = iov[0].iov_len;
  if (length < sizeof record) {
    length = 0;
    for (int i = 0; i < count && length < sizeof record; ++i) {
      const size_t take = std::min(iov[i].iov_len, sizeof record - length);
      std::memcpy(record + length, iov[i].iov_base, take);
      length += take;
    }
    data = record;
  }
  // Partial-write mode: OpenSSL sends one record per call and returns.
  offered = std::min(length, TlsStream::kMaxRecordPlaintext);
  return socketResult(tls_->write(data, length), false);
}

void TcpConnection::refusePlainText() {
  const std::string& reply = tls_->context().plainTextReply();
  [[maybe_unused]] const ssize_t n = ::send(fd_, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  tls_.reset();  // a plain socket from here on: what the peer sent is read and dropped
  output_.clear();
  closeAfterFlush();
}

void TcpConnection::shutdownWrite() {
  writeShutdown_ = true;
  if (tls_) tls_->sendCloseNotify();
  ::shutdown(fd_, SHUT_WR);
}

TcpConnection::WriteResult TcpConnection::writeOut() {
  iovec iov[kIovecsPerWrite];
  for (int round = 0; round < kWritesPerFlush && !output_.empty(); ++round) {
    const int count = output_.fillIovecs(iov, kIovecsPerWrite);
    size_t offered = 0;
    const ssize_t n = transmit(iov, count, offered);
    if (n < 0) {
      if (errno == EAGAIN) return WriteResult::kPending;
      if (errno == EINTR) return WriteResult::kYielded;
      error_ = static_cast<uint8_t>(errno);
      return WriteResult::kFailed;
    }
    output_.consume(static_cast<size_t>(n));
    if (static_cast<size_t>(n) < offered) return WriteResult::kPending;
  }
  return output_.empty() ? WriteResult::kDrained : WriteResult::kYielded;
}

void TcpConnection::afterWrite(WriteResult result) {
  if (result == WriteResult::kFailed) return close();
  writeArmed_ = result != WriteResult::kDrained;
  if (result == WriteResult::kYielded && watchingOutput_) {
    rearm();  // already watching for EPOLLOUT: no new edge would come
    return;
  }
  updateInterest();
  if (result != WriteResult::kDrained) return;
  if (closing_ && peerEof_) return close();
  if (closing_ && !writeShutdown_) shutdownWrite();
  if (notifyDrain_ && !closing_) {
    notifyDrain_ = false;
    handler_->onStreamDrained();
  }
}

void TcpConnection::flush() {
  if (fd_ < 0 || writeArmed_) return;
  afterWrite(writeOut());
}

void TcpConnection::handleWritable() {
  if (fd_ < 0) return;
  if (tls_ && tls_->readWantsWrite()) {
    handleReadable(EPOLLIN);  // the read waited for room to send (a handshake message)
    if (fd_ < 0) return;
  }
  if (connecting_) {
    finishConnect();
    if (fd_ < 0 || output_.empty()) return;
  }
  afterWrite(writeOut());
}

void TcpConnection::closeAfterFlush() {
  if (fd_ < 0 || closing_) return;
  closing_ = true;
  // Keep reading (and discarding) so the peer's last bytes do not cause a reset.
  readingPaused_ = false;
  if (output_.empty()) shutdownWrite();
  updateInterest();
}

void TcpConnection::close() {
  if (fd_ < 0) return;
  loop_.remove(fd_, this);
  ::close(fd_);
  fd_ = -1;
  output_.clear();
  handler_->onStreamClosed();
}

}  // namespace chatd::reactor
