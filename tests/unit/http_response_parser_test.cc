// HttpResponseParser: each stream of answers is fed whole, split in two at
// every offset and byte by byte, and must give the same answers and end.
#include "proto/HttpResponseParser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chatd::proto {
namespace {

using Status = HttpResponseParser::Status;

struct Answers {
  std::vector<std::string> responses;  // "STATUS keep-alive|close [body]"
  bool error = false;
  bool ended = false;  // finish() completed an answer delimited by the end of the stream

  bool operator==(const Answers&) const = default;
};

void PrintTo(const Answers& a, std::ostream* os) {
  for (const std::string& r : a.responses) *os << "\n--- " << r;
  *os << "\n--- error " << a.error << ", ended " << a.ended;
}

std::string summary(const HttpResponseHead& head) {
  return std::to_string(head.status) + (head.keepAlive ? " keep-alive [" : " close [") + head.body + "]";
}

// Feeds `raw` in chunks that end at `cuts` (ascending), then ends the stream.
Answers parse(const std::string& raw, const std::vector<size_t>& cuts, size_t bodyKept = 512) {
  HttpResponseParser parser(bodyKept);
  Answers answers;
  size_t start = 0;
  for (size_t i = 0; i <= cuts.size() && !answers.error; ++i) {
    const size_t end = i < cuts.size() ? cuts[i] : raw.size();
    size_t pos = start;
    while (pos < end) {
      const auto result = parser.feed(raw.data() + pos, end - pos);
      pos += result.consumed;
      if (result.status == Status::kError) {
        answers.error = true;
        break;
      }
      if (result.status == Status::kResponse) answers.responses.push_back(summary(parser.take()));
    }
    start = end;
  }
  if (!answers.error && parser.finish()) {
    answers.ended = true;
    answers.responses.push_back(summary(parser.take()));
  }
  return answers;
}

// The same answers however the bytes arrive.
Answers parseEverySplit(const std::string& raw, size_t bodyKept = 512) {
  const Answers whole = parse(raw, {}, bodyKept);
  for (size_t cut = 1; cut < raw.size(); ++cut) {
    EXPECT_EQ(parse(raw, {cut}, bodyKept), whole) << "split at " << cut;
  }
  std::vector<size_t> everyByte;
  for (size_t i = 1; i < raw.size(); ++i) everyByte.push_back(i);
  EXPECT_EQ(parse(raw, everyByte, bodyKept), whole) << "byte by byte";
  return whole;
}

TEST(HttpResponseParser, AContentLengthAnswer) {
  const Answers a = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Other: y\r\n\r\nok");
  EXPECT_EQ(a.responses, std::vector<std::string>{"200 keep-alive [ok]"});
  EXPECT_FALSE(a.error);
}

TEST(HttpResponseParser, KeepAliveAnswersOneAfterTheOther) {
  const Answers a = parseEverySplit(
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"
      "HTTP/1.1 204 No Content\r\n\r\n"
      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(a.responses, (std::vector<std::string>{"500 keep-alive [boom]", "204 keep-alive []", "202 close []"}));
}

TEST(HttpResponseParser, AChunkedBody) {
  const Answers a = parseEverySplit(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: x\r\n\r\n");
  EXPECT_EQ(a.responses, std::vector<std::string>{"200 keep-alive [abcde]"});
}

TEST(HttpResponseParser, InterimAnswersAreSkipped) {
  const Answers a = parseEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx");
  EXPECT_EQ(a.responses, std::vector<std::string>{"201 keep-alive [x]"});
}

TEST(HttpResponseParser, HttpOneZeroClosesUnlessKeptAlive) {
  EXPECT_EQ(parseEverySplit("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").responses,
            std::vector<std::string>{"200 close []"});
  EXPECT_EQ(parseEverySplit("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").responses,
            std::vector<std::string>{"200 keep-alive []"});
}

TEST(HttpResponseParser, ABodyReadToTheEndOfTheStreamEndsWithIt) {
  const Answers a = parseEverySplit("HTTP/1.1 200 OK\r\n\r\nuntil the end");
  EXPECT_TRUE(a.ended);
  EXPECT_EQ(a.responses, std::vector<std::string>{"200 close [until the end]"});
}

TEST(HttpResponseParser, AnAnswerCutShortIsNoAnswer) {
  const Answers a = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
  EXPECT_TRUE(a.responses.empty());
  EXPECT_FALSE(a.ended);
  EXPECT_TRUE(parseEverySplit("HTTP/1.1 200 O").responses.empty());
}

TEST(HttpResponseParser, OnlyTheBodysFirstBytesAreKept) {
  const std::string body(1000, 'b');
  const Answers a = parseEverySplit("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 1000\r\n\r\n" + body, 16);
  EXPECT_EQ(a.responses, std::vector<std::string>{"502 keep-alive [" + std::string(16, 'b') + "]"});
}

TEST(HttpResponseParser, GarbageIsAnError) {
  EXPECT_TRUE(parseEverySplit("SSH-2.0-OpenSSH_9.2\r\n").error);
  EXPECT_TRUE(parseEverySplit("HTTP/1.1 abc OK\r\n\r\n").error);
  EXPECT_TRUE(parseEverySplit("HTTP/1.1 \n\r\nok").error) << "no status code";
  EXPECT_TRUE(parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").error);
  HttpResponseParser parser;
  const std::string bad = "nonsense\r\n";
  EXPECT_EQ(parser.feed(bad.data(), bad.size()).status, Status::kError);
  EXPECT_FALSE(parser.errorReason().empty());
  const std::string good = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(parser.feed(good.data(), good.size()).status, Status::kError) << "an error is final";
}

}  // namespace
}  // namespace chatd::proto
