#include "proto/HttpParser.h"

#include <utility>

#include "proto/LlhttpRun.h"

namespace chatd::proto {

namespace {
HttpParser& self(llhttp_t* p) { return parserOf<HttpParser>(p); }
bool bodyComing(const llhttp_t& p) { return (p.flags & F_CHUNKED) || ((p.flags & F_CONTENT_LENGTH) && p.content_length > 0); }
}  // namespace

// llhttp calls plain functions; this struct gathers them as friends of HttpParser.
// Span callbacks may fire several times per token, so they append.
struct HttpParserCallbacks {
  static int onMessageBegin(llhttp_t* p) {
    HttpParser& h = self(p);
    h.current_ = HttpRequest{};
    h.headerBytes_ = 0;
    h.inMessage_ = true;
    h.headersDone_ = false;
    h.sink_ = nullptr;
    h.expectContinue_ = false;
    return 0;
  }
  static int onMethod(llhttp_t* p, const char* at, size_t len) {
    self(p).current_.method.append(at, len);
    return 0;
  }
  static int onUrl(llhttp_t* p, const char* at, size_t len) {
    HttpParser& h = self(p);
    if (h.current_.target.size() + len > h.limits_.maxUrlBytes) return h.failWith(414, "request target too long");
    if (!h.countHeaderBytes(len)) return h.failWith(431, "request header fields too large");
    h.current_.target.append(at, len);
    return 0;
  }
  static int onHeaderField(llhttp_t* p, const char* at, size_t len) {
    HttpParser& h = self(p);
    if (!h.countHeaderBytes(len)) return h.failWith(431, "request header fields too large");
    h.fieldName_.append(at, len);
    return 0;
  }
  static int onHeaderValue(llhttp_t* p, const char* at, size_t len) {
    HttpParser& h = self(p);
    if (!h.countHeaderBytes(len)) return h.failWith(431, "request header fields too large");
    h.fieldValue_.append(at, len);
    return 0;
  }
  static int onHeaderValueComplete(llhttp_t* p) {
    HttpParser& h = self(p);
    if (h.current_.headers.size() >= h.limits_.maxHeaderCount) return h.failWith(431, "too many header fields");
    // llhttp skips the whitespace before a value but keeps the whitespace
    // after it, which is not part of the value either (RFC 9110 §5.5).
    h.fieldValue_.erase(h.fieldValue_.find_last_not_of(" \t") + 1);
    for (char& c : h.fieldName_) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    // Two Hosts leave the request's target ambiguous (RFC 9112 §3.2: 400).
    if (!h.headersDone_ && h.fieldName_ == "host" && h.current_.header("host")) {
      return h.failWith(400, "more than one Host header field");
    }
    // A trailer field (after a chunked body) is counted against the limits but not kept.
    if (!h.headersDone_) h.current_.headers.emplace_back(std::move(h.fieldName_), std::move(h.fieldValue_));
    h.fieldName_.clear();
    h.fieldValue_.clear();
    return 0;
  }
  static int onHeadersComplete(llhttp_t* p) {
    HttpParser& h = self(p);
    h.current_.versionMajor = p->http_major;
    h.current_.versionMinor = p->http_minor;
    h.headersDone_ = true;
    if (bodyComing(*p) && h.stopAtBodies_ && !p->upgrade) {
      h.atHead_ = true;
      return HPE_PAUSED;
    }
    return h.headCollected();
  }
  static int onBody(llhttp_t* p, const char* at, size_t len) {
    HttpParser& h = self(p);
    h.expectContinue_ = false;  // the client sent the body without waiting
    if (h.sink_) {
      h.sink_->onBody({at, len});
      return 0;
    }
    if (h.current_.body.size() + len > h.limits_.maxBodyBytes) return h.failWith(413, "request body too large");
    h.current_.body.append(at, len);
    return 0;
  }
  static int onMessageComplete(llhttp_t* p) {
    HttpParser& h = self(p);
    h.current_.keepAlive = llhttp_should_keep_alive(p);
    h.current_.upgrade = p->upgrade;
    h.inMessage_ = false;
    h.expectContinue_ = false;
    h.sink_ = nullptr;
    // An upgrade makes llhttp return HPE_PAUSED_UPGRADE by itself; any other
    // request pauses here so pipelined requests come out one at a time.
    return p->upgrade ? 0 : HPE_PAUSED;
  }

  static const llhttp_settings_t& settings() {
    static const llhttp_settings_t s = [] {
      llhttp_settings_t t;
      llhttp_settings_init(&t);
      t.on_message_begin = onMessageBegin;
      t.on_method = onMethod;
      t.on_url = onUrl;
      t.on_header_field = onHeaderField;
      t.on_header_value = onHeaderValue;
      t.on_header_value_complete = onHeaderValueComplete;
      t.on_headers_complete = onHeadersComplete;
      t.on_body = onBody;
      t.on_message_complete = onMessageComplete;
      return t;
    }();
    return s;
  }
};

HttpParser::HttpParser(const HttpLimits& limits) : limits_(limits) {
  llhttp_init(&parser_, HTTP_REQUEST, &HttpParserCallbacks::settings());
  parser_.data = this;
}

int HttpParser::headCollected() {
  if (!sink_ && (parser_.flags & F_CONTENT_LENGTH) && parser_.content_length > limits_.maxBodyBytes) {
    return failWith(413, "request body too large");
  }
  const auto expect = current_.header("expect");
  expectContinue_ = bodyComing(parser_) && expect && equalsIgnoreCase(trimWhitespace(*expect), "100-continue");
  return 0;
}

bool HttpParser::countHeaderBytes(size_t n) {
  headerBytes_ += n;
  return headerBytes_ <= limits_.maxHeaderBytes;
}

int HttpParser::failWith(int status, const char* reason) {
  errorStatus_ = status;
  errorReason_ = reason;
  return HPE_USER;
}

HttpRequest HttpParser::takeRequest() { return atHead_ ? current_ : std::move(current_); }

HttpParser::Result HttpParser::feed(const char* data, size_t len) {
  if (errorStatus_ != 0) return {Status::kError, 0};
  if (upgraded_) return {Status::kUpgrade, 0};
  if (std::exchange(atHead_, false) && headCollected() != 0) {
    expectContinue_ = false;
    return {Status::kError, 0};
  }
  const LlhttpStop stop = runLlhttp(parser_, data, len);
  switch (stop.error) {
    case HPE_OK:
      return {Status::kNeedMore, len};
    case HPE_PAUSED:
      return {atHead_ ? Status::kHead : Status::kRequest, stop.consumed};
    case HPE_PAUSED_UPGRADE:
      upgraded_ = true;
      return {Status::kUpgrade, stop.consumed};
    default:
      expectContinue_ = false;  // the error is the final answer
      if (errorStatus_ == 0) {
        errorStatus_ = 400;
        errorReason_ = llhttp_get_error_reason(&parser_);
      }
      return {Status::kError, stop.consumed};
  }
}

}  // namespace chatd::proto
