#include "reactor/TlsStream.h"

#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "reactor/TlsContext.h"

namespace chatd::reactor {

namespace {
// The first byte of every TLS connection: a handshake record (RFC 8446 §5.1).
constexpr uint8_t kHandshakeRecord = 0x16;
}  // namespace

TlsStream::~TlsStream() { SSL_free(ssl_); }

bool TlsStream::peerSpeaksPlainText(int fd) {
  uint8_t first = 0;
  const ssize_t n = ::recv(fd, &first, 1, MSG_PEEK);
  if (n != 1) return false;  // nothing yet, or the end: the TLS calls say which
  started_ = true;
  // An HTTP method starts with a capital letter; anything else that is not a
  // handshake is left to OpenSSL to refuse.
  return first != kHandshakeRecord && first >= 'A' && first <= 'Z';
}

void TlsStream::noteHandshakeDone() {
  if (established_ || !SSL_is_init_finished(ssl_)) return;
  established_ = true;
  context_.countHandshake(SSL_session_reused(ssl_) == 1);
}

TlsStream::Result TlsStream::failed(int returned) {
  const int error = SSL_get_error(ssl_, returned);
  switch (error) {
    case SSL_ERROR_WANT_READ:
      return {Status::kWantRead, 0};
    case SSL_ERROR_WANT_WRITE:
      return {Status::kWantWrite, 0};
    case SSL_ERROR_ZERO_RETURN:
      return {Status::kEnd, 0};
    case SSL_ERROR_SYSCALL:
      // errno 0: the peer closed the socket without close_notify.
      if (errno == 0) return {Status::kEnd, 0};
      break;
    default:
      break;
  }
  if (!established_) context_.countFailedHandshake();
  return {Status::kFailed, 0};
}

TlsStream::Result TlsStream::read(std::span<uint8_t> buffer) {
  readWantsWrite_ = false;
  if (deferred_ != Status::kOk) return {deferred_, 0};
  size_t got = 0;
  while (buffer.size() - got >= kMaxRecordPlaintext) {
    ERR_clear_error();  // SSL_get_error reads the thread's queue: start it empty
    errno = 0;
    const int room = static_cast<int>(std::min<size_t>(buffer.size() - got, INT_MAX));
    const int n = SSL_read(ssl_, buffer.data() + got, room);
    noteHandshakeDone();
    if (n > 0) {
      got += static_cast<size_t>(n);
      continue;
    }
    const Result result = failed(n);
    readWantsWrite_ = result.status == Status::kWantWrite;
    if (got == 0) return result;
    if (result.status == Status::kEnd || result.status == Status::kFailed) deferred_ = result.status;
    return {Status::kOk, got};
  }
  return {Status::kOk, got};
}

TlsStream::Result TlsStream::write(const uint8_t* data, size_t length) {
  writeWantsRead_ = false;
  ERR_clear_error();
  errno = 0;
  const int n = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(length, INT_MAX)));
  noteHandshakeDone();
  if (n > 0) return {Status::kOk, static_cast<size_t>(n)};
  const Result result = failed(n);
  writeWantsRead_ = result.status == Status::kWantRead;
  return result;
}

void TlsStream::sendCloseNotify() {
  if (!established_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // one call: sends ours, does not wait for theirs
}

}  // namespace chatd::reactor
