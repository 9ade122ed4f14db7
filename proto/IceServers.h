// The STUN/TURN servers chatd hands to WebRTC clients (--ice-servers), as
// the JSON of RTCConfiguration.iceServers: an array of objects, each with
// "urls" (a URL or an array of them: stun:, stuns:, turn: or turns:) and,
// for TURN, "username" and "credential" strings. Pure: checks the text an
// operator wrote, which clients then get as it is.
#pragma once

#include <string>
#include <string_view>

namespace chatd::proto {

// Empty when `json` is such a list; else what is wrong.
std::string iceServersProblem(std::string_view json);

}  // namespace chatd::proto
