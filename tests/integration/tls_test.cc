// chatd serving HTTPS and wss:// (--tls-cert, --tls-key) with certificates
// from a test CA made by the fixture: echo at every size and chat over TLS,
// resumption, the handshake deadline, a plain-HTTP request on the TLS port,
// a certificate swapped on SIGHUP under an open connection, and the pairs
// refused at start.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestCertificates.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certificates_.ok()) << certificates_.error();
    pair_ = certificates_.issue("server", 1);
    ASSERT_TRUE(certificates_.ok()) << certificates_.error();
  }

  std::vector<std::string> tlsArgs(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"--tls-cert", pair_.certFile, "--tls-key", pair_.keyFile};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // A wss:// WebSocket on `path`; the test fails if it does not open.
  bool openSecure(WsTestClient& client, int port, const std::string& path = "/echo", SSL_SESSION* resume = nullptr) {
    if (!client.connect(port)) return false;
    if (!client.secure(certificates_.caFile(), "localhost", resume)) {
      ADD_FAILURE() << client.tlsError();
      return false;
    }
    return client.upgrade(port, path).status == 101;
  }

  static void expectEcho(WsTestClient& client, const std::string& text) {
    ASSERT_TRUE(client.sendText(text));
    const auto frame = client.readFrame(10000);
    ASSERT_TRUE(frame) << "no echo of " << text.size() << " bytes";
    EXPECT_EQ(frame->opcode, 0x1);
    EXPECT_EQ(frame->payload.size(), text.size());
    EXPECT_TRUE(frame->payload == text) << "echo of " << text.size() << " bytes differs";
  }

  TestCertificates certificates_;
  CertificatePair pair_;
};

TEST_F(TlsTest, EchoesOverWssAtEverySize) {
  ChatdProcess chatd(tlsArgs({"--echo", "/echo", "--max-message", "2097152"}));
  WsTestClient client;
  ASSERT_TRUE(openSecure(client, chatd.port()));
  EXPECT_EQ(client.alpn(), "http/1.1");
  // Around the record size (16 KiB) and past the frame-length steps.
  for (size_t size : {0, 1, 125, 126, 16383, 16384, 16385, 65536, 1 << 20, 2 << 20}) {
    std::string text(size, 'a');
    for (size_t i = 0; i < size; i += 97) text[i] = static_cast<char>('a' + i % 26);
    expectEcho(client, text);
  }
  ASSERT_TRUE(client.sendClose(1000));
  EXPECT_EQ(client.readCloseCode(), 1000);
}

TEST_F(TlsTest, ChatsOverWss) {
  ChatdProcess chatd(chatdArgs(tlsArgs()));
  ChatClient ann(chatd.port(), "ann");
  ChatClient bob(chatd.port(), "bob");
  ann.useTls(certificates_.caFile());
  bob.useTls(certificates_.caFile());
  ann.connect(signUpOverTls(chatd.port(), certificates_.caFile(), "ann").token);
  bob.connect(signUpOverTls(chatd.port(), certificates_.caFile(), "bob").token);
  ann.join(kLobby);
  bob.join(kLobby);
  bob.drain();
  const Json ack = ann.sendMessage(kLobby, "over TLS", "c1");
  EXPECT_EQ(ack.type(), "ack") << ack;
  const Json message = bob.expect("message");
  EXPECT_EQ(message.string("data.content").value_or(""), "over TLS") << message;
}

// With --allow-origin set, chatd's own page (https://host) still opens its WebSocket.
TEST_F(TlsTest, TheOwnHttpsOriginMayOpenAWebSocketWhenOriginsAreListed) {
  ChatdProcess chatd(tlsArgs({"--echo", "/echo", "--allow-origin", "https://app.example"}));
  const std::string self = "127.0.0.1:" + std::to_string(chatd.port());  // the Host WsTestClient sends
  WsTestClient own;
  ASSERT_TRUE(own.connect(chatd.port()) && own.secure(certificates_.caFile())) << own.tlsError();
  EXPECT_EQ(own.upgrade(chatd.port(), "/echo", "Origin: https://" + self + "\r\n").status, 101);
  WsTestClient plainPage;
  ASSERT_TRUE(plainPage.connect(chatd.port()) && plainPage.secure(certificates_.caFile()));
  EXPECT_EQ(plainPage.upgrade(chatd.port(), "/echo", "Origin: http://" + self + "\r\n").status, 403);
}

