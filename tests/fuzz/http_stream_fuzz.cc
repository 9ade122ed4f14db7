// HttpParser with streamed bodies (stopAtBodies, streamBodyTo), as a
// connection with a streaming route drives it: every POST's body is
// streamed, every other body collected. The same stream fed whole and split
// must give the same requests, the same streamed bytes and the same ending.
//
// Input: byte 0 picks the chunking (see Splitter), the rest is the stream.
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/HttpParser.h"
#include "tests/fuzz/fuzz_util.h"

using namespace chatd::proto;
using chatd::fuzz::Splitter;

namespace {

struct Collector final : HttpBodySink {
  void onBody(std::string_view bytes) override { body.append(bytes); }
  std::string body;
};

struct Outcome {
  std::string log;  // each head and request, with collected bodies; the streamed bytes apart
  Collector streamed;
  HttpParser::Status end = HttpParser::Status::kNeedMore;
  int errorStatus = 0;
};

Outcome run(const char* data, size_t size, Splitter* splitter) {
  Outcome out;
  HttpLimits limits;
  limits.maxBodyBytes = 64;
  HttpParser parser(limits);
  parser.stopAtBodies(true);
  bool streaming = false;
  for (size_t start = 0; start < size && out.end == HttpParser::Status::kNeedMore;) {
    const size_t n = splitter ? splitter->next(size - start) : size - start;
    size_t pos = 0;
    while (out.end == HttpParser::Status::kNeedMore) {
      const HttpParser::Result r = parser.feed(data + start + pos, n - pos);
      FUZZ_CHECK(r.consumed <= n - pos);
      pos += r.consumed;
      if (r.status == HttpParser::Status::kNeedMore) break;
      if (r.status == HttpParser::Status::kHead) {
        const HttpRequest head = parser.takeRequest();
        FUZZ_CHECK(head.body.empty());
        out.log += "head " + head.method + " " + head.target + "\n";
        streaming = head.method == "POST";
        if (streaming) parser.streamBodyTo(&out.streamed);
        continue;
      }
      if (r.status == HttpParser::Status::kRequest) {
        const HttpRequest request = parser.takeRequest();
        FUZZ_CHECK(!streaming || request.body.empty());
        FUZZ_CHECK(request.body.size() <= limits.maxBodyBytes);
        out.log += "request " + request.method + " [" + request.body + "]\n";
        streaming = false;
        continue;
      }
      out.end = r.status;
      if (r.status == HttpParser::Status::kError) out.errorStatus = parser.errorStatus();
    }
    start += n;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  if (size == 0) return 0;
  const auto [whole, split] = chatd::fuzz::wholeAndSplit(input, size, run);
  FUZZ_CHECK(whole.end == split.end);
  // As in http_parser_fuzz: a split feed may see an over-limit token before
  // the byte that makes the request malformed, and stop earlier.
  if (whole.end != HttpParser::Status::kError) {
    FUZZ_CHECK(whole.log == split.log);
    FUZZ_CHECK(whole.streamed.body == split.streamed.body);
  }
  FUZZ_CHECK(whole.errorStatus == split.errorStatus || (whole.errorStatus == 400 && split.errorStatus != 0));
  return 0;
}
