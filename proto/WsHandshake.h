// The server side of the RFC 6455 §4.2 opening handshake: checks an Upgrade
// request and builds the 101 answer, or says which error to send. No I/O.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/HttpRequest.h"
#include "proto/HttpResponse.h"
#include "proto/WsDeflateOffer.h"

namespace chatd::proto {

struct WsHandshakeResult {
  bool accepted = false;
  HttpResponse response;  // 101 when accepted; 400 or 426 (+ Sec-WebSocket-Version: 13) otherwise
  std::string protocol;   // the subprotocol chosen, empty when none
  std::optional<DeflateAgreement> deflate;  // permessage-deflate accepted (and answered in the 101)
};

// The subprotocol chosen is the client's first offer (Sec-WebSocket-Protocol,
// in its order) that is in `supportedProtocols`: never one it did not offer.
// With `acceptDeflate`, a permessage-deflate offer chatd can take is accepted
// (WsDeflateOffer.h); an offer it cannot take is declined, never refused.
WsHandshakeResult evaluateWsHandshake(const HttpRequest& request,
                                      std::span<const std::string> supportedProtocols, bool acceptDeflate = false);

// base64(SHA-1(key + GUID)), RFC 6455 §4.2.2 step 5.4.
std::string wsAcceptKey(std::string_view clientKey);

}  // namespace chatd::proto
