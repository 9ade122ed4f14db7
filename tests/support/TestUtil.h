// Small helpers shared by the integration tests: payloads of exact sizes,
// a stopwatch, and polling with a deadline instead of fixed sleeps.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

namespace chatd::testing {

// Every byte value in turn, so a lost, doubled or reordered byte shows.
inline std::string binaryPayload(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
  return out;
}

// Valid UTF-8 of exactly `n` bytes mixing 1-, 2-, 3- and 4-byte code points,
// so a message split anywhere cuts some character in the middle.
inline std::string textPayload(size_t n) {
  static const std::string kPieces[] = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "Z"};
  std::string out;
  out.reserve(n);
  for (size_t i = 0;; ++i) {
    const std::string& piece = kPieces[i % 5];
    if (out.size() + piece.size() > n) break;
    out += piece;
  }
  out.append(n - out.size(), 'x');
  return out;
}

class Stopwatch {
 public:
  int64_t elapsedMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// How many times `what` occurs in `text` (a log, say).
inline size_t occurrences(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// Polls `condition` every few milliseconds until it holds or `timeoutMs` passes.
template <typename Condition>
bool eventually(Condition condition, int timeoutMs = 5000) {
  const Stopwatch watch;
  while (!condition()) {
    if (watch.elapsedMs() >= timeoutMs) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace chatd::testing
