// HttpParser: every input is also fed split in two at every offset and byte
// by byte, and must give the same requests, stop at the same byte and fail
// with the same status.
#include "proto/HttpParser.h"

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

namespace chatd::proto {
namespace {

using Status = HttpParser::Status;

// Everything a request carries, as one comparable string.
std::string summary(const HttpRequest& r) {
  std::string out = r.method + " " + r.target + " HTTP/" + std::to_string(r.versionMajor) + "." + std::to_string(r.versionMinor) + "\n";
  for (const auto& [name, value] : r.headers) out += "[" + name + "]: [" + value + "]\n";
  out += "body [" + r.body + "]";
  out += r.keepAlive ? " keep-alive" : " close";
  if (r.upgrade) out += " upgrade";
  return out;
}

struct StreamResult {
  std::vector<std::string> requests;  // summary() of each request, in order
  Status last = Status::kNeedMore;    // kNeedMore when every byte was HTTP and taken
  size_t httpBytes = 0;               // where an Upgrade stopped the parser; the input size otherwise
  int errorStatus = 0;

  bool operator==(const StreamResult&) const = default;
};

void PrintTo(const StreamResult& r, std::ostream* os) {
  for (const std::string& s : r.requests) *os << "\n--- " << s;
  *os << "\n--- last status " << static_cast<int>(r.last) << ", http bytes " << r.httpBytes << ", error " << r.errorStatus;
}

// Feeds `raw` to a fresh parser in chunks ending at each of the ascending
// `cuts`, taking each request and feeding the rest, as a connection would.
StreamResult parseStream(std::string_view raw, std::span<const size_t> cuts, const HttpLimits& limits = {}) {
  HttpParser parser(limits);
  StreamResult result;
  size_t chunkStart = 0;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    const size_t chunkEnd = i < cuts.size() ? cuts[i] : raw.size();
    size_t pos = chunkStart;
    while (pos < chunkEnd) {
      const HttpParser::Result r = parser.feed(raw.data() + pos, chunkEnd - pos);
      EXPECT_LE(r.consumed, chunkEnd - pos);
      result.last = r.status;
      if (r.status == Status::kNeedMore) {
        EXPECT_EQ(r.consumed, chunkEnd - pos) << "kNeedMore takes every byte";
        break;
      }
      if (r.status == Status::kRequest) {
        EXPECT_GT(r.consumed, 0u);
        result.requests.push_back(summary(parser.takeRequest()));
        pos += r.consumed;
        continue;
      }
      if (r.status == Status::kUpgrade) {
        result.requests.push_back(summary(parser.takeRequest()));
        result.httpBytes = pos + r.consumed;
        const std::string more = "GET / HTTP/1.1\r\n\r\n";
        const HttpParser::Result again = parser.feed(more.data(), more.size());
        EXPECT_EQ(again.status, Status::kUpgrade) << "an upgrade is for good";
        EXPECT_EQ(again.consumed, 0u);
      } else {
        // Where an error is noticed depends on the split; its status does not.
        result.errorStatus = parser.errorStatus();
        EXPECT_FALSE(parser.errorReason().empty());
        const HttpParser::Result again = parser.feed("GET / HTTP/1.1\r\n\r\n", 18);
        EXPECT_EQ(again.status, Status::kError) << "an error is for good";
        EXPECT_EQ(again.consumed, 0u);
      }
      return result;
    }
    chunkStart = chunkEnd;
  }
  result.httpBytes = raw.size();
  return result;
}

StreamResult parseWhole(std::string_view raw, const HttpLimits& limits = {}) { return parseStream(raw, {}, limits); }

// Returns the whole-input result after checking every split agrees with it.
StreamResult expectSameInEverySplit(std::string_view raw, const HttpLimits& limits = {}) {
  const StreamResult whole = parseWhole(raw, limits);
  for (size_t cut = 1; cut < raw.size(); ++cut) {
    const size_t cuts[] = {cut};
    const StreamResult split = parseStream(raw, cuts, limits);
    if (split != whole) {
      ADD_FAILURE() << "split at " << cut << " differs";
      EXPECT_EQ(split, whole);
      return whole;
    }
  }
  std::vector<size_t> everyByte;
  for (size_t cut = 1; cut < raw.size(); ++cut) everyByte.push_back(cut);
  EXPECT_EQ(parseStream(raw, everyByte, limits), whole) << "byte by byte";
  return whole;
}

const std::string kSimpleGet =
    "GET /rooms/42?since=7 HTTP/1.1\r\n"
    "Host: chat.example\r\n"
    "User-Agent: test/1.0\r\n"
    "Accept: */*\r\n"
    "\r\n";

TEST(HttpParser, SimpleGet) {
  HttpParser parser({});
  EXPECT_FALSE(parser.midRequest());
  const HttpParser::Result r = parser.feed(kSimpleGet.data(), kSimpleGet.size());
  ASSERT_EQ(r.status, Status::kRequest);
  EXPECT_EQ(r.consumed, kSimpleGet.size());
  EXPECT_FALSE(parser.midRequest());
  const HttpRequest req = parser.takeRequest();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/rooms/42?since=7");
  EXPECT_EQ(req.versionMajor, 1);
  EXPECT_EQ(req.versionMinor, 1);
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"host", "chat.example"}, {"user-agent", "test/1.0"}, {"accept", "*/*"}};
  EXPECT_EQ(req.headers, headers);
  EXPECT_TRUE(req.body.empty());
  EXPECT_TRUE(req.keepAlive);
  EXPECT_FALSE(req.upgrade);
  expectSameInEverySplit(kSimpleGet);
}

