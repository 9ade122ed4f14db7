// One TLS session over a connected non-blocking socket: what TcpConnection
// reads and writes through when its listener (or its outgoing connection)
// speaks TLS. Owns the SSL object, which reads and writes the fd itself.
//
// The handshake is implicit: the first read (server) or write (client) runs
// it, and every call answers in the socket's own terms: bytes, "would block"
// (and on which direction, since TLS may need to write to read or read to
// write), end of stream, or failure. OpenSSL's buffers are released whenever
// they are empty (SSL_MODE_RELEASE_BUFFERS), so an idle session holds its
// keys but no record buffers (bench/RESULTS.md, "TLS").
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace chatd::reactor {

class TlsContext;

class TlsStream {
 public:
  // The largest plaintext one record carries (RFC 8446 §5.1).
  static constexpr size_t kMaxRecordPlaintext = 16384;

  enum class Status : uint8_t {
    kOk,         // `bytes` moved (maybe 0 for a write of nothing)
    kWantRead,   // wait until the socket is readable, then call again
    kWantWrite,  // wait until the socket is writable, then call again
    kEnd,        // the peer ended the stream (close_notify or EOF)
    kFailed,     // protocol error or socket error: close
  };
  struct Result {
    Status status;
    size_t bytes;
  };

  // Adopts `ssl`, already bound to the socket and set to accept or connect.
  TlsStream(TlsContext& context, SSL* ssl) : context_(context), ssl_(ssl) {}
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;
  ~TlsStream();

  // Reads records into `buffer` until the socket has no more, or until the
  // buffer cannot take a whole record. Stopping only there means OpenSSL
  // never holds decrypted bytes between calls: whatever is left is still in
  // the socket, where epoll sees it. kOk with `bytes` > 0 may carry a later
  // condition (end of stream, would block), which the next call reports.
  Result read(std::span<uint8_t> buffer);
  // Writes up to `length` bytes as records. After a would-block the next
  // call must offer at least the same bytes again (OpenSSL holds the record
  // it started), which a queue that only grows at its end does.
  Result write(const uint8_t* data, size_t length);
  // Sends close_notify, best effort (the socket is being shut down).
  void sendCloseNotify();

  // Before the first byte of the handshake arrives: true when the peer
  // speaks plain text (an HTTP request) to this TLS port. Peeks only.
  bool peerSpeaksPlainText(int fd);
  bool started() const { return started_; }
  bool established() const { return established_; }  // the handshake is done
  // The last read returned bytes and then met the end or an error, which the
  // next read reports without touching the socket.
  bool endPending() const { return deferred_ != Status::kOk; }
  TlsContext& context() const { return context_; }
  // The last read or write blocked on the other direction.
  bool readWantsWrite() const { return readWantsWrite_; }
  bool writeWantsRead() const { return writeWantsRead_; }

 private:
  Result failed(int returned);
  void noteHandshakeDone();

  TlsContext& context_;
  SSL* ssl_;
  Status deferred_ = Status::kOk;
  bool started_ = false;  // the peer's first byte has been looked at
  bool established_ = false;
  bool readWantsWrite_ = false;
  bool writeWantsRead_ = false;
};

}  // namespace chatd::reactor
