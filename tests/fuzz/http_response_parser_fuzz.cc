// HttpResponseParser as HttpPostClient drives it: chunks as they might arrive
// from the socket, each answer taken and the rest fed again, the end of the
// stream completing an answer read to it.
//
// Input: byte 0 picks the chunking (see Splitter), the rest is the stream.
// The same stream fed whole must give the same answers and the same ending:
// splitting may never change what the client sees. A kept body never
// exceeds the limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/HttpResponseParser.h"
#include "tests/fuzz/fuzz_util.h"

using namespace chatd::proto;
using chatd::fuzz::Splitter;

namespace {

constexpr size_t kBodyKept = 64;

struct Outcome {
  std::vector<std::string> answers;
  bool error = false;
  bool ended = false;
  bool operator==(const Outcome&) const = default;
};

std::string summary(const HttpResponseHead& head) {
  FUZZ_CHECK(head.body.size() <= kBodyKept);
  FUZZ_CHECK(head.status >= 100 && head.status <= 999);
  return std::to_string(head.status) + (head.keepAlive ? "+" : "-") + head.body;
}

Outcome run(const uint8_t* data, size_t size, Splitter* splitter) {
  HttpResponseParser parser(kBodyKept);
  Outcome outcome;
  size_t pos = 0;
  while (pos < size && !outcome.error) {
    const size_t chunk = splitter ? splitter->next(size - pos) : size - pos;
    size_t at = pos;
    while (at < pos + chunk) {
      const auto result = parser.feed(reinterpret_cast<const char*>(data) + at, pos + chunk - at);
      FUZZ_CHECK(result.consumed <= pos + chunk - at);
      at += result.consumed;
      if (result.status == HttpResponseParser::Status::kError) {
        outcome.error = true;
        break;
      }
      if (result.status == HttpResponseParser::Status::kResponse) outcome.answers.push_back(summary(parser.take()));
      // kNeedMore consumes the whole chunk: no endless loop.
      if (result.status == HttpResponseParser::Status::kNeedMore) FUZZ_CHECK(at == pos + chunk);
    }
    pos += chunk;
  }
  if (!outcome.error && parser.finish()) {
    outcome.ended = true;
    outcome.answers.push_back(summary(parser.take()));
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Splitter splitter(data[0]);
  const Outcome split = run(data + 1, size - 1, &splitter);
  const Outcome whole = run(data + 1, size - 1, nullptr);
  FUZZ_CHECK(split == whole);
  return 0;
}
