// HttpParser's streamed bodies (stopAtBodies, streamBodyTo): the head comes
// first, the body goes to the sink whatever the split and the framing, and
// the next request is parsed as usual.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/HttpParser.h"

namespace chatd::proto {
namespace {

using Status = HttpParser::Status;

struct Collector final : HttpBodySink {
  void onBody(std::string_view bytes) override { body.append(bytes); }
  std::string body;
};

struct Outcome {
  std::vector<std::string> events;  // "head TARGET", "request TARGET [BODY]", "error STATUS"
  std::string streamed;
  bool operator==(const Outcome&) const = default;
};

// Feeds `raw` in chunks of `chunk` bytes; streams the bodies of POSTs to /upload.
Outcome run(std::string_view raw, size_t chunk, const HttpLimits& limits = {}) {
  HttpParser parser(limits);
  parser.stopAtBodies(true);
  Collector sink;
  Outcome out;
  for (size_t start = 0; start < raw.size(); start += chunk) {
    const std::string_view piece = raw.substr(start, chunk);
    size_t pos = 0;
    for (;;) {
      const HttpParser::Result r = parser.feed(piece.data() + pos, piece.size() - pos);
      pos += r.consumed;
      if (r.status == Status::kNeedMore) break;
      if (r.status == Status::kError) {
        out.events.push_back("error " + std::to_string(parser.errorStatus()));
        out.streamed = sink.body;
        return out;
      }
      const HttpRequest request = parser.takeRequest();
      if (r.status == Status::kHead) {
        out.events.push_back("head " + request.target);
        if (request.target == "/upload") parser.streamBodyTo(&sink);
      } else {
        out.events.push_back("request " + request.target + " [" + request.body + "]");
      }
    }
  }
  out.streamed = sink.body;
  return out;
}

Outcome runEverySize(std::string_view raw, const HttpLimits& limits = {}) {
  const Outcome whole = run(raw, raw.size(), limits);
  for (size_t chunk = 1; chunk < raw.size(); ++chunk) EXPECT_EQ(run(raw, chunk, limits), whole) << "chunks of " << chunk;
  return whole;
}

TEST(HttpParserStream, StreamsTheBodyOfTheRequestsTheCallerChooses) {
  const Outcome out = runEverySize(
      "POST /upload HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world"
      "POST /other HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
      "GET /plain HTTP/1.1\r\n\r\n");
  const std::vector<std::string> events = {"head /upload", "request /upload []", "head /other",
                                           "request /other [hi]", "request /plain []"};
  EXPECT_EQ(out.events, events);
  EXPECT_EQ(out.streamed, "hello world");
}

TEST(HttpParserStream, AStreamedChunkedBodyLosesItsFraming) {
  const Outcome out = runEverySize(
      "POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_EQ(out.streamed, "hello world");
  EXPECT_EQ(out.events.back(), "request /upload []");
}

TEST(HttpParserStream, TheBodyLimitBindsOnlyCollectedBodies) {
  HttpLimits limits;
  limits.maxBodyBytes = 4;
  EXPECT_EQ(runEverySize("POST /upload HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world", limits).streamed,
            "hello world");
  const std::vector<std::string> refused = {"head /other", "error 413"};
  EXPECT_EQ(runEverySize("POST /other HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world", limits).events, refused);
  EXPECT_EQ(runEverySize("POST /other HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", limits).events,
            refused);
}

TEST(HttpParserStream, ExpectContinueIsNotedOnceTheBodyIsWanted) {
  HttpParser parser({});
  parser.stopAtBodies(true);
  const std::string head = "POST /upload HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n";
  ASSERT_EQ(parser.feed(head.data(), head.size()).status, Status::kHead);
  EXPECT_FALSE(parser.takeExpectContinue());
  Collector sink;
  parser.streamBodyTo(&sink);
  EXPECT_EQ(parser.feed(head.data(), 0).status, Status::kNeedMore);
  EXPECT_TRUE(parser.takeExpectContinue());
  EXPECT_EQ(parser.feed("abc", 3).status, Status::kRequest);
  EXPECT_EQ(sink.body, "abc");
}

}  // namespace
}  // namespace chatd::proto
