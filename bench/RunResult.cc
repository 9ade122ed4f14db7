#include "bench/RunResult.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "proto/JsonWriter.h"

namespace chatd::bench {

void RunResult::merge(const RunResult& other) {
  connections += other.connections;
  opened += other.opened;
  offeredRate += other.offeredRate;
  seconds = std::max(seconds, other.seconds);
  openSeconds = std::max(openSeconds, other.openSeconds);
  sent += other.sent;
  received += other.received;
  expected += other.expected;
  latency.merge(other.latency);
  ackLatency.merge(other.ackLatency);
  historyLatency.merge(other.historyLatency);
  for (size_t i = 0; i < kFailureKinds; ++i) failures[i] += other.failures[i];
  // Workers read the same server: the earliest "before" and the latest "after" count.
  if (other.serverRssBeforeKb >= 0 && serverRssBeforeKb < 0) serverRssBeforeKb = other.serverRssBeforeKb;
  serverRssAfterKb = std::max(serverRssAfterKb, other.serverRssAfterKb);
  if (other.serverAnonBeforeKb >= 0 && serverAnonBeforeKb < 0) serverAnonBeforeKb = other.serverAnonBeforeKb;
  serverAnonAfterKb = std::max(serverAnonAfterKb, other.serverAnonAfterKb);
  generatorCpuSeconds += other.generatorCpuSeconds;
  serverCpuSeconds = std::max(serverCpuSeconds, other.serverCpuSeconds);  // one server, seen by every worker
  redisCpuSeconds = std::max(redisCpuSeconds, other.redisCpuSeconds);     // read by the first worker only
  redisCommands = std::max(redisCommands, other.redisCommands);
  redisMemoryBefore = std::max(redisMemoryBefore, other.redisMemoryBefore);
  redisMemoryAfter = std::max(redisMemoryAfter, other.redisMemoryAfter);
  wireBytes += other.wireBytes;
  messageBytes += other.messageBytes;
  deflateSessions += other.deflateSessions;
  workers += other.workers;
}

bool RunResult::generatorSaturated() const {
  return generatorCpu() > 0.9 * static_cast<double>(std::min(workers, generatorCores));
}

uint64_t RunResult::failureCount() const {
  uint64_t total = 0;
  for (size_t i = 1; i < kFailureKinds; ++i) total += failures[i];
  return total;
}

std::string RunResult::serialize() const {
  std::ostringstream out;
  out << connections << ' ' << opened << ' ' << offeredRate << ' ' << seconds << ' ' << openSeconds << ' ' << sent
      << ' ' << received << ' ' << expected << ' ' << serverRssBeforeKb << ' ' << serverRssAfterKb << ' '
      << serverAnonBeforeKb << ' ' << serverAnonAfterKb << ' ' << generatorCpuSeconds << ' ' << serverCpuSeconds << ' '
      << redisCpuSeconds << ' ' << redisCommands << ' ' << redisMemoryBefore << ' ' << redisMemoryAfter << ' '
      << wireBytes << ' ' << messageBytes << ' ' << deflateSessions;
  for (uint64_t f : failures) out << ' ' << f;
  out << " | " << latency.serialize() << " | " << ackLatency.serialize() << " | " << historyLatency.serialize();
  return out.str();
}

bool RunResult::deserialize(const std::string& line, RunResult& out) {
  const size_t bar = line.find(" | ");
  if (bar == std::string::npos) return false;
  const size_t bar2 = line.find(" | ", bar + 3);
  const size_t bar3 = bar2 == std::string::npos ? bar2 : line.find(" | ", bar2 + 3);
  if (bar3 == std::string::npos) return false;
  std::istringstream in(line.substr(0, bar));
  RunResult r;
  in >> r.connections >> r.opened >> r.offeredRate >> r.seconds >> r.openSeconds >> r.sent >> r.received >>
      r.expected >> r.serverRssBeforeKb >> r.serverRssAfterKb >> r.serverAnonBeforeKb >> r.serverAnonAfterKb >>
      r.generatorCpuSeconds >> r.serverCpuSeconds >> r.redisCpuSeconds >> r.redisCommands >> r.redisMemoryBefore >>
      r.redisMemoryAfter >> r.wireBytes >> r.messageBytes >> r.deflateSessions;
  for (uint64_t& f : r.failures) in >> f;
  if (!in || !Histogram::deserialize(line.substr(bar + 3, bar2 - bar - 3), r.latency) ||
      !Histogram::deserialize(line.substr(bar2 + 3, bar3 - bar2 - 3), r.ackLatency) ||
      !Histogram::deserialize(line.substr(bar3 + 3), r.historyLatency)) {
    return false;
  }
  out = std::move(r);
  return true;
}

namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string histogramJson(const Histogram& h) {
  return "{\"count\":" + std::to_string(h.count()) + ",\"p50\":" + std::to_string(h.percentile(50)) +
         ",\"p90\":" + std::to_string(h.percentile(90)) + ",\"p99\":" + std::to_string(h.percentile(99)) +
         ",\"p999\":" + std::to_string(h.percentile(99.9)) + ",\"max\":" + std::to_string(h.max()) +
         ",\"mean\":" + fixed(h.mean(), 1) + "}";
}

}  // namespace

