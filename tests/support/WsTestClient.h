// A blocking, byte-exact client for tests: raw TCP with timeouts, the HTTP
// upgrade, and WebSocket frames built and read by hand so tests can send what
// a well-behaved client never would (unmasked frames, bad lengths, split
// bytes) and check every byte the server sends back. Server frames are decoded
// here independently of proto/WsFrameParser, so the two check each other.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/WsTypes.h"

namespace chatd::testing {

struct HttpReply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

struct ReceivedFrame {
  uint8_t opcode = 0;
  bool fin = false;
  uint8_t rsv = 0;  // RSV1-3 bits as 0..7
  bool masked = false;
  std::string payload;
  uint16_t closeCode() const;  // 1005 when the close payload is empty
};

class WsTestClient {
 public:
  WsTestClient() = default;
  ~WsTestClient();
  WsTestClient(const WsTestClient&) = delete;
  WsTestClient& operator=(const WsTestClient&) = delete;

  // Raw TCP. Returns false on failure.
  // `from`: the local address to connect from (another loopback address
  // stands for another client, e.g. "127.0.0.2"); the kernel's pick when null.
  bool connect(int port, const char* host = "127.0.0.1", const char* from = nullptr);
  // After connect(): a TLS handshake (blocking) trusting `caFile`'s CA and
  // checking the certificate names `serverName`; offers `resume` (from
  // session()) for resumption. False with the reason in tlsError().
  bool secure(const std::string& caFile, const std::string& serverName = "localhost", SSL_SESSION* resume = nullptr);
  bool secured() const { return ssl_ != nullptr; }
  // The TLS session (a reference the caller frees with SSL_SESSION_free), its
  // peer certificate's serial in hex, whether it was resumed, the ALPN chosen.
  SSL_SESSION* session() const;
  std::string peerSerial() const;
  bool resumed() const;
  std::string alpn() const;
  const std::string& tlsError() const { return tlsError_; }
  void close();
  bool sendRaw(std::string_view bytes);
  // Reads until `n` bytes are buffered (or timeout/EOF); returns false if not.
  bool fill(size_t n, int timeoutMs = 5000);
  // True once the server has closed the TCP connection (read returns 0 or a reset).
  bool waitForEof(int timeoutMs = 5000);

  HttpReply readHttpReply(int timeoutMs = 5000);
  // The status line and headers only, leaving any body buffered: for replies
  // that carry a Content-Length but no body (HEAD).
  HttpReply readHttpHead(int timeoutMs = 5000);
  // Sends a GET upgrade for `path` with extra header lines ("Name: value\r\n").
  HttpReply upgrade(int port, std::string_view path, std::string_view extraHeaders = {});
  // connect + upgrade; true when the server answered 101 with the right accept key.
  bool open(int port, std::string_view path = "/echo");

  // A client frame, masked unless `masked` is false.
  static std::string frame(uint8_t opcode, std::string_view payload, bool fin = true, bool masked = true,
                           uint8_t rsv = 0);
  bool sendFrame(uint8_t opcode, std::string_view payload, bool fin = true);
  bool sendText(std::string_view text) { return sendFrame(0x1, text); }
  bool sendBinary(std::string_view bytes) { return sendFrame(0x2, bytes); }
  bool sendClose(uint16_t code, std::string_view reason = {});

  std::optional<ReceivedFrame> readFrame(int timeoutMs = 5000);
  // Reads frames until a Close arrives; returns its code, or nullopt if the
  // connection ended without one.
  std::optional<uint16_t> readCloseCode(int timeoutMs = 5000);

  std::string& buffered() { return in_; }
  int fd() const { return fd_; }  // -1 when not connected

 private:
  // Bytes in or out, through TLS when secured. Like recv/send.
  ssize_t receiveSome(char* buffer, size_t size);
  ssize_t sendSome(const char* bytes, size_t size);

  int fd_ = -1;
  SSL_CTX* tlsContext_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string tlsError_;
  std::string in_;
  bool eof_ = false;
};

}  // namespace chatd::testing
