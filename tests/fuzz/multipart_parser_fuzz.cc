// MultipartParser as an upload drives it: the body in chunks as they might
// arrive from the socket. The same body fed whole must give the same events
// and the same ending: splitting may never change what is stored.
//
// Input: byte 0 picks the chunking (see Splitter), the rest is the body, with
// the boundary "XyZ".
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/MultipartParser.h"
#include "tests/fuzz/fuzz_util.h"

using namespace chatd::proto;
using chatd::fuzz::Splitter;

namespace {

// Every event as one string, checking that parts open and close in turn.
struct Recorder final : MultipartSink {
  void onPartBegin(const MultipartPart& part) override {
    FUZZ_CHECK(!inPart);
    inPart = true;
    log += "<" + part.name + "|" + part.filename.value_or("-") + "|" + part.contentType + ">";
  }
  void onPartData(std::string_view bytes) override {
    FUZZ_CHECK(inPart);
    log.append(bytes);
  }
  void onPartEnd() override {
    FUZZ_CHECK(inPart);
    inPart = false;
    log += "</>";
  }
  std::string log;
  bool inPart = false;
};

struct Outcome {
  std::string log;
  MultipartParser::Status status;
};

Outcome run(const char* data, size_t size, Splitter* splitter) {
  MultipartParser parser("XyZ", 256);
  Recorder sink;
  MultipartParser::Status status = MultipartParser::Status::kMore;
  for (size_t start = 0; start < size;) {
    const size_t n = splitter ? splitter->next(size - start) : size - start;
    status = parser.feed(std::string_view(data + start, n), sink);
    FUZZ_CHECK(status == parser.status());
    start += n;
  }
  if (status == MultipartParser::Status::kError) FUZZ_CHECK(*parser.error() != '\0');
  return {sink.log, status};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  if (size == 0) return 0;
  const auto [whole, split] = chatd::fuzz::wholeAndSplit(input, size, run);
  FUZZ_CHECK(whole.status == split.status);
  FUZZ_CHECK(whole.log == split.log);
  (void)MultipartParser::boundaryOf(std::string_view(reinterpret_cast<const char*>(input), size));
  return 0;
}
