#include "bench/ChatScenarios.h"

#include <cstring>

#include "proto/JsonWriter.h"

namespace chatd::bench {

namespace {

constexpr char kStamp[] = "@ts=";
constexpr std::string_view kTypePrefix = R"({"type":")";

uint64_t owed(double rate, uint64_t startUs, uint64_t nowUs, uint64_t& soFar) {
  const auto due = static_cast<uint64_t>(rate * static_cast<double>(nowUs - startUs) / 1e6);
  const uint64_t n = due > soFar ? due - soFar : 0;
  soFar += n;
  return n;
}

// The decimal number right after `key` in `text` (0 when absent).
uint64_t numberAfter(std::string_view text, std::string_view key) {
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return 0;
  uint64_t value = 0;
  for (size_t i = at + key.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  return value;
}

}  // namespace

ChatRun::ChatRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate)
    : LoadRun(loop, options, firstIndex, count, rate),
      plan_(*options.chat),
      firstIndex_(firstIndex),
      states_(count, State::kConnecting),
      historySentUs_(count, 0) {
  if (options.scenario == "chat-fanout" || options.scenario == "chat-mixed") {
    for (size_t i = 0; i < count && firstIndex + i < options.senders; ++i) senders_.push_back(i);
  }
  // `rate` is this process's share by connections (Workers); the senders may
  // sit in one process, so the message rate follows them instead.
  const double share = static_cast<double>(count) / static_cast<double>(options.connections);
  const double total = share > 0 ? rate / share : 0;
  messageRate_ = total * static_cast<double>(senders_.size()) / static_cast<double>(options.senders);
  if (options.scenario == "chat-mixed") {
    historyRate_ = (options.historyRate >= 0 ? options.historyRate : total / 10) * share;
    typingRate_ = (options.typingRate >= 0 ? options.typingRate : total) * share;
  }
}

std::string ChatRun::targetFor(size_t globalIndex) const {
  std::string target = LoadRun::targetFor(globalIndex);
  target += target.find('?') == std::string::npos ? "?token=" : "&token=";
  return target + plan_.token(globalIndex);
}

size_t ChatRun::roomSize(size_t room) const {
  const size_t n = options_.connections, rooms = options_.rooms;
  return n / rooms + (room < n % rooms ? 1 : 0);
}

size_t ChatRun::nextJoined(size_t& cursor) const {
  for (size_t tries = 0; tries < clientCount(); ++tries) {
    const size_t i = cursor;
    cursor = (cursor + 1) % clientCount();
    if (joined(i)) return i;
  }
  return SIZE_MAX;
}

