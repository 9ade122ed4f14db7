#include "store/redis/RedisConnection.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace chatd::store {
namespace {

RedisConnection& owner(void* self) { return *static_cast<RedisConnection*>(self); }

}  // namespace

RedisConnection::RedisConnection(reactor::EventLoop& loop, RedisOptions options)
    : loop_(loop), options_(std::move(options)) {}

RedisConnection::~RedisConnection() {
  onConnected_ = nullptr;
  onDisconnected_ = nullptr;
  // The failed answers land in completions_, which dies with us undelivered.
  if (context_ != nullptr) redisAsyncFree(context_);
}

void RedisConnection::connect() {
  if (state_ != State::kIdle) return;
  const RedisAddress& address = options_.address;
  redisAsyncContext* context = address.unixPath.empty()
                                   ? redisAsyncConnect(address.host.c_str(), address.port)
                                   : redisAsyncConnectUnix(address.unixPath.c_str());
  failure_.clear();
  failureStatus_ = RedisStatus::kDisconnected;
  if (context == nullptr || context->err != 0) {
    failure_ = context != nullptr ? context->errstr : "out of memory";
    if (context != nullptr) redisAsyncFree(context);  // no hooks set yet: nothing calls back
    disconnectPending_ = true;
    rearmDeadline();
    return;
  }
  context_ = context;
  fd_ = context->c.fd;
  context->data = this;
  context->ev.data = this;
  context->ev.addRead = hookAddRead;
  context->ev.delRead = hookDelRead;
  context->ev.addWrite = hookAddWrite;
  context->ev.delWrite = hookDelWrite;
  context->ev.cleanup = hookCleanup;
  state_ = State::kConnecting;
  connectDeadlineMs_ = loop_.nowMs() + options_.connectTimeoutMs;
  // hiredis learns that the connect finished from the first writable event;
  // setting the callback arms it.
  redisAsyncSetConnectCallback(context, hookConnected);
  redisAsyncSetDisconnectCallback(context, hookDisconnected);

  // Queued before anything a caller sends, so they are answered first.
  handshakeLeft_ = 0;
  if (!address.password.empty()) {
    const std::string_view auth[] = {"AUTH", address.password};
    send(auth, 2, nullptr);
  }
  if (address.db != 0) {
    const std::string db = std::to_string(address.db);
    const std::string_view select[] = {"SELECT", db};
    send(select, 2, nullptr);
  }
  rearmDeadline();
}

void RedisConnection::disconnect(const std::string& reason) {
  drop(RedisStatus::kDisconnected, reason);
  rearmDeadline();
}

void RedisConnection::command(std::initializer_list<std::string_view> args, ReplyCallback callback) {
  send(args.begin(), args.size(), std::move(callback));
}

void RedisConnection::command(const std::vector<std::string_view>& args, ReplyCallback callback) {
  send(args.data(), args.size(), std::move(callback));
}

void RedisConnection::send(const std::string_view* args, size_t count, ReplyCallback callback) {
  if (context_ == nullptr) return failLater(std::move(callback), "not connected to redis");
  size_t bytes = 0;
  for (size_t i = 0; i < count; ++i) bytes += args[i].size();
  if (pending_.size() >= options_.maxPendingCommands || pendingBytes_ + bytes > options_.maxPendingBytes) {
    return failLater(std::move(callback),
                     "redis is not keeping up: " + std::to_string(pending_.size()) + " commands (" +
                         std::to_string(pendingBytes_) + " bytes) wait for it",
                     RedisStatus::kBacklogged);
  }
  if (!issue(hookReply, args, count)) return failLater(std::move(callback), "redis connection is closing");
  if (!callback) ++handshakeLeft_;
  pendingBytes_ += bytes;
  const uint64_t issuedUs = options_.commandMetrics && callback ? reactor::EventLoop::monotonicUs() : 0;
  pending_.push_back({std::move(callback), loop_.nowMs() + options_.commandTimeoutMs, issuedUs, bytes});
  if (pending_.size() == 1) rearmDeadline();
}

