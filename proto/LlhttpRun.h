// What the parsers over llhttp (HttpParser, HttpResponseParser) share: the
// parser object behind llhttp's `data`, and one run over the input that
// stops after each complete message (its callback returns HPE_PAUSED) and
// says where.
#pragma once

#include <llhttp.h>

#include <cstddef>

namespace chatd::proto {

template <typename Parser>
Parser& parserOf(llhttp_t* p) {
  return *static_cast<Parser*>(p->data);
}

struct LlhttpStop {
  llhttp_errno_t error;  // HPE_OK: all consumed; HPE_PAUSED: a message ended (resumed for the next run)
  size_t consumed;       // bytes of the input taken
};

inline LlhttpStop runLlhttp(llhttp_t& parser, const char* data, size_t len) {
  const llhttp_errno_t error = llhttp_execute(&parser, data, len);
  if (error == HPE_OK) return {error, len};
  const size_t consumed = static_cast<size_t>(llhttp_get_error_pos(&parser) - data);
  if (error == HPE_PAUSED) llhttp_resume(&parser);
  return {error, consumed};
}

}  // namespace chatd::proto
