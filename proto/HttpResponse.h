// HTTP/1.1 responses as bytes. chatd answers every error with a JSON body:
// {"error":{"code":"...","message":"..."}}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatd::proto {

// A body too big to hold (a file download), read a piece at a time as the
// connection's output drains. Its reads may do I/O, so implementations live
// above proto/.
class HttpBodySource {
 public:
  virtual ~HttpBodySource() = default;
  virtual uint64_t size() const = 0;  // the bytes it gives in all
  // Appends up to `max` of the next bytes to `out` (none once all were
  // given); false when the read failed and the body cannot be completed.
  virtual bool read(std::string& out, size_t max) = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Length and Connection
  std::string body;
  std::shared_ptr<HttpBodySource> source;  // instead of `body` when set

  HttpResponse& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

const char* reasonPhrase(int status);

// Status line, headers, Content-Length (omitted for 101 and 204), Connection
// (keep-alive or close), then the body.
std::string serializeResponse(const HttpResponse& response, bool keepAlive);

HttpResponse jsonResponse(int status, std::string body);
HttpResponse jsonError(int status, std::string_view code, std::string_view message);
// 405 method_not_allowed with its Allow header; `allow` lists the methods
// ("GET, HEAD, POST"): HEAD wherever GET is.
HttpResponse methodNotAllowed(std::string_view allow);

}  // namespace chatd::proto