bool RedisConnection::issue(Hook hook, const std::string_view* args, size_t count) {
  // Most commands are short: their argument vectors stay on the stack.
  constexpr size_t kInline = 16;
  const char* inlineArgv[kInline];
  size_t inlineLengths[kInline];
  std::vector<const char*> heapArgv;
  std::vector<size_t> heapLengths;
  const char** argv = inlineArgv;
  size_t* lengths = inlineLengths;
  if (count > kInline) {
    heapArgv.resize(count);
    heapLengths.resize(count);
    argv = heapArgv.data();
    lengths = heapLengths.data();
  }
  for (size_t i = 0; i < count; ++i) {
    argv[i] = args[i].data();
    lengths[i] = args[i].size();
  }
  return redisAsyncCommandArgv(context_, hook, this, static_cast<int>(count), argv, lengths) == REDIS_OK;
}

void RedisConnection::subscribe(const std::vector<std::string_view>& channels, std::function<void()> confirmed) {
  if (context_ == nullptr || channels.empty()) return;
  subscription("SUBSCRIBE", channels);
  subscribing_.push_back({channels.size(), std::move(confirmed)});
}

void RedisConnection::unsubscribe(const std::vector<std::string_view>& channels) {
  if (context_ == nullptr || channels.empty()) return;
  subscription("UNSUBSCRIBE", channels);
}

void RedisConnection::subscription(std::string_view verb, const std::vector<std::string_view>& channels) {
  std::vector<std::string_view> args;
  args.reserve(channels.size() + 1);
  args.push_back(verb);
  args.insert(args.end(), channels.begin(), channels.end());
  // hiredis refuses an UNSUBSCRIBE before anything was subscribed: nothing to undo then.
  issue(hookPush, args.data(), args.size());
}

void RedisConnection::failLater(ReplyCallback callback, std::string reason, RedisStatus status) {
  if (!callback) return;
  completions_.push_back({std::move(callback), failedReply(status, std::move(reason))});
  rearmDeadline();
}

void RedisConnection::handleReadable(uint32_t) {
  if (context_ != nullptr) redisAsyncHandleRead(context_);
  deliver();
}

void RedisConnection::handleWritable() {
  if (context_ != nullptr) redisAsyncHandleWrite(context_);
  deliver();
}

void RedisConnection::handleTimer(reactor::Timer&) {
  const uint64_t now = loop_.nowMs();
  if (state_ == State::kConnecting && now >= connectDeadlineMs_) {
    drop(RedisStatus::kTimeout, "redis connect timed out after " + std::to_string(options_.connectTimeoutMs) + " ms");
  } else if (!pending_.empty() && now >= nextExpiry()) {
    // Answers that arrived while the loop was busy elsewhere come first.
    if (context_ != nullptr && state_ != State::kConnecting) redisAsyncHandleRead(context_);
    expireCommands(now);
  }
  deliver();
}

uint64_t RedisConnection::deadAtMs() const {
  // The oldest command's deadline is commandTimeoutMs after its send.
  return pending_.front().deadlineMs - options_.commandTimeoutMs + options_.deadAfterMs;
}

uint64_t RedisConnection::nextExpiry() const {
  if (timedOut_ < pending_.size()) return std::min(deadAtMs(), pending_[timedOut_].deadlineMs);
  return deadAtMs();
}

bool RedisConnection::expireCommands(uint64_t now) {
  if (pending_.empty() || context_ == nullptr) return true;
  if (now >= deadAtMs()) {
    drop(RedisStatus::kTimeout, "redis has not answered for " + std::to_string(options_.deadAfterMs) + " ms");
    return false;
  }
  for (; timedOut_ < pending_.size() && now >= pending_[timedOut_].deadlineMs; ++timedOut_) {
    Pending& late = pending_[timedOut_];
    if (!late.callback) {  // AUTH or SELECT: the connection is not usable without it
      drop(RedisStatus::kTimeout, "redis handshake timed out after " + std::to_string(options_.commandTimeoutMs) + " ms");
      return false;
    }
    late.timedOut = true;
    measure(late, false);
    completions_.push_back({std::move(late.callback),
                            failedReply(RedisStatus::kTimeout, "redis command timed out after " +
                                                              std::to_string(options_.commandTimeoutMs) + " ms")});
    late.callback = nullptr;
  }
  return true;
}

