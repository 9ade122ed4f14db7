#include "tests/support/WsTestClient.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "proto/WsHandshake.h"

namespace chatd::testing {

namespace {

char lowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lowerChar(c);
  return out;
}

std::mt19937& rng() {
  static std::mt19937 gen(std::random_device{}());
  return gen;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<std::string> HttpReply::header(std::string_view name) const {
  const std::string lowerHead = lowered(head);
  const std::string needle = "\r\n" + lowered(name) + ":";
  const size_t at = lowerHead.find(needle);
  if (at == std::string::npos) return std::nullopt;
  size_t start = at + needle.size();
  const size_t end = head.find("\r\n", start);
  while (start < end && head[start] == ' ') ++start;
  return head.substr(start, end - start);
}

uint16_t ReceivedFrame::closeCode() const {
  if (payload.size() < 2) return proto::close_code::kNoStatus;
  return static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
}

WsTestClient::~WsTestClient() { close(); }

bool WsTestClient::connect(int port, const char* host, const char* from) {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  if (from != nullptr) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from, &local.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) {
      close();
      return false;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host, &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    close();
    return false;
  }
  const int on = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  in_.clear();
  eof_ = false;
  return true;
}

bool WsTestClient::secure(const std::string& caFile, const std::string& serverName, SSL_SESSION* resume) {
  const auto fail = [this](const std::string& what) {
    char text[256] = "";
    ERR_error_string_n(ERR_get_error(), text, sizeof text);
    tlsError_ = what + ": " + text;
    return false;
  };
  tlsContext_ = SSL_CTX_new(TLS_client_method());
  if (!tlsContext_ || SSL_CTX_load_verify_locations(tlsContext_, caFile.c_str(), nullptr) != 1) {
    return fail("cannot load " + caFile);
  }
  SSL_CTX_set_verify(tlsContext_, SSL_VERIFY_PEER, nullptr);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(tlsContext_, kAlpn, sizeof kAlpn);
  ssl_ = SSL_new(tlsContext_);
  SSL_set_fd(ssl_, fd_);
  in_addr address;
  if (inet_pton(AF_INET, serverName.c_str(), &address) == 1) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), serverName.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, serverName.c_str());
    SSL_set1_host(ssl_, serverName.c_str());
  }
  if (resume) SSL_set_session(ssl_, resume);
  if (SSL_connect(ssl_) != 1) return fail("TLS handshake");
  // From here reads must not block inside OpenSSL: a readable socket may
  // hold only a record that carries no data (a session ticket).
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);  // a socket BIO writes with write(): a closed peer would raise it
  return true;
}

SSL_SESSION* WsTestClient::session() const { return ssl_ ? SSL_get1_session(ssl_) : nullptr; }

std::string WsTestClient::peerSerial() const {
  X509* cert = ssl_ ? SSL_get0_peer_certificate(ssl_) : nullptr;
  if (!cert) return {};
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(serial);
  std::string text(hex);
  OPENSSL_free(hex);
  BN_free(serial);
  return text;
}

bool WsTestClient::resumed() const { return ssl_ && SSL_session_reused(ssl_) == 1; }

std::string WsTestClient::alpn() const {
  const unsigned char* name = nullptr;
  unsigned int length = 0;
  if (ssl_) SSL_get0_alpn_selected(ssl_, &name, &length);
  return name ? std::string(reinterpret_cast<const char*>(name), length) : "";
}

ssize_t WsTestClient::receiveSome(char* buffer, size_t size) {
  if (!ssl_) return ::recv(fd_, buffer, size, 0);
  ERR_clear_error();
  const int n = SSL_read(ssl_, buffer, static_cast<int>(size));
  if (n > 0) return n;
  const int error = SSL_get_error(ssl_, n);
  if (error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && errno == 0)) return 0;
  if (error == SSL_ERROR_WANT_READ) {
    errno = EAGAIN;
    return -1;
  }
  errno = EPROTO;
  return -1;
}

ssize_t WsTestClient::sendSome(const char* bytes, size_t size) {
  if (!ssl_) return ::send(fd_, bytes, size, MSG_NOSIGNAL);
  for (;;) {  // the socket is non-blocking: wait as a blocking send would (same arguments on retry)
    ERR_clear_error();
    const int n = SSL_write(ssl_, bytes, static_cast<int>(size));
    if (n > 0) return n;
    const int error = SSL_get_error(ssl_, n);
    if (error != SSL_ERROR_WANT_WRITE && error != SSL_ERROR_WANT_READ) break;
    pollfd p{fd_, static_cast<short>(error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN), 0};
    if (::poll(&p, 1, 5000) <= 0) break;
  }
  errno = EPIPE;
  return -1;
}

