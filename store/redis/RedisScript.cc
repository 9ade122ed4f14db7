#include "store/redis/RedisScript.h"

#include <openssl/sha.h>

#include "reactor/Log.h"
#include "store/redis/RedisDecode.h"

namespace chatd::store {
namespace {

// What every script starts with. The status codes are StoreStatus's values
// (RedisDecode's scriptStatus() maps them back).
constexpr std::string_view kPrelude = R"LUA(
local P = ARGV[1]
local OK, NOT_FOUND, CONFLICT, OVER_QUOTA = 0, 1, 2, 3
local function k_user(id) return P .. 'user:' .. id end
local function k_room(id) return P .. 'room:' .. id end
local function k_room_part(id, part) return P .. 'room:' .. id .. ':' .. part end
-- Redis's clock, so that every node stamps rows from one clock.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- A user as {id, username, nickname, created_at, state, last_seen, avatar}, or false when there is none.
local function user_row(id)
  local f = redis.call('HMGET', k_user(id), 'username', 'nickname', 'created_at', 'state', 'last_seen', 'avatar')
  if not f[1] then return false end
  return {tonumber(id), f[1], f[2] or '', tonumber(f[3]), tonumber(f[4] or 0), tonumber(f[5] or 0), f[6] or ''}
end
)LUA";

std::string hexSha1(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * SHA_DIGEST_LENGTH);
  for (const unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  return hex;
}

struct Run {
  const RedisScript* script;
  RedisConnection* redis;
  std::vector<std::string> argv;  // "EVALSHA", sha, "0", prefix, args...
  RedisScript::Answer answer;
};

std::vector<std::string_view> views(const std::vector<std::string>& argv) {
  return {argv.begin(), argv.end()};
}

// "EVALSHA"/"EVAL", the digest or the text, no keys, the prefix, the script's arguments.
std::vector<std::string> scriptCall(std::string command, std::string script, const std::string& prefix,
                                    std::vector<std::string>& args) {
  std::vector<std::string> argv;
  argv.reserve(args.size() + 4);
  argv.insert(argv.end(), {std::move(command), std::move(script), "0", prefix});
  for (std::string& arg : args) argv.push_back(std::move(arg));
  return argv;
}

void answerWith(RedisScript::Answer& answer, const RedisReply& reply) {
  if (!reply.ok()) {
    if (reply.status == RedisStatus::kOk) LOG_WARN("redis script failed: %s", reply.text.c_str());
    return answer(StoreStatus::kFailed, {});
  }
  const StoreStatus status = scriptStatus(reply);
  std::vector<RedisReply> rest;
  if (reply.elements.size() > 1) rest.assign(reply.elements.begin() + 1, reply.elements.end());
  answer(status, std::move(rest));
}

}  // namespace

RedisScript::RedisScript(std::string_view body) : source_(std::string(kPrelude) + std::string(body)) {
  sha_ = hexSha1(source_);
}

void RedisScript::run(RedisConnection& redis, const std::string& prefix, std::vector<std::string> args,
                      Answer answer) const {
  auto run = std::make_shared<Run>(Run{this, &redis, scriptCall("EVALSHA", sha_, prefix, args), std::move(answer)});
  redis.command(views(run->argv), [run](const RedisReply& reply) {
    if (reply.status != RedisStatus::kOk || reply.kind != RedisReply::Kind::kError ||
        reply.text.rfind("NOSCRIPT", 0) != 0) {
      return answerWith(run->answer, reply);
    }
    // Not cached on this server yet: the same call with the text, once.
    run->argv[0] = "EVAL";
    run->argv[1] = run->script->source_;
    run->redis->command(views(run->argv), [run](const RedisReply& again) { answerWith(run->answer, again); });
  });
}

void RedisScript::runText(RedisConnection& redis, const std::string& prefix, std::vector<std::string> args,
                          Answer answer) const {
  redis.command(views(scriptCall("EVAL", source_, prefix, args)),
                [answer = std::move(answer)](const RedisReply& reply) mutable { answerWith(answer, reply); });
}

}  // namespace chatd::store
