#include "auth/ApiKeys.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

namespace chatd::auth {

namespace {

std::string_view trimmed(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

}  // namespace

ApiKeys::Digest ApiKeys::digestOf(std::string_view text) {
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

std::optional<ApiKeys> ApiKeys::parse(std::string_view text, std::string& error) {
  ApiKeys keys;
  size_t lineNumber = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = trimmed(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++lineNumber;
    if (line.empty() || line.front() == '#') continue;
    if (line.size() < kMinKeyBytes) {
      error = "line " + std::to_string(lineNumber) + ": an API key needs at least " + std::to_string(kMinKeyBytes) +
              " bytes";
      return std::nullopt;
    }
    if (keys.digests_.size() == kMaxKeys) {
      error = "more than " + std::to_string(kMaxKeys) + " API keys";
      return std::nullopt;
    }
    keys.digests_.push_back(digestOf(line));
  }
  if (keys.digests_.empty()) {
    error = "no API key in it";
    return std::nullopt;
  }
  return keys;
}

std::optional<ApiKeys> ApiKeys::load(const std::string& path, std::string& error, std::string& warning) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::optional<ApiKeys> keys = parse(text, error);
  if (!keys) {
    error = path + ": " + error;
    return std::nullopt;
  }
  keys->path_ = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    warning = path + " is readable by its group or others: chmod 600 it";
  }
  return keys;
}

bool ApiKeys::reload(std::string& error, std::string& warning) {
  std::optional<ApiKeys> fresh = load(path_, error, warning);
  if (!fresh) return false;
  digests_ = std::move(fresh->digests_);
  return true;
}

bool ApiKeys::accepts(std::string_view presented) const {
  const Digest digest = digestOf(presented);
  // Every key compared, whichever matches: the time does not say which.
  bool match = false;
  for (const Digest& key : digests_) match |= CRYPTO_memcmp(key.data(), digest.data(), digest.size()) == 0;
  return match;
}

}  // namespace chatd::auth