void WsTestClient::close() {
  SSL_free(ssl_);
  ssl_ = nullptr;
  SSL_CTX_free(tlsContext_);
  tlsContext_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool WsTestClient::sendRaw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = sendSome(bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool WsTestClient::fill(size_t n, int timeoutMs) {
  const int64_t deadline = nowMs() + timeoutMs;
  while (in_.size() < n && !eof_ && fd_ >= 0) {
    const int64_t left = deadline - nowMs();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const bool decrypted = ssl_ && SSL_pending(ssl_) > 0;  // already read from the socket
    if (!decrypted && ::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[65536];
    const ssize_t got = receiveSome(buf, sizeof buf);
    if (got > 0) {
      in_.append(buf, static_cast<size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      eof_ = true;
    }
  }
  return in_.size() >= n;
}

bool WsTestClient::waitForEof(int timeoutMs) {
  const int64_t deadline = nowMs() + timeoutMs;
  while (!eof_ && fd_ >= 0 && nowMs() < deadline) {
    fill(in_.size() + 1, static_cast<int>(std::max<int64_t>(1, deadline - nowMs())));
  }
  return eof_;
}

HttpReply WsTestClient::readHttpHead(int timeoutMs) {
  HttpReply reply;
  const int64_t deadline = nowMs() + timeoutMs;
  size_t end;
  while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
    if (nowMs() >= deadline || !fill(in_.size() + 1, static_cast<int>(deadline - nowMs()))) return reply;
  }
  reply.head = in_.substr(0, end + 2);
  in_.erase(0, end + 4);
  reply.status = std::atoi(reply.head.c_str() + 9);
  return reply;
}

HttpReply WsTestClient::readHttpReply(int timeoutMs) {
  const int64_t deadline = nowMs() + timeoutMs;
  HttpReply reply = readHttpHead(timeoutMs);
  if (auto length = reply.header("Content-Length")) {
    const size_t n = std::strtoul(length->c_str(), nullptr, 10);
    fill(n, static_cast<int>(std::max<int64_t>(1, deadline - nowMs())));
    reply.body = in_.substr(0, n);
    in_.erase(0, std::min(n, in_.size()));
  }
  return reply;
}

HttpReply WsTestClient::upgrade(int port, std::string_view path, std::string_view extraHeaders) {
  std::string request = "GET " + std::string(path) +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  request += extraHeaders;
  request += "\r\n";
  sendRaw(request);
  return readHttpReply();
}

bool WsTestClient::open(int port, std::string_view path) {
  if (!connect(port)) return false;
  const HttpReply reply = upgrade(port, path);
  return reply.status == 101 && reply.header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
}

std::string WsTestClient::frame(uint8_t opcode, std::string_view payload, bool fin, bool masked, uint8_t rsv) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F)));
  const uint8_t maskBit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(maskBit | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(maskBit | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(maskBit | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((uint64_t{payload.size()} >> (8 * i)) & 0xFF));
  }
  uint8_t key[4] = {0, 0, 0, 0};
  if (masked) {
    const uint32_t r = rng()();
    std::memcpy(key, &r, 4);
    out.append(reinterpret_cast<char*>(key), 4);
  }
  const size_t start = out.size();
  out.append(payload);
  if (masked) {
    for (size_t i = 0; i < payload.size(); ++i) out[start + i] = static_cast<char>(out[start + i] ^ key[i & 3]);
  }
  return out;
}

bool WsTestClient::sendFrame(uint8_t opcode, std::string_view payload, bool fin) {
  return sendRaw(frame(opcode, payload, fin));
}

bool WsTestClient::sendClose(uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return sendFrame(0x8, payload);
}

std::optional<ReceivedFrame> WsTestClient::readFrame(int timeoutMs) {
  const int64_t deadline = nowMs() + timeoutMs;
  auto need = [&](size_t n) { return fill(n, static_cast<int>(std::max<int64_t>(1, deadline - nowMs()))); };
  if (!need(2)) return std::nullopt;
  const auto b0 = static_cast<uint8_t>(in_[0]);
  const auto b1 = static_cast<uint8_t>(in_[1]);
  size_t headerLength = 2;
  uint64_t length = b1 & 0x7F;
  if (length == 126) {
    if (!need(4)) return std::nullopt;
    length = (uint64_t{static_cast<uint8_t>(in_[2])} << 8) | static_cast<uint8_t>(in_[3]);
    headerLength = 4;
  } else if (length == 127) {
    if (!need(10)) return std::nullopt;
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | static_cast<uint8_t>(in_[2 + i]);
    headerLength = 10;
  }
  const bool masked = b1 & 0x80;
  if (masked) headerLength += 4;
  if (!need(headerLength + length)) return std::nullopt;
  ReceivedFrame frame;
  frame.opcode = b0 & 0x0F;
  frame.fin = b0 & 0x80;
  frame.rsv = (b0 >> 4) & 7;
  frame.masked = masked;
  frame.payload = in_.substr(headerLength, length);
  in_.erase(0, headerLength + length);
  return frame;
}

std::optional<uint16_t> WsTestClient::readCloseCode(int timeoutMs) {
  const int64_t deadline = nowMs() + timeoutMs;
  while (nowMs() < deadline) {
    auto frame = readFrame(static_cast<int>(std::max<int64_t>(1, deadline - nowMs())));
    if (!frame) return std::nullopt;
    if (frame->opcode == 0x8) return frame->closeCode();
  }
  return std::nullopt;
}

}  // namespace chatd::testing
