#include "proto/HttpUrl.h"

#include <charconv>

namespace chatd::proto {

std::string HttpUrl::hostField() const {
  const bool literal6 = host.find(':') != std::string::npos;
  std::string field = literal6 ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) field += ":" + std::to_string(port);
  return field;
}

std::optional<HttpUrl> HttpUrl::parse(std::string_view url, std::string& error) {
  HttpUrl parsed;
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    parsed.tls = true;
    url.remove_prefix(8);
  } else {
    error = "the URL must start with http:// or https://";
    return std::nullopt;
  }
  const size_t slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (authority.find('@') != std::string_view::npos) {
    error = "the URL must not carry a user name or password";
    return std::nullopt;
  }
  std::string_view portText;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unclosed [ in the URL's host";
      return std::nullopt;
    }
    parsed.host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":")) {
      error = "unexpected characters after the URL's host";
      return std::nullopt;
    }
    if (!after.empty()) portText = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    parsed.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) portText = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) {
    error = "the URL has no host";
    return std::nullopt;
  }
  parsed.port = parsed.tls ? 443 : 80;
  if (!portText.empty()) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || end != portText.data() + portText.size() || port == 0 || port > 65535) {
      error = "the URL's port is not a number from 1 to 65535";
      return std::nullopt;
    }
    parsed.port = static_cast<uint16_t>(port);
  }
  parsed.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return parsed;
}

}  // namespace chatd::proto