void RedisConnection::drop(RedisStatus status, const std::string& reason) {
  if (context_ == nullptr) return;
  failure_ = reason;
  failureStatus_ = status;
  disconnectPending_ = true;
  state_ = State::kIdle;
  redisAsyncFree(context_);  // fails what is pending, then cleanup (context_ = nullptr)
  failureStatus_ = RedisStatus::kDisconnected;
}

void RedisConnection::deliver() {
  if (dropRequested_) {
    dropRequested_ = false;
    drop(RedisStatus::kDisconnected, failure_);
  }
  if (connectedPending_) {
    connectedPending_ = false;
    if (onConnected_) onConnected_();
  }
  // Taken first: a callback below may already connect() again.
  const bool reportDisconnect = disconnectPending_;
  std::string reason;
  if (reportDisconnect) {
    disconnectPending_ = false;
    reason.swap(failure_);
  }
  // A callback may issue commands, which may complete at once (no
  // connection): those wait for the next delivery.
  delivering_.swap(completions_);
  for (Completion& done : delivering_) done.callback(done.reply);
  delivering_.clear();
  deliveringMessages_.swap(messages_);
  for (const auto& [channel, payload] : deliveringMessages_) {
    if (onMessage_) onMessage_(channel, payload);
  }
  deliveringMessages_.clear();
  std::vector<std::function<void()>> confirmations;
  confirmations.swap(confirmations_);
  for (auto& confirmed : confirmations) confirmed();
  if (reportDisconnect && onDisconnected_) onDisconnected_(reason);
  rearmDeadline();
}

// One timer serves the connect deadline, the oldest command's deadline and
// "deliver soon" (a completion outside any I/O event, e.g. no connection).
void RedisConnection::rearmDeadline() {
  const uint64_t now = loop_.nowMs();
  uint64_t next = std::numeric_limits<uint64_t>::max();
  if (state_ == State::kConnecting) next = connectDeadlineMs_;
  if (!pending_.empty()) next = std::min(next, nextExpiry());
  if (!completions_.empty() || dropRequested_ || connectedPending_ || disconnectPending_) next = now;
  if (next == std::numeric_limits<uint64_t>::max()) {
    reactor::TimerWheel::cancel(deadline_);
  } else {
    loop_.scheduleTimer(deadline_, next > now ? next - now : 0);
  }
}

void RedisConnection::setInterest(uint32_t events) {
  if (events == interest_ || fd_ < 0) return;
  if (interest_ == 0) {
    if (const int rc = loop_.add(fd_, this, events); rc < 0) {
      failure_ = "cannot watch the redis socket: " + std::to_string(-rc);
      dropRequested_ = true;
      return;
    }
  } else if (events == 0) {
    loop_.remove(fd_, this);
  } else {
    loop_.modify(fd_, this, events);
  }
  interest_ = events;
}

void RedisConnection::answerFront(void* hiredisReply) {
  if (pending_.empty()) return;
  Pending front = std::move(pending_.front());
  pending_.pop_front();
  pendingBytes_ -= front.bytes;
  if (front.timedOut) {  // answered already: a late answer, or the connection going
    --timedOut_;
    return;
  }
  RedisReply reply;
  if (hiredisReply != nullptr) {
    reply = replyFromHiredis(*static_cast<redisReply*>(hiredisReply));
  } else {
    // Freed unanswered: only the overdue ones timed out, the rest lost their connection.
    const bool overdue = failureStatus_ == RedisStatus::kTimeout && loop_.nowMs() >= front.deadlineMs;
    reply = failedReply(overdue ? RedisStatus::kTimeout : RedisStatus::kDisconnected,
                   failure_.empty() ? "redis connection lost" : failure_);
  }
  if (front.callback) {
    measure(front, reply.ok());
    completions_.push_back({std::move(front.callback), std::move(reply)});
  } else {
    handshakeAnswered(reply);
  }
}

