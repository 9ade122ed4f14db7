#include "tests/support/JwtSigning.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include "proto/Base64Url.h"

namespace chatd::testing {

using proto::base64UrlEncode;

Pkey rsaKey(size_t bits) { return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits), EVP_PKEY_free); }
Pkey ecKey(const char* curve) { return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), EVP_PKEY_free); }

std::string toPem(EVP_PKEY* key, bool privateKey) {
  BIO* bio = BIO_new(BIO_s_mem());
  const int ok = privateKey ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
                            : PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem = ok == 1 ? std::string(data, static_cast<size_t>(length)) : "";
  BIO_free(bio);
  return pem;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, sizeof mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string signSha256(EVP_PKEY* key, std::string_view data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t length = 0;
  std::string sig;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestSign(ctx, nullptr, &length, in, data.size()) == 1) {
    sig.resize(length);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &length, in, data.size());
    sig.resize(length);
  }
  EVP_MD_CTX_free(ctx);
  return sig;
}

namespace {

// n - s for P-256's order n, into 32 bytes at `out`.
void negateS(const BIGNUM* s, unsigned char* out) {
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BIGNUM* negated = BN_new();
  BN_sub(negated, EC_GROUP_get0_order(group), s);
  BN_bn2binpad(negated, out, 32);
  BN_free(negated);
  EC_GROUP_free(group);
}

bool isHighS(const BIGNUM* s) {
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BIGNUM* half = BN_dup(EC_GROUP_get0_order(group));
  BN_rshift1(half, half);
  const bool high = BN_cmp(s, half) > 0;
  BN_free(half);
  EC_GROUP_free(group);
  return high;
}

}  // namespace

std::string derToRaw(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  std::string raw(64, '\0');
  if (!sig) return raw;
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32);
  const BIGNUM* s = ECDSA_SIG_get0_s(sig);
  if (isHighS(s)) {
    negateS(s, out + 32);
  } else {
    BN_bn2binpad(s, out + 32, 32);
  }
  ECDSA_SIG_free(sig);
  return raw;
}

std::string withOtherS(std::string_view raw) {
  std::string other(raw);
  if (raw.size() != 64) return other;
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  negateS(s, reinterpret_cast<unsigned char*>(other.data()) + 32);
  BN_free(s);
  return other;
}

std::string signingInput(std::string_view header, std::string_view payload) {
  return base64UrlEncode(header) + "." + base64UrlEncode(payload);
}

std::string withSignature(const std::string& input, std::string_view signature) {
  return input + "." + base64UrlEncode(signature);
}

std::string hsToken(std::string_view header, std::string_view payload, std::string_view secret) {
  const std::string input = signingInput(header, payload);
  return withSignature(input, hmacSha256(secret, input));
}

std::string pkToken(std::string_view header, std::string_view payload, EVP_PKEY* key, bool derEcdsa) {
  const std::string input = signingInput(header, payload);
  const std::string sig = signSha256(key, input);
  const bool ec = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC;
  return withSignature(input, ec && !derEcdsa ? derToRaw(sig) : sig);
}

}  // namespace chatd::testing