std::string RunResult::toJson() const {
  std::string json = "{\"scenario\":";
  proto::appendJsonString(json, scenario);
  json += ",\"url\":";
  proto::appendJsonString(json, url);
  json += ",\"connections\":" + std::to_string(connections) + ",\"opened\":" + std::to_string(opened);
  json += ",\"offered_rate\":" + fixed(offeredRate, 1) + ",\"seconds\":" + fixed(seconds, 3);
  json += ",\"open_seconds\":" + fixed(openSeconds, 3);
  json += ",\"sent\":" + std::to_string(sent) + ",\"received\":" + std::to_string(received);
  json += ",\"expected\":" + std::to_string(expected) + ",\"throughput\":" + fixed(throughput(), 1);
  json += ",\"wire_bytes\":" + std::to_string(wireBytes) + ",\"message_bytes\":" + std::to_string(messageBytes);
  json += ",\"deflate_sessions\":" + std::to_string(deflateSessions);
  json += ",\"latency_us\":" + histogramJson(latency);
  if (ackLatency.count()) json += ",\"ack_latency_us\":" + histogramJson(ackLatency);
  if (historyLatency.count()) json += ",\"history_latency_us\":" + histogramJson(historyLatency);
  json += ",\"errors\":{";
  bool first = true;
  for (size_t i = 1; i < kFailureKinds; ++i) {
    if (!failures[i]) continue;
    if (!first) json += ',';
    first = false;
    json += '"';
    json += failureName(static_cast<Failure>(i));
    json += "\":" + std::to_string(failures[i]);
  }
  json += "}";
  if (serverRssBeforeKb >= 0) {
    json += ",\"server_rss_before_kb\":" + std::to_string(serverRssBeforeKb);
    json += ",\"server_rss_after_kb\":" + std::to_string(serverRssAfterKb);
    json += ",\"server_bytes_per_connection\":" + fixed(perConnectionBytes(serverRssBeforeKb, serverRssAfterKb), 1);
    json += ",\"server_anon_bytes_per_connection\":" +
            fixed(perConnectionBytes(serverAnonBeforeKb, serverAnonAfterKb), 1);
  }
  const double cpu = generatorCpu();
  if (serverCpu() >= 0) json += ",\"server_cpu\":" + fixed(serverCpu(), 3);
  if (redisCpu() >= 0) json += ",\"redis_cpu\":" + fixed(redisCpu(), 3);
  if (redisCommands >= 0) json += ",\"redis_commands\":" + std::to_string(redisCommands);
  if (redisMemoryBefore >= 0 && redisMemoryAfter >= 0) {
    json += ",\"redis_memory_before\":" + std::to_string(redisMemoryBefore);
    json += ",\"redis_memory_after\":" + std::to_string(redisMemoryAfter);
    json += ",\"redis_bytes_per_connection\":" + fixed(redisBytesPerConnection(), 1);
  }
  json += ",\"generator_cpu\":" + fixed(cpu, 3) + ",\"workers\":" + std::to_string(workers) +
          ",\"generator_saturated\":" + (generatorSaturated() ? "true" : "false") + "}";
  return json;
}

