// One asynchronous connection to a Redis server, driven by our EventLoop
// through hiredis's async API. Owns the hiredis context (and so the socket),
// its loop registration, one Timer for the connect and command deadlines and
// the queue of commands awaiting an answer.
//
// - hiredis asks for read/write interest through its ev hooks; we keep the
//   epoll mask in step and call epoll_ctl only when it changes, so the
//   commands issued during one loop iteration leave in one write on the next
//   writable event (pipelining).
// - Answers arrive in order, so one deadline per pending command in a FIFO
//   and one Timer suffice. A command unanswered after commandTimeoutMs fails
//   alone with RedisStatus::kTimeout; its place in the FIFO stays, so its
//   late answer is read and dropped and the next answers still match. (A
//   slow moment, a starved core, costs the commands it delays, not every
//   command in flight and a reconnect.) Before any command is failed, what
//   the socket holds is read: a loop that woke late may find the answer
//   there. Only a server silent for deadAfterMs while a command waits is
//   given up on: the connection is dropped. The connect has its own timeout.
// - Callbacks (replies and state) never run inside hiredis: replies are
//   collected while hiredis parses and delivered after it returns, so a
//   callback may issue commands. It must not destroy this object (use
//   EventLoop::destroyLater).
// - Pub/sub: SUBSCRIBE breaks the one-answer-per-command order, so a
//   connection that subscribes (subscribe()/unsubscribe()) is a subscriber
//   and issues nothing else: hiredis routes its pushes (confirmations and
//   messages) to one hook that never touches the command FIFO, and messages
//   are delivered like replies, after hiredis returns. Its subscriptions die
//   with the connection: the owner subscribes again on the next connect.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reactor/EventLoop.h"
#include "reactor/TimerWheel.h"
#include "store/StoreMetrics.h"
#include "store/redis/RedisReply.h"
#include "store/redis/RedisUrl.h"

struct redisAsyncContext;

namespace chatd::store {

struct RedisOptions {
  RedisAddress address;
  uint64_t connectTimeoutMs = 2000;
  uint64_t commandTimeoutMs = 2000;
  // No answer at all for this long while a command waits: the server is
  // hung or gone, and the connection is dropped (and reconnected by its owner).
  uint64_t deadAfterMs = 8000;
  // What may wait for this server's answers, sent or not: past either bound
  // a command is refused at once (RedisStatus::kBacklogged), so a slow Redis
  // costs the callers an `unavailable`, not our memory. An append's content
  // is at most --max-content, so 64 MiB is hundreds of times a second's worth.
  size_t maxPendingCommands = 100'000;
  size_t maxPendingBytes = 64 << 20;
  // Times each command to its answer (borrowed; outlives the connection); null: not measured.
  OperationMetrics* commandMetrics = nullptr;
};

class RedisConnection final : private reactor::IoHandler, private reactor::TimerHandler {
 public:
  using ReplyCallback = std::function<void(const RedisReply&)>;
  // Connected: the socket is up and AUTH/SELECT (when asked for) succeeded.
  using ConnectedCallback = std::function<void()>;
  // Disconnected, or never connected: why. Called once per connect().
  using DisconnectedCallback = std::function<void(const std::string& reason)>;
  // A pub/sub message: its channel and payload (valid during the call only).
  using MessageCallback = std::function<void(std::string_view channel, std::string_view payload)>;

  RedisConnection(reactor::EventLoop& loop, RedisOptions options);
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;
  // Drops the connection; pending callbacks are not called.
  ~RedisConnection();

  void onConnected(ConnectedCallback callback) { onConnected_ = std::move(callback); }
  void onDisconnected(DisconnectedCallback callback) { onDisconnected_ = std::move(callback); }

  // Starts connecting (no-op while connecting or connected). Commands may be
  // issued at once: they are queued behind AUTH and SELECT.
  void connect();
  bool connected() const { return state_ == State::kConnected; }
  // Drops the connection now, as if it were lost: pending commands fail, and
  // onDisconnected hears `reason` (later in the loop). For an owner that
  // found the connection useless by its own checks.
  void disconnect(const std::string& reason);

  // Sends one command, binary-safe (each argument is one bulk string).
  // Without a connection, `callback` gets RedisStatus::kDisconnected (deferred).
  void command(std::initializer_list<std::string_view> args, ReplyCallback callback);
  void command(const std::vector<std::string_view>& args, ReplyCallback callback);

  // --- Subscriber mode (never mixed with command() on one connection) ---
  void onMessage(MessageCallback callback) { onMessage_ = std::move(callback); }
  // SUBSCRIBE to `channels` (one command); `confirmed` runs once Redis has
  // confirmed all of them, so nothing published after that is missed.
  // Without a connection nothing happens: subscribe again once connected.
  void subscribe(const std::vector<std::string_view>& channels, std::function<void()> confirmed = {});
  void unsubscribe(const std::vector<std::string_view>& channels);

