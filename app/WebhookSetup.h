// --webhook-url and its options made into a running WebhookSender: the URL
// parsed, its host resolved (once, here at startup: getaddrinfo blocks, and
// the loop must not), the secret read from --webhook-secret-file (warned
// about when others may read it), a TLS client context for https:// that
// verifies the receiver against --webhook-ca-file or the system's trusted CAs.
#pragma once

#include <memory>
#include <string>

#include "app/Config.h"
#include "reactor/EventLoop.h"
#include "reactor/TlsContext.h"
#include "server/WebhookSender.h"

namespace chatd::app {

struct WebhookDelivery {
  std::unique_ptr<reactor::TlsContext> tls;  // https:// only; declared first: the sender borrows it
  std::unique_ptr<server::WebhookSender> sender;
};

// Empty when --webhook-url is not set; false with `error` when a setting is unusable.
bool openWebhooks(reactor::EventLoop& loop, const Config& config, WebhookDelivery& webhooks, std::string& error);

}  // namespace chatd::app