void ChatRun::onClientMessage(WsClient& c, proto::WsOpcode, std::span<const uint8_t> payload) {
  const std::string_view frame(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (frame.substr(0, kTypePrefix.size()) != kTypePrefix) return;
  const std::string_view type = frame.substr(kTypePrefix.size(), frame.find('"', kTypePrefix.size()) - kTypePrefix.size());
  const size_t local = c.index();
  if (type == "message") {
    if (!measuring()) return;
    const void* at = memmem(frame.data(), frame.size(), kStamp, sizeof kStamp - 1);
    if (!at) return;
    const uint64_t sentUs = numberAfter(frame.substr(static_cast<const char*>(at) - frame.data()), kStamp);
    const uint64_t now = nowUs();
    ++result_.received;
    result_.latency.record(now > sentUs ? now - sentUs : 0);
  } else if (type == "ack") {
    if (!measuring()) return;
    const uint64_t sentUs = numberAfter(frame, R"("client_id":"t)");
    const uint64_t now = nowUs();
    result_.ackLatency.record(now > sentUs ? now - sentUs : 0);
  } else if (type == "history") {
    const uint64_t sentUs = historySentUs_[local];
    historySentUs_[local] = 0;
    const uint64_t now = nowUs();
    if (measuring() && sentUs) {
      if (options_.scenario == "chat-history") {
        ++result_.received;
        result_.latency.record(now - sentUs);
      } else {
        result_.historyLatency.record(now - sentUs);
      }
    }
    if (options_.scenario == "chat-history" && joined(local)) sendHistory(local, now);
  } else if (type == "welcome") {
    onWelcome(c);
  } else if (type == "joined") {
    onJoined(c);
  } else if (type == "error") {
    onError(c, frame);
  }
}

void ChatRun::onWelcome(WsClient& c) {
  if (states_[c.index()] != State::kConnecting) return;
  states_[c.index()] = State::kJoining;
  c.send(proto::WsOpcode::kText,
         R"({"type":"join_room","room_id":)" + std::to_string(roomIdOf(c.index())) + R"(,"ref":"join"})");
}

void ChatRun::onJoined(WsClient& c) {
  if (states_[c.index()] != State::kJoining) return;
  states_[c.index()] = State::kJoined;
  markReady(c);
}

void ChatRun::onError(WsClient& c, std::string_view frame) {
  if (states_[c.index()] == State::kFailed) return;
  if (states_[c.index()] != State::kJoined) {
    // Refused before it joined (a bad token closes 4001 after this): the session is lost.
    ++result_.failures[static_cast<size_t>(Failure::kJoinFailed)];
    states_[c.index()] = State::kFailed;
    c.close();
    return;
  }
  const bool limited = frame.find(R"("code":"rate_limited")") != std::string_view::npos;
  ++result_.failures[static_cast<size_t>(limited ? Failure::kRateLimited : Failure::kChatError)];
  if (historySentUs_[c.index()] && frame.find(R"("ref":"h")") != std::string_view::npos) {
    historySentUs_[c.index()] = 0;  // a refused history request is no longer in flight
  }
}

void ChatRun::sendMessage(size_t local, uint64_t now) {
  std::string content = options_.messageTemplate;
  auto replace = [&content](const char* key, const std::string& value) {
    for (size_t at = content.find(key); at != std::string::npos; at = content.find(key, at + value.size())) {
      content.replace(at, std::strlen(key), value);
    }
  };
  const size_t room = roomOf(firstIndex_ + local);
  replace("{ts}", kStamp + std::to_string(now) + "@");
  replace("{room}", std::to_string(room));
  replace("{seq}", std::to_string(++sequence_));
  std::string json = R"({"type":"message","room_id":)" + std::to_string(plan_.roomIds[room]) + R"(,"content":)";
  proto::appendJsonString(json, content);
  // Unique per sender (the session's user) and carrying the send time for the ack.
  json += R"(,"client_id":"t)" + std::to_string(now) + "." + std::to_string(sequence_) + "\"}";
  if (!client(local).send(proto::WsOpcode::kText, json)) return;
  if (measuring()) {
    ++result_.sent;
    result_.expected += roomSize(room) - 1;  // everyone in the room but the sending session
  }
}

void ChatRun::sendHistory(size_t local, uint64_t now) {
  if (historySentUs_[local]) return;  // one in flight per session
  const std::string json = R"({"type":"history","room_id":)" + std::to_string(roomIdOf(local)) +
                           R"(,"limit":)" + std::to_string(options_.historyLimit) + R"(,"ref":"h"})";
  if (!client(local).send(proto::WsOpcode::kText, json)) return;
  historySentUs_[local] = now;
  if (measuring() && options_.scenario == "chat-history") ++result_.sent;
}

void ChatRun::sendTyping(size_t local) {
  client(local).send(proto::WsOpcode::kText,
                     R"({"type":"typing","room_id":)" + std::to_string(roomIdOf(local)) + R"(,"typing":true})");
}

void ChatRun::startLoad() {
  loadStartUs_ = nowUs();
  if (options_.scenario != "chat-history") return;
  for (size_t i = 0; i < clientCount(); ++i) {
    if (joined(i)) sendHistory(i, loadStartUs_);
  }
}

void ChatRun::tick(uint64_t now) {
  for (uint64_t n = owed(messageRate_, loadStartUs_, now, messagesOwed_); n > 0 && !senders_.empty(); --n) {
    const size_t local = senders_[nextSender_];
    nextSender_ = (nextSender_ + 1) % senders_.size();
    // Owed even when this sender is down, so the pace stays honest.
    if (joined(local)) sendMessage(local, now);
  }
  for (uint64_t n = owed(historyRate_, loadStartUs_, now, historyOwed_); n > 0; --n) {
    const size_t local = nextJoined(nextReader_);
    if (local == SIZE_MAX) break;
    sendHistory(local, now);
  }
  for (uint64_t n = owed(typingRate_, loadStartUs_, now, typingOwed_); n > 0; --n) {
    const size_t local = nextJoined(nextTypist_);
    if (local == SIZE_MAX) break;
    sendTyping(local);
  }
}

}  // namespace chatd::bench
