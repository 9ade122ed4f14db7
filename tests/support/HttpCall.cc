#include "tests/support/HttpCall.h"

namespace chatd::testing {

HttpReply httpCall(int port, std::string_view method, std::string_view path, std::string_view body,
                   std::string_view headers) {
  return httpCallFrom(nullptr, port, method, path, body, headers);
}

namespace {

HttpReply exchange(WsTestClient& client, std::string_view method, std::string_view path, std::string_view body,
                  std::string_view headers) {
  std::string request = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += headers;
  const bool hasType = headers.find("Content-Type:") != std::string_view::npos;
  if (!body.empty() && !hasType) request += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "Connection: close\r\n\r\n";
  request += body;
  client.sendRaw(request);
  return client.readHttpReply(20000);
}

}  // namespace

HttpReply httpCallFrom(const char* from, int port, std::string_view method, std::string_view path,
                       std::string_view body, std::string_view headers) {
  WsTestClient client;
  if (!client.connect(port, "127.0.0.1", from)) return {};
  return exchange(client, method, path, body, headers);
}

HttpReply httpsCall(int port, const std::string& caFile, std::string_view method, std::string_view path,
                    std::string_view body, std::string_view headers) {
  WsTestClient client;
  if (!client.connect(port) || !client.secure(caFile)) return {};
  return exchange(client, method, path, body, headers);
}

HttpReply httpCallAs(const std::string& token, int port, std::string_view method, std::string_view path,
                     std::string_view body) {
  return httpCall(port, method, path, body, "Authorization: Bearer " + token + "\r\n");
}

std::string jsonField(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return {};
  size_t start = at + needle.size();
  if (start < json.size() && json[start] == '"') {
    const size_t end = json.find('"', start + 1);
    return json.substr(start + 1, end - start - 1);
  }
  size_t end = start;
  while (end < json.size() && json[end] != ',' && json[end] != '}') ++end;
  return json.substr(start, end - start);
}

long metricValue(int port, const std::string& name) {
  const std::string body = httpCall(port, "GET", "/metrics").body;
  const size_t at = body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stol(body.substr(at + name.size() + 2));
}

}  // namespace chatd::testing