std::string RunResult::toTable() const {
  std::ostringstream out;
  auto row = [&out](const char* name, const std::string& value) {
    out << "  " << name;
    for (size_t i = std::char_traits<char>::length(name); i < 24; ++i) out << ' ';
    out << value << '\n';
  };
  out << scenario << " against " << url << '\n';
  const bool chatSessions = scenario.rfind("chat-", 0) == 0;
  if (chatSessions) {
    row("sessions", std::to_string(opened) + " joined of " + std::to_string(connections));
    if (openSeconds > 0) row("time to join all", fixed(openSeconds, 3) + " s");
  } else {
    row("connections", std::to_string(opened) + " open of " + std::to_string(connections));
    if (openSeconds > 0) row("time to open all", fixed(openSeconds, 3) + " s");
  }
  if (offeredRate > 0) row("offered rate", fixed(offeredRate, 0) + " /s");
  if (seconds > 0) row("measured", fixed(seconds, 2) + " s");
  if (sent || received) {
    row("sent", std::to_string(sent));
    row("received", std::to_string(received) + (expected ? " of " + std::to_string(expected) + " expected" : ""));
    row("throughput", fixed(throughput(), 0) + (chatSessions && scenario != "chat-history" ? " deliveries/s" : " msgs/s"));
  }
  if (wireBytes || messageBytes) {
    const double ratio = messageBytes ? static_cast<double>(wireBytes) / static_cast<double>(messageBytes) : 0;
    row("received on the wire", std::to_string(wireBytes) + " bytes for " + std::to_string(messageBytes) +
                                    " bytes of messages (" + fixed(ratio * 100, 1) + "%)");
  }
  if (deflateSessions) row("permessage-deflate", std::to_string(deflateSessions) + " connections negotiated it");
  auto rows = [&row](const std::string& name, const Histogram& h) {
    if (!h.count()) return;
    row((name + " p50").c_str(), fixed(h.percentile(50) / 1000.0, 3) + " ms");
    row((name + " p90").c_str(), fixed(h.percentile(90) / 1000.0, 3) + " ms");
    row((name + " p99").c_str(), fixed(h.percentile(99) / 1000.0, 3) + " ms");
    row((name + " p99.9").c_str(), fixed(h.percentile(99.9) / 1000.0, 3) + " ms");
    row((name + " max").c_str(), fixed(h.max() / 1000.0, 3) + " ms");
  };
  rows(!chatSessions ? "latency" : scenario == "chat-connect" ? "joined in" : scenario == "chat-history" ? "history"
                                                                                                 : "delivery",
       latency);
  rows("ack", ackLatency);
  rows("history", historyLatency);
  if (serverRssBeforeKb >= 0) {
    row("server memory", std::to_string(serverRssBeforeKb) + " KiB -> " + std::to_string(serverRssAfterKb) + " KiB (" +
                             fixed(perConnectionBytes(serverRssBeforeKb, serverRssAfterKb), 0) + " bytes/connection)");
    row("  of which allocated", fixed(perConnectionBytes(serverAnonBeforeKb, serverAnonAfterKb), 0) +
                                    " bytes/connection (RssAnon: heap; library pages excluded)");
  }
  for (size_t i = 1; i < kFailureKinds; ++i) {
    if (failures[i]) row((std::string("errors: ") + failureName(static_cast<Failure>(i))).c_str(), std::to_string(failures[i]));
  }
  if (serverCpu() >= 0) row("server CPU", fixed(serverCpu() * 100, 0) + "% of a core");
  if (redisCpu() >= 0) row("redis CPU", fixed(redisCpu() * 100, 0) + "% of a core");
  if (redisCommands >= 0 && sent) {
    row("redis commands", std::to_string(redisCommands) + " (" +
                              fixed(static_cast<double>(redisCommands) / static_cast<double>(sent), 2) + " per message sent)");
  } else if (redisCommands >= 0 && scenario == "chat-connect" && opened) {
    row("redis commands", std::to_string(redisCommands) + " (" +
                              fixed(static_cast<double>(redisCommands) / static_cast<double>(opened), 2) + " per session joined)");
  }
  if (redisMemoryBefore >= 0 && redisMemoryAfter >= 0) {
    row("redis memory", std::to_string(redisMemoryBefore / 1024) + " KiB -> " + std::to_string(redisMemoryAfter / 1024) +
                            " KiB (" + fixed(redisBytesPerConnection(), 0) + " bytes/connection)");
  }
  row("generator CPU", fixed(generatorCpu() * 100, 0) + "% of a core" +
                           (generatorSaturated() ? " (SATURATED: the figures are a floor of the server's)" : ""));
  return out.str();
}

}  // namespace chatd::bench
