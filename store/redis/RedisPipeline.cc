#include "store/redis/RedisPipeline.h"

namespace chatd::store {

RedisPipeline::RedisPipeline(RedisOptions options) : redis_(loop_, std::move(options)) {
  redis_.onConnected([this] { loop_.stop(); });
  redis_.onDisconnected([this](const std::string& reason) {
    if (failure_.empty()) failure_ = "redis: " + reason;
    loop_.stop();
  });
}

bool RedisPipeline::connect(std::string& error) {
  redis_.connect();
  loop_.run();  // until connected or refused
  error = failure_;
  return failure_.empty();
}

void RedisPipeline::write(std::vector<std::string> args) { send(std::move(args), {}); }

void RedisPipeline::read(std::vector<std::string> args, std::function<void(const RedisReply&)> answer) {
  send(std::move(args), std::move(answer));
}

void RedisPipeline::send(std::vector<std::string> args, std::function<void(const RedisReply&)> answer) {
  if (unanswered_ >= kWindow || unansweredBytes_ >= kWindowBytes) runUntilAtMost(kWindow / 2, kWindowBytes / 2);
  if (!failure_.empty()) return;
  const std::vector<std::string_view> views(args.begin(), args.end());
  size_t bytes = 0;
  for (const std::string& arg : args) bytes += arg.size();
  ++unanswered_;
  unansweredBytes_ += bytes;
  // hiredis has formatted the command by the time command() returns: `args` may go.
  redis_.command(views, [this, bytes, command = args[0], answer = std::move(answer)](const RedisReply& reply) {
    if (!reply.ok() && failure_.empty()) failure_ = "redis " + command + ": " + reply.text;
    if (reply.ok() && answer) answer(reply);
    --unanswered_;
    unansweredBytes_ -= bytes;
    if (unanswered_ <= stopAt_ && unansweredBytes_ <= stopAtBytes_) loop_.stop();
  });
}

void RedisPipeline::runUntilAtMost(size_t commands, size_t bytes) {
  if (unanswered_ <= commands && unansweredBytes_ <= bytes) return;
  stopAt_ = commands;
  stopAtBytes_ = bytes;
  loop_.run();
}

bool RedisPipeline::wait(std::string& error) {
  runUntilAtMost(0, 0);
  error = failure_;
  return failure_.empty();
}

}  // namespace chatd::store
