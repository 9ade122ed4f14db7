#include "api/Metrics.h"

#include <cstdint>
#include <initializer_list>
#include <utility>

namespace chatd::api {

namespace {

void metric(std::string& out, const char* name, const char* type, const char* help, uint64_t value) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

// One counter split by `label`: a HELP and TYPE, then a line per value.
void labeled(std::string& out, const char* name, const char* help, const char* label,
             std::initializer_list<std::pair<const char*, uint64_t>> values) {
  out += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n";
  for (const auto& [value, count] : values) {
    out += std::string(name) + '{' + label + "=\"" + value + "\"} " + std::to_string(count) + '\n';
  }
}

}  // namespace

std::string metricsText(const server::HttpServer& http, const chat::Hub& hub, const server::WebhookStats* webhooks) {
  const chat::Hub::Stats& s = hub.stats();
  std::string out;
  metric(out, "chatd_connections", "gauge", "Open client connections (HTTP and WebSocket).", http.connectionCount());
  metric(out, "chatd_connections_refused_per_ip_total", "counter",
         "Connections and WebSocket upgrades refused (503) past --max-connections-per-ip.",
         http.clientLimits().connectionsRefused());
  metric(out, "chatd_upgrades_rate_limited_total", "counter",
         "WebSocket upgrades refused (429) past --upgrades-per-ip-per-minute.", http.clientLimits().upgradesRefused());
  if (const reactor::TlsContext* tls = http.transportSecurity()) {
    labeled(out, "chatd_tls_handshakes_total", "TLS handshakes: full, resumed from a ticket, or failed.", "result",
            {{"full", tls->fullHandshakes()}, {"resumed", tls->resumedHandshakes()}, {"failed", tls->failedHandshakes()}});
  }
  const server::WsCompressionStats& deflate = http.compression().stats();
  metric(out, "chatd_deflate_compressions_total", "counter",
         "Messages compressed for permessage-deflate (a broadcast once, whatever its members).", deflate.compressions);
  metric(out, "chatd_deflate_shared_sends_total", "counter",
         "Compressed broadcast frames queued to a member, sharing the one compressed copy.", deflate.sharedSends);
  metric(out, "chatd_deflate_compressed_replies_total", "counter",
         "Replies to a session's own input sent compressed.", deflate.compressedReplies);
  metric(out, "chatd_deflate_inflations_total", "counter", "Compressed messages received and inflated.",
         deflate.inflations);
  metric(out, "chatd_chat_sessions", "gauge", "Open chat WebSocket sessions.", hub.sessionCount());
  metric(out, "chatd_live_rooms", "gauge", "Rooms with at least one chat session joined, held in memory.",
         hub.liveRoomCount());
  metric(out, "chatd_long_polls", "gauge", "HTTP long-polls waiting for a message.", hub.longPollsWaiting());
  metric(out, "chatd_messages_posted_total", "counter", "Messages stored (resends not counted).", s.messagesPosted);
  metric(out, "chatd_deliveries_total", "counter", "Message frames queued to sessions live.", s.deliveries);
  metric(out, "chatd_catch_ups_total", "counter", "Times a room fell into catch-up for a session with a full queue.",
         s.catchUps);
  metric(out, "chatd_replayed_total", "counter", "Message frames sent by resume and catch-up.", s.replayed);
  metric(out, "chatd_ephemeral_conflated_total", "counter",
         "Typing, presence and receipt events replaced by a newer one for a congested session.", s.ephemeralConflated);
  metric(out, "chatd_ephemeral_dropped_total", "counter", "Typing, presence and receipt events dropped.",
         s.ephemeralDropped);
  metric(out, "chatd_slow_consumers_closed_total", "counter", "Sessions closed (1008) for reading nothing.",
         s.slowConsumersClosed);
  if (webhooks) {
    labeled(out, "chatd_webhook_events_total",
            "Webhook events by outcome: delivered (2xx), failed (every attempt failed), dropped (queue full).",
            "result", {{"delivered", webhooks->delivered}, {"failed", webhooks->failed}, {"dropped", webhooks->dropped}});
    metric(out, "chatd_webhook_retries_total", "counter", "Webhook attempts after an event's first.",
           webhooks->retried);
    metric(out, "chatd_webhook_queue", "gauge", "Webhook events waiting or in flight.", webhooks->queued);
  }
  return out;
}

}  // namespace chatd::api
