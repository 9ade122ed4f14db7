#include "server/PollSessions.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>

#include "proto/HttpResponse.h"
#include "proto/JsonWriter.h"
#include "proto/RandomHex.h"
#include "reactor/Log.h"
#include "reactor/TimerWheel.h"
#include "server/HttpServer.h"

namespace chatd::server {

namespace {

constexpr size_t kIdBytes = 16;
// What one answer carries at most: a long backlog goes over several polls.
constexpr size_t kMaxAnswerBytes = 1024 * 1024;

// The payload of a server frame (unmasked, uncompressed: as makeServerFrame() builds them).
std::string_view payloadOf(const reactor::BlockRef& frame) {
  const auto* bytes = frame.data();
  const size_t size = frame.size();
  if (size < 2) return {};
  const uint8_t length = bytes[1] & 0x7f;
  const size_t header = length == 126 ? 4 : length == 127 ? 10 : 2;
  if (size < header) return {};
  return {reinterpret_cast<const char*>(bytes) + header, size - header};
}

proto::HttpResponse noSession() {
  return proto::jsonError(404, "no_session", "no such poll session: open another");
}

proto::HttpResponse noContent() {
  proto::HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace

class PollSessions::Session final : public WsSession, private reactor::TimerHandler {
 public:
  Session(PollSessions& owner, std::string id) : owner_(owner), id_(std::move(id)) { idle(); }
  ~Session() { reactor::TimerWheel::cancel(timer_); }

  const std::string& id() const { return id_; }
  bool closed() const { return closeCode_ != 0; }

  // WsSession
  void reply(proto::WsOpcode opcode, std::span<const uint8_t> payload) override {
    if (opcode == proto::WsOpcode::kText) queue({reinterpret_cast<const char*>(payload.data()), payload.size()});
  }
  reactor::OutputQueue::PushResult sendShared(const reactor::BlockRef& frame) override {
    if (queued_ > 0 && queued_ >= owner_.options_.maxQueueBytes) return reactor::OutputQueue::PushResult::kRefused;
    queue(payloadOf(frame));
    return queued_ >= owner_.options_.maxQueueBytes ? reactor::OutputQueue::PushResult::kFull
                                                    : reactor::OutputQueue::PushResult::kQueued;
  }
  size_t queuedBytes() const override { return queued_; }
  uint64_t bytesAcked() const override { return answered_; }
  uint32_t messagesIn() const override { return messagesIn_; }
  uint32_t messagesOut() const override { return messagesOut_; }
  void notifyWhenDrained() override {
    wantsDrained_ = true;
    if (frames_.empty()) drained();
  }
  // The endpoint hears onClosing() and onClose() in a later task (never
  // inside its own call); the session lingers until its last frames and the
  // close are polled, or kLingerMs.
  void close(uint16_t code, std::string_view reason) override {
    if (closed()) return;
    closeCode_ = code;
    closeReason_ = std::string(reason.substr(0, 123));
    reactor::TimerWheel::cancel(timer_);
    owner_.loop_.scheduleTimer(timer_, kLingerMs);
    owner_.loop_.runInLoop([owner = &owner_, id = id_] {
      if (const auto it = owner->sessions_.find(id); it != owner->sessions_.end()) owner->endSession(*it->second);
    });
    answer();
  }

  // A GET: answered now when something waits, else held until something
  // comes or `waitMs` passes. An earlier GET still held is answered first.
  void poll(const HttpResponder& responder, uint64_t waitMs) {
    answer();
    waiting_ = responder;
    if (!frames_.empty() || closed()) return answer();
    reactor::TimerWheel::cancel(timer_);
    owner_.loop_.scheduleTimer(timer_, waitMs);
    responder.onAbandoned([owner = &owner_, id = id_] {
      if (const auto it = owner->sessions_.find(id); it != owner->sessions_.end()) it->second->abandoned();
    });
  }
  void received() { ++messagesIn_; }
  uint16_t closeCode() const { return closeCode_; }
  const std::string& closeReason() const { return closeReason_; }

 private:
  static constexpr uint64_t kLingerMs = 10'000;

  void handleTimer(reactor::Timer&) override {
    if (closed()) return owner_.forget(id_);  // its last frames were never polled
    if (waiting_) return answer();
    close(1001, "not polled");  // nobody asked for kIdleMs
  }
  void idle() {
    if (closed()) return;
    reactor::TimerWheel::cancel(timer_);
    owner_.loop_.scheduleTimer(timer_, kIdleMs);
  }
  void abandoned() {
    waiting_.reset();
    idle();
  }
  void queue(std::string_view payload) {
    if (closed()) return;
    frames_.emplace_back(payload);
    queued_ += payload.size();
    ++messagesOut_;
    if (waiting_) answer();
  }
  // Answers the waiting GET, if any, with what is queued (up to
  // kMaxAnswerBytes) and the close once closed; the idle clock restarts.
  void answer() {
    if (!waiting_) return;
    proto::JsonWriter w;
    w.beginObject().key("frames").beginArray();
    size_t bytes = 0;
    while (!frames_.empty() && (bytes == 0 || bytes + frames_.front().size() <= kMaxAnswerBytes)) {
      w.raw(frames_.front());
      bytes += frames_.front().size();
      frames_.pop_front();
    }
    w.endArray();
    queued_ -= bytes;
    answered_ += bytes;
    const bool last = closed() && frames_.empty();
    if (last) {
      w.key("close").beginObject().key("code").value(static_cast<int64_t>(closeCode_));
      w.key("reason").value(closeReason_).endObject();
    }
    w.endObject();
    std::exchange(waiting_, std::nullopt)->respond(proto::jsonResponse(200, w.take()));
    if (last) return owner_.forget(id_);
    idle();
    if (frames_.empty() && wantsDrained_) drained();
  }
  void drained() {
    wantsDrained_ = false;
    owner_.loop_.runInLoop([owner = &owner_, id = id_] {
      if (const auto it = owner->sessions_.find(id); it != owner->sessions_.end() && !it->second->closed()) {
        owner->endpoint_.onDrained(*it->second);
      }
    });
  }

  PollSessions& owner_;
  const std::string id_;
  std::deque<std::string> frames_;
  size_t queued_ = 0;
  uint64_t answered_ = 0;
  uint32_t messagesIn_ = 0;
  uint32_t messagesOut_ = 0;
  bool wantsDrained_ = false;
  uint16_t closeCode_ = 0;
  std::string closeReason_;
  std::optional<HttpResponder> waiting_;
  reactor::Timer timer_{this};
};

PollSessions::PollSessions(reactor::EventLoop& loop, WsEndpoint& endpoint, const ServerOptions& options,
                           ClientLimits& limits)
    : loop_(loop), endpoint_(endpoint), options_(options), limits_(limits) {}

PollSessions::~PollSessions() = default;

void PollSessions::addRoutes(Router& router, const std::string& base) {
  router.add("POST", base, [this](const proto::HttpRequest& request, const PathParams&,
                                  const HttpResponder& responder) { open(request, responder); });
  const std::string one = base + "/{session:hex}";
  router.add("GET", one, [this](const proto::HttpRequest& request, const PathParams& params,
                                const HttpResponder& responder) {
    if (Session* s = find(params, responder)) poll(*s, request, responder);
  });
  router.add("POST", one, [this](const proto::HttpRequest& request, const PathParams& params,
                                 const HttpResponder& responder) {
    if (Session* s = find(params, responder)) post(*s, request, responder);
  });
  router.add("DELETE", one, [this](const proto::HttpRequest&, const PathParams& params,
                                   const HttpResponder& responder) {
    if (Session* s = find(params, responder)) {
      s->close(1000, "");
      responder.respond(noContent());
    }
  });
}

void PollSessions::open(const proto::HttpRequest& request, const HttpResponder& responder) {
  if (sessions_.size() >= kMaxSessions) {
    return responder.respond(proto::jsonError(503, "overloaded", "too many poll sessions, retry later"));
  }
  const std::string& address = responder.peerAddress();
  if (limits_.active()) {
    if (const auto retry = limits_.admitUpgrade(address, loop_.nowMs())) {
      return responder.respond(proto::jsonError(429, "rate_limited", "too many sessions opened from your address")
                                   .header("Retry-After", std::to_string(*retry)));
    }
  }
  WsEndpoint::Admission admission = endpoint_.admit(request, address);
  if (admission.refusal) return responder.respond(std::move(*admission.refusal));
  std::optional<std::string> id = proto::randomHex(kIdBytes);
  if (!id) return responder.respond(proto::jsonError(503, "unavailable", "no randomness for a session id, retry"));
  auto session = std::make_unique<Session>(*this, *id);
  if (limits_.active() && !limits_.admitConnection(address, session.get())) {
    return responder.respond(HttpServer::addressBusy());
  }
  Session& s = *session;
  sessions_.emplace(*id, std::move(session));
  proto::JsonWriter w;
  w.beginObject().key("session").value(*id).endObject();
  responder.respond(proto::jsonResponse(201, w.take()));
  endpoint_.onOpen(s, request, std::move(admission.admitted), responder.peerAddress());
}

void PollSessions::poll(Session& session, const proto::HttpRequest& request, const HttpResponder& responder) {
  int64_t waitSeconds = kDefaultWaitSeconds;
  if (const auto wait = request.queryParam("wait")) {
    waitSeconds = std::clamp<int64_t>(std::atoll(wait->c_str()), 0, kMaxWaitSeconds);
  }
  session.poll(responder, static_cast<uint64_t>(waitSeconds) * 1000);
}

void PollSessions::post(Session& session, const proto::HttpRequest& request, const HttpResponder& responder) {
  if (session.closed()) return responder.respond(noSession());
  if (request.body.size() > options_.maxMessageBytes) {
    return responder.respond(proto::jsonError(413, "too_large", "a message is at most --max-message bytes"));
  }
  session.received();
  responder.respond(noContent());
  const auto* bytes = reinterpret_cast<const uint8_t*>(request.body.data());
  endpoint_.onMessage(session, proto::WsOpcode::kText, {bytes, request.body.size()});
}

PollSessions::Session* PollSessions::find(const PathParams& params, const HttpResponder& responder) {
  const auto it = sessions_.find(std::string(params.text("session")));
  if (it == sessions_.end() || (it->second->closed() && !responder.connectionOpen())) {
    responder.respond(noSession());
    return nullptr;
  }
  return it->second.get();
}

void PollSessions::endSession(Session& session) {
  endpoint_.onClosing(session, session.closeCode(), session.closeReason());
  endpoint_.onClose(session);
}

void PollSessions::forget(const std::string& id) {
  loop_.runInLoop([this, id] {
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    std::unique_ptr<Session> gone = std::move(it->second);
    sessions_.erase(it);
    limits_.release(gone.get());
    loop_.destroyLater(std::move(gone));
  });
}

void PollSessions::shutdown() {
  for (auto& [id, session] : sessions_) {
    if (session->closed()) continue;
    endpoint_.onServerShutdown(*session);
    session->close(1001, "server shutting down");
  }
}

}  // namespace chatd::server
