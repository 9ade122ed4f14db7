#include "proto/HttpResponseParser.h"

#include <algorithm>
#include <utility>

namespace chatd::proto {

namespace {
HttpResponseParser& self(llhttp_t* p) { return *static_cast<HttpResponseParser*>(p->data); }
}  // namespace

// llhttp calls plain functions; this struct gathers them as friends.
struct HttpResponseCallbacks {
  static int onMessageBegin(llhttp_t* p) {
    HttpResponseParser& h = self(p);
    h.current_ = HttpResponseHead{};
    h.inMessage_ = true;
    return 0;
  }
  // llhttp lets "HTTP/1.1 \r\n" through with status 0: no answer a client can act on.
  static int onHeadersComplete(llhttp_t* p) {
    if (p->status_code >= 100 && p->status_code <= 999) return 0;
    self(p).errorReason_ = "no status code";
    return HPE_USER;
  }
  static int onBody(llhttp_t* p, const char* at, size_t len) {
    HttpResponseParser& h = self(p);
    const size_t room = h.bodyKeptBytes_ - std::min(h.bodyKeptBytes_, h.current_.body.size());
    h.current_.body.append(at, std::min(room, len));
    return 0;
  }
  static int onMessageComplete(llhttp_t* p) {
    HttpResponseParser& h = self(p);
    h.inMessage_ = false;
    // An interim answer (100 Continue, 103 Early Hints) precedes the real one.
    if (p->status_code >= 100 && p->status_code < 200) return 0;
    h.current_.status = p->status_code;
    h.current_.keepAlive = llhttp_should_keep_alive(p);
    h.complete_ = true;
    return HPE_PAUSED;  // one response at a time
  }

  static const llhttp_settings_t& settings() {
    static const llhttp_settings_t s = [] {
      llhttp_settings_t t;
      llhttp_settings_init(&t);
      t.on_message_begin = onMessageBegin;
      t.on_headers_complete = onHeadersComplete;
      t.on_body = onBody;
      t.on_message_complete = onMessageComplete;
      return t;
    }();
    return s;
  }
};

HttpResponseParser::HttpResponseParser(size_t bodyKeptBytes) : bodyKeptBytes_(bodyKeptBytes) {
  llhttp_init(&parser_, HTTP_RESPONSE, &HttpResponseCallbacks::settings());
  parser_.data = this;
}

HttpResponseHead HttpResponseParser::take() {
  complete_ = false;
  return std::move(current_);
}

HttpResponseParser::Result HttpResponseParser::feed(const char* data, size_t len) {
  if (!errorReason_.empty()) return {Status::kError, 0};
  const llhttp_errno_t err = llhttp_execute(&parser_, data, len);
  const auto stoppedAt = [&] { return static_cast<size_t>(llhttp_get_error_pos(&parser_) - data); };
  switch (err) {
    case HPE_OK:
      return {Status::kNeedMore, len};
    case HPE_PAUSED: {
      const size_t consumed = stoppedAt();
      llhttp_resume(&parser_);
      return {Status::kResponse, consumed};
    }
    default:
      if (errorReason_.empty()) errorReason_ = llhttp_get_error_reason(&parser_);
      if (errorReason_.empty()) errorReason_ = llhttp_errno_name(err);
      return {Status::kError, stoppedAt()};
  }
}

bool HttpResponseParser::finish() {
  if (!errorReason_.empty() || !inMessage_) return false;
  // Completes a body read to the end of the stream (onMessageComplete runs);
  // anything else cut short is an error.
  if (llhttp_finish(&parser_) != HPE_OK && !complete_) return false;
  return complete_;
}

}  // namespace chatd::proto
