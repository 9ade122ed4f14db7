#include "reactor/AddressKey.h"

#include <arpa/inet.h>

#include <cstring>

namespace chatd::reactor {

std::string addressKey(std::string_view address) {
  char text[INET6_ADDRSTRLEN + 4];
  if (address.size() >= sizeof text) return std::string(address);
  std::memcpy(text, address.data(), address.size());
  text[address.size()] = '\0';
  in6_addr v6;
  if (inet_pton(AF_INET6, text, &v6) != 1) return std::string(address);  // IPv4, or not an address
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    in_addr v4;
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    return inet_ntop(AF_INET, &v4, text, sizeof text) ? std::string(text) : std::string(address);
  }
  std::memset(&v6.s6_addr[8], 0, 8);
  if (!inet_ntop(AF_INET6, &v6, text, sizeof text)) return std::string(address);
  return std::string(text) + "/64";
}

}  // namespace chatd::reactor
