// The access log's line for an HTTP request, and the redaction every logged
// request target goes through: the values of query parameters that carry a
// credential (?token=, ?sig=, ...) are replaced by "REDACTED", so a token
// sent in a URL never reaches the log. Headers and bodies are never logged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::server {

// `target` as sent (path and query), with credential values replaced.
std::string redactedTarget(std::string_view target);

struct AccessRecord {
  std::string_view method;
  std::string_view target;  // redacted here
  std::string_view client;  // TrustedProxies::clientAddress
  int status;
  size_t bytes;             // of the response, head included
  uint64_t durationMs;      // from the request's last byte to its answer
};

// One info line ("request method=GET path=... status=200 ...").
void logRequest(const AccessRecord& record);

}  // namespace chatd::server
