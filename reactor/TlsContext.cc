#include "reactor/TlsContext.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>

#include <cstring>

namespace chatd::reactor {

namespace {

// Mozilla's "intermediate" configuration (TLS 1.2 suites; TLS 1.3's are all acceptable).
constexpr const char* kCiphers12 =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";
// ALPN: the wire form of the one protocol chatd speaks.
constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

int exDataIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string lastOpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// http/1.1 when the client offers it; otherwise no ALPN at all (RFC 7301
// allows either; a client offering only h2 then hears HTTP/1.1's answer).
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outLength, const unsigned char* offered,
               unsigned int offeredLength, void*) {
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outLength, kHttp11, sizeof kHttp11, offered, offeredLength) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

std::string describe(X509* cert) {
  char subject[256];
  X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
  std::string text = std::string("subject ") + subject;
  if (BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(serial)) {
      text += ", serial " + std::string(hex);
      OPENSSL_free(hex);
    }
    BN_free(serial);
  }
  if (BIO* out = BIO_new(BIO_s_mem())) {
    ASN1_TIME_print(out, X509_get0_notAfter(cert));
    char* bytes = nullptr;
    const long length = BIO_get_mem_data(out, &bytes);
    text += ", expires " + std::string(bytes, static_cast<size_t>(length));
    BIO_free(out);
  }
  return text;
}

// The checks OpenSSL does not make when loading: a pair must be usable now.
bool checkValidity(X509* cert, const std::string& file, std::string& error) {
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
    error = file + ": the certificate has expired (" + describe(cert) + ")";
    return false;
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
    error = file + ": the certificate is not valid yet (" + describe(cert) + ")";
    return false;
  }
  return true;
}

void applyCommonSettings(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Buffers go back to the allocator whenever they are empty: an idle
  // connection keeps keys, not 2 x 16 KiB of records. Partial writes return
  // after each record, so a large queue drains as the socket takes it.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
}

}  // namespace

TlsContext::TlsContext(TlsServerOptions options)
    : options_(std::move(options)),
      ticketKeys_(options_.ticketSecret.empty() ? TlsTicketKeys::newSecret() : options_.ticketSecret),
      plainTextReply_(options_.plainTextReply) {}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsContext* TlsContext::of(SSL_CTX* ctx) { return static_cast<TlsContext*>(SSL_CTX_get_ex_data(ctx, exDataIndex())); }

SSL_CTX* TlsContext::buildServerContext(std::string& error, std::string& summary) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) {
    error = "cannot create a TLS context: " + lastOpenSslError();
    return nullptr;
  }
  const auto fail = [&](std::string why) {
    error = std::move(why);
    SSL_CTX_free(ctx);
    return nullptr;
  };
  applyCommonSettings(ctx);
  SSL_CTX_set_ex_data(ctx, exDataIndex(), this);
  if (SSL_CTX_set_cipher_list(ctx, kCiphers12) != 1 || SSL_CTX_set1_groups_list(ctx, kGroups) != 1) {
    return fail("cannot set the TLS ciphers: " + lastOpenSslError());
  }
  SSL_CTX_set_dh_auto(ctx, 1);
  if (SSL_CTX_use_certificate_chain_file(ctx, options_.certFile.c_str()) != 1) {
    return fail(options_.certFile + ": cannot load the certificate: " + lastOpenSslError());
  }
  const bool keyLoaded = SSL_CTX_use_PrivateKey_file(ctx, options_.keyFile.c_str(), SSL_FILETYPE_PEM) == 1;
  if (!keyLoaded && ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
    return fail(options_.keyFile + ": cannot load the private key: " + lastOpenSslError());
  }
  if (!keyLoaded || SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return fail(options_.keyFile + ": the private key does not match the certificate in " + options_.certFile);
  }
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (!checkValidity(cert, options_.certFile, error)) return fail(error);
  summary = describe(cert);
  SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, nullptr);
  // Stateless resumption only: tickets sealed by TlsTicketKeys, one per
  // handshake (TLS 1.3 sends two by default), and no session cache to grow.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 1);
  SSL_CTX_set_timeout(ctx, static_cast<long>(TlsTicketKeys::kPeriodSeconds));
  TlsTicketKeys::install(ctx);
  return ctx;
}

std::unique_ptr<TlsContext> TlsContext::forServer(TlsServerOptions options, std::string& error) {
  std::unique_ptr<TlsContext> context(new TlsContext(std::move(options)));
  if (context->ticketKeys_.secretMissing()) {
    error = "no randomness for the TLS ticket keys";
    return nullptr;
  }
  context->ctx_ = context->buildServerContext(error, context->summary_);
  if (!context->ctx_) return nullptr;
  return context;
}

std::unique_ptr<TlsContext> TlsContext::forClient(const TlsClientOptions& options, std::string& error) {
  std::unique_ptr<TlsContext> context(new TlsContext(TlsServerOptions{}));
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    error = "cannot create a TLS context: " + lastOpenSslError();
    return nullptr;
  }
  context->ctx_ = ctx;
  applyCommonSettings(ctx);
  SSL_CTX_set_ex_data(ctx, exDataIndex(), context.get());
  if (SSL_CTX_set_alpn_protos(ctx, kHttp11, sizeof kHttp11) != 0) {
    error = "cannot set ALPN: " + lastOpenSslError();
    return nullptr;
  }
  if (!options.caFile.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, options.caFile.c_str(), nullptr) != 1) {
      error = options.caFile + ": cannot load the CA: " + lastOpenSslError();
      return nullptr;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else if (options.systemCas) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      error = "cannot load the system's trusted CAs: " + lastOpenSslError();
      return nullptr;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  return context;
}

bool TlsContext::reload(std::string& error) {
  std::string summary;
  SSL_CTX* fresh = buildServerContext(error, summary);
  if (!fresh) return false;
  SSL_CTX_free(ctx_);  // streams made with it keep it alive until they end
  ctx_ = fresh;
  summary_ = std::move(summary);
  return true;
}

std::unique_ptr<TlsStream> TlsContext::adopt(SSL* ssl, int fd) {
  if (!ssl) return nullptr;
  if (SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  return std::make_unique<TlsStream>(*this, ssl);
}

std::unique_ptr<TlsStream> TlsContext::accept(int fd) {
  SSL* ssl = SSL_new(ctx_);
  if (ssl) SSL_set_accept_state(ssl);
  return adopt(ssl, fd);
}

std::unique_ptr<TlsStream> TlsContext::connect(int fd, const std::string& serverName) {
  SSL* ssl = SSL_new(ctx_);
  if (!ssl) return nullptr;
  SSL_set_connect_state(ssl);
  if (!serverName.empty()) {
    // SNI names a host, never an address (RFC 6066 §3); either is checked against the certificate.
    in6_addr address;
    const bool literal = inet_pton(AF_INET, serverName.c_str(), &address) == 1 ||
                         inet_pton(AF_INET6, serverName.c_str(), &address) == 1;
    if (!literal) SSL_set_tlsext_host_name(ssl, serverName.c_str());
    if (SSL_CTX_get_verify_mode(ctx_) != SSL_VERIFY_NONE) {
      if (literal) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName.c_str());
      else SSL_set1_host(ssl, serverName.c_str());
    }
  }
  return adopt(ssl, fd);
}

}  // namespace chatd::reactor
