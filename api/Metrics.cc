#include "api/Metrics.h"

#include <cstdint>
#include <string>

#include "api/MetricsWriter.h"
#include "api/ProcessMetrics.h"
#include "chat/MessageCounts.h"

namespace chatd::api {

namespace {

void writeConnections(MetricsWriter& out, const server::HttpServer& http) {
  const server::HttpServer::ConnectionStates states = http.connectionStates();
  out.split("chatd_connections", "gauge",
            "Open client connections by state: in the TLS handshake, reading HTTP requests, an open WebSocket, "
            "or closing.",
            "state",
            {{"tls_handshake", states.tlsHandshake},
             {"http", states.http},
             {"websocket", states.webSocket},
             {"closing", states.closing}});
  out.counter("chatd_connections_refused_max_total", "Connections refused (503) because --max-connections were open.",
              http.connectionsRefusedOverMax());
  out.counter("chatd_connections_refused_per_ip_total",
              "Connections and WebSocket upgrades refused (503) past --max-connections-per-ip.",
              http.clientLimits().connectionsRefused());
  out.counter("chatd_upgrades_rate_limited_total", "WebSocket upgrades refused (429) past --upgrades-per-ip-per-minute.",
              http.clientLimits().upgradesRefused());
  if (const reactor::TlsContext* tls = http.transportSecurity()) {
    out.split("chatd_tls_handshakes_total", "counter", "TLS handshakes: full, resumed from a ticket, or failed.",
              "result",
              {{"full", tls->fullHandshakes()}, {"resumed", tls->resumedHandshakes()}, {"failed", tls->failedHandshakes()}});
  }
}

void writeHttp(MetricsWriter& out, const server::HttpServer& http) {
  out.family("chatd_http_requests_total", "counter",
             "HTTP requests answered, by method, route (the pattern that matched; static: the web client's files; "
             "other: no route) and status (101: a WebSocket opened).");
  for (const auto& [key, count] : http.requestCounts().counts()) {
    const auto& [method, route, status] = key;
    out.sample("chatd_http_requests_total", {{"method", method}, {"route", route}, {"status", std::to_string(status)}},
               static_cast<double>(count));
  }
  const server::WsCompressionStats& deflate = http.compression().stats();
  out.counter("chatd_deflate_compressions_total",
              "Messages compressed for permessage-deflate (a broadcast once, whatever its members).", deflate.compressions);
  out.counter("chatd_deflate_shared_sends_total",
              "Compressed broadcast frames queued to a member, sharing the one compressed copy.", deflate.sharedSends);
  out.counter("chatd_deflate_compressed_replies_total", "Replies to a session's own input sent compressed.",
              deflate.compressedReplies);
  out.counter("chatd_deflate_inflations_total", "Compressed messages received and inflated.", deflate.inflations);
}

void writeWebSocketMessages(MetricsWriter& out) {
  const chat::MessageCounts& counts = chat::MessageCounts::process();
  out.family("chatd_ws_messages_received_total", "counter",
             "Chat protocol messages received, by type (other: not JSON, binary, or an unknown type).");
  for (size_t i = 0; i <= chat::MessageCounts::kClientTypes; ++i) {
    const std::string type(chat::MessageCounts::clientTypeName(i));
    out.sample("chatd_ws_messages_received_total", {{"type", type}}, static_cast<double>(counts.in(i)));
  }
  out.family("chatd_ws_messages_sent_total", "counter",
             "Chat protocol messages queued to sessions, by type (a broadcast counts once per recipient).");
  for (size_t i = 0; i <= chat::MessageCounts::kServerTypes.size(); ++i) {
    const std::string_view type = i < chat::MessageCounts::kServerTypes.size() ? chat::MessageCounts::kServerTypes[i]
                                                                               : std::string_view("other");
    out.sample("chatd_ws_messages_sent_total", {{"type", type}}, static_cast<double>(counts.out(i)));
  }
}

void writeHub(MetricsWriter& out, const chat::Hub& hub) {
  const chat::Hub::Stats& s = hub.stats();
  out.gauge("chatd_chat_sessions", "Open chat WebSocket sessions.", static_cast<double>(hub.sessionCount()));
  out.gauge("chatd_live_rooms", "Rooms with at least one chat session joined, held in memory.",
            static_cast<double>(hub.liveRoomCount()));
  out.gauge("chatd_long_polls", "HTTP long-polls waiting for a message.", static_cast<double>(hub.longPollsWaiting()));
  out.counter("chatd_messages_posted_total", "Messages stored (resends not counted).", s.messagesPosted);
  out.counter("chatd_deliveries_total", "Message frames queued to sessions live.", s.deliveries);
  out.counter("chatd_catch_ups_total", "Times a room fell into catch-up for a session with a full queue.", s.catchUps);
  out.counter("chatd_replayed_total", "Message frames sent by resume and catch-up.", s.replayed);
  out.counter("chatd_ephemeral_conflated_total",
              "Typing, presence and receipt events replaced by a newer one for a congested session.",
              s.ephemeralConflated);
  out.counter("chatd_ephemeral_dropped_total", "Typing, presence and receipt events dropped.", s.ephemeralDropped);
  out.counter("chatd_slow_consumers_closed_total", "Sessions closed (1008) for reading nothing.", s.slowConsumersClosed);
  out.family("chatd_send_ack_duration_seconds", "histogram",
             "From a WebSocket message received to its ack queued (the store's commit included).");
  out.histogram("chatd_send_ack_duration_seconds", {}, s.sendToAck);
}

void writeLimits(MetricsWriter& out, const MetricsSources& sources) {
  const AccountApi::Stats& accounts = sources.accounts.stats();
  out.split("chatd_logins_total", "counter",
            "Password logins: ok, failed (wrong username or password), throttled (429 before any check), banned "
            "(the right password for a banned account).",
            "result",
            {{"ok", accounts.loginsOk},
             {"failed", accounts.loginsFailed},
             {"throttled", accounts.loginsThrottled},
             {"banned", accounts.loginsBanned}});
  out.split("chatd_rate_limited_total", "counter",
            "Requests refused by a rate limit: registration (--registrations-per-hour), room_creation "
            "(--rooms-per-hour), chat_message (--rate/--burst).",
            "limit",
            {{"registration", accounts.registrationsRateLimited},
             {"room_creation", sources.rooms.roomsRateLimited()},
             {"chat_message", sources.hub.stats().messagesRateLimited}});
}

void writeStore(MetricsWriter& out, const MetricsSources& sources) {
  const bool redis = sources.redisUp.has_value();
  const char* op = redis ? "redis_command" : "sqlite_commit";
  const store::OperationMetrics& measured = redis ? sources.store.redisCommand : sources.store.sqliteCommit;
  const uint64_t total = measured.latency.count();
  out.family("chatd_store_operations_total", "counter",
             "Store operations completed, by op (sqlite_commit: one group commit; redis_command: one command) and "
             "result.");
  out.sample("chatd_store_operations_total", {{"op", op}, {"result", "ok"}}, static_cast<double>(total - measured.failed));
  out.sample("chatd_store_operations_total", {{"op", op}, {"result", "error"}}, static_cast<double>(measured.failed));
  out.family("chatd_store_operation_duration_seconds", "histogram",
             "Store operation latency, from start to completion (errors and timeouts included).");
  out.histogram("chatd_store_operation_duration_seconds", {{"op", op}}, measured.latency);
  if (redis) out.gauge("chatd_redis_up", "1 while Redis serves the store and the bus, else 0.", *sources.redisUp ? 1 : 0);
}

void writeWebhooks(MetricsWriter& out, const server::WebhookStats& webhooks) {
  out.split("chatd_webhook_events_total", "counter",
            "Webhook events by outcome: delivered (2xx), failed (every attempt failed), dropped (queue full).",
            "result", {{"delivered", webhooks.delivered}, {"failed", webhooks.failed}, {"dropped", webhooks.dropped}});
  out.counter("chatd_webhook_retries_total", "Webhook attempts after an event's first.", webhooks.retried);
  out.gauge("chatd_webhook_queue", "Webhook events waiting or in flight.", static_cast<double>(webhooks.queued));
}

}  // namespace

std::string metricsText(const MetricsSources& sources) {
  MetricsWriter out;
  writeProcessMetrics(out);
  out.family("chatd_build_info", "gauge", "Always 1; the version of the running chatd.");
  out.sample("chatd_build_info", {{"version", CHATD_VERSION}}, 1);
  out.family("chatd_loop_iteration_duration_seconds", "histogram",
             "Time the event loop spent on one wake-up's work (I/O, timers, flushes): how long a new event may wait.");
  out.histogram("chatd_loop_iteration_duration_seconds", {}, sources.loop.iterationLatency());
  writeConnections(out, sources.http);
  writeHttp(out, sources.http);
  writeWebSocketMessages(out);
  writeHub(out, sources.hub);
  writeLimits(out, sources);
  writeStore(out, sources);
  if (sources.webhooks) writeWebhooks(out, *sources.webhooks);
  out.gauge("chatd_poll_sessions", "Chat sessions over HTTP long-polling (/api/v1/poll).",
            static_cast<double>(sources.pollSessions));
  out.counter("chatd_files_collected_total", "Uploads forgotten for no message referring to them (--file-grace).",
              sources.files.collected());
  out.counter("chatd_file_blobs_removed_total", "Stored file contents removed with the last upload holding them.",
              sources.files.blobsRemoved());
  return out.take();
}

}  // namespace chatd::api
