#include "proto/HttpResponse.h"

#include "proto/JsonWriter.h"

namespace chatd::proto {

const char* reasonPhrase(int status) {
  switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string serializeResponse(const HttpResponse& response, bool keepAlive) {
  std::string out;
  out.reserve(128 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reasonPhrase(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (response.status != 101) {
    if (response.status != 204 && response.status != 304) {
      out += "Content-Length: ";
      out += std::to_string(response.source ? response.source->size() : response.body.size());
      out += "\r\n";
    }
    out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  }
  out += "\r\n";
  out += response.body;
  return out;
}

HttpResponse jsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.header("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

HttpResponse jsonError(int status, std::string_view code, std::string_view message) {
  std::string body = "{\"error\":{\"code\":";
  appendJsonString(body, code);
  body += ",\"message\":";
  appendJsonString(body, message);
  body += "}}";
  return jsonResponse(status, std::move(body));
}

HttpResponse methodNotAllowed(std::string_view allow) {
  return jsonError(405, "method_not_allowed", "use " + std::string(allow)).header("Allow", std::string(allow));
}

}  // namespace chatd::proto
