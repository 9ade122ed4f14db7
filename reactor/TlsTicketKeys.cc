#include "reactor/TlsTicketKeys.h"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <ctime>

#include "reactor/TlsContext.h"

namespace chatd::reactor {

namespace {

// HMAC-SHA256(secret, label || period) truncated to out.size().
template <size_t N>
void derive(const std::string& secret, const char* label, uint64_t period, std::array<uint8_t, N>& out) {
  static_assert(N <= 32);
  uint8_t input[24] = {};
  const size_t labelLength = std::strlen(label);
  std::memcpy(input, label, labelLength);
  for (int i = 0; i < 8; ++i) input[labelLength + i] = static_cast<uint8_t>(period >> (56 - 8 * i));
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int digestLength = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), input, labelLength + 8, digest, &digestLength);
  std::memcpy(out.data(), digest, N);
}

int ticketCallback(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                   int sealing) {
  auto* context = TlsContext::of(SSL_get_SSL_CTX(ssl));
  if (!context) return -1;
  const auto now = static_cast<uint64_t>(std::time(nullptr));
  TlsTicketKeys& keys = context->ticketKeys();
  return sealing ? keys.seal(name, iv, cipher, mac, now) : keys.open(name, iv, cipher, mac, now);
}

}  // namespace

std::string TlsTicketKeys::newSecret() {
  std::string secret(kSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1) return {};
  return secret;
}

void TlsTicketKeys::install(SSL_CTX* ctx) { SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticketCallback); }

TlsTicketKeys::PeriodKey TlsTicketKeys::keyFor(uint64_t period) const {
  PeriodKey key;
  derive(secret_, "chatd name", period, key.name);
  derive(secret_, "chatd aes", period, key.cipherKey);
  derive(secret_, "chatd mac", period, key.macKey);
  return key;
}

bool TlsTicketKeys::setMacKey(EVP_MAC_CTX* mac, const PeriodKey& key) {
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<uint8_t*>(key.macKey.data()), key.macKey.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  return EVP_MAC_CTX_set_params(mac, params) == 1;
}

// 1: sealed. -1: failed (no ticket is issued).
int TlsTicketKeys::seal(uint8_t name[16], uint8_t* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, uint64_t nowSeconds) {
  const PeriodKey key = keyFor(nowSeconds / kPeriodSeconds);
  const EVP_CIPHER* aes = EVP_aes_256_cbc();
  if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(aes)) != 1) return -1;
  std::memcpy(name, key.name.data(), key.name.size());
  if (EVP_EncryptInit_ex(cipher, aes, nullptr, key.cipherKey.data(), iv) != 1) return -1;
  return setMacKey(mac, key) ? 1 : -1;
}

// 1: opened with the current key. 2: opened with the previous one (OpenSSL
// then issues a fresh ticket). 0: unknown or expired key (a full handshake).
int TlsTicketKeys::open(const uint8_t name[16], const uint8_t* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                        uint64_t nowSeconds) {
  const uint64_t current = nowSeconds / kPeriodSeconds;
  for (uint64_t age = 0; age < 2 && age <= current; ++age) {
    const PeriodKey key = keyFor(current - age);
    if (std::memcmp(name, key.name.data(), key.name.size()) != 0) continue;
    if (EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.cipherKey.data(), iv) != 1) return -1;
    if (!setMacKey(mac, key)) return -1;
    return age == 0 ? 1 : 2;
  }
  return 0;
}

}  // namespace chatd::reactor
