// The keys that open the admin API (--api-key-file): one key per line, blank
// lines and lines starting with # ignored, surrounding spaces trimmed. Keeps
// only each key's SHA-256 digest, and compares a presented key by its digest
// with CRYPTO_memcmp against every key, so neither the time taken nor the
// keys' lengths tell an attacker how close a guess came. Owns the digests;
// reload() swaps them for the file's current keys (for SIGHUP).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::auth {

class ApiKeys {
 public:
  // Keys shorter than this are refused: a short key is guessable.
  static constexpr size_t kMinKeyBytes = 16;
  static constexpr size_t kMaxKeys = 1000;

  // The keys of `path`, or nullopt with `error` set (unreadable, no key, a key
  // too short, too many). `warning` is set when the file is readable by its
  // group or others.
  static std::optional<ApiKeys> load(const std::string& path, std::string& error, std::string& warning);
  // The keys of `text` (a file's contents); nullopt with `error` as load().
  static std::optional<ApiKeys> parse(std::string_view text, std::string& error);

  // Reads the file again; on failure keeps the keys it had and sets `error`.
  bool reload(std::string& error, std::string& warning);

  bool accepts(std::string_view presented) const;
  size_t size() const { return digests_.size(); }

 private:
  using Digest = std::array<uint8_t, 32>;
  static Digest digestOf(std::string_view text);

  std::string path_;
  std::vector<Digest> digests_;
};

}  // namespace chatd::auth
