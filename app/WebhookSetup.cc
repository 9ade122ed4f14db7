#include "app/WebhookSetup.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "proto/HttpUrl.h"
#include "reactor/Log.h"

namespace chatd::app {

namespace {

// The file's content without trailing whitespace (an editor's newline is not part of the secret).
bool readSecret(const std::string& path, std::string& secret, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read --webhook-secret-file " + path;
    return false;
  }
  secret.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  secret.erase(secret.find_last_not_of(" \t\r\n") + 1);
  if (secret.empty()) {
    error = "--webhook-secret-file " + path + " is empty";
    return false;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    LOG_WARN("--webhook-secret-file %s is readable by other users (mode %03o): chmod 600 it", path.c_str(),
             static_cast<unsigned>(st.st_mode & 0777));
  }
  return true;
}

}  // namespace

bool openWebhooks(reactor::EventLoop& loop, const Config& config, WebhookDelivery& webhooks, std::string& error) {
  if (config.webhookUrl.empty()) return true;
  const auto url = proto::HttpUrl::parse(config.webhookUrl, error);  // checked when given
  if (!url) return false;
  server::WebhookOptions options;
  if (!readSecret(config.webhookSecretFile, options.secret, error)) return false;
  const auto address = reactor::SocketAddress::resolve(url->host, url->port, error);
  if (!address) {
    error = "--webhook-url: " + error;
    return false;
  }
  if (url->tls) {
    webhooks.tls = reactor::TlsContext::forClient(
        {.caFile = config.webhookCaFile, .systemCas = config.webhookCaFile.empty()}, error);
    if (!webhooks.tls) return false;
  }
  options.target = {.address = *address,
                    .hostField = url->hostField(),
                    .path = url->target,
                    .tls = webhooks.tls.get(),
                    .serverName = url->host};
  options.timeoutMs = config.webhookTimeoutMs;
  options.maxQueued = config.webhookQueue;
  webhooks.sender = std::make_unique<server::WebhookSender>(loop, std::move(options));
  LOG_INFO("webhooks to %s://%s%s (%s)", url->tls ? "https" : "http", url->hostField().c_str(), url->target.c_str(),
           address->toString().c_str());
  return true;
}

}  // namespace chatd::app
