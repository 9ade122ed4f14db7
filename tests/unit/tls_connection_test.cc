// TcpConnection over TLS on a real loop: a server and a client connection of
// our own over a loopback pair with small socket buffers (so writes block
// mid-record and OpenSSL's retry rules are exercised), and a raw peer that
// speaks plain text to the TLS side.
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "reactor/TcpConnection.h"
#include "reactor/TlsContext.h"
#include "tests/unit/reactor_test_util.h"

namespace chatd::reactor {
namespace {

constexpr uint64_t kLimitMs = 5000;
constexpr int kSocketBufferBytes = 16 * 1024;

// A self-signed P-256 certificate for localhost in two temporary PEM files.
class SelfSigned {
 public:
  SelfSigned() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_set_pubkey(cert, key);
    X509_sign(cert, key, EVP_sha256());
    FILE* out = std::fopen(certFile.c_str(), "w");
    PEM_write_X509(out, cert);
    std::fclose(out);
    out = std::fopen(keyFile.c_str(), "w");
    PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(out);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~SelfSigned() {
    std::remove(certFile.c_str());
    std::remove(keyFile.c_str());
  }
  const std::string certFile = "/tmp/chatd-tls-unit-" + std::to_string(getpid()) + ".pem";
  const std::string keyFile = "/tmp/chatd-tls-unit-" + std::to_string(getpid()) + ".key";
};

// One end: what it received and how it ended. Frees itself once closed.
class End final : public StreamHandler {
 public:
  End(EventLoop& loop, int fd) : conn(loop, fd, 64 << 20, this), loop_(loop) {}
  void onStreamData(std::span<uint8_t> bytes) override {
    received.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (onData) onData();
  }
  void onStreamDrained() override {}
  void onStreamConnected() override {
    if (onConnected) onConnected();
  }
  void onStreamClosed() override {
    closed = true;
    closeError = conn.error();
    if (onClosed) onClosed();
  }
  TcpConnection conn;
  std::string received;
  bool closed = false;
  int closeError = -1;
  std::function<void()> onData, onConnected, onClosed;

 private:
  EventLoop& loop_;
};

// Position-dependent bytes: any loss, duplication or reordering shows.
std::string streamBytes(size_t from, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(((from + i) * 131 + ((from + i) >> 9)) & 0xFF);
  return s;
}

class TlsConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);
    std::string error;
    server_ = TlsContext::forServer({certs_.certFile, certs_.keyFile, {}, "plain text here\n"}, error);
    ASSERT_TRUE(server_) << error;
    client_ = TlsContext::forClient({}, error);
    ASSERT_TRUE(client_) << error;
  }

  // A server end and a client end over a fresh loopback pair with small buffers.
  void connectPair() {
    int fds[2];
    test::connectedPair(true, fds);
    for (int fd : fds) {
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
    }
    server = std::make_unique<End>(loop, fds[0]);
    client = std::make_unique<End>(loop, fds[1]);
    ASSERT_EQ(server->conn.startTls(*server_), 0);
    ASSERT_EQ(client->conn.startConnectingTls(*client_, "localhost"), 0);
  }

  SelfSigned certs_;
  std::unique_ptr<TlsContext> server_;
  std::unique_ptr<TlsContext> client_;
  EventLoop loop{4096};  // small: one read takes several calls
  std::unique_ptr<End> server;
  std::unique_ptr<End> client;
};

TEST_F(TlsConnectionTest, BytesCrossBothWaysAfterTheHandshake) {
  connectPair();
  client->onConnected = [&] { client->conn.send(BlockRef::copyOf("hello over tls")); };
  server->onData = [&] {
    if (server->received == "hello over tls") server->conn.send(BlockRef::copyOf("and back"));
  };
  client->onData = [&] {
    if (client->received == "and back") loop.stop();
  };
  test::runWithin(loop, kLimitMs);
  EXPECT_EQ(server->received, "hello over tls");
  EXPECT_EQ(client->received, "and back");
  EXPECT_EQ(server_->fullHandshakes(), 1u);
}

// Thousands of blocks of assorted sizes, queued at once: small ones go out
// together in one record, large ones a record at a time, and writes block
// mid-record on the small socket buffers; the reader sees every byte in order.
TEST_F(TlsConnectionTest, ALargeStreamOfAssortedBlocksArrivesWholeAndInOrder) {
  constexpr size_t kTotal = 6 << 20;
  connectPair();
  client->onConnected = [&] { client->conn.send(BlockRef::copyOf("go")); };
  server->onData = [&] {
    if (server->received != "go") return;
    for (size_t at = 0, i = 0; at < kTotal; ++i) {
      const size_t n = std::min(kTotal - at, i % 5 == 0 ? (i * 7919) % 70000 + 1 : (i * 31) % 300 + 1);
      server->conn.sendUnbounded(BlockRef::copyOf(streamBytes(at, n)));
      at += n;
    }
  };
  client->onData = [&] {
    if (client->received.size() >= kTotal) loop.stop();
  };
  test::runWithin(loop, 4 * kLimitMs);
  ASSERT_EQ(client->received.size(), kTotal);
  EXPECT_TRUE(client->received == streamBytes(0, kTotal)) << "the stream arrived altered";
}

TEST_F(TlsConnectionTest, CloseAfterFlushDeliversEverythingThenACleanEnd) {
  constexpr size_t kTotal = 1 << 20;
  connectPair();
  client->onConnected = [&] { client->conn.send(BlockRef::copyOf("go")); };
  server->onData = [&] {
    server->conn.send(BlockRef::copyOf(streamBytes(0, kTotal)));
    server->conn.closeAfterFlush();
  };
  client->onClosed = [&] { loop.stop(); };
  test::runWithin(loop, kLimitMs);
  EXPECT_EQ(client->received.size(), kTotal);
  EXPECT_TRUE(client->closed);
  EXPECT_EQ(client->closeError, 0) << "close_notify, then the end: not an error";
}

TEST_F(TlsConnectionTest, APeerSpeakingPlainTextHearsTheReplyAndTheEnd) {
  int fds[2];
  test::connectedPair(true, fds);
  server = std::make_unique<End>(loop, fds[0]);
  ASSERT_EQ(server->conn.startTls(*server_), 0);
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::write(fds[1], request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string reply;
  test::FnIoHandler peer;
  peer.readable = [&] {
    char buffer[256];
    ssize_t n;
    while ((n = ::read(fds[1], buffer, sizeof buffer)) > 0) reply.append(buffer, static_cast<size_t>(n));
    if (n == 0) loop.stop();
  };
  ASSERT_EQ(loop.add(fds[1], &peer, EPOLLIN), 0);
  test::runWithin(loop, kLimitMs);
  loop.remove(fds[1], &peer);
  ::close(fds[1]);
  EXPECT_EQ(reply, "plain text here\n");
  EXPECT_TRUE(server->closed || server->conn.closing());
}

TEST_F(TlsConnectionTest, AClientThatIsNotTlsFailsTheHandshakeAndIsCounted) {
  int fds[2];
  test::connectedPair(true, fds);
  server = std::make_unique<End>(loop, fds[0]);
  ASSERT_EQ(server->conn.startTls(*server_), 0);
  const std::string junk(64, '\x01');
  ASSERT_EQ(::write(fds[1], junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  server->onClosed = [&] { loop.stop(); };
  test::runWithin(loop, kLimitMs);
  ::close(fds[1]);
  EXPECT_TRUE(server->closed);
  EXPECT_NE(server->closeError, 0);
  EXPECT_EQ(server_->failedHandshakes(), 1u);
}

}  // namespace
}  // namespace chatd::reactor
