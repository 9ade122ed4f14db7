// The server's side of permessage-deflate negotiation (RFC 7692 §5, §7.1):
// reads a client's Sec-WebSocket-Extensions offers and says which one chatd
// accepts, with the response value for the 101. Owns nothing; no I/O.
//
// The lines of the header are one comma-separated list (RFC 7230 §3.2.2) of
// offers, each a token with ";"-separated parameters whose values are tokens or
// quoted-strings (RFC 6455 §9.1). A list that does not parse is not understood,
// so nothing in it is accepted. Offers are tried in the client's order: an
// offer of another extension is skipped, and a permessage-deflate offer with
// an unknown or repeated parameter, or a bad value, is declined (§7.1) and the
// next one tried. Declining is never an error: the connection then proceeds
// uncompressed, without a Sec-WebSocket-Extensions header.
//
// chatd's answer always carries server_no_context_takeover and
// client_no_context_takeover (a server may add both unasked, §7.1.1.1 and
// §7.1.1.2). With no context takeover in either direction, no message depends
// on the one before: every incoming message is inflated by one loop-wide
// z_stream reset between messages, and a broadcast is compressed once for every
// member, so a connection holds no zlib state at all.
//
// Window sizes: chatd compresses with a 15-bit window. An offer's
// server_max_window_bits=N is accepted and echoed, and remembered: a message of
// L plaintext bytes only refers back fewer than L bytes, so its compressed form
// is valid in a 2^N window whenever L <= 2^N; a longer one goes to that client
// uncompressed (RSV1 is per message). client_max_window_bits, valueless or
// 8..15, is accepted and never echoed: chatd inflates with a 15-bit window,
// which decodes any smaller one, and a value the client did not offer must not
// be sent back (§7.1.2.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chatd::proto {

struct DeflateAgreement {
  static constexpr uint8_t kMaxWindowBits = 15;
  // The largest window (log2) the client inflates with: 15 unless it offered
  // server_max_window_bits.
  uint8_t serverMaxWindowBits = kMaxWindowBits;
  // The Sec-WebSocket-Extensions value of the 101.
  std::string responseHeader;
};

// `values`: every Sec-WebSocket-Extensions line of the request, in order.
// The first acceptable permessage-deflate offer's agreement; nullopt when
// there is none.
std::optional<DeflateAgreement> acceptDeflateOffer(std::span<const std::string_view> values);

}  // namespace chatd::proto
