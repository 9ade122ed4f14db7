// What the chat scenarios need before any session connects, prepared once in
// the parent (the forked workers inherit it): a token for every session and
// the rooms they join. All of it over the first --url node's HTTP API (the
// nodes of a cluster share one store).
//
// Tokens: with --jwt-secret, minted here (HS256, sub "bench:<i>", chatd
// creates that user the first time it sees the token) -- no HTTP at all.
// Otherwise each session's user PREFIX-<i> is registered over HTTP
// (POST /api/v1/register; a name already taken is logged in instead), which
// costs chatd one Argon2 hash per user: run it with a cheap --argon2-memory.
// Rooms: --rooms public rooms "PREFIX-r<k>", created by session 0's user.
// With --members-first, every session's user then joins its room over HTTP
// (POST /api/v1/rooms/ID/join), so that chatd already knows the users and
// their memberships when the sessions connect: the connect time and memory
// measured are then the sessions' own, not the accounts'.
// chat-history and chat-mixed then post --history-fill messages to each room.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/Options.h"

namespace chatd::bench {

struct ChatPlan {
  std::string run;                  // names this run's users and rooms
  std::string jwtSecret;            // mint tokens when set
  std::vector<std::string> tokens;  // per global session index, when registered
  std::vector<int64_t> roomIds;     // room k (session i is in room i % rooms)

  std::string token(size_t index) const;
};

// HS256 compact JWT {"sub":SUBJECT,"name":NAME,"iat":now,"exp":EXP}, signed with OpenSSL's HMAC.
std::string mintHs256Token(const std::string& secret, const std::string& subject, const std::string& name,
                           int64_t expiresAt);

// Registers or mints the tokens, creates the rooms, fills their history.
// false with `error` when chatd refused (say, a wrong --jwt-secret).
bool prepareChat(const Options& options, ChatPlan& plan, std::string& error);

}  // namespace chatd::bench
