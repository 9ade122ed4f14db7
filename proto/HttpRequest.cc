#include "proto/HttpRequest.h"

namespace chatd::proto {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string percentDecode(std::string_view s, bool plusIsSpace) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (plusIsSpace && s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string_view trimWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view mediaTypeOf(std::string_view contentType) {
  return trimWhitespace(contentType.substr(0, contentType.find(';')));
}

std::vector<std::string_view> splitHeaderList(std::string_view value) {
  std::vector<std::string_view> items;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = trimWhitespace(value.substr(0, comma));
    if (!item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return items;
}

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::optional<std::string> HttpRequest::queryParam(std::string_view name) const {
  std::string_view rest = query();
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string{} : percentDecode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

size_t HttpRequest::headerCount(std::string_view name) const {
  size_t n = 0;
  for (const auto& [key, value] : headers) n += key == name;
  return n;
}

bool HttpRequest::headerHasToken(std::string_view name, std::string_view token) const {
  for (const auto& [key, value] : headers) {
    if (key != name) continue;
    for (std::string_view item : splitHeaderList(value)) {
      if (equalsIgnoreCase(item, token)) return true;
    }
  }
  return false;
}

std::optional<int64_t> parseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value <= 0) return std::nullopt;
  return value;
}

std::optional<std::string_view> bearerToken(const HttpRequest& request) {
  const auto header = request.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || header->size() <= kBearer.size() || !equalsIgnoreCase(header->substr(0, kBearer.size()), kBearer)) {
    return std::nullopt;
  }
  return header->substr(kBearer.size());
}

}  // namespace chatd::proto
