#include "tests/support/ChatClient.h"

#include <simdjson.h>

#include <chrono>
#include <charconv>

#include "proto/JsonWriter.h"
#include "proto/MessageInflater.h"

namespace chatd::testing {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int remainingMs(int64_t deadline) { return static_cast<int>(std::max<int64_t>(1, deadline - nowMs())); }

// Walks `path` from `root`; false when some step is missing.
bool walk(element root, std::string_view path, element& out) {
  element at = root;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    const std::string_view step = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    if (at.type() == element_type::ARRAY) {
      size_t index = 0;
      const auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), index);
      if (ec != std::errc() || end != step.data() + step.size()) return false;
      if (at.at(index).get(at)) return false;
    } else if (at.type() == element_type::OBJECT) {
      if (at.at_key(step).get(at)) return false;
    } else {
      return false;
    }
  }
  out = at;
  return true;
}

// Parses `text` and finds `path`, with a parser per thread (kept alive until
// the next call on that thread, which is all the caller needs).
bool find(const std::string& text, std::string_view path, element& out) {
  thread_local simdjson::dom::parser parser;
  element root;
  if (parser.parse(text.data(), text.size()).get(root)) return false;
  return walk(root, path, out);
}

std::string describe(const std::vector<Json>& frames) {
  if (frames.empty()) return "nothing";
  std::string out;
  for (const Json& frame : frames) out += "\n    " + frame.text().substr(0, 300);
  return out;
}

// A compressed frame's payload inflated; chatd negotiates no context
// takeover, so one inflater serves every client of the thread. "" (not JSON:
// the test then fails on it) when it does not inflate.
std::string inflated(const std::string& payload) {
  thread_local proto::MessageInflater inflater;
  std::vector<uint8_t> plain;
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  if (inflater.inflate(bytes, size_t{64} << 20, plain) != proto::MessageInflater::Status::kOk) return {};
  return {plain.begin(), plain.end()};
}

}  // namespace

// --- Json ------------------------------------------------------------------------

bool Json::ok() const {
  element e;
  return !text_.empty() && find(text_, {}, e);
}

bool Json::has(std::string_view path) const {
  element e;
  return find(text_, path, e);
}

bool Json::isNull(std::string_view path) const {
  element e;
  return find(text_, path, e) && e.is_null();
}

std::optional<std::string> Json::string(std::string_view path) const {
  element e;
  std::string_view value;
  if (!find(text_, path, e) || e.get(value)) return std::nullopt;
  return std::string(value);
}

std::optional<int64_t> Json::integer(std::string_view path) const {
  element e;
  int64_t value = 0;
  if (!find(text_, path, e) || e.get(value)) return std::nullopt;
  return value;
}

std::optional<bool> Json::boolean(std::string_view path) const {
  element e;
  bool value = false;
  if (!find(text_, path, e) || e.get(value)) return std::nullopt;
  return value;
}

std::vector<Json> Json::items(std::string_view path) const {
  element e;
  simdjson::dom::array array;
  std::vector<Json> out;
  if (!find(text_, path, e) || e.get(array)) return out;
  for (element item : array) out.emplace_back(simdjson::minify(item));
  return out;
}

Json Json::at(std::string_view path) const {
  element e;
  if (!find(text_, path, e)) return Json();
  return Json(simdjson::minify(e));
}

std::ostream& operator<<(std::ostream& out, const Json& json) {
  return out << (json.text().empty() ? "<no frame>" : json.text());
}

std::string jsonQuote(std::string_view text) {
  std::string out;
  proto::appendJsonString(out, text);
  return out;
}

std::vector<Json> ofType(const std::vector<Json>& frames, std::string_view type) {
  std::vector<Json> out;
  for (const Json& frame : frames) {
    if (frame.type() == type) out.push_back(frame);
  }
  return out;
}

// --- ChatClient: opening ------------------------------------------------------------

HttpReply ChatClient::upgrade(const std::string& token, TokenIn in, std::string_view extraHeaders) {
  closeFrame_.reset();
  closeSent_ = false;
  if (!ws_.connect(port_)) {
    ADD_FAILURE() << name_ << ": cannot connect to port " << port_;
    return {};
  }
  if (!caFile_.empty() && !ws_.secure(caFile_)) {
    ADD_FAILURE() << name_ << ": " << ws_.tlsError();
    return {};
  }
  std::string path = "/ws";
  std::string headers(extraHeaders);
  if (!token.empty() && in == TokenIn::kQuery) path += "?token=" + token;
  if (!token.empty() && in == TokenIn::kBearer) headers += "Authorization: Bearer " + token + "\r\n";
  if (offerDeflate_) headers += "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
  HttpReply reply = ws_.upgrade(port_, path, headers);
  deflateAccepted_ = reply.status == 101 && reply.header("Sec-WebSocket-Extensions").has_value();
  return reply;
}

Json ChatClient::connect(const std::string& token, TokenIn in) {
  const HttpReply reply = upgrade(token, in);
  if (reply.status != 101) {
    ADD_FAILURE() << name_ << ": upgrade answered " << reply.status << " " << reply.body;
    return Json();
  }
  return expectNext("welcome");
}

Json ChatClient::connectWithAuthMessage(const std::string& token) {
  const HttpReply reply = upgrade();
  if (reply.status != 101) {
    ADD_FAILURE() << name_ << ": upgrade answered " << reply.status << " " << reply.body;
    return Json();
  }
  send(R"({"type":"auth","token":)" + jsonQuote(token) + "}");
  return expectNext("welcome");
}

// --- Sending ------------------------------------------------------------------------

