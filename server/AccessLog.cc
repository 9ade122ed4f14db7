#include "server/AccessLog.h"

#include "proto/HttpRequest.h"
#include "reactor/Log.h"

namespace chatd::server {

namespace {

// Parameters whose value is a credential: our token, signed-URL signatures,
// and the names other clients use for the same.
constexpr std::string_view kSecretParams[] = {"token", "sig", "access_token", "api_key", "key"};

bool isSecretParam(std::string_view name) {
  for (const std::string_view secret : kSecretParams) {
    if (proto::equalsIgnoreCase(name, secret)) return true;
  }
  return false;
}

}  // namespace

std::string redactedTarget(std::string_view target) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, question + 1));
  std::string_view rest = target.substr(question + 1);
  while (true) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && isSecretParam(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1)).append("REDACTED");
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    out += '&';
    rest.remove_prefix(amp + 1);
  }
  return out;
}

void logRequest(const AccessRecord& record) {
  LOG_EVENT(reactor::LogLevel::kInfo, "request", {"method", record.method}, {"path", redactedTarget(record.target)},
            {"status", record.status}, {"bytes", record.bytes}, {"ms", record.durationMs}, {"client", record.client});
}

}  // namespace chatd::server
