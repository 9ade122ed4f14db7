// GET /metrics: what an operator graphs and alerts on, in the Prometheus text
// exposition format (version 0.0.4; api/MetricsWriter.h). Counters only ever
// grow; gauges are the state at the moment of the scrape. No label names a
// user, a room or a raw path: every series set is bounded. The series and
// their meaning: docs/deployment.md, "Metrics".
#pragma once

#include <optional>
#include <string>

#include "api/AccountApi.h"
#include "api/FileCollector.h"
#include "api/RoomApi.h"
#include "chat/Hub.h"
#include "reactor/EventLoop.h"
#include "server/HttpServer.h"
#include "server/WebhookSender.h"
#include "store/StoreMetrics.h"

namespace chatd::api {

// What the figures are read from; all borrowed for the call.
struct MetricsSources {
  const reactor::EventLoop& loop;
  const server::HttpServer& http;
  const chat::Hub& hub;
  const AccountApi& accounts;
  const RoomApi& rooms;
  const store::StoreMetrics& store;
  std::optional<bool> redisUp;  // cluster mode: whether Redis serves now; nullopt with SQLite
  const server::WebhookStats* webhooks;  // null without --webhook-url (no webhook series then)
  const FileCollector& files;
  size_t pollSessions;  // chat sessions over HTTP long-polling (server/PollSessions.h)
};

std::string metricsText(const MetricsSources& sources);

}  // namespace chatd::api
