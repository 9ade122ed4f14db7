// One parsed HTTP/1.1 request. Header names are stored lower-cased.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatd::proto {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int versionMajor = 1;
  int versionMinor = 1;
  bool keepAlive = true;
  bool upgrade = false;  // the parser stopped at an Upgrade: the rest of the bytes are another protocol

  std::string_view path() const;
  std::string_view query() const;  // without the '?', empty when absent
  // The value of query parameter `name`, percent-decoded; nullopt when absent.
  std::optional<std::string> queryParam(std::string_view name) const;
  // The first header called `name` (lower-case); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // How many header lines are called `name` (lower-case).
  size_t headerCount(std::string_view name) const;
  // Whether a comma-separated header list (Connection, Upgrade, ...) holds
  // `token`, compared case-insensitively.
  bool headerHasToken(std::string_view name, std::string_view token) const;
};

// %XX escapes decoded (a malformed one is kept as it is); with
// `plusIsSpace`, '+' too (form encoding, as in a query).
std::string percentDecode(std::string_view s, bool plusIsSpace);
// Strips leading and trailing spaces and tabs (optional whitespace, RFC 9110).
std::string_view trimWhitespace(std::string_view s);
// Case-insensitive ASCII comparison, for header values and tokens.
bool equalsIgnoreCase(std::string_view a, std::string_view b);
// The media type of a Content-Type value ("type/subtype", RFC 9110 §8.3.1):
// what comes before its parameters, trimmed. Compare it with equalsIgnoreCase().
std::string_view mediaTypeOf(std::string_view contentType);
// Splits a comma-separated header value into trimmed, non-empty items.
std::vector<std::string_view> splitHeaderList(std::string_view value);
// The token of an `Authorization: Bearer TOKEN` header (RFC 6750); nullopt when absent.
std::optional<std::string_view> bearerToken(const HttpRequest& request);
// A positive decimal id as a path segment or query value carries one
// ("42"); nullopt for anything else (empty, signs, zero, over 18 digits).
std::optional<int64_t> parseId(std::string_view text);

}  // namespace chatd::proto
