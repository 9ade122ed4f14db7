#include "proto/HttpResponseParser.h"

#include <algorithm>
#include <utility>

#include "proto/LlhttpRun.h"

namespace chatd::proto {

// llhttp calls plain functions; this struct gathers them as friends.
struct HttpResponseCallbacks {
  static int onMessageBegin(llhttp_t* p) {
    HttpResponseParser& h = parserOf<HttpResponseParser>(p);
    h.current_ = HttpResponseHead{};
    h.inMessage_ = true;
    return 0;
  }
  // llhttp lets "HTTP/1.1 \r\n" through with status 0: no answer a client can act on.
  static int onHeadersComplete(llhttp_t* p) {
    if (p->status_code >= 100 && p->status_code <= 999) return 0;
    parserOf<HttpResponseParser>(p).errorReason_ = "no status code";
    return HPE_USER;
  }
  static int onBody(llhttp_t* p, const char* at, size_t len) {
    HttpResponseParser& h = parserOf<HttpResponseParser>(p);
    const size_t room = h.bodyKeptBytes_ - std::min(h.bodyKeptBytes_, h.current_.body.size());
    h.current_.body.append(at, std::min(room, len));
    return 0;
  }
  static int onMessageComplete(llhttp_t* p) {
    HttpResponseParser& h = parserOf<HttpResponseParser>(p);
    h.inMessage_ = false;
    // An interim answer (100 Continue, 103 Early Hints) precedes the real one.
    if (p->status_code < 200) return 0;
    h.current_.status = p->status_code;
    h.current_.keepAlive = llhttp_should_keep_alive(p);
    h.complete_ = true;
    return HPE_PAUSED;  // one answer at a time
  }
};

namespace {

llhttp_settings_t responseSettings() {
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  settings.on_message_begin = HttpResponseCallbacks::onMessageBegin;
  settings.on_headers_complete = HttpResponseCallbacks::onHeadersComplete;
  settings.on_body = HttpResponseCallbacks::onBody;
  settings.on_message_complete = HttpResponseCallbacks::onMessageComplete;
  return settings;
}

// llhttp keeps a pointer to its settings: one copy for every parser.
const llhttp_settings_t kResponseSettings = responseSettings();

}  // namespace

HttpResponseParser::HttpResponseParser(size_t bodyKeptBytes) : bodyKeptBytes_(bodyKeptBytes) {
  llhttp_init(&parser_, HTTP_RESPONSE, &kResponseSettings);
  parser_.data = this;
}

HttpResponseHead HttpResponseParser::take() {
  complete_ = false;
  return std::move(current_);
}

HttpResponseParser::Result HttpResponseParser::feed(const char* data, size_t len) {
  if (!errorReason_.empty()) return {Status::kError, 0};
  const LlhttpStop stop = runLlhttp(parser_, data, len);
  if (stop.error == HPE_OK) return {Status::kNeedMore, stop.consumed};
  if (stop.error == HPE_PAUSED) return {Status::kResponse, stop.consumed};
  if (errorReason_.empty()) errorReason_ = llhttp_get_error_reason(&parser_);
  if (errorReason_.empty()) errorReason_ = llhttp_errno_name(stop.error);
  return {Status::kError, stop.consumed};
}

bool HttpResponseParser::finish() {
  if (!errorReason_.empty() || !inMessage_) return false;
  // Completes a body read to the end of the stream (onMessageComplete runs);
  // anything else cut short is an error.
  if (llhttp_finish(&parser_) != HPE_OK && !complete_) return false;
  return complete_;
}

}  // namespace chatd::proto
