// A blocking face over RedisConnection for an offline command (chatd
// --migrate-to), which has no loop of its own: owns a private EventLoop and
// the connection, and runs the loop only while it waits for answers.
//
// Commands are pipelined: write() and read() return at once, and wait (run
// the loop) only while kWindow commands or kWindowBytes of arguments are
// unanswered, so memory stays bounded however much is sent. The first failed answer (an error reply, a
// timeout, a lost connection) is kept and every later wait reports it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "reactor/EventLoop.h"
#include "store/redis/RedisConnection.h"

namespace chatd::store {

class RedisPipeline {
 public:
  static constexpr size_t kWindow = 64;
  static constexpr size_t kWindowBytes = 16 << 20;

  explicit RedisPipeline(RedisOptions options);

  // Connects (and AUTH/SELECT); false with `error` when Redis cannot be reached.
  bool connect(std::string& error);

  // A command whose answer only needs to succeed.
  void write(std::vector<std::string> args);
  // A command whose answer goes to `answer` (not called when it failed).
  void read(std::vector<std::string> args, std::function<void(const RedisReply&)> answer);
  // Waits until every command sent has been answered; false with the first failure.
  bool wait(std::string& error);

 private:
  void send(std::vector<std::string> args, std::function<void(const RedisReply&)> answer);
  // Runs the loop until no more than `commands` and `bytes` are unanswered.
  void runUntilAtMost(size_t commands, size_t bytes);

  reactor::EventLoop loop_;
  RedisConnection redis_;
  size_t unanswered_ = 0;
  size_t unansweredBytes_ = 0;
  size_t stopAt_ = 0;       // the loop stops once unanswered_ ...
  size_t stopAtBytes_ = 0;  // ... and unansweredBytes_ are down to these
  std::string failure_;   // the first failure; empty while all went well
};

}  // namespace chatd::store
