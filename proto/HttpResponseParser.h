// Incremental HTTP/1.1 response parser over llhttp, for chatd's own client
// (webhook deliveries). No I/O. Interim answers (1xx) are skipped. What a client needs to act on an answer: its
// status, whether the connection may carry the next request, and its body
// up to a limit (kept for a log line; the rest is read past, not stored, so an
// endless answer costs no memory). Header fields are not kept: none changes
// what the client does. The request side is HttpParser.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <string>

namespace chatd::proto {

struct HttpResponseHead {
  int status = 0;
  bool keepAlive = true;
  std::string body;  // at most the parser's bodyKeptBytes
};

class HttpResponseParser {
 public:
  enum class Status {
    kNeedMore,  // all bytes consumed, response incomplete
    kResponse,  // a complete response: take(), then feed the rest
    kError,     // malformed: close the connection
  };
  struct Result {
    Status status;
    size_t consumed;
  };

  explicit HttpResponseParser(size_t bodyKeptBytes = 512);
  HttpResponseParser(const HttpResponseParser&) = delete;
  HttpResponseParser& operator=(const HttpResponseParser&) = delete;

  Result feed(const char* data, size_t len);
  // The connection ended: a response delimited by the end of the stream (no
  // Content-Length, not chunked) is complete now. True when one is.
  bool finish();
  HttpResponseHead take();
  // True once any byte of an unfinished response has arrived.
  bool midResponse() const { return inMessage_; }
  const std::string& errorReason() const { return errorReason_; }

 private:
  friend struct HttpResponseCallbacks;

  llhttp_t parser_;
  size_t bodyKeptBytes_;
  HttpResponseHead current_;
  std::string errorReason_;
  bool inMessage_ = false;
  bool complete_ = false;
};

}  // namespace chatd::proto
