// The keys that seal TLS session tickets (stateless resumption), rotated by
// the clock: every period has its own key, derived from one master secret
// with HMAC-SHA256, so processes forked from one master (--workers) agree on
// every period's key without talking to each other, and a ticket from any of
// them resumes on all. New tickets are sealed with the current period's key;
// the previous period's key still opens old ones (which are then renewed),
// so a ticket lives one to two periods. Owns the master secret.
#pragma once

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <array>
#include <cstdint>
#include <string>

namespace chatd::reactor {

class TlsTicketKeys {
 public:
  static constexpr uint64_t kPeriodSeconds = 12 * 3600;
  static constexpr size_t kSecretBytes = 32;

  // `secret` of kSecretBytes (from newSecret()).
  explicit TlsTicketKeys(std::string secret) : secret_(std::move(secret)) {}
  // A fresh random master secret; empty if the system has no randomness.
  static std::string newSecret();
  bool secretMissing() const { return secret_.size() != kSecretBytes; }

  // Installs the ticket callback on `ctx`, whose ex-data must lead back here
  // (TlsContext sets it).
  static void install(SSL_CTX* ctx);

  // OpenSSL's ticket callback for this master (see SSL_CTX_set_tlsext_ticket_key_evp_cb).
  int seal(uint8_t name[16], uint8_t* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, uint64_t nowSeconds);
  int open(const uint8_t name[16], const uint8_t* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
           uint64_t nowSeconds);

 private:
  struct PeriodKey {
    std::array<uint8_t, 16> name;
    std::array<uint8_t, 32> cipherKey;
    std::array<uint8_t, 32> macKey;
  };
  PeriodKey keyFor(uint64_t period) const;
  static bool setMacKey(EVP_MAC_CTX* mac, const PeriodKey& key);

  std::string secret_;
};

}  // namespace chatd::reactor
