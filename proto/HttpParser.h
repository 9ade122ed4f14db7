// Incremental HTTP/1.1 request parser over llhttp, with limits. No I/O.
//
// feed() stops after each complete request so pipelined requests are handled
// one at a time, in order: the caller takes the request, answers it, and feeds
// the bytes after `consumed` again. An Upgrade request stops the parser for
// good: the bytes after it belong to the new protocol and are left unconsumed.
// Trailer fields of a chunked body are dropped: a field a client could append
// after the body (an Authorization) must not pass for a header. A request
// with two Host fields is an error (400).
//
// A body too big to hold (an upload) can be streamed instead: with
// stopAtBodies(), feed() stops after the head of each request that has a
// body (kHead); the caller then either streams it (streamBodyTo) or lets the
// parser collect it as usual, and feeds on.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "proto/HttpRequest.h"

namespace chatd::proto {

// Takes a streamed body's bytes as they are parsed (chunked framing removed).
class HttpBodySink {
 public:
  virtual void onBody(std::string_view bytes) = 0;

 protected:
  ~HttpBodySink() = default;
};

struct HttpLimits {
  size_t maxUrlBytes = 8 * 1024;
  size_t maxHeaderBytes = 16 * 1024;  // request line + all header names and values
  size_t maxHeaderCount = 64;
  size_t maxBodyBytes = 1024 * 1024;
};

class HttpParser {
 public:
  enum class Status {
    kNeedMore,  // all bytes consumed, request incomplete
    kHead,      // (stopAtBodies) the head of a request with a body: takeRequest() gives it without its body
    kRequest,   // a complete request: takeRequest(), then feed the rest
    kUpgrade,   // a complete Upgrade request: the rest is not HTTP
    kError,     // malformed or over a limit: answer errorStatus() and close
  };
  struct Result {
    Status status;
    size_t consumed;  // bytes of the input that belong to HTTP
  };

  explicit HttpParser(const HttpLimits& limits);
  HttpParser(const HttpParser&) = delete;
  HttpParser& operator=(const HttpParser&) = delete;

  Result feed(const char* data, size_t len);
  // The request after kRequest or kUpgrade; after kHead, a copy of its head.
  HttpRequest takeRequest();

  void stopAtBodies(bool stop) { stopAtBodies_ = stop; }
  // After kHead: the body goes to `sink` (borrowed until kRequest or an
  // error), not into the request, and --max-body does not apply: the sink
  // bounds it. Without this call the body is collected.
  void streamBodyTo(HttpBodySink* sink) { sink_ = sink; }

  // True once any byte of an unfinished request has arrived.
  bool midRequest() const { return inMessage_; }
  // True once, when the request's head asked "Expect: 100-continue" and its
  // body has not begun: the caller answers "100 Continue" so the client sends it.
  bool takeExpectContinue() { return std::exchange(expectContinue_, false); }
  int errorStatus() const { return errorStatus_; }  // 400, 413, 414 or 431
  const std::string& errorReason() const { return errorReason_; }

 private:
  friend struct HttpParserCallbacks;
  int failWith(int status, const char* reason);
  bool countHeaderBytes(size_t n);
  // The head is whole: checks a collected body's Content-Length against the
  // limit and notes "Expect: 100-continue". 0 or HPE_USER.
  int headCollected();

  llhttp_t parser_;
  HttpLimits limits_;
  HttpRequest current_;
  std::string fieldName_;
  std::string fieldValue_;
  size_t headerBytes_ = 0;
  int errorStatus_ = 0;
  std::string errorReason_;
  bool inMessage_ = false;
  bool headersDone_ = false;  // what follows are the body and trailer fields, which are not headers
  bool expectContinue_ = false;
  bool upgraded_ = false;
  bool stopAtBodies_ = false;
  bool atHead_ = false;  // stopped at a head: the next feed() decides how its body goes
  HttpBodySink* sink_ = nullptr;
};

}  // namespace chatd::proto
