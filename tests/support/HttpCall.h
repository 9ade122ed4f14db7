// One HTTP request on a fresh connection, for API tests.
#pragma once

#include <string>
#include <string_view>

#include "tests/support/WsTestClient.h"

namespace chatd::testing {

// Sends `method path` with `body` (Content-Type: application/json when a body
// is given, unless `headers` set one) and extra `headers` lines ("Name: v\r\n").
HttpReply httpCall(int port, std::string_view method, std::string_view path, std::string_view body = {},
                   std::string_view headers = {});

// The same from the local address `from` (WsTestClient::connect).
HttpReply httpCallFrom(const char* from, int port, std::string_view method, std::string_view path,
                       std::string_view body = {}, std::string_view headers = {});

// The same over TLS, trusting `caFile` (the certificate must name localhost).
HttpReply httpsCall(int port, const std::string& caFile, std::string_view method, std::string_view path,
                    std::string_view body = {}, std::string_view headers = {});

// The same with "Authorization: Bearer TOKEN".
HttpReply httpCallAs(const std::string& token, int port, std::string_view method, std::string_view path,
                     std::string_view body = {});

// The value of a counter or gauge in chatd's /metrics; -1 when it is missing.
long metricValue(int port, const std::string& name);

// The value of "key":"..." (a string) or "key":123 in a JSON text, first match; "" if absent.
std::string jsonField(const std::string& json, const std::string& key);

}  // namespace chatd::testing
