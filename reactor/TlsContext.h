// TLS settings shared by every connection of one listener (server) or of one
// client: the certificate and key, protocol versions and ciphers, ALPN, the
// session-ticket keys, and the answer for a peer that speaks plain HTTP to
// the TLS port. Owns the OpenSSL context; each TlsStream it makes holds a
// reference to the context it was made with, so reload() swaps the pair for
// new handshakes while open connections keep theirs.
//
// Server policy: TLS 1.2 and 1.3 only, Mozilla's "intermediate" cipher list,
// ALPN http/1.1, no renegotiation, SNI accepted (one certificate serves every
// name), resumption by tickets only (no server-side session cache to bound).
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "reactor/TlsStream.h"
#include "reactor/TlsTicketKeys.h"

namespace chatd::reactor {

struct TlsServerOptions {
  std::string certFile;  // PEM: the certificate, then any chain
  std::string keyFile;   // PEM private key
  std::string ticketSecret;  // TlsTicketKeys' master; empty: a random one
  // Sent as is, unencrypted, to a peer whose first bytes are plain text
  // (an HTTP error chosen by the owner, which knows the protocol).
  std::string plainTextReply;
};

struct TlsClientOptions {
  std::string caFile;  // PEM; empty: the peer is not verified (load tests), unless systemCas
  bool systemCas = false;  // verify the peer against the system's trusted CAs
};

class TlsContext {
 public:
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Null with `error` naming the file and the problem: unreadable, not PEM,
  // a key that does not match the certificate, a certificate expired or not
  // yet valid.
  static std::unique_ptr<TlsContext> forServer(TlsServerOptions options, std::string& error);
  static std::unique_ptr<TlsContext> forClient(const TlsClientOptions& options, std::string& error);

  // Reads the certificate and key files again; on any problem keeps the
  // pair in use and says why. `summary` describes the pair now served.
  bool reload(std::string& error);
  // Subject, serial and expiry of the certificate in use.
  std::string summary() const { return summary_; }

  // A stream for an accepted socket, or for a connecting one (`serverName`
  // sent as SNI and checked against the certificate when verifying).
  std::unique_ptr<TlsStream> accept(int fd);
  std::unique_ptr<TlsStream> connect(int fd, const std::string& serverName);

  const std::string& plainTextReply() const { return plainTextReply_; }
  TlsTicketKeys& ticketKeys() { return ticketKeys_; }
  static TlsContext* of(SSL_CTX* ctx);

  // Handshake counters (for /metrics).
  void countHandshake(bool resumed) { ++(resumed ? resumedHandshakes_ : fullHandshakes_); }
  void countFailedHandshake() { ++failedHandshakes_; }
  uint64_t fullHandshakes() const { return fullHandshakes_; }
  uint64_t resumedHandshakes() const { return resumedHandshakes_; }
  uint64_t failedHandshakes() const { return failedHandshakes_; }

 private:
  TlsContext(TlsServerOptions options);
  SSL_CTX* buildServerContext(std::string& error, std::string& summary);
  std::unique_ptr<TlsStream> adopt(SSL* ssl, int fd);

  TlsServerOptions options_;
  TlsTicketKeys ticketKeys_;
  const std::string plainTextReply_;
  SSL_CTX* ctx_ = nullptr;
  std::string summary_;
  uint64_t fullHandshakes_ = 0;
  uint64_t resumedHandshakes_ = 0;
  uint64_t failedHandshakes_ = 0;
};

}  // namespace chatd::reactor