TEST_F(TlsTest, ASecondConnectionResumesFromItsTicket) {
  ChatdProcess chatd(tlsArgs({"--echo", "/echo"}));
  WsTestClient first;
  ASSERT_TRUE(openSecure(first, chatd.port()));
  expectEcho(first, "the ticket arrives with the handshake's last flight");
  SSL_SESSION* session = first.session();
  ASSERT_NE(session, nullptr);
  WsTestClient second;
  const bool opened = openSecure(second, chatd.port(), "/echo", session);
  SSL_SESSION_free(session);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(second.resumed());
  const HttpReply metrics = httpsCall(chatd.port(), certificates_.caFile(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("chatd_tls_handshakes_total{result=\"resumed\"} 1"), std::string::npos) << metrics.body;
}

TEST_F(TlsTest, AStalledHandshakeIsClosedAtTheDeadline) {
  ChatdProcess chatd(tlsArgs({"--echo", "/echo", "--handshake-timeout", "1"}));
  WsTestClient client;
  ASSERT_TRUE(client.connect(chatd.port()));
  // The start of a ClientHello record, and then nothing.
  ASSERT_TRUE(client.sendRaw(std::string("\x16\x03\x01\x02\x00\x01", 6)));
  const auto start = steady_clock::now();
  EXPECT_TRUE(client.waitForEof(5000));
  const auto waited = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count();
  EXPECT_GE(waited, 800);
  EXPECT_LE(waited, 3000);
  // The server is still serving others.
  WsTestClient other;
  ASSERT_TRUE(openSecure(other, chatd.port()));
  expectEcho(other, "still here");
}

TEST_F(TlsTest, AConnectionInItsHandshakeIsCountedAsSuchInMetrics) {
  ChatdProcess chatd(tlsArgs());
  WsTestClient client;
  ASSERT_TRUE(client.connect(chatd.port()));
  ASSERT_TRUE(client.sendRaw(std::string("\x16\x03\x01\x02\x00\x01", 6)));  // a ClientHello begun
  const HttpReply metrics = httpsCall(chatd.port(), certificates_.caFile(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("\nchatd_connections{state=\"tls_handshake\"} 1\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("\nchatd_connections{state=\"http\"} 1\n"), std::string::npos) << metrics.body;  // the scrape's
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortHearsAClearErrorAndIsClosed) {
  ChatdProcess chatd(tlsArgs({"--echo", "/echo"}));
  WsTestClient client;
  ASSERT_TRUE(client.connect(chatd.port()));
  ASSERT_TRUE(client.sendRaw("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  const HttpReply reply = client.readHttpReply();
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("\"tls_required\""), std::string::npos) << reply.body;
  EXPECT_TRUE(client.waitForEof());
}

TEST_F(TlsTest, SighupSwapsTheCertificateUnderAnOpenConnection) {
  // chatd reads fixed paths; the test replaces what is in them.
  const std::string certFile = certificates_.directory() + "/live.pem";
  const std::string keyFile = certificates_.directory() + "/live.key";
  std::filesystem::copy_file(pair_.certFile, certFile);
  std::filesystem::copy_file(pair_.keyFile, keyFile);
  ChatdProcess chatd({"--echo", "/echo", "--tls-cert", certFile, "--tls-key", keyFile});
  WsTestClient open;
  ASSERT_TRUE(openSecure(open, chatd.port()));
  EXPECT_EQ(open.peerSerial(), "01");

  const CertificatePair next = certificates_.issue("next", 2);
  const auto replace = std::filesystem::copy_options::overwrite_existing;
  std::filesystem::copy_file(next.certFile, certFile, replace);
  std::filesystem::copy_file(next.keyFile, keyFile, replace);
  ASSERT_EQ(::kill(chatd.pid(), SIGHUP), 0);
  std::string serial;
  for (int attempt = 0; attempt < 50 && serial != "02"; ++attempt) {
    std::this_thread::sleep_for(milliseconds(100));
    WsTestClient fresh;
    if (openSecure(fresh, chatd.port())) serial = fresh.peerSerial();
  }
  EXPECT_EQ(serial, "02") << chatd.log();
  expectEcho(open, "the connection made before the reload still works");

  // A broken pair is refused and the one in use kept.
  std::filesystem::copy_file(pair_.keyFile, keyFile, replace);  // no longer the certificate's key
  ASSERT_EQ(::kill(chatd.pid(), SIGHUP), 0);
  std::this_thread::sleep_for(milliseconds(300));
  WsTestClient after;
  ASSERT_TRUE(openSecure(after, chatd.port()));
  EXPECT_EQ(after.peerSerial(), "02");
  EXPECT_NE(chatd.log().find("not reloaded"), std::string::npos) << chatd.log();
}

// What is offered, seen by OpenSSL's own client: TLS 1.1 is refused, and a
// TLS 1.2 client asking to renegotiate is told no.
TEST_F(TlsTest, OnlyTls12And13AreSpokenAndRenegotiationIsRefused) {
  ChatdProcess chatd(tlsArgs({"--echo", "/echo"}));
  const std::string connect = "openssl s_client -connect 127.0.0.1:" + std::to_string(chatd.port());
  const ProcessResult old = runProcess({"sh", "-c", connect + " -tls1_1 </dev/null 2>&1"}, 10000);
  EXPECT_NE(old.output.find("alert protocol version"), std::string::npos) << old.output;
  // "R" on its own line asks s_client to renegotiate.
  const ProcessResult renegotiate =
      runProcess({"sh", "-c", "(printf 'R\\n'; sleep 1) | " + connect + " -tls1_2 2>&1"}, 10000);
  EXPECT_NE(renegotiate.output.find("RENEGOTIATING"), std::string::npos) << renegotiate.output;
  EXPECT_NE(renegotiate.output.find("no renegotiation"), std::string::npos) << renegotiate.output;
  const ProcessResult modern = runProcess({"sh", "-c", connect + " -tls1_3 </dev/null 2>&1"}, 10000);
  EXPECT_NE(modern.output.find("TLSv1.3"), std::string::npos) << modern.output;
}

// chatd exits 1 with the reason instead of serving a pair no client would accept.
void expectRefusedAtStart(const CertificatePair& pair, const std::string& reason) {
  const ProcessResult result = runProcess(
      {ChatdProcess::binary(), "--listen", "127.0.0.1:0", "--echo", "/echo", "--tls-cert", pair.certFile, "--tls-key",
       pair.keyFile},
      10000);
  EXPECT_FALSE(result.timedOut) << "chatd started with a bad pair:\n" << result.output;
  EXPECT_TRUE(WIFEXITED(result.status) && WEXITSTATUS(result.status) == 1) << result.output;
  EXPECT_NE(result.output.find(reason), std::string::npos) << result.output;
}

TEST_F(TlsTest, AnExpiredCertificateIsRefusedAtStart) {
  expectRefusedAtStart(certificates_.issue("expired", 3, true), "the certificate has expired");
}

TEST_F(TlsTest, AKeyThatIsNotTheCertificatesIsRefusedAtStart) {
  const CertificatePair other = certificates_.issue("other", 4);
  expectRefusedAtStart({pair_.certFile, other.keyFile}, "does not match the certificate");
}

}  // namespace

}  // namespace chatd::testing