void RedisConnection::measure(const Pending& command, bool ok) {
  if (command.issuedUs != 0) options_.commandMetrics->completed(command.issuedUs, ok);
}

void RedisConnection::handshakeAnswered(const RedisReply& reply) {
  --handshakeLeft_;
  if (reply.status != RedisStatus::kOk) return;  // the connection is already going
  if (!reply.ok()) {
    if (dropRequested_) return;  // the first refusal says why
    failure_ = "redis handshake failed: " + reply.text;
    dropRequested_ = true;
  } else if (handshakeLeft_ == 0 && state_ == State::kHandshaking) {
    state_ = State::kConnected;
    connectedPending_ = true;
  }
}

void RedisConnection::hookAddRead(void* self) { owner(self).setInterest(owner(self).interest_ | EPOLLIN); }
void RedisConnection::hookDelRead(void* self) { owner(self).setInterest(owner(self).interest_ & ~EPOLLIN); }
void RedisConnection::hookAddWrite(void* self) { owner(self).setInterest(owner(self).interest_ | EPOLLOUT); }
void RedisConnection::hookDelWrite(void* self) { owner(self).setInterest(owner(self).interest_ & ~EPOLLOUT); }

// hiredis 0.14 calls cleanup only on its way to freeing the context.
void RedisConnection::hookCleanup(void* self) {
  RedisConnection& connection = owner(self);
  connection.setInterest(0);
  connection.fd_ = -1;
  connection.context_ = nullptr;
  connection.state_ = State::kIdle;
  connection.subscribing_.clear();  // their confirmations will not come
}

void RedisConnection::hookConnected(const redisAsyncContext* context, int status) {
  RedisConnection& connection = owner(context->data);
  if (status != REDIS_OK) {
    // hiredis frees the context next, failing what is pending.
    connection.failure_ = std::string("redis connect failed: ") + context->errstr;
    connection.disconnectPending_ = true;
    connection.state_ = State::kIdle;
  } else if (connection.handshakeLeft_ == 0) {
    connection.state_ = State::kConnected;
    connection.connectedPending_ = true;
  } else {
    connection.state_ = State::kHandshaking;
  }
}

// Only for a context that had connected; its pending answers were failed just before.
void RedisConnection::hookDisconnected(const redisAsyncContext* context, int status) {
  RedisConnection& connection = owner(context->data);
  if (connection.failure_.empty()) {
    connection.failure_ = status == REDIS_OK ? "redis connection closed" : std::string("redis connection lost: ") + context->errstr;
  }
  connection.disconnectPending_ = true;
  connection.state_ = State::kIdle;
}

void RedisConnection::hookReply(redisAsyncContext*, void* reply, void* self) { owner(self).answerFront(reply); }
void RedisConnection::hookPush(redisAsyncContext*, void* reply, void* self) { owner(self).pushed(reply); }

// A subscriber's push: ["message", channel, payload], or ["subscribe" or
// "unsubscribe", channel, count]. hiredis passes null for each channel when
// it frees the context: nothing to do then.
void RedisConnection::pushed(void* hiredisReply) {
  const auto* reply = static_cast<const redisReply*>(hiredisReply);
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
  const redisReply& type = *reply->element[0];
  const redisReply& channel = *reply->element[1];
  const std::string_view verb(type.str, type.len);
  if (verb == "message") {
    const redisReply& payload = *reply->element[2];
    messages_.emplace_back(std::string(channel.str, channel.len), std::string(payload.str, payload.len));
  } else if (verb == "subscribe" && !subscribing_.empty() && --subscribing_.front().unconfirmed == 0) {
    if (subscribing_.front().confirmed) confirmations_.push_back(std::move(subscribing_.front().confirmed));
    subscribing_.pop_front();
  }
}

}  // namespace chatd::store
