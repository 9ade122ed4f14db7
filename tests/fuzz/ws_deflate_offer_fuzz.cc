// acceptDeflateOffer over arbitrary Sec-WebSocket-Extensions lines.
//
// Input: the header lines, separated by '\n'.
//
// 1. Never crashes; an accepted offer answers the base parameters, a window
//    of 8..15 bits, and a server_max_window_bits only when it was offered.
// 2. The answer, offered back, is accepted with the same answer: chatd never
//    answers what it would not accept.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/WsDeflateOffer.h"
#include "tests/fuzz/fuzz_util.h"

using namespace chatd::proto;

namespace {

constexpr std::string_view kBase = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

bool containsIgnoreCase(std::string_view text, std::string_view word) {
  for (size_t at = 0; at + word.size() <= text.size(); ++at) {
    size_t i = 0;
    while (i < word.size() && (text[at + i] | 0x20) == (word[i] | 0x20)) ++i;
    if (i == word.size()) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= input.size();) {
    const size_t end = std::min(input.find('\n', start), input.size());
    lines.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  const auto agreement = acceptDeflateOffer(lines);
  if (!agreement) return 0;
  FUZZ_CHECK(agreement->responseHeader.starts_with(kBase));
  FUZZ_CHECK(agreement->serverMaxWindowBits >= 8 && agreement->serverMaxWindowBits <= 15);
  FUZZ_CHECK(containsIgnoreCase(input, "permessage-deflate"));
  const bool windowAnswered = agreement->responseHeader.size() > kBase.size();
  FUZZ_CHECK(!windowAnswered || containsIgnoreCase(input, "server_max_window_bits"));
  FUZZ_CHECK(windowAnswered || agreement->serverMaxWindowBits == 15);

  const std::vector<std::string_view> answer = {agreement->responseHeader};
  const auto again = acceptDeflateOffer(answer);
  FUZZ_CHECK(again && again->responseHeader == agreement->responseHeader);
  FUZZ_CHECK(again->serverMaxWindowBits == agreement->serverMaxWindowBits);
  return 0;
}
