// The key a throttle counts a client's attempts under: an IPv4 address as
// is, an IPv6 address by its /64 prefix ("2001:db8:1:2::/64"), since one host
// commonly holds a whole /64 and could otherwise take a fresh key per attempt.
// An IPv4-mapped IPv6 address ("::ffff:10.0.0.1") is its IPv4 address.
// Anything that is not an address text is returned unchanged.
#pragma once

#include <string>
#include <string_view>

namespace chatd::reactor {

std::string addressKey(std::string_view address);

}  // namespace chatd::reactor