bool ChatClient::send(std::string_view json) { return ws_.sendText(json); }

Json ChatClient::call(std::string_view type, std::string_view fields, int timeoutMs) {
  const std::string ref = nextRef();
  std::string json = R"({"type":)" + jsonQuote(type) + R"(,"ref":)" + jsonQuote(ref);
  if (!fields.empty()) json += "," + std::string(fields);
  json += "}";
  send(json);
  const int64_t deadline = nowMs() + timeoutMs;
  std::vector<Json> seen;
  while (auto frame = tryNext(remainingMs(deadline))) {
    if (frame->string("ref") == ref) return *frame;
    seen.push_back(*frame);
  }
  ADD_FAILURE() << name_ << ": no reply to " << json << "; got " << describe(seen);
  return Json();
}

Json ChatClient::join(int64_t roomId) {
  Json reply = call("join_room", R"("room_id":)" + std::to_string(roomId));
  EXPECT_EQ(reply.type(), "joined") << name_ << ": " << reply;
  return reply;
}

Json ChatClient::sendMessage(int64_t roomId, std::string_view content, std::string_view clientId) {
  std::string fields = R"("room_id":)" + std::to_string(roomId) + R"(,"content":)" + jsonQuote(content);
  if (!clientId.empty()) fields += R"(,"client_id":)" + jsonQuote(clientId);
  return call("message", fields);
}

// --- Reading ------------------------------------------------------------------------

std::optional<Json> ChatClient::tryNext(int timeoutMs) {
  if (closeFrame_) return std::nullopt;
  const int64_t deadline = nowMs() + timeoutMs;
  while (true) {
    auto frame = ws_.readFrame(remainingMs(deadline));
    if (!frame) return std::nullopt;
    if (frame->opcode == 0x1 && (frame->rsv & 4)) {
      ++compressedFrames_;
      return Json(inflated(frame->payload));
    }
    switch (frame->opcode) {
      case 0x1: return Json(std::move(frame->payload));
      case 0x8:
        closeFrame_ = CloseFrame{frame->closeCode(), frame->payload.size() > 2 ? frame->payload.substr(2) : ""};
        if (!closeSent_) ws_.sendClose(closeFrame_->code);  // completes the closing handshake (RFC 6455 §5.5.1)
        closeSent_ = true;
        return std::nullopt;
      case 0x9: ws_.sendFrame(0xA, frame->payload); break;
      default: break;  // pongs, and anything else a chat client ignores
    }
    if (nowMs() >= deadline) return std::nullopt;
  }
}

Json ChatClient::next(int timeoutMs) {
  if (auto frame = tryNext(timeoutMs)) return *frame;
  ADD_FAILURE() << name_ << ": no frame within " << timeoutMs << " ms"
                << (closeFrame_ ? " (closed " + std::to_string(closeFrame_->code) + " " + closeFrame_->reason + ")" : "");
  return Json();
}

Json ChatClient::expectNext(std::string_view type, int timeoutMs) {
  Json frame = next(timeoutMs);
  if (frame.ok() && frame.type() != type) ADD_FAILURE() << name_ << ": expected " << type << " next, got " << frame;
  return frame;
}

Json ChatClient::expect(std::string_view type, int timeoutMs) {
  std::vector<Json> frames = until(type, timeoutMs);
  return !frames.empty() && frames.back().type() == type ? frames.back() : Json();
}

std::vector<Json> ChatClient::until(std::string_view type, int timeoutMs) {
  const int64_t deadline = nowMs() + timeoutMs;
  std::vector<Json> seen;
  while (auto frame = tryNext(remainingMs(deadline))) {
    seen.push_back(*frame);
    if (frame->type() == type) return seen;
  }
  ADD_FAILURE() << name_ << ": no " << type << " within " << timeoutMs << " ms"
                << (closeFrame_ ? " (closed " + std::to_string(closeFrame_->code) + " " + closeFrame_->reason + ")" : "")
                << "; got " << describe(seen);
  return seen;
}

std::vector<Json> ChatClient::drain(int timeoutMs) {
  const std::string ref = nextRef();
  send(R"({"type":"ping","ref":)" + jsonQuote(ref) + "}");
  const int64_t deadline = nowMs() + timeoutMs;
  std::vector<Json> seen;
  while (auto frame = tryNext(remainingMs(deadline))) {
    if (frame->type() == "pong" && frame->string("ref") == ref) return seen;
    seen.push_back(*frame);
  }
  ADD_FAILURE() << name_ << ": no pong within " << timeoutMs << " ms; got " << describe(seen);
  return seen;
}

std::optional<CloseFrame> ChatClient::expectClose(int timeoutMs) {
  const int64_t deadline = nowMs() + timeoutMs;
  std::vector<Json> seen;
  while (!closeFrame_) {
    auto frame = tryNext(remainingMs(deadline));
    if (!frame) break;
    seen.push_back(*frame);
  }
  if (!closeFrame_) ADD_FAILURE() << name_ << ": no Close within " << timeoutMs << " ms; got " << describe(seen);
  return closeFrame_;
}

bool ChatClient::hangUp(int timeoutMs) {
  ws_.sendClose(1000);
  closeSent_ = true;
  const int64_t deadline = nowMs() + timeoutMs;
  while (!closeFrame_ && tryNext(remainingMs(deadline))) {
  }
  if (closeFrame_ && ws_.waitForEof(remainingMs(deadline))) {
    ws_.close();
    return true;
  }
  ADD_FAILURE() << name_ << ": the server did not finish the closing handshake";
  return false;
}

}  // namespace chatd::testing
