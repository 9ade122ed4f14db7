#include "proto/HttpResponse.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::proto {
namespace {

TEST(HttpResponse, SerializeWithBody) {
  HttpResponse r;
  r.status = 200;
  r.header("Content-Type", "text/plain").header("X-Id", "7");
  r.body = "hello";
  EXPECT_EQ(serializeResponse(r, true),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain\r\n"
            "X-Id: 7\r\n"
            "Content-Length: 5\r\n"
            "Connection: keep-alive\r\n"
            "\r\n"
            "hello");
  EXPECT_EQ(serializeResponse(r, false),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain\r\n"
            "X-Id: 7\r\n"
            "Content-Length: 5\r\n"
            "Connection: close\r\n"
            "\r\n"
            "hello");
}

TEST(HttpResponse, EmptyBodyStillHasContentLength) {
  HttpResponse r;
  r.status = 404;
  EXPECT_EQ(serializeResponse(r, true), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
}

// 204 and 304 never have a body; 101 hands the connection to another protocol,
// so its own headers (Connection: Upgrade) are all it says.
TEST(HttpResponse, NoContentLengthFor101And204) {
  HttpResponse upgrade;
  upgrade.status = 101;
  upgrade.header("Upgrade", "websocket").header("Connection", "Upgrade");
  EXPECT_EQ(serializeResponse(upgrade, true),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");

  HttpResponse noContent;
  noContent.status = 204;
  EXPECT_EQ(serializeResponse(noContent, false), "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");

  HttpResponse notModified;
  notModified.status = 304;
  EXPECT_EQ(serializeResponse(notModified, true), "HTTP/1.1 304 Not Modified\r\nConnection: keep-alive\r\n\r\n");
}

TEST(HttpResponse, ReasonPhrases) {
  EXPECT_STREQ(reasonPhrase(400), "Bad Request");
  EXPECT_STREQ(reasonPhrase(413), "Content Too Large");
  EXPECT_STREQ(reasonPhrase(414), "URI Too Long");
  EXPECT_STREQ(reasonPhrase(426), "Upgrade Required");
  EXPECT_STREQ(reasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_STREQ(reasonPhrase(503), "Service Unavailable");
  EXPECT_STREQ(reasonPhrase(299), "Unknown");
}

TEST(HttpResponse, JsonResponse) {
  const HttpResponse r = jsonResponse(201, "{\"id\":1}");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(serializeResponse(r, true),
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 8\r\n"
            "Connection: keep-alive\r\n\r\n{\"id\":1}");
}

TEST(HttpResponse, JsonErrorShape) {
  const HttpResponse r = jsonError(404, "not_found", "no such room");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":{"code":"not_found","message":"no such room"}})");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Content-Type", "application/json"}));

  EXPECT_EQ(jsonError(400, "bad\"code", "line\nbreak \\ \"quoted\"").body,
            R"({"error":{"code":"bad\"code","message":"line\nbreak \\ \"quoted\""}})")
      << "code and message are escaped";
}

}  // namespace
}  // namespace chatd::proto