 private:
  enum class State : uint8_t { kIdle, kConnecting, kHandshaking, kConnected };
  struct Pending {
    ReplyCallback callback;  // empty for AUTH/SELECT, whose answers we check ourselves
    uint64_t deadlineMs;
    uint64_t issuedUs;       // 0 when not measured
    size_t bytes;            // its arguments' (pendingBytes_)
    bool timedOut = false;   // answered kTimeout already: its late answer is dropped
  };
  struct Completion {
    ReplyCallback callback;
    RedisReply reply;
  };

  void handleReadable(uint32_t events) override;
  void handleWritable() override;
  void handleTimer(reactor::Timer& timer) override;

  void send(const std::string_view* args, size_t count, ReplyCallback callback);
  void failLater(ReplyCallback callback, std::string reason, RedisStatus status = RedisStatus::kDisconnected);
  // hiredis hooks (ev.data and privdata are `this`).
  static void hookAddRead(void* self);
  static void hookDelRead(void* self);
  static void hookAddWrite(void* self);
  static void hookDelWrite(void* self);
  static void hookCleanup(void* self);
  static void hookConnected(const redisAsyncContext* context, int status);
  static void hookDisconnected(const redisAsyncContext* context, int status);
  static void hookReply(redisAsyncContext* context, void* reply, void* self);
  static void hookPush(redisAsyncContext* context, void* reply, void* self);

  using Hook = void (*)(redisAsyncContext* context, void* reply, void* self);
  // Hands one command to hiredis, answered through `hook`; false when hiredis refused it.
  bool issue(Hook hook, const std::string_view* args, size_t count);
  void subscription(std::string_view verb, const std::vector<std::string_view>& channels);
  void pushed(void* hiredisReply);

  void setInterest(uint32_t events);
  void answerFront(void* hiredisReply);
  void handshakeAnswered(const RedisReply& reply);
  // A command answered (or failed): its latency into options_.commandMetrics.
  void measure(const Pending& command, bool ok);
  // Frees the hiredis context (failing what is pending with `status`) and
  // reports `reason` as a disconnect. Never called from inside hiredis.
  void drop(RedisStatus status, const std::string& reason);
  void rearmDeadline();
  // Fails the commands past their deadlines (the timed-out ones form a
  // prefix of pending_: deadlines grow along it); false when the connection
  // was dropped instead (a handshake command, or a server silent too long).
  bool expireCommands(uint64_t now);
  // When the oldest pending command will have waited deadAfterMs; pending_ is not empty.
  uint64_t deadAtMs() const;
  // The earliest of deadAtMs() and the next deadline not yet expired.
  uint64_t nextExpiry() const;
  void deliver();

  reactor::EventLoop& loop_;
  RedisOptions options_;
  redisAsyncContext* context_ = nullptr;
  int fd_ = -1;
  uint32_t interest_ = 0;  // the epoll mask registered for fd_ (0: not registered)
  State state_ = State::kIdle;
  uint64_t connectDeadlineMs_ = 0;
  size_t handshakeLeft_ = 0;           // AUTH/SELECT answers still to come
  std::string failure_;                // why the connection failed or is to be dropped
  RedisStatus failureStatus_ = RedisStatus::kDisconnected;  // for the answers a drop fails
  bool dropRequested_ = false;         // decided inside hiredis; dropped after it returns
  bool disconnectPending_ = false;     // report failure_ through onDisconnected_ in deliver()
  bool connectedPending_ = false;      // report onConnected_ in deliver()
  std::deque<Pending> pending_;
  size_t pendingBytes_ = 0;  // the sum of pending_'s bytes
  size_t timedOut_ = 0;  // how many of pending_'s first entries timed out
  std::vector<Completion> completions_;
  std::vector<Completion> delivering_;  // completions_'s batch being delivered (kept for its capacity)
  reactor::Timer deadline_{this};
  // Subscriber mode: SUBSCRIBE commands awaiting their confirmations, oldest
  // first (confirmations come in order), and the messages heard but not yet delivered.
  struct Subscribing {
    size_t unconfirmed;
    std::function<void()> confirmed;
  };
  std::deque<Subscribing> subscribing_;
  std::vector<std::pair<std::string, std::string>> messages_;
  std::vector<std::pair<std::string, std::string>> deliveringMessages_;
  std::vector<std::function<void()>> confirmations_;
  MessageCallback onMessage_;
  ConnectedCallback onConnected_;
  DisconnectedCallback onDisconnected_;
};

}  // namespace chatd::store