// Names lower-cased; values as sent but without the whitespace around them.
TEST(HttpParser, HeaderNamesAreLowerCasedAndValuesKept) {
  const StreamResult r = expectSameInEverySplit(
      "GET / HTTP/1.1\r\nHOST: a\r\nContent-TYPE: Text/Plain\r\nX-Empty:\r\nX-Dup: 1\r\nx-dup: 2\r\n"
      "X-Space: \t a  b \t\r\nX-Blank:   \r\n\r\n");
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0],
            "GET / HTTP/1.1\n[host]: [a]\n[content-type]: [Text/Plain]\n[x-empty]: []\n[x-dup]: [1]\n[x-dup]: [2]\n"
            "[x-space]: [a  b]\n[x-blank]: []\nbody [] keep-alive");
}

TEST(HttpParser, KeepAlive) {
  struct Case {
    std::string request;
    int versionMinor;
    bool keepAlive;
  };
  const Case cases[] = {
      {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, true},
      {"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1, false},
      {"GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n", 1, false},
      {"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", 1, true},
      {"GET / HTTP/1.0\r\nHost: a\r\n\r\n", 0, false},
      {"GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", 0, true},
  };
  for (const Case& c : cases) {
    HttpParser parser({});
    ASSERT_EQ(parser.feed(c.request.data(), c.request.size()).status, Status::kRequest) << c.request;
    const HttpRequest req = parser.takeRequest();
    EXPECT_EQ(req.versionMajor, 1) << c.request;
    EXPECT_EQ(req.versionMinor, c.versionMinor) << c.request;
    EXPECT_EQ(req.keepAlive, c.keepAlive) << c.request;
  }
}

TEST(HttpParser, PipelinedRequestsComeOutOneAtATime) {
  const std::string first = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string second = "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  const std::string third = "GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  const std::string all = first + second + third;

  HttpParser parser({});
  size_t pos = 0;
  for (const std::string& expected : {first, second, third}) {
    const HttpParser::Result r = parser.feed(all.data() + pos, all.size() - pos);
    ASSERT_EQ(r.status, Status::kRequest);
    EXPECT_EQ(r.consumed, expected.size());
    pos += r.consumed;
    EXPECT_EQ(parser.takeRequest().target, expected.substr(expected.find('/'), expected.find(" HTTP") - expected.find('/')));
  }
  EXPECT_EQ(pos, all.size());

  const StreamResult r = expectSameInEverySplit(all);
  ASSERT_EQ(r.requests.size(), 3u);
  EXPECT_EQ(r.requests[1], "POST /two HTTP/1.1\n[host]: [a]\n[content-length]: [5]\nbody [hello] keep-alive");
  EXPECT_EQ(r.requests[2], "GET /three HTTP/1.1\n[host]: [a]\n[connection]: [close]\nbody [] close");
  EXPECT_EQ(r.last, Status::kRequest);
}

TEST(HttpParser, Bodies) {
  const StreamResult cl = expectSameInEverySplit("POST /m HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello\r\nbody");
  ASSERT_EQ(cl.requests.size(), 1u);
  EXPECT_NE(cl.requests[0].find("body [hello\r\nbody]"), std::string::npos) << cl.requests[0];

  const StreamResult chunked = expectSameInEverySplit(
      "POST /m HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n"
      "GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_EQ(chunked.requests.size(), 2u);
  EXPECT_NE(chunked.requests[0].find("body [Wikipedia in\r\n\r\nchunks.]"), std::string::npos) << chunked.requests[0];
  EXPECT_EQ(chunked.requests[1].substr(0, 9), "GET /next");
}

// Trailer fields are not headers: an Authorization sent after the body must
// not be taken for one (issue 11).
TEST(HttpParser, TrailerFieldsAreDropped) {
  const StreamResult chunked = expectSameInEverySplit(
      "POST /m HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n0\r\nAuthorization: Bearer stolen\r\nX-Other: 1\r\n\r\n"
      "GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_EQ(chunked.requests.size(), 2u);
  EXPECT_EQ(chunked.requests[0],
            "POST /m HTTP/1.1\n[host]: [a]\n[transfer-encoding]: [chunked]\nbody [Wiki] keep-alive");
  EXPECT_EQ(chunked.requests[1].substr(0, 9), "GET /next");
}

TEST(HttpParser, TwoHostFieldsAre400) {
  const StreamResult two = expectSameInEverySplit("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nhost: b\r\n\r\n");
  EXPECT_TRUE(two.requests.empty());
  EXPECT_EQ(two.errorStatus, 400);
}

TEST(HttpParser, ExpectContinueIsSignalledOnceBeforeTheBody) {
  HttpParser parser({});
  const std::string head = "POST /m HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n";
  ASSERT_EQ(parser.feed(head.data(), head.size()).status, Status::kNeedMore);
  EXPECT_TRUE(parser.takeExpectContinue());
  EXPECT_FALSE(parser.takeExpectContinue()) << "once";
  ASSERT_EQ(parser.feed("body", 4).status, Status::kRequest);
  EXPECT_EQ(parser.takeRequest().body, "body");

  // The body came with the head: nothing to wait for.
  const std::string whole = head + "body";
  ASSERT_EQ(parser.feed(whole.data(), whole.size()).status, Status::kRequest);
  EXPECT_FALSE(parser.takeExpectContinue());

  // No body, or no expectation: no 100 either.
  const std::string empty = "POST /m HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n";
  ASSERT_EQ(parser.feed(empty.data(), empty.size()).status, Status::kRequest);
  EXPECT_FALSE(parser.takeExpectContinue());
  const std::string plain = "POST /m HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n";
  ASSERT_EQ(parser.feed(plain.data(), plain.size()).status, Status::kNeedMore);
  EXPECT_FALSE(parser.takeExpectContinue());
}

TEST(HttpParser, ExpectContinueGivesWayToAnError) {
  HttpParser parser({});
  const std::string bad =
      "POST /m HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
  ASSERT_EQ(parser.feed(bad.data(), bad.size()).status, Status::kError);
  EXPECT_FALSE(parser.takeExpectContinue());
}

HttpLimits smallLimits() {
  HttpLimits limits;
  limits.maxUrlBytes = 16;
  limits.maxHeaderBytes = 64;  // URL, names and values, no separators
  limits.maxHeaderCount = 3;
  limits.maxBodyBytes = 10;
  return limits;
}

// A request with the given URL and a padding header whose value makes the
// counted header bytes (URL + names + values) exactly `headerBytes`.
std::string requestWithHeaderBytes(std::string url, size_t headerBytes) {
  const size_t fixed = url.size() + std::string("hostax-pad").size();
  return "GET " + url + " HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(headerBytes - fixed, 'p') + "\r\n\r\n";
}

TEST(HttpParser, Limits) {
  struct Case {
    std::string name;
    std::string request;
    int errorStatus;  // 0: accepted
  };
  const std::string url16 = "/" + std::string(15, 'u');
  const Case cases[] = {
      {"URL at the limit", "GET " + url16 + " HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"URL over the limit", "GET " + url16 + "u HTTP/1.1\r\nHost: a\r\n\r\n", 414},
      {"header bytes at the limit", requestWithHeaderBytes("/", 64), 0},
      {"header bytes over the limit", requestWithHeaderBytes("/", 65), 431},
      {"one long header value", "GET / HTTP/1.1\r\nHost: " + std::string(200, 'h') + "\r\n\r\n", 431},
      {"headers at the count limit", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", 0},
      {"too many headers", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431},
      {"Content-Length at the limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", 0},
      // Refused on the announcement, before any of the body arrives.
      {"Content-Length over the limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", 413},
      {"huge Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n", 413},
      {"chunked at the limit", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 0},
      {"chunked over the limit",
       "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", 413},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const StreamResult r = expectSameInEverySplit(c.request, smallLimits());
    EXPECT_EQ(r.errorStatus, c.errorStatus);
    EXPECT_EQ(r.last, c.errorStatus ? Status::kError : Status::kRequest);
  }
}

// The limits are per request, not per connection.
TEST(HttpParser, LimitsApplyToEachPipelinedRequest) {
  const std::string one = requestWithHeaderBytes("/" + std::string(15, 'u'), 64);
  const std::string withBody = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789";
  const StreamResult r = expectSameInEverySplit(one + withBody + one + withBody + one, smallLimits());
  EXPECT_EQ(r.requests.size(), 5u);
  EXPECT_EQ(r.errorStatus, 0);
}

TEST(HttpParser, MalformedRequestsAre400) {
  const std::string cases[] = {
      "GET\r\n\r\n",
      "/ HTTP/1.1\r\nHost: a\r\n\r\n",
      "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n",
      "GET / HTTX/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.x\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n",  // RFC 9112 §5.1: whitespace before the colon
      "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: a\r\n\r\n",
      // Ambiguous framing, the stuff of request smuggling.
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "\x01\x02\x03\x04",
  };
  for (const std::string& raw : cases) {
    SCOPED_TRACE(raw);
    const StreamResult r = expectSameInEverySplit(raw);
    EXPECT_EQ(r.last, Status::kError);
    EXPECT_EQ(r.errorStatus, 400);
    EXPECT_TRUE(r.requests.empty());
  }
}

const std::string kUpgradeRequest =
    "GET /chat HTTP/1.1\r\n"
    "Host: chat.example\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

// The bytes after an Upgrade request belong to the WebSocket: never consumed.
TEST(HttpParser, UpgradeLeavesTheFollowingBytes) {
  const std::string frame = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  for (const std::string& after : {std::string(), frame, frame + "GET / HTTP/1.1\r\n\r\n"}) {
    SCOPED_TRACE(after.size());
    const std::string raw = kUpgradeRequest + after;
    HttpParser parser({});
    const HttpParser::Result r = parser.feed(raw.data(), raw.size());
    EXPECT_EQ(r.status, Status::kUpgrade);
    EXPECT_EQ(r.consumed, kUpgradeRequest.size());
    const HttpRequest req = parser.takeRequest();
    EXPECT_TRUE(req.upgrade);
    EXPECT_EQ(req.header("upgrade"), "websocket");

    const StreamResult split = expectSameInEverySplit(raw);
    EXPECT_EQ(split.last, Status::kUpgrade);
    EXPECT_EQ(split.httpBytes, kUpgradeRequest.size());
  }
}

TEST(HttpParser, UpgradeAfterPipelinedRequest) {
  const std::string raw = kSimpleGet + kUpgradeRequest + "\x82\x80";
  const StreamResult r = expectSameInEverySplit(raw);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_EQ(r.last, Status::kUpgrade);
  EXPECT_EQ(r.httpBytes, kSimpleGet.size() + kUpgradeRequest.size());
}

// llhttp only upgrades with both Upgrade and Connection: upgrade.
TEST(HttpParser, UpgradeHeaderWithoutConnectionUpgradeIsAPlainRequest) {
  const StreamResult r = expectSameInEverySplit("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.last, Status::kRequest);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_EQ(r.requests[0].find("upgrade\n"), std::string::npos) << r.requests[0];
}

TEST(HttpParser, MidRequest) {
  HttpParser parser({});
  const std::string two = kSimpleGet + kSimpleGet;
  EXPECT_FALSE(parser.midRequest());
  ASSERT_EQ(parser.feed(two.data(), 3).status, Status::kNeedMore);
  EXPECT_TRUE(parser.midRequest());
  HttpParser::Result r = parser.feed(two.data() + 3, kSimpleGet.size() + 5);
  ASSERT_EQ(r.status, Status::kRequest);
  EXPECT_EQ(r.consumed, kSimpleGet.size() - 3);
  EXPECT_FALSE(parser.midRequest()) << "between requests";
  r = parser.feed(two.data() + kSimpleGet.size(), 5);
  EXPECT_EQ(r.status, Status::kNeedMore);
  EXPECT_TRUE(parser.midRequest()) << "five bytes of the second request";
  r = parser.feed(two.data() + kSimpleGet.size() + 5, kSimpleGet.size() - 5);
  EXPECT_EQ(r.status, Status::kRequest);
  EXPECT_FALSE(parser.midRequest());
}

}  // namespace
}  // namespace chatd::proto
