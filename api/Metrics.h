// GET /metrics: what an operator graphs and alerts on, in the Prometheus text
// exposition format (version 0.0.4). Counters only ever grow; gauges are the
// state at the moment of the scrape.
#pragma once

#include <string>

#include "chat/Hub.h"
#include "server/HttpServer.h"
#include "server/WebhookSender.h"

namespace chatd::api {

// `webhooks`: null without --webhook-url (no webhook series then).
std::string metricsText(const server::HttpServer& http, const chat::Hub& hub, const server::WebhookStats* webhooks);

}  // namespace chatd::api
